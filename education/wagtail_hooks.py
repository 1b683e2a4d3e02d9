"""Admin screens for the education desk, and how every document is served."""

from django.http import HttpResponse, HttpResponseForbidden
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents.models import document_served
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from education.models import AgeBand, ClassVisitRequest, Subject
from education.uploads import read_safe_document


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
    panels = [
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("tourism_reference"), FieldPanel("staff_notes")],
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
