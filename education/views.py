import uuid

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from cms import params
from cms.ratelimits import ADDRESS, Limit, rate_limited
from education import classroom, services
from education.forms import ClassVisitForm
from education.models import AgeBand, ClassVisitRequest

SESSION_KEY = "education_class_visit"


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited(
    "class_visit_request",
    Limit("RATE_LIMIT_EMAILS_PER_CLIENT"),
    Limit("RATE_LIMIT_EMAILS_PER_ADDRESS", by=ADDRESS),
)
def class_visit_request(request):
    if request.method == "POST":
        form = ClassVisitForm(request.POST)
        if form.is_valid():
            visit, _created = services.request_class_visit(
                submission_key=form.cleaned_data["submission_key"],
                contact_language=translation.get_language(),
                **form.request_details(),
            )
            request.session[SESSION_KEY] = str(visit.submission_key)
            return redirect("education:class_visit_sent")
        return render(request, "education/class_visit_form.html", {"form": form}, status=400)
    initial = {"submission_key": uuid.uuid4(), "visit_language": translation.get_language()}
    band = AgeBand.objects.filter(slug=request.GET.get("age", "")).first()
    if band:
        initial.update(age_from=band.min_age, age_to=band.max_age)
    form = ClassVisitForm(initial=initial)
    # From an event page's "Request a class visit" link: that event, on its date.
    event_id = params.parse_id(request.GET.get("event"))
    event = form.fields["event"].queryset.filter(pk=event_id).first() if event_id else None
    if event is not None:
        form.initial["event"] = event.pk
        form.initial["preferred_date"] = timezone.localtime(event.start).date()
    return render(request, "education/class_visit_form.html", {"form": form})


@require_GET
def class_visit_sent(request):
    """Thanks, with the reference of the request this browser sent (and nobody else's)."""
    key = request.session.get(SESSION_KEY)
    visit = ClassVisitRequest.objects.filter(submission_key=key).first() if key else None
    if visit is None:
        return redirect("education:class_visit_request")
    return render(request, "education/class_visit_sent.html", {"visit": visit})


@require_GET
def classroom_data(request):
    rows = classroom.classroom_rows()
    return render(
        request,
        "education/classroom_data.html",
        {
            "rows": rows,
            "month_totals": classroom.month_totals(rows),
            "sector_totals": classroom.sector_totals(rows),
        },
    )


@require_GET
def classroom_data_csv(request):
    language = translation.get_language()
    response = HttpResponse(
        classroom.classroom_csv(classroom.classroom_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="leopard-sightings-by-month-{language}.csv"'
    )
    return response
