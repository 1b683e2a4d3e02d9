"""Admin screens of the site-wide pieces: the story tags, named in three languages; failed
background tasks (cms.task_admin)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import StoryTopic
from cms.task_admin import FailedTaskViewSet


class StoryTopicViewSet(SnippetViewSet):
    model = StoryTopic
    icon = "tag"
    menu_label = _("Story tags")
    add_to_admin_menu = False
    form_fields = ["name_ru", "name_en", "name_zh_hans", "slug"]
    list_display = ["name", "slug"]


register_snippet(StoryTopicViewSet)


@hooks.register("register_admin_viewset")
def register_failed_tasks():
    return FailedTaskViewSet()
