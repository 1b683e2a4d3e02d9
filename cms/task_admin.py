"""Failed background tasks, as staff see them in Wagtail's admin (Reports › Failed tasks).

Read only, for the roles given `cms.view_failedtask` (the Tourism desk and Fundraising, who
answer visitors whose e-mail did not come). A row says which task failed, when, with which
error and after how many attempts; never its arguments (addresses, names) nor its traceback,
and e-mail addresses in the error's message are masked.
"""

import re

from django.http import HttpResponseForbidden
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import ModelPermissionPolicy

from cms.models import FailedTask
from cms.taskqueue import attempts

EMAIL_ADDRESS = re.compile(r"[^\s@<>'\"(),;:]+@[^\s@<>'\"(),;:]+")
MESSAGE_LENGTH = 300


def error_class(result):
    return result.exception_class_path.rsplit(".", 1)[-1]


def error_message(result):
    """The exception's message: the traceback's last line without the class, masked."""
    lines = [line for line in (result.traceback or "").strip().splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    _class, separator, message = last.partition(": ")
    message = message if separator else ""
    message = EMAIL_ADDRESS.sub("…@…", message)
    return message if len(message) <= MESSAGE_LENGTH else message[: MESSAGE_LENGTH - 1] + "…"


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Failed tasks are the workers' record: nobody adds, edits or deletes them here."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class FailedTaskIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        # Wagtail turns a refusal into a redirect to the dashboard; a role without the right
        # is told plainly, with the status that says so.
        if not self.permission_policy.user_has_permission(request.user, "view"):
            return HttpResponseForbidden(
                _("Your role may not see failed tasks."), content_type="text/plain; charset=utf-8"
            )
        return super().dispatch(request, *args, **kwargs)


class FailedTaskViewSet(ModelViewSet):
    model = FailedTask
    name = "failed_tasks"
    url_prefix = "reports/failed-tasks"
    icon = "warning"
    menu_label = _("Failed tasks")
    menu_hook = "register_reports_menu_item"
    index_view_class = FailedTaskIndexView
    inspect_view_enabled = False
    copy_view_enabled = False
    form_fields = []
    ordering = ["-finished_at"]
    list_display = [
        Column("task_path", label=_("task")),
        DateColumn("finished_at", label=_("failed at")),
        Column("error", label=_("error"), accessor=error_class),
        Column("message", label=_("error message"), accessor=error_message),
        Column("attempts", label=_("attempts"), accessor=attempts),
    ]

    @property
    def permission_policy(self):
        return ViewOnlyPolicy(self.model)
