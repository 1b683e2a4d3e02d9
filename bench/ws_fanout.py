"""Fan-out of live events: N WebSocket clients over two server processes sharing one Redis.

    .venv/bin/python bench/ws_fanout.py [--clients 2000] [--events 20] [--layer pubsub|core|both]
                                        [--write]

Starts a private redis-server, two uvicorn processes of the portal on a scratch SQLite database,
connects the clients (half to each server, all following "feed"), publishes M events from this
process through live.publish() (database, commit, channel layer) and measures, for each channel
layer: the share of (client, event) pairs delivered, the latency from the publish call to the
client's receipt (p50, p99, max), the servers' memory per connection (RSS growth / clients),
and the CPU time each event cost each server and this process (clients and publisher), with
the load average when the events began (other work on the machine counts).
--write puts the figures into docs/benchmarks.md between the ws_fanout markers.
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import machine, write_section

BASE_DIR = Path(__file__).absolute().parent.parent
LAYERS = {
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "core": "channels_redis.core.RedisChannelLayer",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


class Run:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.redis_port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        }
        self.processes = []

    def start(self, command, env=None, port=None):
        log = open(self.workdir / f"{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        if port:
            wait_for_port(port, process)
        return process

    def stop_all(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.processes = []


class Client(asyncio.Protocol):
    """One WebSocket client of /ws/live/ on the sans-I/O protocol of `websockets`.

    The clients are the instrument, not the thing measured: a coroutine per socket (the
    `websockets` asyncio client) cost this process about as much CPU per message as a server
    spends, and on two cores that time was added to every latency. A protocol object per
    socket reads each frame where it arrives. The receipt time is taken when the frame's bytes
    arrive; the JSON is parsed after the run.
    """

    def __init__(self, url, origin, since, state):
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.protocol = ClientProtocol(parse_uri(url), origin=origin, max_size=None)
        self.since = since
        self.state = state
        self.ticks = []  # (frame text, receipt time)
        self.subscribed = asyncio.get_running_loop().create_future()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data):
        from websockets.frames import Opcode
        from websockets.http11 import Response

        now = time.time()
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    self._fail(RuntimeError(f"handshake answered {event.status_code}"))
                    return
                subscribe = {"type": "subscribe", "topics": ["feed"], "since": self.since}
                self.protocol.send_text(json.dumps(subscribe).encode())
            elif event.opcode is Opcode.TEXT:
                self._text(event.data, now)
        self._flush()

    def _text(self, data, now):
        if data.startswith(b'{"type":"heartbeat"'):
            self.protocol.send_text(b'{"type":"pong"}')
        elif data.startswith(b'{"type": "subscribed"'):
            if not self.subscribed.done():
                self.subscribed.set_result(None)
        elif b'"bench.tick"' in data:
            self.ticks.append((data, now))
            self.state.ticks += 1

    def _flush(self):
        output = self.protocol.data_to_send()
        if output and not self.transport.is_closing():
            self.transport.write(b"".join(output))

    def _fail(self, error):
        if not self.subscribed.done():
            self.subscribed.set_exception(error)
        self.transport.close()

    def connection_lost(self, exc):
        self.state.closed += 1
        self._fail(exc or RuntimeError("the server closed the connection"))

    def latencies(self):
        """(n, seconds from publish to receipt) of each counted event this client got."""
        for data, now in self.ticks:
            payload = json.loads(data)["event"]["payload"]
            if payload["n"] >= 0:
                yield payload["n"], now - payload["sent_at"]


def publish_tick(n):
    from live import publish

    publish("feed", "bench.tick", {"n": n, "sent_at": time.time()})


async def measure(run, layer_name, servers):
    args = run.args
    import django
    from asgiref.sync import sync_to_async

    django.setup()
    from live.services import latest_id

    since = await sync_to_async(latest_id)()
    base_rss = [rss_kib(process.pid) for process, _port in servers]
    state = argparse.Namespace(ticks=0, closed=0)
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(100)  # connect in waves, as visitors arrive, not all at once

    async def one(index):
        _process, port = servers[index % len(servers)]
        async with gate:
            _transport, client = await loop.create_connection(
                lambda: Client(
                    f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}", since, state
                ),
                "127.0.0.1",
                port,
            )
            await asyncio.wait_for(client.subscribed, timeout=60)
        return client

    started = time.monotonic()
    clients = await asyncio.gather(*(one(index) for index in range(args.clients)))
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(2)  # let the servers settle before reading their memory
    per_connection_kib = statistics.mean(
        (rss_kib(process.pid) - base) / (args.clients / len(servers))
        for (process, _port), base in zip(servers, base_rss, strict=True)
    )
    # One event first, not counted: the publisher's database and Redis connections open here.
    await asyncio.to_thread(publish_tick, -1)
    await asyncio.sleep(1)
    state.ticks = 0
    expected = args.clients * args.events
    cpu_before = [cpu_seconds(process.pid) for process, _port in servers]
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    for n in range(args.events):
        await asyncio.to_thread(publish_tick, n)
        await asyncio.sleep(args.interval)
    deadline = time.monotonic() + 10
    while state.ticks < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    server_cpu = [
        cpu_seconds(process.pid) - before
        for (process, _port), before in zip(servers, cpu_before, strict=True)
    ]
    own = resource.getrusage(resource.RUSAGE_SELF)
    own_cpu = (own.ru_utime + own.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    received_by_client = [list(client.latencies()) for client in clients]
    for client in clients:
        client.transport.close()
    latencies = sorted(latency for received in received_by_client for _n, latency in received)
    delivered = sum(len({n for n, _ in received}) for received in received_by_client)
    slowest = {}
    for received in received_by_client:
        for n, latency in received:
            slowest[n] = max(slowest.get(n, 0), latency)

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "layer": layer_name,
        "clients": args.clients,
        "events": args.events,
        "delivered": delivered / expected,
        "p50": quantile(0.50) if latencies else float("nan"),
        "p99": quantile(0.99) if latencies else float("nan"),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "kib_per_connection": per_connection_kib,
        "connect_seconds": connect_seconds,
        # CPU per event: each server process, and the clients with the publisher (this process).
        "server_cpu_ms_per_event": [seconds * 1000 / args.events for seconds in server_cpu],
        "client_cpu_ms_per_event": own_cpu * 1000 / args.events,
        "load_average": load_before,
        # The slowest receipt of each event: tells one late event from a slow fan-out.
        "max_ms_by_event": [round(slowest[n] * 1000) for n in sorted(slowest)],
    }


def bench_layer(run, layer_name):
    env = {**run.env, "CHANNEL_LAYER_BACKEND": LAYERS[layer_name]}
    if layer_name == "core":
        # redis-py 8 pools hold 100 connections by default; RedisChannelLayer takes one per
        # concurrent operation and fails with "Too many connections" past that.
        env["REDIS_URL"] += "?max_connections=4096"
    servers = []
    for _ in range(2):
        port = free_port()
        process = run.start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "portal.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--lifespan",
                "off",
                "--ws-per-message-deflate",
                "true" if run.args.deflate else "false",
                "--ws-max-size",
                "65536",
            ],
            env=env,
            port=port,
        )
        servers.append((process, port))
    try:
        # A process of its own per layer: Django reads the channel layer settings once.
        measured = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                layer_name,
                "--servers",
                ",".join(f"{p.pid}:{port}" for p, port in servers),
                "--workdir",
                str(run.workdir),
                *sys.argv[1:],
            ],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if measured.returncode != 0:
            logs = "".join(
                (run.workdir / f"{index}.log").read_text(errors="replace")[-3000:]
                for index in range(len(run.processes))
            )
            raise RuntimeError(measured.stderr[-2000:] + "\nserver logs:\n" + logs)
        return json.loads(measured.stdout.strip().splitlines()[-1])
    finally:
        for process, _port in servers:
            process.terminate()
            process.wait(timeout=15)


class Pid:
    def __init__(self, pid):
        self.pid = pid


def table(results, command):
    lines = [
        f"`{command}`",
        "",
        f"{machine()}. The clients, both uvicorn servers, Redis and the publisher share the "
        "machine. Latency is from the live.publish() call (database insert and commit included) "
        "to the client's receipt. CPU is per event: each server's (1,000 sockets each at 2,000 "
        "clients), and the bench process's (all clients and the publisher).",
        "",
        "| channel layer | clients | events | delivered | p50 ms | p99 ms | max ms "
        "| server KiB per connection | server CPU ms per event | bench CPU ms per event "
        "| load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        server_cpu = " / ".join(f"{ms:.0f}" for ms in r["server_cpu_ms_per_event"])
        lines.append(
            f"| {LAYERS[r['layer']]} | {r['clients']} | {r['events']} | {r['delivered']:.2%} | "
            f"{r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | {r['kib_per_connection']:.0f} | "
            f"{server_cpu} | {r['client_cpu_ms_per_event']:.0f} | {r['load_average']:.1f} |"
        )
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between events")
    parser.add_argument("--layer", choices=["pubsub", "core", "both"], default="both")
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="let the servers compress each message per connection (uvicorn's default)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--servers", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (min(hard, max(soft, args.clients * 2 + 1024)), hard)
    )
    if args.measure:
        sys.path.insert(0, str(BASE_DIR))
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        servers = [
            (Pid(int(pid)), int(port))
            for pid, port in (item.split(":") for item in args.servers.split(","))
        ]
        run = Run(args, Path(args.workdir))
        print(json.dumps(asyncio.run(measure(run, args.measure, servers))))
        return
    redis_server = shutil.which("redis-server")
    if not redis_server:
        sys.exit("bench/ws_fanout.py needs redis-server")
    workdir = Path(tempfile.mkdtemp(prefix="ws-fanout-"))
    run = Run(args, workdir)
    results = []
    try:
        run.start(
            [
                redis_server,
                "--port",
                str(run.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            port=run.redis_port,
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=run.env,
            check=True,
        )
        layers = ["pubsub", "core"] if args.layer == "both" else [args.layer]
        for layer_name in layers:
            print(f"measuring {LAYERS[layer_name]} with {args.clients} clients…", flush=True)
            results.append(bench_layer(run, layer_name))
            print(json.dumps(results[-1]), flush=True)
    finally:
        run.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    command = "python bench/ws_fanout.py " + " ".join(
        arg for arg in sys.argv[1:] if arg != "--write"
    )
    text = table(results, command.strip())
    print(text)
    if args.write:
        write_section("ws_fanout", f"## Live fan-out (bench/ws_fanout.py)\n\n{text}")


if __name__ == "__main__":
    main()
