"""A booking rush: 500 visitors try to book one tour date with 20 places at the same moment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_tourism_bench \
        .venv/bin/python bench/booking_rush.py [--attempts 500] [--places 20] [--workers 2]

Makes (or empties) the database, migrates it, builds a tour with one date, starts uvicorn as a
real process and sends every attempt at once over HTTP: the booking form's POST, one visitor
each, with the CSRF cookie and token the form gives. A held place answers 302 (to the test
checkout: a Payment and its checkout session are made for it); a refusal answers 409. Reports
the places taken (counted in the database: must equal the places), server errors (must be 0),
throughput and latency percentiles, and writes them to docs/benchmarks.md.

The server runs the embedded mode's test checkout (DEBUG on: the test checkout refuses to run
without it), so the figures include DEBUG's small overhead. Django's ASGI handler gives every
request its own thread, so 500 requests at once would open 500 database connections (PostgreSQL
allows 100): the server uses psycopg's connection pool (Django's OPTIONS["pool"]), as a
production deployment should (docs/tourism.md), and a request waits for a free connection.
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
from urllib.parse import urlsplit

import httpx
from _report import machine, write_section  # bench/ is on the path when a script runs

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/h_tourism_bench"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
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
slot = Slot.objects.create(
    tour=tour, starts_at=timezone.now() + datetime.timedelta(days=5), capacity={places},
    price_adult=500, price_child=250, price_pupil=200, max_party=8,
)
print(slot.pk)
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


def start_server(env, port, workers):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--lifespan",
            "off",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/robots.txt", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


async def rush(url, slot_id, attempts):
    book_path = f"/en/tours/dates/{slot_id}/book/"
    limits = httpx.Limits(max_connections=attempts, max_keepalive_connections=attempts)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        form = await client.get(book_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        cookies = {"csrftoken": client.cookies["csrftoken"]}
        # Open the connections first, so the rush measures bookings, not TCP handshakes.
        await asyncio.gather(*(client.get("/robots.txt") for _ in range(min(attempts, 100))))

        async def attempt(number):
            data = {
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
            started = time.perf_counter()
            response = await client.post(
                book_path, data=data, cookies=cookies, headers={"Referer": url + book_path}
            )
            return response.status_code, time.perf_counter() - started

        started = time.perf_counter()
        results = await asyncio.gather(*(attempt(n) for n in range(attempts)))
        elapsed = time.perf_counter() - started
    return results, elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
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
    slot_id = int(django_shell(env, SETUP.format(places=args.places)))
    process, url = start_server(server_env, free_port(), args.workers)
    try:
        results, elapsed = asyncio.run(rush(url, slot_id, args.attempts))
    finally:
        process.terminate()
        process.wait(timeout=30)
    load = os.getloadavg()[0]
    taken, bookings = (int(v) for v in django_shell(env, COUNT.format(slot=slot_id)).split())

    statuses = {}
    for status, _latency in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [latency for _status, latency in results]
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    throughput = len(results) / elapsed
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    verdict = "PASS" if taken == args.places and server_errors == 0 else "FAIL"
    goal = "met" if throughput >= 200 else "not met"
    report = f"""## Booking rush (tourism)

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_tourism_bench .venv/bin/python bench/booking_rush.py --attempts {args.attempts} --places {args.places} --workers {args.workers} --pool {args.pool}`

{args.attempts} booking attempts sent at once over HTTP (uvicorn, {args.workers} workers,
PostgreSQL with a pool of {args.pool} connections per worker, test checkout) for one tour date with {args.places} places, one place each.

| measure | value |
|---|---|
| places taken (counted in the database) | **{taken}** of {args.places} ({bookings} bookings) |
| answers | {", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))} |
| server errors (5xx) | **{server_errors}** |
| throughput | **{throughput:.0f} attempts/s** (goal ≥ 200: {goal}) |
| latency p50 / p99 | {p50 * 1000:.0f} ms / {p99 * 1000:.0f} ms |
| wall time | {elapsed:.2f} s |

{verdict}: exactly the capacity taken and no server error. Measured {machine()}; load
average {load:.1f} at the end of the run (the 2 cores are shared with other work, and the load
generator runs on them too: compare runs at similar load).
"""
    print(report)
    if not args.no_report:
        write_section("booking_rush", report)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
