import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, Revision

from cms.management.commands.load_demo import DEMO_USERS


def site_state():
    pages = sorted(
        Page.objects.values_list(
            "pk",
            "content_type__model",
            "url_path_ru",
            "url_path_en",
            "url_path_zh_hans",
            "title_ru",
            "title_en",
            "title_zh_hans",
            "live",
        )
    )
    return {
        "pages": pages,
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "images": sorted(get_image_model().objects.values_list("title", "file")),
    }


@pytest.fixture
def demo(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo")
    return capsys.readouterr().out


def test_load_demo_twice_changes_nothing(demo, capsys):
    before = site_state()
    call_command("load_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert site_state() == before


def test_demo_site_has_pages_in_three_languages(demo):
    client = Client()
    for language, about in (
        ("ru", "/ru/o-parke/"),
        ("en", "/en/about/"),
        ("zh-hans", "/zh-hans/guanyu/"),
    ):
        assert client.get(f"/{language}/").status_code == 200
        response = client.get(about)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_demo_content_is_marked_as_such_on_every_page(demo):
    # One demo load for the whole check: loading the full demo site takes a while.
    for language in ("ru", "en", "zh-hans"):
        html = Client().get(f"/{language}/").content.decode()
        assert 'class="demo-notice"' in html, language


def test_each_demo_role_signs_in_to_the_admin_with_the_printed_password(demo):
    for username, group, _role in DEMO_USERS:
        assert username in demo
        client = Client()
        response = client.post(
            "/admin/login/",
            {"username": username, "password": "demo-password-for-tests"},
            follow=True,
        )
        assert response.status_code == 200
        assert response.context["user"].username == username
        assert client.get("/admin/").status_code == 200
        if group:
            assert response.context["user"].groups.filter(name=group).exists(), username
    assert "demo-password-for-tests" in demo
