"""Staff edit every page type and the site settings in the three languages."""

import pytest
from django.contrib.auth.models import Group

from cms.models import FooterSettings, NavigationSettings


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.org", "pw-123456")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("which", ["home", "about", "stories", "story"])
def test_edit_form_has_each_language_for_translated_fields(admin_client, site_tree, which):
    page = getattr(site_tree, which)
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    for field in ("title_ru", "title_en", "title_zh_hans", "slug_ru", "slug_en", "slug_zh_hans"):
        assert field in form.fields, field


@pytest.mark.parametrize(
    ("parent", "model"),
    [("home", "standardpage"), ("stories", "storypage"), ("about", "standardpage")],
)
def test_pages_can_be_added_where_the_tree_allows(editor_client, site_tree, parent, model):
    response = editor_client.get(f"/admin/pages/add/cms/{model}/{getattr(site_tree, parent).pk}/")
    assert response.status_code == 200


def test_an_editor_submits_a_new_story_for_moderation(editor_client, site_tree):
    from cms.models import StoryPage

    response = editor_client.post(
        f"/admin/pages/add/cms/storypage/{site_tree.stories.pk}/",
        {
            "title_ru": "Новая история",
            "title_en": "A new story",
            "title_zh_hans": "新故事",
            "slug_ru": "novaya",
            "slug_en": "new",
            "slug_zh_hans": "xin",
            "date": "2026-01-02",
            "tags": "",
            "body_ru-count": "0",
            "body_en-count": "0",
            "body_zh_hans-count": "0",
            "action-submit": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = StoryPage.objects.get(slug_ru="novaya")
    assert not story.live
    assert story.current_workflow_state is not None


@pytest.mark.parametrize("setting", [NavigationSettings, FooterSettings])
def test_moderators_edit_the_site_settings(client, django_user_model, site_tree, setting):
    user = django_user_model.objects.create_user("mo", "mo@example.org", "pw-123456")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    url = f"/admin/settings/cms/{setting._meta.model_name}/{site_tree.home.get_site().pk}/"
    assert client.get(url).status_code == 200
