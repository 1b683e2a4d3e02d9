"""Helpers for the tests of the limits on public actions (cms.ratelimits)."""

import re

from django.utils import translation
from django.utils.translation import gettext, ngettext


def assert_refused(response, language):
    """A 429 page in `language`, with when to try again (header and text) and never cached."""
    assert response.status_code == 429, response.status_code
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 3600 + 5
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert re.search(rf'<html lang="{language}"', html)
    minutes = -(-retry_after // 60)
    with translation.override(language):
        title = gettext("Too many attempts")
        when = ngettext(
            "Please try again in %(minutes)s minute.",
            "Please try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
    if language != "en":
        assert title != "Too many attempts", f"no {language} translation"
    assert title in html
    assert when in html
