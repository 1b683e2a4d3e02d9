"""Camtrap DP import: observations per second and peak memory, at two package sizes.

    .venv/bin/python bench/import_camtrap.py [--observations 100000]

Generates a package (deployments, media given as URLs, observations with a share of leopards),
imports it into a scratch database (a temporary SQLite file unless DATABASE_URL is set), and
writes the figures into docs/benchmarks.md between the bench:import_camtrap markers. The small
run shows that memory does not grow with the package: its peak is compared to the large one's.
"""

import argparse
import csv
import gc
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DOC = BASE_DIR / "docs" / "benchmarks.md"
START, END = "<!-- bench:import_camtrap -->", "<!-- /bench:import_camtrap -->"
SCHEMA = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2"


def write_package(folder, observations, deployments=400):
    """A package of `observations` rows over `deployments` cameras, two observations a frame."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(observations)
    start = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=10)))
    with open(folder / "deployments.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "deploymentID",
                "latitude",
                "longitude",
                "deploymentStart",
                "deploymentEnd",
                "cameraID",
                "locationName",
            ]
        )
        for number in range(deployments):
            writer.writerow(
                [
                    f"d{number}",
                    f"{43 + rng.random() * 0.5:.5f}",
                    f"{131 + rng.random() * 0.6:.5f}",
                    "2024-01-01T00:00:00+10:00",
                    "2024-12-31T00:00:00+10:00",
                    f"CAM{number:04d}",
                    f"Station {number}",
                ]
            )
    media_count = observations // 2
    with (
        open(folder / "media.csv", "w", newline="") as media,
        open(folder / "observations.csv", "w", newline="") as obs,
    ):
        media_writer, obs_writer = csv.writer(media), csv.writer(obs)
        media_writer.writerow(
            [
                "mediaID",
                "deploymentID",
                "captureMethod",
                "timestamp",
                "filePath",
                "filePublic",
                "fileMediatype",
                "favorite",
            ]
        )
        obs_writer.writerow(
            [
                "observationID",
                "deploymentID",
                "mediaID",
                "eventStart",
                "eventEnd",
                "observationLevel",
                "observationType",
                "scientificName",
                "count",
                "individualID",
                "classificationMethod",
                "classificationProbability",
            ]
        )
        for number in range(media_count):
            deployment = f"d{number % deployments}"
            stamp = (start + timedelta(seconds=number * 37)).isoformat()
            media_writer.writerow(
                [
                    f"m{number}",
                    deployment,
                    "activityDetection",
                    stamp,
                    f"https://example.org/media/{number}.jpg",
                    "false",
                    "image/jpeg",
                    "true" if number % 50 == 0 else "false",
                ]
            )
            for part in range(2):
                leopard = rng.random() < 0.02
                obs_writer.writerow(
                    [
                        f"o{number}-{part}",
                        deployment,
                        f"m{number}",
                        stamp,
                        stamp,
                        "media",
                        "animal",
                        "Panthera pardus orientalis" if leopard else "Capreolus pygargus",
                        1,
                        f"Leo {rng.randint(1, 120)}F" if leopard else "",
                        "machine",
                        f"{rng.random():.3f}",
                    ]
                )
    descriptor = {
        "name": f"bench-{observations}",
        "profile": f"{SCHEMA}/camtrap-dp-profile.json",
        "created": "2025-01-01T00:00:00Z",
        "contributors": [{"title": "bench"}],
        "project": {
            "title": "bench",
            "samplingDesign": "targeted",
            "captureMethod": ["activityDetection"],
            "individualAnimals": True,
            "observationLevel": ["media"],
        },
        "spatial": {"type": "Point", "coordinates": [131.3, 43.2]},
        "temporal": {"start": "2024-01-01", "end": "2024-12-31"},
        "taxonomic": [{"scientificName": "Panthera pardus orientalis"}],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "schema": f"{SCHEMA}/{name}-table-schema.json",
            }
            for name in ("deployments", "media", "observations")
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


def rss_bytes():
    """This process's resident memory now (Linux /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def measure(folder, provider):
    """(run, seconds, peak resident memory growth in bytes) of one import.

    Memory is sampled every 20 ms from /proc rather than traced, so the timing is the real one.
    """
    from wildlife.camtrap.importer import import_package

    gc.collect()
    baseline = rss_bytes()
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    run = import_package(folder, provider)
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    return run, elapsed, max(peak[0], rss_bytes()) - baseline


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="bench-camtrap-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["PRIVATE_MEDIA_ROOT"] = f"{scratch}/private"
    os.environ["MEDIA_ROOT"] = f"{scratch}/media"
    os.environ["DEBUG"] = "false"  # no query log in memory
    os.environ.setdefault("SECRET_KEY", "bench-" + "x9" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from wildlife.models import Provider

    provider = Provider.objects.get(code="land-of-the-leopard")
    small_size = max(1_000, args.observations // 10)
    results = []
    for size in (small_size, args.observations):
        folder = write_package(Path(scratch) / f"package-{size}", size)
        run, elapsed, peak = measure(folder, provider)
        assert run.observations == size, run
        results.append((size, run, elapsed, peak))
        print(
            f"{size:>9,} observations: {size / elapsed:,.0f} obs/s, {elapsed:.1f} s, memory +{peak / 2**20:.1f} MiB, {run.highlights} highlight candidates"
        )

    engine = django.db.connection.vendor
    lines = [
        START,
        "## Camtrap DP import (`bench/import_camtrap.py`)",
        "",
        f"Command: `.venv/bin/python bench/import_camtrap.py --observations {args.observations}` "
        f"({engine}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{datetime.now():%Y-%m-%d}). Packages generated with 400 deployments, media as URLs "
        "(no files), two observations per media file, 2 % leopards; the whole import in one "
        "transaction. Memory is the growth of the process's resident memory during the import "
        "(sampled from /proc every 20 ms).",
        "",
        "| observations | media | time (s) | observations/s | memory growth (MiB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, run, elapsed, peak in results:
        lines.append(
            f"| {size:,} | {run.media:,} | {elapsed:.1f} | {size / elapsed:,.0f} | {peak / 2**20:.1f} |"
        )
    (small, _r, _e, small_peak), (large, _r2, _e2, large_peak) = results
    lines += [
        "",
        f"Memory grows by {small_peak / 2**20:.1f} MiB for {small:,} observations and by "
        f"{large_peak / 2**20:.1f} MiB for {large:,}: it does not grow with the package.",
        END,
    ]
    section = "\n".join(lines)
    print(section)
    if args.no_write:
        return
    text = DOC.read_text("utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
