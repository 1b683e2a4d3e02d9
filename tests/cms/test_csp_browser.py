"""The policy in a real browser: public pages run without a violation, the admin still works."""

import pytest
from django.contrib.auth.models import Group

from tests.pages import build_site_tree

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watched(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH)
    return errors


def violations(page):
    return page.evaluate("() => window.__violations")


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 900)])
def test_public_pages_run_without_a_violation(live_db, browser_page, asgi_server, viewport):
    build_site_tree()
    page = browser_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    errors = watched(page)

    for path in [
        "/en/",
        "/ru/novosti/istoriya-1/",
        "/en/live/follow/",
        "/en/donations/supporter/sign-in/",
        "/zh-hans/class-visit/",
    ]:
        response = page.goto(f"{asgi_server.url}{path}")
        assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    # The site's own script works under the policy: the search box suggests as one types.
    page.set_viewport_size({"width": 1366, "height": 900})  # the header's search box
    page.goto(f"{asgi_server.url}/en/")
    box = page.locator("#site-search-q")
    assert box.get_attribute("role") == "combobox"  # set up by static/js/search.js
    box.fill("Stor")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # And the watch would see one: a script written into the page is refused.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert [v.split()[0] for v in violations(page)] == ["script-src-elem"]


def test_an_editor_opens_the_page_editor_without_a_violation(
    live_db, browser_page, asgi_server, django_user_model
):
    site = build_site_tree()
    editor = django_user_model.objects.create_user("editor", "e@example.org", "edit-pass-2024!")
    editor.groups.add(Group.objects.get(name="Editors"))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    errors = watched(page)

    page.goto(f"{asgi_server.url}/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "edit-pass-2024!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{asgi_server.url}/admin/")
    response = page.goto(f"{asgi_server.url}/admin/pages/{site.about.pk}/edit/")

    assert response.status == 200
    page.locator("form[data-edit-form]").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => Boolean(window.wagtail && window.wagtail.app)")
    assert violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
