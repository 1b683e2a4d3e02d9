"""20 class-visit posts must not send 60 e-mails."""

import pytest

from education.models import ClassVisitRequest
from tests.education.test_class_visits import valid_form
from tests.ratelimits import assert_refused


@pytest.fixture(autouse=True)
def site(db):
    from tests.pages import build_site_tree

    return build_site_tree()


def test_class_visit_requests_per_address(
    client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.RATE_LIMIT_EMAILS_PER_ADDRESS = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post("/en/class-visit/", valid_form()).status_code == 302
    sent, stored = len(mailoutbox), ClassVisitRequest.objects.count()
    assert sent >= 2

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/ru/class-visit/", valid_form(email="Anna@School5.example"))

    assert_refused(refused, "ru")
    assert ClassVisitRequest.objects.count() == stored
    assert len(mailoutbox) == sent


def test_class_visit_requests_per_client(
    client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(2):
            client.post("/en/class-visit/", valid_form(email=f"t{number}@school.example"))
        refused = client.post("/zh-hans/class-visit/", valid_form(email="t2@school.example"))

    assert_refused(refused, "zh-hans")
    assert ClassVisitRequest.objects.count() == 2
    assert not [m for m in mailoutbox if "t2@school.example" in m.to]
