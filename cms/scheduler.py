"""Every minute's work and each day's, run by one process among several (`manage.py run_scheduler`).

cms knows nothing of what the jobs do: each app registers its own in AppConfig.ready():

    from cms import scheduler
    scheduler.register("tourism.expire_holds", services.expire_holds)        # every minute
    scheduler.register("tourism.forget_visitors", forget, daily=True)        # once a day

Rules (docs/deploy.md, "Scheduler"):
- Start `run_scheduler` on every machine: one leads, the others wait. On PostgreSQL the leader
  is the process holding a session-level advisory lock (`pg_try_advisory_lock`) on a connection
  of its own, kept open while it leads; the others try again every `retry` seconds. When the
  leader's process dies its session ends and PostgreSQL releases the lock, so another takes
  over; a leader that loses its lock connection stops before its next job. On SQLite (the
  embedded mode, one machine) the process simply runs.
- A job is a function without arguments; each runs isolated: one that raises is logged with
  its traceback and recorded (`cms.ScheduledJob`), and the others still run.
- Minute jobs run every `interval` seconds. A daily job runs once per day, at the first tick
  after `SCHEDULER_DAILY_AT` (local time), or at the first tick ever: the run is claimed in the
  database by a conditional UPDATE, so a restart, a new leader or a second `--once` the same
  day does not repeat it. A daily job that fails waits for the next day (its error is logged
  and shown in the job's row).
"""

import datetime
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from cms.models import ScheduledJob

logger = logging.getLogger(__name__)

# An arbitrary constant, distinct from live's publication lock: the leader's advisory lock.
LEADER_LOCK_KEY = 0x5C4ED_1EAD


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    daily: bool = False


_jobs: dict[str, Job] = {}


def register(name, run, *, daily=False):
    """Adds a job (a function without arguments); jobs run in the order they were registered."""
    _jobs[name] = Job(name, run, daily)


def registered_jobs():
    return list(_jobs.values())


