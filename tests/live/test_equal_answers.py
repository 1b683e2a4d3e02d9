"""Following answers the same for an address that already follows and for a new one; the
wish is recorded and the confirmation sent by a task."""

from functools import partial

import pytest
from django_tasks_db.models import DBTaskResult

from live.models import Follower
from tests.live import test_followers
from tests.live.test_followers import follow


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """`follow` runs what follows its commit (as test_followers sets up for its own tests)."""
    test_followers.committed = partial(django_capture_on_commit_callbacks, execute=True)


def test_follow_answers_alike_and_works_in_the_task(client, db, queued_tasks, mailoutbox):
    Follower.objects.create(
        email="reader@example.org",
        topic="leopard:12",
        title="Grace",
        language="en",
        status="active",
    )

    known = follow(client, "reader@example.org")
    new = follow(client, "new@example.org")

    assert known.status_code == 302
    assert (known.status_code, known["Location"], known.content) == (
        new.status_code,
        new["Location"],
        new.content,
    )
    assert mailoutbox == []
    assert Follower.objects.count() == 1
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [t.task_path for t in queued] == ["live.tasks.record_follow_request"] * 2

    for result in queued:
        result.task.call(*result.args_kwargs["args"])
    assert Follower.objects.get(email="new@example.org").status == "pending"
    assert Follower.objects.get(email="reader@example.org").status == "active"
