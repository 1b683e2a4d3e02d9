"""A booking rush: 500 visitors try to book one tour date with 20 places at the same moment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_tourism_bench \
        .venv/bin/python bench/booking_rush.py [--attempts 500] [--places 20] [--workers 2]

Makes (or empties) the database, migrates it, builds a tour with two dates (one for a warm-up
that books and is refused once on each worker, as a server that has served bookings before),
starts uvicorn as a real process (the portal's own ASGI application) and sends every attempt
at once over HTTP:
the booking form's POST, one visitor each on a connection of its own, with the CSRF cookie and
token the form gives. A held place answers 302 (to the test checkout: a Payment and its
checkout session are made for it); a refusal answers 409. Reports the places taken (counted in
the database: must equal the places), server errors and broken connections (must be 0),
throughput, latency percentiles and the CPU time of the server and of the load generator, and
writes them to docs/benchmarks.md (--no-report: print only).

The load generator runs on the same 2 cores as the server and PostgreSQL. It is a lean
HTTP/1.1 client (asyncio streams, h11 for the protocol): httpx's connection pool cost about
10 ms of CPU per request at 500 connections, a third of the machine taken from the server.
Every visitor's connection is opened before the rush (as a browser that has just loaded the
form keeps its connection), so the rush measures bookings, not TCP handshakes.

The server runs the embedded mode's test checkout (DEBUG on: the test checkout refuses to run
without it), so the figures include DEBUG's small overhead. Django's ASGI handler gives every
request its own thread, so 500 requests at once would open 500 database connections (PostgreSQL
allows 100): the server uses psycopg's connection pool (Django's OPTIONS["pool"]), as a
production deployment should (docs/tourism.md), and a request waits for a free connection.
Two workers: one per core. uvicorn's keep-alive timeout is raised from 5 s to 60 s so that no
connection opened for the rush is closed by the server while it waits for its turn.
"""

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import h11
from _report import machine, write_section  # bench/ is on the path when a script runs

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/h_tourism_bench"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fresh_postgres(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


SETUP = """
import datetime
from django.utils import timezone
from tests.pages import build_site_tree
from tests.tourism.conftest import build_tours
from tourism.models import Slot
tour = build_tours(build_site_tree().home)[1]
slots = [
    Slot.objects.create(
        tour=tour, starts_at=timezone.now() + datetime.timedelta(days=days), capacity=capacity,
        price_adult=500, price_child=250, price_pupil=200, max_party=8,
    )
    for days, capacity in ((4, 1), (5, {places}))
]
print(*(slot.pk for slot in slots))
"""

COUNT = """
from tourism.services import places_taken
from tourism.models import Booking, Slot
slot = Slot.objects.get(pk={slot})
print(places_taken(slot), Booking.objects.filter(slot=slot).count())
"""


POOLED_SETTINGS = """
from portal.settings import *  # noqa: F403

DATABASES["default"]["OPTIONS"] = {{  # noqa: F405
    **DATABASES["default"].get("OPTIONS", {{}}),  # noqa: F405
    "pool": {{"min_size": 4, "max_size": {pool}, "timeout": 60}},
}}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
"""


def django_shell(env, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


class Visitor:
    """One visitor's keep-alive connection: HTTP/1.1 over TCP, the protocol kept by h11."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = self.http = None

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.http = h11.Connection(h11.CLIENT)

    async def request(self, method, target, headers=(), body=b""):
        """Returns (status, headers, body); raises ConnectionError if the server hangs up."""
        if self.http is None:
            await self.connect()
        if self.http.our_state is h11.DONE and self.http.their_state is h11.DONE:
            self.http.start_next_cycle()
        headers = [("Host", f"{HOST}:{self.port}"), *headers]
        if body:
            headers.append(("Content-Length", str(len(body))))
        data = self.http.send(h11.Request(method=method, target=target, headers=headers))
        if body:
            data += self.http.send(h11.Data(data=body))
        data += self.http.send(h11.EndOfMessage())
        self.writer.write(data)
        status, response_headers, chunks = None, [], []
        while True:
            event = self.http.next_event()
            if event is h11.NEED_DATA:
                self.http.receive_data(await self.reader.read(65536))
            elif isinstance(event, h11.Response):
                status, response_headers = event.status_code, event.headers
            elif isinstance(event, h11.Data):
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return status, response_headers, b"".join(chunks)
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the server closed the connection")

    def close(self):
        if self.writer is not None:
            self.writer.close()


def start_server(env, port, workers):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--lifespan",
            "off",
            "--timeout-keep-alive",
            "60",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


def cpu_seconds(pid):
    """User + system CPU time of a process and its children (uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    total = 0.0
    for each in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def warm_up(port, warm_up_path, book_path, workers):
    """Loads the form (its CSRF cookie and token) and runs each worker's booking code once.

    A server that meets a rush has served bookings before: on another date with one place,
    one attempt is held and a few are refused, spread over the workers, so that the rush does
    not pay for loading templates, translations and queries the first time.
    """
    visitor = Visitor(port)
    status, headers, body = await visitor.request("GET", book_path)
    visitor.close()
    if status != 200:
        raise RuntimeError(f"the booking form answered {status}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    cookie = next(
        value.decode().split(";", 1)[0]
        for name, value in headers
        if name == b"set-cookie" and value.startswith(b"csrftoken=")
    )
    others = [Visitor(port) for _ in range(4 * workers)]
    for round_ in range(2):  # the first round holds the one place, the second is refused
        statuses = await asyncio.gather(
            *(
                other.request("GET", book_path)
                if round_ == 0 and number % 2
                else other.request(
                    "POST", warm_up_path, *booking_request(token, cookie, port, warm_up_path)
                )
                for number, other in enumerate(others)
            )
        )
        if any(status >= 500 for status, _headers, _body in statuses):
            raise RuntimeError("the warm-up met a server error")
    for other in others:
        other.close()
    return token, cookie


def booking_request(token, cookie, port, path, number=0):
    """Headers and body of one visitor's booking form: one adult."""
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "adults": "1",
            "children": "0",
            "pupils": "0",
            "infants": "0",
            "name": f"Visitor {number}",
            "email": f"visitor{number}@example.org",
            "consent": "on",
            "submission_key": str(uuid.uuid4()),
        }
    ).encode()
    headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", cookie),
        ("Referer", f"http://{HOST}:{port}{path}"),
    ]
    return headers, body