def runner_name():
    """Who runs the jobs, as recorded in their rows: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def daily_boundary(now):
    """The latest daily start time (SCHEDULER_DAILY_AT, local) at or before `now`."""
    hour, minute = (int(part) for part in settings.SCHEDULER_DAILY_AT.split(":"))
    local = timezone.localtime(now)
    today = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today if today <= local else today - datetime.timedelta(days=1)


def _drop_broken_connections():
    """A job that broke the connection (the database restarted) must not break the next one.
    Not inside a transaction (a test's): Django would close a connection that is in use."""
    if not connection.in_atomic_block:
        close_old_connections()


def _claim(job, now, runner):
    """Marks the job started; for a daily job only if today's run is not claimed yet."""
    ScheduledJob.objects.get_or_create(name=job.name)
    rows = ScheduledJob.objects.filter(name=job.name)
    if job.daily:
        boundary = daily_boundary(now)
        rows = rows.filter(Q(last_started_at__isnull=True) | Q(last_started_at__lt=boundary))
    return rows.update(last_started_at=now, run_by=runner) == 1


def run_job(job, *, now=None, runner=None):
    """Runs one job if it is due. Never raises: a failure is logged and recorded.

    Returns "ran", "failed" or "not due".
    """
    now = now or timezone.now()
    runner = runner or runner_name()
    _drop_broken_connections()
    try:
        if not _claim(job, now, runner):
            return "not due"
    except Exception:
        logger.exception("scheduled job %s could not be claimed", job.name)
        return "failed"
    try:
        result = job.run()
    except Exception as error:
        logger.exception("scheduled job %s failed", job.name)
        _drop_broken_connections()
        try:
            ScheduledJob.objects.filter(name=job.name).update(
                last_failed_at=timezone.now(),
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        except Exception:
            logger.exception("the failure of scheduled job %s could not be recorded", job.name)
        return "failed"
    if result and not (isinstance(result, dict) and not any(result.values())):
        logger.info("scheduled job %s: %s", job.name, result)
    try:
        ScheduledJob.objects.filter(name=job.name).update(last_finished_at=timezone.now())
    except Exception:
        logger.exception("the end of scheduled job %s could not be recorded", job.name)
    return "ran"


def run_due_jobs(*, now=None, runner=None, still_leading=lambda: True):
    """Runs every minute job and the daily jobs that are due; {job name: outcome}.

    `still_leading` is asked before each job: a leader that lost its lock stops at once.
    """
    outcomes = {}
    for job in registered_jobs():
        if not still_leading():
            logger.warning("scheduler lost its leadership; the remaining jobs wait")
            break
        outcomes[job.name] = run_job(job, now=now, runner=runner)
    return outcomes


class Leadership:
    """Whether this process leads: it holds the advisory lock on a connection of its own.

    The lock's connection is not Django's: Django closes and reopens its connections (and the
    web processes pool them), which would drop or leak a session-level lock.
    """

    def __init__(self):
        self.vendor = connection.vendor
        self.lock_connection = None
        self.locked = False

    def _connect(self):
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        lock_connection = psycopg.connect(
            **params,
            autocommit=True,
            connect_timeout=5,
            application_name="leopard-scheduler",
            # The client notices a dead server, and the server a vanished leader machine,
            # within about half a minute instead of the system's two hours.
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
        )
        lock_connection.execute(
            "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5;"
            " SET tcp_keepalives_count = 3"
        )
        return lock_connection

    def _drop(self):
        self.locked = False
        if self.lock_connection is not None:
            try:
                self.lock_connection.close()
            except Exception:
                logger.debug("closing the scheduler's lock connection failed", exc_info=True)
        self.lock_connection = None

    def acquire(self):
        """True if this process leads now: it held the lock already, or has just taken it."""
        if self.vendor != "postgresql":
            return True
        if self.locked:
            return self.holds()
        try:
            # A follower keeps its connection between tries: one per machine, not one a try.
            self.lock_connection = self.lock_connection or self._connect()
            row = self.lock_connection.execute(
                "SELECT pg_try_advisory_lock(%s)", [LEADER_LOCK_KEY]
            ).fetchone()
        except Exception:
            logger.warning("scheduler cannot reach the database to take the lead", exc_info=True)
            self._drop()
            return False
        self.locked = bool(row[0])
        return self.locked

    def holds(self):
        """True while this process holds the lock: its session is alive (the lock goes with it)."""
        if self.vendor != "postgresql":
            return True
        if not self.locked:
            return False
        try:
            self.lock_connection.execute("SELECT 1").fetchone()
            return True
        except Exception:
            logger.warning("scheduler lost its lock connection", exc_info=True)
            self._drop()
            return False

    def release(self):
        """Gives the lead away at once (closing the session releases the lock)."""
        self._drop()


class Scheduler:
    """The loop of `run_scheduler`: lead or wait, run the jobs, stop cleanly on a signal."""

    def __init__(self, *, interval, retry, leadership=None):
        self.interval = interval
        self.retry = retry
        self.leadership = leadership or Leadership()
        self.stopping = threading.Event()
        self.runner = runner_name()
        self.leading = None  # not known yet

    def stop(self, *_args):
        self.stopping.set()

    def _take_or_keep_lead(self):
        leads = self.leadership.acquire()
        if leads != self.leading:  # said once per change, not every few seconds
            if leads:
                logger.info("scheduler %s leads", self.runner)
            elif self.leading:
                logger.warning("scheduler %s no longer leads", self.runner)
            else:
                logger.info("scheduler %s waits: another one leads", self.runner)
        self.leading = leads
        return leads

    def tick(self):
        """One round: take or keep the lead, and if leading run what is due. True if it led."""
        if not self._take_or_keep_lead():
            return False
        run_due_jobs(runner=self.runner, still_leading=self.leadership.holds)
        return True

    def run_once(self):
        try:
            return self.tick()
        finally:
            self.leadership.release()

    def run_forever(self):
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                led = self.tick()
                pause = self.interval - (time.monotonic() - started) if led else self.retry
                self.stopping.wait(max(pause, 0))
        finally:
            self.leadership.release()
            logger.info("scheduler %s stopped", self.runner)
