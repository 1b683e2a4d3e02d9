"""cms's daily retention: expired sessions and old task results go; live sessions, recent
results and failures still within their longer time stay."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms.jobs import clear_expired_sessions
from cms.taskqueue import prune_task_results

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_expired_sessions_are_cleared_and_live_ones_kept(client, django_user_model):
    user = django_user_model.objects.create_user("desk", password="pw-1a2b3c")
    client.force_login(user)
    live = Session.objects.get()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=days_ago(1))

    clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def result(status, finished_days_ago):
    return DBTaskResult.objects.create(
        args_kwargs={"args": ["visitor@example.org"], "kwargs": {}},
        task_path="donations.tasks.send_sign_in_link",
        backend_name="default",
        status=status,
        finished_at=days_ago(finished_days_ago),
        exception_class_path="",
        traceback="",
    )


def test_finished_task_results_are_pruned_failures_kept_longer(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_RESULT_RETENTION_DAYS = 7
    settings.TASKS_FAILED_RESULT_RETENTION_DAYS = 30
    old_success = result(TaskResultStatus.SUCCESSFUL, 8)
    recent_success = result(TaskResultStatus.SUCCESSFUL, 6)
    old_failure = result(TaskResultStatus.FAILED, 31)
    failure_staff_may_still_see = result(TaskResultStatus.FAILED, 8)
    waiting = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="donations.tasks.send_sign_in_link",
        backend_name="default",
        run_after=days_ago(40),
    )

    prune_task_results()

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent_success.pk,
        failure_staff_may_still_see.pk,
        waiting.pk,
    }
    assert not DBTaskResult.objects.filter(pk__in=[old_success.pk, old_failure.pk]).exists()


def test_without_a_task_database_there_is_nothing_to_prune(settings):
    """The embedded mode runs tasks at once and stores no results."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    kept = result(TaskResultStatus.SUCCESSFUL, 100)

    prune_task_results()

    assert DBTaskResult.objects.filter(pk=kept.pk).exists()
