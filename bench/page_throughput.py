"""Home-page throughput of the ASGI server with DEBUG off, on the demo site.

    .venv/bin/python bench/page_throughput.py [--seconds 20] [--concurrency 32] [--workers 2]

Builds the demo site in a fresh SQLite file (or the database named by DATABASE_URL), starts
uvicorn as production would (DEBUG off, compressed manifest static files) and sends GET requests
for the home page in the three languages from a load generator on loopback. Reports requests
per second, latency percentiles and errors, and writes them to docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _report import machine, write_section  # bench/ is on the path when a script runs

BASE_DIR = Path(__file__).resolve().parent.parent
PATHS = ["/ru/", "/en/", "/zh-hans/"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(workdir):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DEMO_MODE": "true",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def load(base_url, seconds, concurrency):
    latencies, errors, statuses = [], 0, {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:

        async def worker(offset):
            nonlocal errors
            index = offset
            while time.perf_counter() < deadline:
                path = PATHS[index % len(PATHS)]
                index += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, statuses, elapsed


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = production_env(workdir)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "portal.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base_url + "/ru/", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            asyncio.run(load(base_url, 3, 4))  # warm-up: renditions, caches, connections
            latencies, errors, statuses, elapsed = asyncio.run(
                load(base_url, args.seconds, args.concurrency)
            )
        finally:
            server.terminate()
            server.wait(timeout=20)

    count = len(latencies)
    result = {
        "requests": count,
        "rps": count / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "max": max(latencies) * 1000,
        "errors": errors,
    }
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    command = (
        f".venv/bin/python bench/page_throughput.py --seconds {args.seconds:g} "
        f"--concurrency {args.concurrency} --workers {args.workers}"
    )
    report = f"""## Home page throughput

`{command}` ({database}, uvicorn with {args.workers} workers, DEBUG off; the load generator runs
on the same 2 cores over loopback; {machine()})

| requests | requests/s | p50 | p99 | max | non-200 or failed |
|---:|---:|---:|---:|---:|---:|
| {count} | {result["rps"]:.0f} | {result["p50"]:.1f} ms | {result["p99"]:.1f} ms | {result["max"]:.1f} ms | {errors} |

Pages: {", ".join(PATHS)} in turn; statuses seen: {statuses}.
"""
    print(report)
    write_section("page_throughput", report)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