async def rush(port, book_path, attempts, token, cookie):
    visitors = [Visitor(port) for _ in range(attempts)]
    await asyncio.gather(*(visitor.connect() for visitor in visitors))
    started = time.perf_counter()

    async def attempt(number, visitor):
        headers, body = booking_request(token, cookie, port, book_path, number)
        sent = time.perf_counter()
        try:
            status, _headers, _body = await visitor.request("POST", book_path, headers, body)
        except (ConnectionError, h11.ProtocolError) as exc:
            status = type(exc).__name__
        answered = time.perf_counter()
        return status, answered - sent, answered - started

    results = await asyncio.gather(*(attempt(n, v) for n, v in enumerate(visitors)))
    elapsed = time.perf_counter() - started
    for visitor in visitors:
        visitor.close()
    return results, elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--pool", type=int, default=16, help="connections per worker")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    if not database.startswith("postgres"):
        sys.exit("booking_rush runs on PostgreSQL: set DATABASE_URL=postgres://...")
    fresh_postgres(database)
    workdir = Path(tempfile.mkdtemp(prefix="booking-rush-"))
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "true",
        "DEMO_MODE": "true",
        "STRIPE_SECRET_KEY": "",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        # Every simulated visitor comes from 127.0.0.1: lift the per-client limits.
        "RATE_LIMITS_ENABLED": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
    }
    (workdir / "booking_rush_settings.py").write_text(POOLED_SETTINGS.format(pool=args.pool))
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "booking_rush_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(BASE_DIR)]),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    warm_up_slot, slot_id = map(int, django_shell(env, SETUP.format(places=args.places)).split())
    port = free_port()
    book_path = f"/en/tours/dates/{slot_id}/book/"
    warm_up_path = f"/en/tours/dates/{warm_up_slot}/book/"
    process = start_server(server_env, port, args.workers)
    try:
        token, cookie = asyncio.run(warm_up(port, warm_up_path, book_path, args.workers))
        load_before = os.getloadavg()[0]
        server_cpu, client_cpu = cpu_seconds(process.pid), time.process_time()
        results, elapsed = asyncio.run(rush(port, book_path, args.attempts, token, cookie))
        server_cpu = cpu_seconds(process.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        load_after = os.getloadavg()[0]
    finally:
        process.terminate()
        process.wait(timeout=30)
    taken, bookings = (int(v) for v in django_shell(env, COUNT.format(slot=slot_id)).split())

    statuses = {}
    for status, _latency, _at in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [latency for _status, latency, _at in results]
    held_at = [at for status, _latency, at in results if status == 302]
    last_held = f"{max(held_at) * 1000:.0f} ms" if held_at else "none held"
    server_errors = sum(
        n for status, n in statuses.items() if isinstance(status, int) and status >= 500
    )
    broken = sum(n for status, n in statuses.items() if not isinstance(status, int))
    throughput = len(results) / elapsed
    p50, p90, p99 = (percentile(latencies, f) for f in (0.50, 0.90, 0.99))
    verdict = "PASS" if taken == args.places and server_errors == 0 and broken == 0 else "FAIL"
    goal = "met" if throughput >= 200 else "not met"
    answers = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str))
    report = f"""## Booking rush (tourism)

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_tourism_bench .venv/bin/python bench/booking_rush.py --attempts {args.attempts} --places {args.places} --workers {args.workers} --pool {args.pool}`

{args.attempts} booking attempts sent at once over HTTP, each visitor on a connection of its own
(uvicorn, {args.workers} workers, PostgreSQL with a pool of {args.pool} connections per worker,
test checkout) for one tour date with {args.places} places, one place each. The load generator
shares the machine's 2 cores with the server and PostgreSQL.

| measure | value |
|---|---|
| places taken (counted in the database) | **{taken}** of {args.places} ({bookings} bookings) |
| answers | {answers} |
| server errors (5xx) / broken connections | **{server_errors}** / **{broken}** |
| throughput | **{throughput:.0f} attempts/s** (goal ≥ 200: {goal}) |
| latency p50 / p90 / p99 | {p50 * 1000:.0f} ms / {p90 * 1000:.0f} ms / {p99 * 1000:.0f} ms |
| wall time (last place held after) | {elapsed:.2f} s ({last_held}) |
| CPU: server (all workers) / load generator | {server_cpu:.2f} s ({server_cpu / len(results) * 1000:.1f} ms per attempt) / {client_cpu:.2f} s |
| load average (1 min) before / after | {load_before:.1f} / {load_after:.1f} |

{verdict}: exactly the capacity taken, no server error and no broken connection. Measured
{machine()}. The 2 cores are shared with other work: compare runs at similar load.
"""
    print(report)
    if not args.no_report:
        write_section("booking_rush", report)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
