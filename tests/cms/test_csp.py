"""A Content-Security-Policy on every public page: our own scripts and styles only, none inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered inside Wagtail's admin (/admin/, which has its own inline scripts and no policy of
# ours) or sent by e-mail (where no policy applies and styles must be inline).
NOT_PUBLIC = re.compile(r"(^|/)(admin|desk|email)/")
INLINE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an on* event attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
}


def public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not NOT_PUBLIC.search(relative):
            yield relative, path.read_text()


def test_the_scan_finds_public_templates_and_catches_inline_code():
    names = [name for name, _text in public_templates()]
    assert "base.html" in names and "donations/supporter_sign_in.html" in names
    assert not any(NOT_PUBLIC.search(name) for name in names)
    samples = [
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
        '<p style="color:red">',
        "<style>p{}</style>",
    ]
    for sample, pattern in zip(samples, INLINE.values(), strict=True):
        assert pattern.search(sample)
    assert not INLINE["an inline <script>"].search('<script src="/static/js/live.js" defer>')


@pytest.mark.parametrize(("name", "text"), list(public_templates()))
def test_a_public_template_has_no_inline_script_or_style(name, text):
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"templates/{name} has {', '.join(found)}: move it to static/"


EMAIL = re.compile(r"(^|/)email/")


def staff_templates():
    """Our templates for the admin and the desk: no policy applies under /admin/ (Wagtail's
    own pages run inline code), but ours need none, so one could be set there later."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if NOT_PUBLIC.search(relative) and not EMAIL.search(relative):
            yield relative, path.read_text()


def test_the_scan_finds_the_staff_templates():
    names = [name for name, _text in staff_templates()]
    assert "tourism/desk/day.html" in names and "wildlife/admin/vet_highlight.html" in names
    assert not any(EMAIL.search(name) for name in names)


@pytest.mark.parametrize(("name", "text"), list(staff_templates()))
def test_a_staff_template_has_no_inline_script_or_style_either(name, text):
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"templates/{name} has {', '.join(found)}: move it to static/"


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/ru/", "/en/stories/story-1/", "/en/live/follow/", "/zh-hans/no-such-page/"]
)
def test_public_pages_carry_the_policy(client, site_tree, path):
    response = client.get(path, follow=True)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_429_page_carries_the_policy(client, site_tree, settings):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "1/h"
    client.post("/en/live/follow/", {"email": "a@example.org"})
    response = client.post("/en/live/follow/", {"email": "b@example.org"})
    assert response.status_code == 429
    assert directives(response)["script-src"] == ["'self'"]


def test_the_admins_have_their_own_needs(client, site_tree):
    assert "Content-Security-Policy" not in client.get("/admin/login/")
    assert "Content-Security-Policy" not in client.get("/django-admin/login/")
