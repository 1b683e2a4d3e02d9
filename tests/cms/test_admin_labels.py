"""Each staff role's admin in Russian and Chinese has no English leftovers, no amounts labelled
in kopecks and no raw UTC times: signed in as each demo role, every screen of its menu is
opened, with the first rows' edit, inspect and history screens, over the demo data plus a paid
booking, a hold, a waiting party, a group and a class-visit request, and a paid donation."""

import datetime
import html
import io
import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page
from wagtail.users.models import UserProfile

from cms.demo import load_all
from cms.management.commands.load_demo import DEMO_USERS
from donations.models import CampaignPage
from education import services as education
from tests.donations.conftest import pay_with_test_checkout, start
from tests.tourism.conftest import book, pay
from tourism.models import Slot, WaitingListEntry

# Known leftovers: English labels Wagtail or a model gives when nothing names the field, and
# money labelled in minor units (in the two catalogues' words too).
LEFTOVERS = [
    "View / edit fields for",
    "Page*",
    "Submission key",
    "submission key",
    "(in kopecks)",
    "minor units",
    "в копейках",
    "最小货币单位",
]
# A time as the database keeps it, not in the park's time zone.
RAW_UTC = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\+00:00|Z)|\bUTC\b(?![+−-])"
)


@pytest.fixture
def embedded_checkout(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEMO_MODE = True
    settings.DEBUG = True
    settings.TOURISM_SITE_URL = "https://leopard.example"


def a_day_of_work():
    """Demo content, plus the rows the desk and fundraising handle every day; returns each
    role's screens that its menu does not link to directly."""
    load_all(io.StringIO())
    now = timezone.now()
    slot = Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now).order_by("starts_at")[0]
    paid = pay(book(slot, adults=2, language="zh-hans", email="li@example.org"))
    book(slot, adults=1, email="held@example.org")
    WaitingListEntry.objects.create(
        slot=slot, name="W", email="w@example.org", language="ru", adults=1, places=1
    )
    education.request_class_visit(
        submission_key=uuid.uuid4(),
        contact_language="ru",
        school="Школа 5",
        teacher_name="Т. Иванова",
        email="school@example.org",
        class_size=12,
        age_from=9,
        age_to=10,
        visit_language="ru",
        preferred_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    campaign = CampaignPage.objects.live().order_by("pk")[0]
    donation, _url = start(campaign, amount_minor=5_000, message="Держитесь!", language="ru")
    pay_with_test_checkout(donation)

    one_page_of_each_type = {}
    for page in Page.objects.filter(depth__gt=1).specific().order_by("path"):
        one_page_of_each_type.setdefault(type(page), f"/admin/pages/{page.pk}/edit/")
    day = timezone.localtime(slot.starts_at).date()
    desk = "/admin/tourism/desk/"
    return {
        "Editors": list(one_page_of_each_type.values()),
        "Moderators": list(one_page_of_each_type.values()),
        "Fundraising": [
            f"/admin/pages/{campaign.pk}/edit/",
            f"/admin/pages/{campaign.get_parent().pk}/edit/",
            f"/admin/fundraising/donors/{donation.supporter_id}/",
            f"/admin/fundraising/donors/{donation.supporter_id}/?export=csv",
            "/admin/fundraising/totals/?export=csv",
            "/admin/donations/?export=csv",
        ],
        "Tourism desk": [
            f"{desk}?day={day:%Y-%m-%d}",
            f"{desk}day.csv?day={day:%Y-%m-%d}",
            f"{desk}dates/{slot.pk}/manifest/",
            f"{desk}dates/{slot.pk}/manifest.csv",
            f"{desk}dates/{slot.pk}/cancel/",
            f"{desk}bookings/{paid.pk}/cancel/",
            f"{desk}groups/",
            f"{desk}schedule/",
            "/admin/snippets/tourism/booking/?export=csv",
        ],
        "Wildlife vetters": [],
    }


def visible_text(body):
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# Names that read the same in every language: the language's own name, the payment service.
SAME_IN_EVERY_LANGUAGE = {"English", "Stripe"}


def english_labels(body):
    """Field labels and column headings wholly in English (a required mark kept): a field
    without a verbose name, a column named after its attribute ("Started at", "method")."""
    found = []
    for tag in re.findall(r"<(?:label|th)\b[^>]*>(.*?)</(?:label|th)>", body, re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", tag)).split())
        if text in SAME_IN_EVERY_LANGUAGE:
            continue
        if re.fullmatch(r"[A-Za-z][A-Za-z ,/()*'.:-]*", text) and re.search(r"[a-z]{3}", text):
            found.append(text)
    return found


def menu_urls(client):
    home = client.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', home, re.S)
    urls = set(re.findall(r'"url": "(/admin/[^"]*)"', props.group(1)))
    return sorted(urls - {"/admin/logout/", "/admin/account/", "/admin/"})


def role_screens(client, extra):
    """The role's menu screens, the first rows' edit, inspect and history screens, and its
    other daily screens and exports."""
    screens = {}
    for url in extra:
        response = client.get(url)
        assert response.status_code == 200, url
        screens[url] = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8-sig")
    for url in menu_urls(client):
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue
        body = response.content.decode()
        screens[url] = body
        rows = re.findall(r'href="(/admin/[\w/-]+/(?:edit|inspect|history)/\d+/)"', body)
        for row_url in list(dict.fromkeys(rows))[:3]:
            row = client.get(row_url, follow=True)
            if row.status_code == 200:
                screens[row_url] = row.content.decode()
    return screens


def test_every_roles_admin_reads_in_russian_and_chinese(
    db, client, django_user_model, embedded_checkout
):
    extra = a_day_of_work()
    found = []
    opened = {}
    for username, group, _what in DEMO_USERS:
        if group is None:
            continue
        user = django_user_model.objects.create_user(f"{username}-labels", password="pw-1a2b3c4d")
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        for language in ("ru", "zh-hans"):
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = language
            profile.save()
            screens = role_screens(client, extra[group])
            opened[(group, language)] = len(screens)
            for url, body in screens.items():
                found += [(group, language, url, label) for label in english_labels(body)]
                text = visible_text(body)
                found += [(group, language, url, left) for left in LEFTOVERS if left in text]
                found += [(group, language, url, m) for m in RAW_UTC.findall(text)]
    # Every role reaches its own screens, the rows behind them included.
    assert all(count >= 4 for count in opened.values()), opened
    assert found == []
