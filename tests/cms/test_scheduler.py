"""`manage.py run_scheduler`: one leader among several processes on PostgreSQL, each job
isolated, daily jobs once a day, and a new leader when the old one is killed."""

import datetime
import io
import logging
import re
import signal

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cms import scheduler
from cms.models import ScheduledJob
from tests.processes import ManageProcess, wait_until
from tests.tourism.conftest import book, build_tours
from tourism.models import Booking, Slot

pytestmark = pytest.mark.postgres
LEADS = re.compile(r"scheduler \S+ leads")


def lock_holders():
    """Backend pids holding the leader's advisory lock (PostgreSQL splits the key in two)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
            " AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
            [scheduler.LEADER_LOCK_KEY],
        )
        return [row[0] for row in cursor.fetchall()]


def runners():
    """Who ran the minute jobs last."""
    return set(
        ScheduledJob.objects.filter(name="tourism.expire_holds").values_list("run_by", flat=True)
    )


def expired_hold(slot, email):
    booking = book(slot, adults=1, email=email)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return booking


def is_expired(booking):
    return Booking.objects.get(pk=booking.pk).status == Booking.Status.EXPIRED


@pytest.fixture
def schedulers(live_db, tmp_path):
    started = []

    def start():
        process = ManageProcess(
            ["run_scheduler", "--interval", "1", "--retry", "1"],
            tmp_path / f"scheduler-{len(started)}.log",
        ).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def committed_slot(live_db):
    from tests.pages import build_site_tree

    _index, trail = build_tours(build_site_tree().home)
    return Slot.objects.create(
        tour=trail,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        capacity=10,
        price_adult=500,
        price_child=250,
        price_pupil=200,
        max_party=8,
    )


def test_two_schedulers_one_leads_sweeps_and_the_other_takes_over_when_it_is_killed(
    schedulers, committed_slot
):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    first_hold = expired_hold(committed_slot, "first@example.org")
    first, second = schedulers(), schedulers()

    wait_until(lambda: is_expired(first_hold), "the expired hold swept", processes=[first, second])
    # Exactly one holds the lock, and every job was run by that one process.
    wait_until(lambda: len(lock_holders()) == 1, "one lock holder", processes=[first, second])
    [leader_name] = runners()
    leader, follower = (first, second) if leader_name.endswith(f":{first.pid}") else (second, first)
    assert leader_name.endswith(f":{leader.pid}")
    # A few rounds later it is still the only one.
    started = ScheduledJob.objects.get(name="tourism.expire_holds").last_started_at
    wait_until(
        lambda: ScheduledJob.objects.get(name="tourism.expire_holds").last_started_at > started,
        "another round",
        processes=[first, second],
    )
    assert runners() == {leader_name}
    assert len(lock_holders()) == 1
    assert LEADS.search(leader.log())
    assert "waits: another one leads" in follower.log()
    assert not LEADS.search(follower.log())

    leader.kill()
    second_hold = expired_hold(committed_slot, "second@example.org")
    wait_until(lambda: is_expired(second_hold), "the other scheduler sweeps", processes=[follower])
    assert runners() == {f"{leader_name.rsplit(':', 1)[0]}:{follower.pid}"}
    assert len(lock_holders()) == 1

    # SIGTERM: the round ends, the lock goes with the session, the process exits cleanly.
    assert follower.stop(signal.SIGTERM) == 0
    wait_until(lambda: lock_holders() == [], "the lock released")
    assert "stopped" in follower.log()


def test_once_does_nothing_while_another_process_leads(db, capsys):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        assert other.execute(
            "SELECT pg_try_advisory_lock(%s)", [scheduler.LEADER_LOCK_KEY]
        ).fetchone()[0]
        out = io.StringIO()
        call_command("run_scheduler", "--once", stdout=out)
    assert "Another scheduler leads: nothing done." in out.getvalue()
    assert not ScheduledJob.objects.exists()


def test_once_runs_every_registered_job_and_lets_the_lock_go(db):
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    names = set(ScheduledJob.objects.values_list("name", flat=True))
    assert {
        "cms.publish_scheduled",
        "wildlife.publish_due_sightings",
        "tourism.expire_holds",
        "tasks.recover_stale",
        "retention.sessions",
        "retention.task_results",
    } <= names
    assert not ScheduledJob.objects.exclude(last_failed_at=None).exists()
    assert lock_holders() == []


@pytest.fixture
def jobs(monkeypatch):
    """A registry of the test's own jobs instead of the apps'."""
    registry = {}
    monkeypatch.setattr(scheduler, "_jobs", registry)
    return registry


def test_a_failing_job_is_logged_with_its_traceback_and_the_others_still_run(db, jobs, caplog):
    ran = []

    def broken():
        raise RuntimeError("the park's printer is on fire")

    scheduler.register("first", lambda: ran.append("first"))
    scheduler.register("broken", broken)
    scheduler.register("last", lambda: ran.append("last"))

    with caplog.at_level(logging.ERROR, logger="cms.scheduler"):
        outcomes = scheduler.run_due_jobs()

    assert outcomes == {"first": "ran", "broken": "failed", "last": "ran"}
    assert ran == ["first", "last"]
    [record] = caplog.records
    assert "broken" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    failed = ScheduledJob.objects.get(name="broken")
    assert failed.last_error == "RuntimeError: the park's printer is on fire"
    assert failed.last_failed_at is not None and failed.last_finished_at is None


def test_a_daily_job_runs_once_a_day_after_its_hour(db, jobs, settings):
    settings.SCHEDULER_DAILY_AT = "03:30"
    runs = []
    scheduler.register("nightly", lambda: runs.append(1), daily=True)
    scheduler.register("minutely", lambda: runs.append(60))

    def at(day, hour, minute):
        return timezone.make_aware(datetime.datetime(2026, 12, day, hour, minute))

    scheduler.run_due_jobs(now=at(3, 10, 0), runner="a")  # first run ever: at once
    scheduler.run_due_jobs(now=at(3, 23, 0), runner="b")  # same day, another leader
    scheduler.run_due_jobs(now=at(4, 3, 29), runner="b")  # next day, before its hour
    assert runs == [1, 60, 60, 60]
    scheduler.run_due_jobs(now=at(4, 3, 31), runner="b")
    scheduler.run_due_jobs(now=at(4, 3, 32), runner="a")
    assert runs == [1, 60, 60, 60, 1, 60, 60]
    assert ScheduledJob.objects.get(name="nightly").run_by == "b"


def test_a_leader_that_loses_its_lock_stops_before_the_next_job(db, jobs):
    ran = []
    leading = iter([True, False])
    scheduler.register("one", lambda: ran.append("one"))
    scheduler.register("two", lambda: ran.append("two"))

    scheduler.run_due_jobs(still_leading=lambda: next(leading))

    assert ran == ["one"]
