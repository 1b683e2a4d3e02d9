"""Reading a role's admin dashboard: which panels it shows, and each panel's figures."""

import re

from bs4 import BeautifulSoup

PANELS = ("wildlife-vetting", "tourism-desk-today", "class-visits", "fundraising")


def dashboard(client):
    """The dashboard as the signed-in user sees it: {panel id: [(label, value, link)]}."""
    response = client.get("/admin/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    panels = {}
    for block in soup.select("[data-role-panel]"):
        panels[block["data-role-panel"]] = [
            (
                " ".join(item.select_one(".role-panel__label").get_text().split()),
                item.select_one(".role-panel__value").get_text().strip(),
                item.a["href"] if item.a else "",
            )
            for item in block.select(".role-panel__figure")
        ]
    return panels


def figure(panel, link_pattern):
    """The one figure whose link matches `link_pattern`: (value, label)."""
    matches = [(value, label) for label, value, link in panel if re.search(link_pattern, link)]
    assert len(matches) == 1, (link_pattern, panel)
    return matches[0]


def speak(user, language):
    """The staff member's admin language (Wagtail's preference; Russian otherwise)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
