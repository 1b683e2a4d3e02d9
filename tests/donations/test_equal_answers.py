"""A known and an unknown address get the same answer, and the request does the same work:
the address is looked up, and the e-mail sent, by a task (the worker's, in production)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from donations.models import CampaignSubscriber, Supporter
from tests.donations.conftest import committed

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def queued_tasks(settings):
    """The production task backend: enqueued in the database, run later by the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def answer(response):
    return response.status_code, response.get("Location"), CSRF.sub("", response.content.decode())


def test_sign_in_answers_known_and_unknown_alike_and_sends_from_the_task(
    client, campaigns, queued_tasks, mailoutbox
):
    Supporter.objects.create(email="donor@example.org", language="en")
    with translation.override("en"):
        sign_in = reverse("donations:supporter_sign_in")

    known = client.post(sign_in, {"email": "Donor@example.org"})
    unknown = client.post(sign_in, {"email": "stranger@example.org"})

    assert known.status_code == 200
    assert answer(known) == answer(unknown)
    assert mailoutbox == []  # nothing sent inside the request
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [t.task_path for t in queued] == ["donations.tasks.send_sign_in_link"] * 2
    assert [t.args_kwargs["args"] for t in queued] == [
        ["donor@example.org", "en"],
        ["stranger@example.org", "en"],
    ]

    # The worker sends the link to the supporter, and nothing to the stranger.
    for result in queued:
        result.task.call(*result.args_kwargs["args"])
    assert [m.to for m in mailoutbox] == [["donor@example.org"]]


def test_report_subscription_answers_alike_whatever_the_addresss_state(
    client, campaigns, queued_tasks, mailoutbox
):
    CampaignSubscriber.objects.create(
        campaign=campaigns.patrols, email="reader@example.org", language="en", status="active"
    )
    with translation.override("en"):
        subscribe = reverse("donations:subscribe", args=[campaigns.patrols.pk])

    with committed():
        subscribed = client.post(subscribe, {"email": "reader@example.org"})
        new = client.post(subscribe, {"email": "new@example.org"})

    assert subscribed.status_code == 302
    assert answer(subscribed) == answer(new)
    assert mailoutbox == []
    assert CampaignSubscriber.objects.count() == 1  # the request itself stored nothing
    assert (
        DBTaskResult.objects.filter(task_path="donations.tasks.record_update_request").count() == 2
    )
