"""Admin screens for the education desk, and how every document is served."""

import datetime

from django.http import HttpResponse, HttpResponseForbidden
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.documents.models import document_served
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from cms.admin_export import ReadableExportMixin
from education import panels as dashboard_panels  # noqa: F401  (registers itself)
from education.models import AgeBand, ClassVisitRequest, Subject
from education.services import VISIT_CONFIRMED, VISIT_DECLINED
from education.uploads import read_safe_document


class ClassVisitIndexView(ReadableExportMixin, IndexView):
    export_headings = {"reference": _("Request number")}


class ClassVisitInspectView(InspectView):
    """Times in park time, not UTC."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        return value


class ClassVisitRequestViewSet(SnippetViewSet):
    model = ClassVisitRequest
    icon = "group"
    menu_label = _("Class visit requests")
    list_display = [
        "school",
        "teacher_name",
        "preferred_date",
        "class_size",
        "visit_language",
        "status",
        "created_at",
    ]
    list_filter = ["status", "visit_language", "preferred_date"]
    search_fields = ["school", "teacher_name", "email"]
    search_backend_name = None  # a database lookup: requests are not in the site search
    ordering = ["-created_at"]
    copy_view_enabled = False
    index_view_class = ClassVisitIndexView
    inspect_view_enabled = True
    inspect_view_class = ClassVisitInspectView
    list_export = [
        "reference",
        "created_at",
        "school",
        "teacher_name",
        "email",
        "phone",
        "class_size",
        "age_from",
        "age_to",
        "visit_language",
        "preferred_date",
        "alternative_date",
        "status",
        "tourism_reference",
    ]
    export_filename = "class-visit-requests"
    # The state follows the group request the tourism desk decides (education.services).
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("status", read_only=True),
                FieldPanel("tourism_reference", read_only=True),
                HelpPanel(
                    content=_(
                        "The tourism desk decides the visit as a group request (Tourism desk → "
                        "Group requests): approving it confirms this request, declining it "
                        "declines it, and the teacher is told."
                    )
                ),
                FieldPanel("staff_notes"),
            ],
            heading=_("Handling"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("school"),
                FieldRowPanel(
                    [FieldPanel("teacher_name"), FieldPanel("email"), FieldPanel("phone")]
                ),
                FieldRowPanel(
                    [FieldPanel("class_size"), FieldPanel("age_from"), FieldPanel("age_to")]
                ),
                FieldPanel("visit_language"),
                FieldRowPanel([FieldPanel("preferred_date"), FieldPanel("alternative_date")]),
                FieldPanel("needs"),
            ],
            heading=_("The request"),
        ),
    ]


class AgeBandViewSet(SnippetViewSet):
    model = AgeBand
    icon = "group"
    list_display = ["name", "slug", "min_age", "max_age"]


class SubjectViewSet(SnippetViewSet):
    model = Subject
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]


class EducationViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Schools")
    menu_icon = "group"
    menu_order = 250
    items = (ClassVisitRequestViewSet, AgeBandViewSet, SubjectViewSet)


register_snippet(EducationViewSetGroup)


class VisitDecisionFormatter(LogFormatter):
    """The decision with its group request and the desk's reason, in the request's history."""

    def format_comment(self, log_entry):
        data = log_entry.data or {}
        return " · ".join(part for part in (data.get("group_request"), data.get("reason")) if part)

    def format_message(self, log_entry):
        comment = self.format_comment(log_entry)
        return f"{self.message}: {comment}" if comment else str(self.message)


@hooks.register("register_log_actions")
def register_class_visit_log_actions(actions):
    for action, label, message in [
        (VISIT_CONFIRMED, _("Confirm class visit"), _("Class visit confirmed by the tourism desk")),
        (VISIT_DECLINED, _("Decline class visit"), _("Class visit declined by the tourism desk")),
    ]:
        actions.register_action(action)(
            type("Formatter", (VisitDecisionFormatter,), {"label": label, "message": message})
        )


@hooks.register("before_serve_document")
def serve_documents_as_safe_attachments(document, request):
    """Every document is a download with its declared type, never a page the browser runs.

    Wagtail would show PDFs inline and trust the extension; here a file whose content does not
    match its type is refused, and the rest are sent as attachments that cannot be sniffed into
    HTML or run scripts (nosniff, a sandboxing CSP). Wagtail only takes an HttpResponse from
    this hook, not a streaming one: the bytes were read for the check anyway, and the size cap
    bounds them.
    """
    checked = read_safe_document(document)
    if checked is None:
        return HttpResponseForbidden(
            _("This file is not served: its content is not an accepted document type."),
            content_type="text/plain; charset=utf-8",
        )
    kind, data = checked
    document_served.send(sender=type(document), instance=document, request=request)
    response = HttpResponse(data, content_type=kind.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    if document.file_hash:
        response["ETag"] = f'"{document.file_hash}"'
    return response
