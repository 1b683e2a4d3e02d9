import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from education import services
from education.models import ClassVisitRequest


def valid_form(**changes):
    soon = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "submission_key": str(uuid.uuid4()),
        "school": "School No. 5, Slavyanka",
        "teacher_name": "Anna Petrova",
        "email": "anna@school5.example",
        "phone": "+7 900 000 00 00",
        "class_size": "24",
        "age_from": "9",
        "age_to": "10",
        "visit_language": "ru",
        "preferred_date": soon.isoformat(),
        "alternative_date": (soon + datetime.timedelta(days=7)).isoformat(),
        "needs": "One pupil uses a wheelchair.",
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def site(db):
    from tests.pages import build_site_tree

    return build_site_tree()


def test_form_is_shown_with_a_fresh_submission_key_and_the_visitors_language(client, site):
    response = client.get("/zh-hans/class-visit/?age=7-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="submission_key"' in html
    assert '<option value="zh-hans" selected>' in html


@pytest.mark.parametrize(
    ("language", "subject_words", "body_words"),
    [
        ("ru", "Ваша заявка", "Это ещё не бронирование"),
        ("en", "Your class visit request", "This is not yet a booking"),
        ("zh-hans", "您的班级参观申请", "这还不是正式预订"),
    ],
)
def test_request_is_stored_confirmed_to_the_teacher_in_their_language_and_staff_told(
    client, site, settings, django_capture_on_commit_callbacks, language, subject_words, body_words
):
    settings.EDUCATION_STAFF_EMAIL = "desk@park.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{language}/class-visit/", valid_form())
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/class-visit/sent/"

    visit = ClassVisitRequest.objects.get()
    assert visit.school == "School No. 5, Slavyanka"
    assert visit.class_size == 24 and (visit.age_from, visit.age_to) == (9, 10)
    assert visit.contact_language == language
    assert visit.status == ClassVisitRequest.Status.WITH_TOURISM_DESK

    # The teacher, the education desk, and the tourism desk that approves group visits.
    assert len(mail.outbox) == 3
    to_teacher = next(m for m in mail.outbox if m.to == ["anna@school5.example"])
    assert subject_words in to_teacher.subject
    assert visit.reference in to_teacher.subject
    assert body_words in to_teacher.body
    assert "School No. 5, Slavyanka" in to_teacher.body
    to_staff = next(m for m in mail.outbox if m.to == ["desk@park.example"])
    assert to_staff.reply_to == ["anna@school5.example"]
    assert "School No. 5, Slavyanka" in to_staff.subject
    assert f"/admin/snippets/education/classvisitrequest/edit/{visit.pk}/" in to_staff.body
    assert "One pupil uses a wheelchair." in to_staff.body

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert visit.reference in thanks.content.decode()


def test_the_same_form_sent_twice_makes_one_request_and_one_confirmation(
    client, site, django_capture_on_commit_callbacks
):
    form = valid_form()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/class-visit/", form)
        second = client.post("/en/class-visit/", form)
    assert first.status_code == second.status_code == 302
    assert ClassVisitRequest.objects.count() == 1
    assert len(mail.outbox) == 3  # teacher, education desk, tourism desk: not six


def test_service_returns_the_first_request_for_a_repeated_key(db):
    key = uuid.uuid4()
    details = {
        "school": "School 1",
        "teacher_name": "T",
        "email": "t@example.org",
        "class_size": 10,
        "age_from": 7,
        "age_to": 8,
        "visit_language": "en",
        "preferred_date": timezone.localdate() + datetime.timedelta(days=10),
    }
    first, created = services.request_class_visit(
        submission_key=key, contact_language="en", **details
    )
    again, created_again = services.request_class_visit(
        submission_key=key, contact_language="en", **{**details, "school": "Other"}
    )
    assert created and not created_again
    assert again.pk == first.pk and again.school == "School 1"


