"""Class-visit requests belong to the Tourism desk: it sees them on its dashboard and in the
admin, decides them as group requests, and the request follows with a logged decision."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from education.models import ClassVisitRequest
from tests.dashboards import dashboard, figure
from tests.education.test_class_visits import valid_form
from tests.tourism.conftest import build_tours
from tourism.models import GroupRequest, Slot


@pytest.fixture
def desk(db, django_user_model):
    user = django_user_model.objects.create_user("desk", "desk@leopard.example", "pw-desk-1")
    user.groups.add(Group.objects.get(name="Tourism desk"))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def visit(db, client, django_capture_on_commit_callbacks):
    from tests.pages import build_site_tree

    site = build_site_tree()
    _index, trail = build_tours(site.home)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/class-visit/", valid_form()).status_code == 302
    visit = ClassVisitRequest.objects.get()
    visit.slot = Slot.objects.create(
        tour=trail,
        starts_at=timezone.now() + datetime.timedelta(days=20),
        capacity=40,
        price_adult=500,
        price_child=250,
        price_pupil=200,
        max_party=8,
    )
    return visit


def test_the_desk_sees_class_visits_waiting_on_its_dashboard(visit, desk):
    _user, client = desk
    panels = dashboard(client)
    assert figure(panels["class-visits"], r"status=tourism$")[0] == "1"
    listing = client.get("/admin/snippets/education/classvisitrequest/?status=tourism")
    assert listing.status_code == 200
    assert "School No. 5, Slavyanka" in listing.content.decode()


def test_approving_the_group_request_confirms_the_visit_with_who_and_when(visit, desk):
    user, client = desk
    group = GroupRequest.objects.get(reference=visit.tourism_reference)
    response = client.post(
        f"/admin/tourism/desk/groups/{group.pk}/decide/",
        {"decision": "approve", f"g{group.pk}-slot": visit.slot.pk},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ClassVisitRequest.Status.CONFIRMED
    entry = ModelLogEntry.objects.get(action="education.visit_confirmed")
    assert (entry.user, entry.object_id) == (user, str(visit.pk))
    history = client.get(f"/admin/snippets/education/classvisitrequest/history/{visit.pk}/")
    assert history.status_code == 200
    assert group.reference in history.content.decode()


def test_declining_it_declines_the_visit_and_keeps_the_reason(visit, desk):
    user, client = desk
    group = GroupRequest.objects.get(reference=visit.tourism_reference)
    client.post(
        f"/admin/tourism/desk/groups/{group.pk}/decide/",
        {"decision": "decline", "reason": "No guide free that week"},
    )
    visit.refresh_from_db()
    assert visit.status == ClassVisitRequest.Status.DECLINED
    entry = ModelLogEntry.objects.get(action="education.visit_declined")
    assert entry.user == user and entry.data["reason"] == "No guide free that week"
    history = client.get(f"/admin/snippets/education/classvisitrequest/history/{visit.pk}/")
    assert "No guide free that week" in history.content.decode()


def test_the_state_cannot_be_set_by_hand_only_notes(visit, desk):
    _user, client = desk
    url = f"/admin/snippets/education/classvisitrequest/edit/{visit.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    form = valid_form()
    data = {name: form[name] for name in form if name not in ("consent", "submission_key")}
    response = client.post(url, {**data, "status": "confirmed", "staff_notes": "Bus booked"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ClassVisitRequest.Status.WITH_TOURISM_DESK
    assert visit.staff_notes == "Bus booked"


def test_the_export_reads_as_staff_speak(visit, desk):
    _user, client = desk
    response = client.get("/admin/snippets/education/classvisitrequest/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    heading, row = list(csv.reader(io.StringIO(text)))[:2]
    fields = ClassVisitRequest._meta
    with translation.override("ru"):
        number = _("Request number")
        status = capfirst(fields.get_field("status").verbose_name)
        received = capfirst(fields.get_field("created_at").verbose_name)
        waiting = str(ClassVisitRequest.Status.WITH_TOURISM_DESK.label)
    assert number != "Request number"  # translated
    assert row[heading.index(number)] == visit.reference
    assert row[heading.index(status)] == waiting
    park_time = timezone.localtime(visit.created_at)
    assert f"{park_time.hour}:{park_time:%M}" in row[heading.index(received)]
    assert "+00:00" not in row[heading.index(received)]


def test_other_roles_do_not_see_class_visits(visit, django_user_model):
    user = django_user_model.objects.create_user("fund", "f@leopard.example", "pw")
    user.groups.add(Group.objects.get(name="Fundraising"))
    client = Client()
    client.force_login(user)
    assert "class-visits" not in dashboard(client)
    assert client.get("/admin/snippets/education/classvisitrequest/").status_code == 302
