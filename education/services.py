"""Education's operations: finding materials, listing events, class visit requests."""

import datetime
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from education import conf, ical
from education.models import (
    AgeBand,
    ClassVisitRequest,
    EventPage,
    ResourceFormat,
    ResourcePage,
    Subject,
)

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


# The library ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilter:
    """What a teacher chose: within one facet any value matches, facets combine with AND.

    Read from and written to the query string (?age=7-11&subject=biology&language=zh-hans), so
    a filtered list is a link to share. Values that match nothing we know are dropped.
    """

    ages: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query):
        def chosen(name, known):
            values = [value.strip() for value in query.getlist(name)]
            return tuple(dict.fromkeys(value for value in values if value in known))

        return cls(
            ages=chosen("age", set(AgeBand.objects.values_list("slug", flat=True))),
            subjects=chosen("subject", set(Subject.objects.values_list("slug", flat=True))),
            formats=chosen("format", set(ResourceFormat.values)),
            languages=chosen("language", set(LANGUAGE_CODES)),
        )

    @property
    def active(self):
        return bool(self.ages or self.subjects or self.formats or self.languages)

    def query_string(self):
        pairs = [
            *(("age", value) for value in self.ages),
            *(("subject", value) for value in self.subjects),
            *(("format", value) for value in self.formats),
            *(("language", value) for value in self.languages),
        ]
        return urlencode(pairs)


def find_resources(index, library_filter):
    """The live public materials of a library that match a filter, in the editors' order."""
    resources = ResourcePage.objects.live().public().child_of(index)
    if library_filter.ages:
        resources = resources.filter(
            pk__in=ResourcePage.objects.filter(age_bands__slug__in=library_filter.ages).values("pk")
        )
    if library_filter.subjects:
        resources = resources.filter(
            pk__in=ResourcePage.objects.filter(subjects__slug__in=library_filter.subjects).values(
                "pk"
            )
        )
    if library_filter.formats:
        resources = resources.filter(resource_format__in=library_filter.formats)
    if library_filter.languages:
        resources = resources.filter(available_in(library_filter.languages))
    return resources.order_by("path").prefetch_related("age_bands", "subjects", "files__document")


def available_in(languages):
    """A material is available in a language when its lesson is written in it or it has a
    file in it: a Chinese teacher can use either."""
    condition = Q()
    for code in languages:
        condition |= Q(text_languages__contains=f" {code} ")
    with_files = ResourcePage.objects.filter(files__language__in=languages).values("pk")
    return condition | Q(pk__in=with_files)


def resource_languages(resource):
    """The languages a material can be used in, in the site's order (files prefetched)."""
    written = set(resource.text_languages.split())
    with_files = {item.language for item in resource.files.all()}
    return [code for code in LANGUAGE_CODES if code in written | with_files]


def filter_choices(library_filter):
    """The filter form's options with what is ticked, in the active language."""
    names = dict(settings.LANGUAGES)
    return {
        "ages": [
            (band.slug, band.name, band.slug in library_filter.ages)
            for band in AgeBand.objects.all()
        ],
        "subjects": [
            (subject.slug, subject.name, subject.slug in library_filter.subjects)
            for subject in Subject.objects.all()
        ],
        "formats": [
            (value, label, value in library_filter.formats)
            for value, label in ResourceFormat.choices
        ],
        "languages": [
            (code, names[code], code in library_filter.languages) for code in LANGUAGE_CODES
        ],
    }


# Events --------------------------------------------------------------------------------------


def upcoming_events(index=None, limit=None):
    events = EventPage.objects.upcoming()
    if index is not None:
        events = events.child_of(index)
    return events[:limit] if limit else events


def recent_past_events(index, limit=5):
    now = timezone.now()
    ended = Q(end__lt=now) | Q(end__isnull=True, start__lt=now)
    return (
        EventPage.objects.live().public().child_of(index).filter(ended).order_by("-start")[:limit]
    )


def calendar_events(index):
    """For subscribers: what is coming, and what happened in the last 90 days."""
    since = timezone.now() - datetime.timedelta(days=90)
    return (
        EventPage.objects.live()
        .public()
        .child_of(index)
        .filter(start__gte=since)
        .order_by("start", "pk")
    )


def events_calendar(request, events, name=None):
    """An iCalendar text of `events` in the active language."""
    language = translation.get_language()
    entries = [
        ical.CalendarEvent(
            uid=f"education-event-{event.pk}@land-of-the-leopard",
            start=event.start,
            end=event.end,
            summary=event.title,
            description="\n\n".join(
                part
                for part in (
                    event.intro,
                    _("For whom: %(audience)s") % {"audience": event.audience}
                    if event.audience
                    else "",
                    event.how_to_take_part,
                )
                if part
            ),
            location=event.place,
            url=event.get_full_url(request) or "",
            last_modified=event.last_published_at,
        )
        for event in events
    ]
    return ical.build_calendar(
        name or _("Land of the Leopard: events"), entries, language=language, now=timezone.now()
    )


