"""The task queue on PostgreSQL with real workers (`manage.py db_worker`): a task left running
by a killed worker runs again; e-mail tasks retry with backoff and then fail for good; staff
with the right role see failed tasks in the admin, others get 403."""

import datetime
import html
import re
import smtplib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms.taskqueue import ATTEMPT, is_transient_mail_error, recover_stale_tasks
from live.models import Follower
from live.tasks import send_follow_confirmation
from tests.cms.slow_tasks import sleep_on_first_attempt
from tests.conftest import free_port
from tests.processes import ManageProcess, wait_until
from tests.smtp import RefusingSMTPServer

pytestmark = pytest.mark.postgres

WORKER = ["db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
FAILED_TASKS = "/admin/reports/failed-tasks/"


@pytest.fixture
def queued_tasks(settings):
    """The production task backend: enqueued in the database, run by worker processes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def workers(live_db, tmp_path):
    started = []

    def start(*args, **env):
        process = ManageProcess(
            [*WORKER, *args],
            tmp_path / f"worker-{len(started)}.log",
            TASKS_BACKEND="database",
            **env,
        ).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def run_batch(workers, **env):
    """A worker that runs every task ready now, then exits."""
    worker = workers("--batch", **env)
    wait_until(lambda: worker.process.poll() is not None, "the batch worker to finish")
    assert worker.process.returncode == 0, worker.log()
    return worker


def listing_rows(html):
    """The cells' texts of each row of the admin listing."""
    body = html[html.index('<table class="listing">') :]
    body = body[: body.index("</table>")]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body[body.index("<tbody") :], re.S)
    ]


def row(pk):
    return DBTaskResult.objects.get(pk=pk)


