"""Vetting by keyboard: a vetter decides 100 highlights of the queue grid in Chromium.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_vetting_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/vetting_keyboard.py [--highlights 100] [--approve-every 10] [--write]

The goal (issue 15, point 10): a vetter decides 100 highlights in under 10 minutes by keyboard.
Most of that time is the vetter's: looking at each frame. This measures the machine's part.

Makes (or empties) its own PostgreSQL database, migrates it, builds the site and the leopard
profiles with the demo's own loaders, writes a Camtrap DP package of N night frames painted by
Pillow (the demo's painter, with EXIF GPS) and imports it through the project's importer: N
highlight candidates in the vetting queue. Signs in as a member of "Wildlife vetters" (not a
superuser), opens /admin/wildlife/vetting/ in headless Chromium (Playwright on
/usr/bin/chromium) and decides every card by keyboard only: `a` (approve as the individual the
data names, preselected) for every APPROVE_EVERY-th card, `u` (unidentifiable) for every
fifth, `r` (reject) for the rest. After each key it waits, with Playwright locators, for the
decision's response and for the grid to move focus to the next card (the last card: for it to
show as decided); a page with no undecided card left while the database still has candidates
is reloaded (the queue shows the first 300). Figures: wall time for all N decisions, and per
decision (key press to next card focused) p50, p95 and max; the decide request's own time in
the browser (request start to response end). Then checks in the database that all N are decided
by that vetter. --write puts the figures into docs/benchmarks.md between the
bench:vetting_keyboard markers.

The server is one uvicorn process with DEBUG on (as the browser tests run it: static files
served by the application); the thumbnails load lazily as the grid scrolls, on the same server.
"""

