"""Staff roles, the moderation workflow and scheduled publishing."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Revision, Workflow, WorkflowState

from cms.models import StandardPage

ROLES = ["Editors", "Moderators", "Wildlife vetters", "Tourism desk", "Fundraising"]


@pytest.fixture
def staff(django_user_model):
    def make(username, group):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", "pw-123456"
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_every_staff_role_exists_and_may_use_the_admin(db):
    for name in ROLES:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists(), name


def test_editors_cannot_publish_but_moderators_can(site_tree, staff):
    editor, moderator = staff("ed", "Editors"), staff("mo", "Moderators")
    page = Page.objects.get(pk=site_tree.about.pk)
    assert page.permissions_for_user(editor).can_edit()
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(moderator).can_publish()


def test_editor_submits_and_moderator_publishes(site_tree, staff):
    editor, moderator = staff("ed", "Editors"), staff("mo", "Moderators")
    page = StandardPage.objects.get(pk=site_tree.about.pk)
    page.title_en = "About the park, revised"
    revision = page.save_revision(user=editor)
    workflow = page.get_workflow()
    assert workflow == Workflow.objects.get(name="Moderators approval")
    state = workflow.start(page, editor)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    assert task_state.task.specific.get_actions(page, moderator)
    assert not task_state.task.specific.get_actions(page, editor)
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.live_revision_id == revision.pk
    assert StandardPage.objects.get(pk=page.pk).title_en == "About the park, revised"


def test_scheduled_page_goes_live_when_its_time_comes(site_tree, client):
    page = StandardPage.objects.get(pk=site_tree.about.pk)
    page.title_en = "Scheduled title"
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    assert "Scheduled title" not in client.get("/en/about/").content.decode()

    # The hour passes: move the scheduled revision's time into the past.
    revision = Revision.objects.get(approved_go_live_at__isnull=False, object_id=str(page.pk))
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    assert "Scheduled title" in client.get("/en/about/").content.decode()
