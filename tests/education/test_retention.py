"""Class-visit requests forget the teacher a year after the visit's dates; the school, the
class and the dates stay for the education desk's figures."""

import datetime

import pytest
from django.utils import timezone

from education.models import ClassVisitRequest
from education.services import forget_past_class_visits

pytestmark = pytest.mark.django_db


def request(email, preferred, alternative=None, received_days_ago=0):
    visit = ClassVisitRequest.objects.create(
        school="Школа 5",
        teacher_name="Т. Иванова",
        email=email,
        phone="+7 900 000-00-00",
        class_size=12,
        age_from=9,
        age_to=10,
        visit_language="ru",
        preferred_date=preferred,
        alternative_date=alternative,
        needs="Один ученик на коляске",
        contact_language="ru",
        staff_notes="Автобус школы",
    )
    ClassVisitRequest.objects.filter(pk=visit.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=received_days_ago)
    )
    return visit


def test_a_request_is_forgotten_a_year_after_its_latest_date(settings):
    settings.EDUCATION_KEEP_PERSONAL_DATA_DAYS = 365
    today = timezone.localdate()
    year_and_a_day = today - datetime.timedelta(days=366)
    old = request("old@example.org", year_and_a_day, received_days_ago=400)
    later_alternative = request(
        "alt@example.org", year_and_a_day, today - datetime.timedelta(days=100), 400
    )
    recent = request("recent@example.org", today - datetime.timedelta(days=30), None, 60)

    assert forget_past_class_visits() == 1

    old.refresh_from_db()
    assert (old.teacher_name, old.email, old.phone, old.needs) == ("—", "", "", "")
    assert (old.school, old.class_size, old.preferred_date) == ("Школа 5", 12, year_and_a_day)
    assert old.staff_notes == "Автобус школы"
    assert ClassVisitRequest.objects.get(pk=later_alternative.pk).email == "alt@example.org"
    assert ClassVisitRequest.objects.get(pk=recent.pk).email == "recent@example.org"
    assert forget_past_class_visits() == 0