import argparse
import contextlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _report import machine, write_section

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/h_vetting_bench"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-vetter-2026!"
BUDGET_SECONDS = 600
PARK_TIME = timezone(timedelta(hours=10))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url):
    """The bench's own database, emptied: dropped (closing its connections) and made again."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def captures(count, codes, deployments):
    """(individual, deployment index, time, favourite) for `count` frames: visits of one to
    four frames a minute apart (one sequence each in the queue), visits days apart."""
    rng = random.Random(count)
    rows = []
    moment = datetime(2024, 1, 5, 1, 0, tzinfo=PARK_TIME)
    while len(rows) < count:
        code = rng.choice(codes)
        deployment = rng.randrange(deployments)
        for frame in range(min(rng.randint(1, 4), count - len(rows))):
            stamp = moment + timedelta(minutes=frame, seconds=rng.randrange(60))
            rows.append((code, deployment, stamp.isoformat(), True))
        moment += timedelta(days=3, hours=rng.randint(0, 20))
    return rows


def set_up(count):
    """Site, profiles, N candidates imported through the importer, the vetter. Returns the
    queue's order (highlight ids as the grid shows them) and each one's known profile."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cms.demo_content import load_site
    from wildlife import demo, services
    from wildlife.models import Highlight, Provider

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False)
        context = load_site(quiet)
    demo.ensure_reference_data(context)
    demo.ensure_pages(context)
    codes = [spec["code"] for spec in demo.LEOPARDS]
    demo.CAPTURES = captures(count, codes, len(demo.DEPLOYMENTS))
    provider = Provider.objects.get(code=demo.PROVIDER)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        services.import_package(demo.write_package(folder), provider)
        print(
            f"imported {count} frames painted by Pillow in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    candidates = Highlight.objects.filter(status=Highlight.Status.CANDIDATE).count()
    if candidates != count:
        sys.exit(f"expected {count} candidates in the queue, found {candidates}")
    vetter = get_user_model().objects.create_user("bench-vetter", "v@example.org", PASSWORD)
    vetter.groups.add(Group.objects.get(name="Wildlife vetters"))
    assert not vetter.is_superuser
    order = [(h.pk, h.known is not None) for seq in services.vetting_queue() for h in seq]
    return order


def decided_in_database(ids):
    from django.db import connection

    from wildlife.models import Highlight

    connection.close()  # a fresh connection: the server committed since
    rows = Highlight.objects.filter(pk__in=ids).exclude(status=Highlight.Status.CANDIDATE)
    by_vetter = rows.filter(vetted_by__username="bench-vetter").count()
    statuses = {}
    for status in rows.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    return rows.count(), by_vetter, statuses


def start_server(env, workdir):
    port = free_port()
    log = open(workdir / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
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
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"uvicorn exited with {process.returncode}: see {workdir / 'server.log'}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.terminate()
    sys.exit("uvicorn did not answer within 60 s")


def decision_key(number, approve_every, known):
    if known and approve_every and number % approve_every == approve_every - 1:
        return "a"
    return "u" if number % 5 == 4 else "r"


def vet(base_url, order, approve_every):
    """Decides every card by keyboard; returns (wall seconds, per-decision ms, request ms,
    keys pressed by decision, reloads)."""
    from playwright.sync_api import expect, sync_playwright

    known = dict(order)
    per_decision, per_request, keys = [], [], {}
    reloads = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="ru-RU", viewport={"width": 1440, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"{base_url}/admin/login/")
        page.fill("input[name=username]", "bench-vetter")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/admin/")

        queue_url = f"{base_url}/admin/wildlife/vetting/"
        page.goto(queue_url)
        cards = page.locator("[data-vetting-card]")
        undecided = page.locator("[data-vetting-card]:not(.wildlife-card--decided)")
        expect(cards.first).to_be_focused()
        number = 0
        started = time.perf_counter()
        while number < len(order):
            if undecided.count() == 0:
                # Every card of this page decided, candidates left: the next page of the queue.
                page.goto(queue_url)
                reloads += 1
                expect(cards.first).to_be_focused()
            # The grid's order: the keys move focus to the next undecided card after this one.
            reading = time.perf_counter()
            shown = [
                int(undecided.nth(i).get_attribute("data-highlight"))
                for i in range(undecided.count())
            ]
            started += time.perf_counter() - reading  # reading the grid is not deciding
            for index, pk in enumerate(shown):
                if number >= len(order):
                    break
                next_pk = shown[index + 1] if index + 1 < len(shown) else None
                key = decision_key(number, approve_every, known.get(pk, False))
                expect(page.locator(f'[data-highlight="{pk}"]')).to_be_focused()
                pressed = time.perf_counter()
                with page.expect_response(
                    lambda response, pk=pk: response.url.endswith(f"/vetting/{pk}/decide/")
                ) as answer:
                    page.keyboard.press(key)
                if next_pk is not None:
                    expect(page.locator(f'[data-highlight="{next_pk}"]')).to_be_focused()
                else:
                    expect(page.locator(f'[data-highlight="{pk}"]')).to_have_class(
                        re.compile(r"\bwildlife-card--decided\b")
                    )
                per_decision.append((time.perf_counter() - pressed) * 1000)
                response = answer.value
                response.finished()
                if not response.ok:
                    sys.exit(f"decision {number + 1} ({key} on {pk}) failed: {response.status}")
                timing = response.request.timing
                per_request.append(timing["responseEnd"])
                keys.setdefault(key, []).append(per_decision[-1])
                number += 1
        wall = time.perf_counter() - started
        context.close()
        browser.close()
    return wall, per_decision, per_request, keys, reloads


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--highlights", type=int, default=100, help="candidates to decide")
    parser.add_argument(
        "--approve-every", type=int, default=10, help="approve every N-th card (a known profile)"
    )
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        sys.exit(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith("postgres"):
        sys.exit("vetting_keyboard runs on PostgreSQL: set DATABASE_URL to a postgres:// URL")
    workdir = Path(tempfile.mkdtemp(prefix="vetting-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
            "ELASTICSEARCH_URL": "",
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    recreate_database(url)
    order = set_up(args.highlights)

    server, base_url = start_server(dict(os.environ), workdir)
    load_before = os.getloadavg()
    try:
        wall, per_decision, per_request, keys, reloads = vet(base_url, order, args.approve_every)
    finally:
        load_after = os.getloadavg()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    decided, by_vetter, statuses = decided_in_database([pk for pk, _known in order])
    shutil.rmtree(workdir, ignore_errors=True)

    count = len(per_decision)
    p50, p95, worst = (
        statistics.median(per_decision),
        percentile(per_decision, 0.95),
        max(per_decision),
    )
    r50, r95 = statistics.median(per_request), percentile(per_request, 0.95)
    machine_share = count * p95 / 1000
    looking = (BUDGET_SECONDS - machine_share) / count
    by_key = {
        key: (len(values), statistics.median(values), max(values))
        for key, values in sorted(keys.items(), key=lambda item: -len(item[1]))
    }
    print(
        f"{count} decisions in {wall:.1f} s; key to next card p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms, max {worst:.0f} ms; decide request p50 {r50:.0f} ms, "
        f"p95 {r95:.0f} ms; by key (count, p50, max) {by_key}; reloads {reloads}; "
        f"decided in the database "
        f"{decided}/{len(order)} (by the vetter {by_vetter}): {statuses}; "
        f"load average {load_before[0]:.1f} -> {load_after[0]:.1f}"
    )
    ok = decided == len(order) == by_vetter == count
    if not ok:
        print("FAIL: not every highlight was decided by the vetter")
    if args.write:
        command = (
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://… "
            f".venv/bin/python bench/vetting_keyboard.py --highlights {args.highlights} "
            f"--approve-every {args.approve_every} --write"
        )
        keys_text = ", ".join(f"{n} × `{k}`" for k, (n, _m, _x) in by_key.items())
        keys_rows = "\n".join(
            f"| `{k}` | {n} | {median:.0f} ms | {worst_key:.0f} ms |"
            for k, (n, median, worst_key) in by_key.items()
        )
        paging = (
            "The grid shows the first 300 candidates on one page: 100 needed no paging."
            if reloads == 0
            else f"The queue page was reloaded {reloads} times to reach the next candidates."
        )
        write_section(
            "vetting_keyboard",
            f"""
## Vetting by keyboard (`bench/vetting_keyboard.py`)

`{command}`

Goal (issue 15, point 10): a vetter decides 100 highlights in under 10 minutes by keyboard.
A member of "Wildlife vetters" (not a superuser) decides {count} candidates (night frames
painted by Pillow, imported through the Camtrap DP importer) on the queue grid
/admin/wildlife/vetting/ in headless Chromium, by keys only: {keys_text} (`a` approves as the
individual the data names, preselected; the approved frames are past their embargo, so `a`
publishes the sighting). One uvicorn process, DEBUG on, PostgreSQL; the thumbnails load lazily
as the grid scrolls. Per decision: from the key press to the next card focused (Playwright
waits for the decide response, then checks the focus with a locator, retrying after 20, 50 and
100 ms, so a figure can be that much late). The decide request is the browser's own timing of
the POST (request start to response end).

| decisions | wall time | key → next card p50 | p95 | max | decide request p50 | p95 | decided in the database | load average (start → end) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| {count} | {wall:.1f} s | {p50:.0f} ms | {p95:.0f} ms | {worst:.0f} ms | {r50:.0f} ms | {r95:.0f} ms | {decided}/{len(order)}{"" if ok else " (FAIL)"} | {load_before[0]:.2f} → {load_after[0]:.2f} |

| key | decisions | key → next card p50 | max |
|---|---:|---:|---:|
{keys_rows}

{machine()}; `nproc` {os.cpu_count()}; the load average is the 1-minute one (other work
shares the 2 cores). {paging}

Reading: the machine's share of the 10-minute budget is {count} × p95 = {machine_share:.1f} s
of {BUDGET_SECONDS} s ({machine_share / BUDGET_SECONDS:.1%}); the whole run took {wall:.1f} s
({wall / BUDGET_SECONDS:.1%}). That leaves the vetter {looking:.2f} s of looking per decision
even if every decision waited as long as the p95 one, against 6.00 s per decision
(10 minutes / 100) with a machine that took no time.
""",
        )
        print("wrote docs/benchmarks.md")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