def test_the_same_request_sent_again_from_a_reloaded_form_is_not_stored_twice(
    client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/class-visit/", valid_form())
        # The back button reloaded the form: a new key, the same school, teacher and date.
        again = client.post("/en/class-visit/", valid_form(email="ANNA@school5.example", needs=""))
    assert again.status_code == 302
    assert ClassVisitRequest.objects.count() == 1
    assert len(mail.outbox) == 3


def test_another_date_for_the_same_school_is_a_new_request(client, site):
    client.post("/en/class-visit/", valid_form())
    later = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    client.post("/en/class-visit/", valid_form(preferred_date=later, alternative_date=""))
    assert ClassVisitRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "changes", "field", "message"),
    [
        ("en", {"email": "not-an-address"}, "email", "Enter a valid email address."),
        ("ru", {"email": "not-an-address"}, "email", "Введите правильный адрес электронной почты."),
        ("en", {"school": ""}, "school", "This field is required."),
        (
            "ru",
            {"class_size": "0"},
            "class_size",
            "Убедитесь, что это значение больше либо равно 1.",
        ),
        ("en", {"class_size": "200"}, "class_size", "at most 40 pupils"),
        ("ru", {"class_size": "200"}, "class_size", "не больше 40 учеников"),
        ("zh-hans", {"class_size": "200"}, "class_size", "最多40名学生"),
        ("en", {"age_from": "12", "age_to": "9"}, "age_to", "cannot be below"),
        ("zh-hans", {"age_from": "12", "age_to": "9"}, "age_to", "不能小于"),
        ("en", {"preferred_date": "2001-01-01"}, "preferred_date", "at least 3 days from today"),
        ("ru", {"preferred_date": "2001-01-01"}, "preferred_date", "не раньше чем через 3 дня"),
        ("en", {"preferred_date": "next tuesday"}, "preferred_date", "Enter a valid date."),
        ("en", {"consent": ""}, "consent", "We need your consent"),
        ("zh-hans", {"consent": ""}, "consent", "我们需要您的同意"),
        ("en", {"submission_key": "forged"}, "submission_key", "The form expired"),
        ("en", {"visit_language": "fr"}, "visit_language", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_in_the_visitors_language(
    client, site, language, changes, field, message
):
    response = client.post(f"/{language}/class-visit/", valid_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ClassVisitRequest.objects.count() == 0
    assert mail.outbox == []


def test_alternative_date_must_differ(client, site):
    form = valid_form()
    form["alternative_date"] = form["preferred_date"]
    response = client.post("/en/class-visit/", form)
    assert response.status_code == 400
    assert "Give a different date" in response.content.decode()


def test_sent_page_without_a_request_of_ones_own_goes_back_to_the_form(client, site):
    response = client.get("/en/class-visit/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/en/class-visit/"


def test_requests_are_listed_for_staff_in_the_admin(client, site, django_user_model):
    visit = ClassVisitRequest.objects.create(
        school="Gymnasium 2",
        teacher_name="Li Wei",
        email="li@example.org",
        class_size=18,
        age_from=12,
        age_to=13,
        visit_language="zh-hans",
        contact_language="zh-hans",
        preferred_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.org", "pw"))
    listing = client.get("/admin/snippets/education/classvisitrequest/")
    assert listing.status_code == 200
    assert "Gymnasium 2" in listing.content.decode()
    edit = client.get(f"/admin/snippets/education/classvisitrequest/edit/{visit.pk}/")
    assert edit.status_code == 200
    assert "li@example.org" in edit.content.decode()


def test_anonymous_visitors_cannot_see_the_admin_list(client, site):
    response = client.get("/admin/snippets/education/classvisitrequest/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_hand_over_is_the_one_seam_for_the_tourism_desk(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    handed = []
    monkeypatch.setattr(services, "hand_over_to_tourism_desk", handed.append)
    with django_capture_on_commit_callbacks(execute=True):
        visit, _created = services.request_class_visit(
            submission_key=uuid.uuid4(),
            contact_language="ru",
            school="S",
            teacher_name="T",
            email="t@example.org",
            class_size=5,
            age_from=7,
            age_to=7,
            visit_language="ru",
            preferred_date=timezone.localdate() + datetime.timedelta(days=10),
        )
    assert handed == [visit]
    # With the seam replaced, only the teacher's confirmation is sent.
    assert [m.to for m in mail.outbox] == [["t@example.org"]]


def test_a_class_visit_becomes_a_pending_group_visit_at_the_tourism_desk(
    client, site, django_capture_on_commit_callbacks
):
    from tourism.models import GroupRequest

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/class-visit/", valid_form())
    assert response.status_code == 302
    visit = ClassVisitRequest.objects.get()
    group = GroupRequest.objects.get(source_reference=f"education:{visit.submission_key}")
    assert visit.status == ClassVisitRequest.Status.WITH_TOURISM_DESK
    assert visit.tourism_reference == group.reference
    assert (group.organisation, group.group_size, group.email) == (
        "School No. 5, Slavyanka",
        24,
        "anna@school5.example",
    )
    # Pending: the desk approves it on a date; nothing is reserved yet.
    assert group.status == GroupRequest.Status.PENDING


def test_one_reference_on_the_page_and_in_every_e_mail(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.EDUCATION_STAFF_EMAIL = "desk@park.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/class-visit/", valid_form())
    visit = ClassVisitRequest.objects.get()
    page = client.get(response["Location"]).content.decode()
    shown = visit.reference
    assert shown in page
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        # The teacher's, the education desk's and the tourism desk's message: the same reference.
        assert shown in message.subject + message.body, (message.to, message.subject)
    assert shown == visit.tourism_reference
