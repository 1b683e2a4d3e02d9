"""Runs every minute's work and each day's, on one machine among several (cms.scheduler).

Start it on every machine (systemd keeps it running): one leads, the others wait and take over
when it stops. `--once` runs one round and exits (tests, cron).
"""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.scheduler import Scheduler, registered_jobs


def positive_seconds(value):
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (pages, sightings, holds, task recovery, retention); safe to "
        "start on every machine: one leads."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one round if this process leads, then exit."
        )
        parser.add_argument(
            "--interval",
            type=positive_seconds,
            default=settings.SCHEDULER_INTERVAL_SECONDS,
            help="Seconds between rounds while leading (default: %(default)s).",
        )
        parser.add_argument(
            "--retry",
            type=positive_seconds,
            default=settings.SCHEDULER_RETRY_SECONDS,
            help="Seconds between attempts to take the lead while another leads "
            "(default: %(default)s).",
        )

    def handle(self, *args, once, interval, retry, **options):
        if not registered_jobs():
            raise CommandError("No scheduled jobs are registered.")
        scheduler = Scheduler(interval=interval, retry=retry)
        if once:
            if not scheduler.run_once():
                self.stdout.write("Another scheduler leads: nothing done.")
            return
        # The job under way finishes; then the lock is released and the process exits.
        signal.signal(signal.SIGTERM, scheduler.stop)
        signal.signal(signal.SIGINT, scheduler.stop)
        scheduler.run_forever()