def test_a_task_left_running_by_a_killed_worker_is_run_again_by_another(
    queued_tasks, workers, tmp_path
):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    result = sleep_on_first_attempt.enqueue(seconds=600)
    first = workers()
    wait_until(
        lambda: row(result.id).status == TaskResultStatus.RUNNING,
        "the first worker to start the task",
        processes=[first],
    )
    # Alive and slow: nothing is taken from it before TASKS_RUNNING_TIMEOUT.
    assert recover_stale_tasks() == 0

    first.kill()
    assert row(result.id).status == TaskResultStatus.RUNNING  # nobody says it died
    started_at = row(result.id).started_at
    wait_until(
        lambda: timezone.now() - started_at > datetime.timedelta(seconds=1), "a second to pass"
    )
    scheduler = ManageProcess(
        ["run_scheduler", "--once"], tmp_path / "scheduler.log", TASKS_RUNNING_TIMEOUT="1"
    ).start()
    wait_until(lambda: scheduler.process.poll() is not None, "the scheduler's round")
    assert row(result.id).status == TaskResultStatus.READY, scheduler.log()

    run_batch(workers)
    done = row(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == {"attempt": 2}
    assert len(done.worker_ids) == 2


@pytest.fixture
def follower(live_db):
    return Follower.objects.create(
        email="reader@example.org", topic="leopard:12", title="Grace", language="en"
    )


@pytest.fixture
def staff(django_user_model):
    def make(group):
        user = django_user_model.objects.create_user(group.replace(" ", "-"), password="pw-1a2b3c")
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_an_email_that_cannot_be_sent_is_retried_later_and_then_shown_as_failed(
    queued_tasks, workers, follower, settings, client, staff
):
    closed_port = free_port()  # nothing listens there: connection refused
    smtp = {"EMAIL_URL": f"smtp://127.0.0.1:{closed_port}"}
    delays = settings.TASKS_EMAIL_RETRY_DELAYS
    assert delays == [60, 300, 1500]
    pk = send_follow_confirmation.enqueue(follower.pk).id

    gaps = []
    for attempt in range(1, len(delays) + 2):
        run_batch(workers, **smtp)
        tried = row(pk)
        if attempt > len(delays):
            break
        assert tried.status == TaskResultStatus.SUCCESSFUL, tried.traceback
        assert tried.return_value["retry"]["attempt"] == attempt + 1
        [again] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        assert again.task_path == "live.tasks.send_follow_confirmation"
        assert again.args_kwargs == {"args": [follower.pk], "kwargs": {ATTEMPT: attempt + 1}}
        gaps.append(again.run_after - tried.finished_at)
        if attempt == 1:
            run_batch(workers, **smtp)  # too early: it waits
            assert row(again.pk).status == TaskResultStatus.READY
        # Time passes.
        DBTaskResult.objects.filter(pk=again.pk).update(run_after=timezone.now())
        pk = again.pk

    # 1, 5 and 25 minutes after each failure (less the moment the row took to be saved).
    for gap, delay in zip(gaps, delays, strict=True):
        assert datetime.timedelta(seconds=delay - 10) < gap <= datetime.timedelta(seconds=delay)
    assert tried.status == TaskResultStatus.FAILED
    assert tried.exception_class_path == "builtins.ConnectionRefusedError"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()

    client.force_login(staff("Tourism desk"))
    page = client.get(FAILED_TASKS)
    assert page.status_code == 200
    [(task, _when, error, _message, attempts)] = listing_rows(page.content.decode())
    assert (task, error, attempts) == (
        "live.tasks.send_follow_confirmation",
        "ConnectionRefusedError",
        "4",
    )
    assert "reader@example.org" not in page.content.decode()


@pytest.mark.django_db
def test_a_busy_server_means_later_and_a_refused_address_fails_at_once(queued_tasks, settings):
    follower = Follower.objects.create(
        email="reader@example.org", topic="leopard:12", title="Grace", language="en"
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"

    with RefusingSMTPServer(greeting=b"421 4.3.2 too busy, try later") as busy:
        settings.EMAIL_PORT = busy.port
        outcome = send_follow_confirmation.call(follower.pk)
    assert outcome["retry"]["attempt"] == 2
    assert outcome["retry"]["error"] == "SMTPConnectError"
    [later] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert later.args_kwargs["kwargs"] == {ATTEMPT: 2}

    with RefusingSMTPServer(recipient_reply=b"550 5.1.1 no such mailbox") as refusing:
        settings.EMAIL_PORT = refusing.port
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send_follow_confirmation.call(follower.pk)
    assert DBTaskResult.objects.count() == 1  # nothing more queued


def test_which_failures_are_worth_another_try():
    assert is_transient_mail_error(ConnectionRefusedError())
    assert is_transient_mail_error(TimeoutError())
    assert is_transient_mail_error(smtplib.SMTPServerDisconnected("gone"))
    assert is_transient_mail_error(smtplib.SMTPResponseException(451, b"greylisted"))
    assert is_transient_mail_error(smtplib.SMTPRecipientsRefused({"a@b": (452, b"full")}))
    assert not is_transient_mail_error(smtplib.SMTPRecipientsRefused({"a@b": (550, b"no")}))
    assert not is_transient_mail_error(smtplib.SMTPAuthenticationError(535, b"bad login"))
    assert not is_transient_mail_error(FileNotFoundError("a font"))


@pytest.mark.django_db
def test_the_embedded_mode_cannot_defer_so_a_failure_is_final_at_once(settings):
    """The immediate backend runs the task in the request and records its failure."""
    follower = Follower.objects.create(
        email="reader@example.org", topic="leopard:12", title="Grace", language="en"
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()

    result = send_follow_confirmation.enqueue(follower.pk)

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"


@pytest.mark.django_db
def test_a_running_task_of_a_live_worker_is_left_alone_until_the_timeout(settings):
    settings.TASKS_RUNNING_TIMEOUT = 600
    now = timezone.now()

    def running(minutes_ago):
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="tests.cms.slow_tasks.sleep_on_first_attempt",
            backend_name="default",
            status=TaskResultStatus.RUNNING,
            started_at=now - datetime.timedelta(minutes=minutes_ago),
            worker_ids=["w1"],
        )

    recent, stale = running(9), running(11)
    finished = running(60)
    DBTaskResult.objects.filter(pk=finished.pk).update(status=TaskResultStatus.SUCCESSFUL)

    assert recover_stale_tasks(now=now) == 1
    assert row(recent.pk).status == TaskResultStatus.RUNNING
    assert row(stale.pk).status == TaskResultStatus.READY
    assert row(stale.pk).worker_ids == ["w1"]
    assert row(finished.pk).status == TaskResultStatus.SUCCESSFUL


def failed_row(traceback_text, **fields):
    return DBTaskResult.objects.create(
        args_kwargs={"args": ["visitor@example.org", "en"], "kwargs": {}},
        task_path="donations.tasks.send_sign_in_link",
        backend_name="default",
        status=TaskResultStatus.FAILED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1"],
        exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=traceback_text,
        **fields,
    )


@pytest.mark.django_db
def test_failed_tasks_are_for_the_desk_and_fundraising_and_403_for_other_roles(client, staff):
    failed_row(
        "Traceback (most recent call last):\n  ...\nsmtplib.SMTPRecipientsRefused: "
        "{'visitor@example.org': (550, b'5.1.1 no such mailbox')}\n"
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tourism.tasks.send_confirmation",
        backend_name="default",
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=timezone.now(),
    )
    for role in ("Tourism desk", "Fundraising"):
        client.force_login(staff(role))
        page = client.get(FAILED_TASKS)
        assert page.status_code == 200, role
        text = page.content.decode()
        # Only the failure; neither its arguments nor the address in its message.
        [(task, _when, error, message, attempts)] = listing_rows(text)
        assert (task, error, attempts) == (
            "donations.tasks.send_sign_in_link",
            "SMTPRecipientsRefused",
            "1",
        )
        assert "5.1.1 no such mailbox" in html.unescape(message)
        assert "visitor@example.org" not in text
        menu = client.get("/admin/").content.decode()
        assert FAILED_TASKS in menu
    for role in ("Editors", "Moderators", "Wildlife vetters"):
        client.force_login(staff(role))
        assert client.get(FAILED_TASKS).status_code == 403, role
        assert FAILED_TASKS not in client.get("/admin/").content.decode()
    client.logout()
    assert client.get(FAILED_TASKS).status_code == 302  # to the sign-in page