# Class visits --------------------------------------------------------------------------------


# A second request for the same school, teacher and date within this time is the first one
# sent again (a form reloaded with the back button gets a fresh submission key).
RESUBMISSION_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def request_class_visit(*, submission_key, contact_language, **details):
    """Stores a teacher's request once, confirms it to them and hands it to the tourism desk.

    The same form sent again (a double click, a resent or reloaded form) returns the request
    made the first time and sends nothing more. Returns (request, created).
    """
    existing = (
        ClassVisitRequest.objects.filter(submission_key=submission_key).first()
        or ClassVisitRequest.objects.filter(
            email__iexact=details["email"],
            school__iexact=details["school"],
            preferred_date=details["preferred_date"],
            created_at__gte=timezone.now() - RESUBMISSION_WINDOW,
        ).first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            visit = ClassVisitRequest.objects.create(
                submission_key=submission_key, contact_language=contact_language, **details
            )
    except IntegrityError:
        # Two submissions raced past the lookup; the first one's row is the request.
        return ClassVisitRequest.objects.get(submission_key=submission_key), False

    from education import tasks

    transaction.on_commit(lambda: tasks.confirm_class_visit_to_teacher.enqueue(visit.pk))
    hand_over_to_tourism_desk(visit)
    return visit, True


def hand_over_to_tourism_desk(visit):
    """The seam between schools and the tourism desk, called once per new request.

    The request becomes a pending group visit at the tourism desk, which approves it on a date
    (approval reserves the places); the education desk is told by e-mail as well.
    """
    from education import tasks
    from tourism.services import request_group_visit

    group, _created = request_group_visit(
        organisation=visit.school,
        contact_name=visit.teacher_name,
        email=visit.email,
        phone=visit.phone,
        group_size=visit.class_size,
        accompanying_adults=1,
        age_from=visit.age_from,
        age_to=visit.age_to,
        visit_language=visit.visit_language,
        contact_language=visit.contact_language,
        preferred_dates=[d for d in (visit.preferred_date, visit.alternative_date) if d],
        notes=visit.needs,
        source_reference=f"education:{visit.submission_key}",
    )
    visit.tourism_reference = group.reference
    visit.status = ClassVisitRequest.Status.WITH_TOURISM_DESK
    visit.save(update_fields=["tourism_reference", "status"])
    transaction.on_commit(lambda: tasks.notify_staff_of_class_visit.enqueue(visit.pk))


VISIT_CONFIRMED = "education.visit_confirmed"
VISIT_DECLINED = "education.visit_declined"
SOURCE_PREFIX = "education:"


def follow_group_request(group_request):
    """A class visit's state follows the tourism desk's group request it became: approved,
    confirmed; declined, declined. The decision is logged on the class visit request with the
    desk's user and reason, so its history in the admin tells who decided, when and why."""
    source = group_request.source_reference or ""
    if not source.startswith(SOURCE_PREFIX):
        return None
    try:
        submission_key = uuid.UUID(source.removeprefix(SOURCE_PREFIX))
    except ValueError:
        return None
    states = {
        "approved": (ClassVisitRequest.Status.CONFIRMED, VISIT_CONFIRMED),
        "declined": (ClassVisitRequest.Status.DECLINED, VISIT_DECLINED),
        "pending": (ClassVisitRequest.Status.WITH_TOURISM_DESK, None),
    }
    if group_request.status not in states:
        return None
    status, action = states[group_request.status]
    with transaction.atomic():
        return _follow(group_request, submission_key, status, action)


def _follow(group_request, submission_key, status, action):
    visit = (
        ClassVisitRequest.objects.select_for_update().filter(submission_key=submission_key).first()
    )
    if visit is None or visit.status == status:
        return visit
    visit.status = status
    visit.tourism_reference = group_request.reference
    visit.save(update_fields=["status", "tourism_reference"])
    if action:
        log(
            instance=visit,
            action=action,
            user=group_request.decided_by,
            data={
                "reason": group_request.decline_reason,
                "group_request": group_request.reference,
            },
        )
    return visit


def forget_past_class_visits(now=None):
    """Blanks the teacher's name, contacts and wishes of class-visit requests a year after
    their latest date (run daily by the scheduler); the school, class size, ages, dates and
    the desk's own notes stay for the education desk's figures. Returns how many."""
    today = timezone.localdate(now or timezone.now())
    cutoff = today - conf.keep_personal_data()
    return (
        ClassVisitRequest.objects.filter(preferred_date__lt=cutoff, created_at__date__lt=cutoff)
        .filter(Q(alternative_date=None) | Q(alternative_date__lt=cutoff))
        .exclude(email="")
        .update(teacher_name="—", email="", phone="", needs="")
    )
