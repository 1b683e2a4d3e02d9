"""A vetter approves a highlight in the Wagtail admin; after the embargo the story is public."""

import datetime
import re

from django.contrib.auth.models import Group

from wildlife import services
from wildlife.models import Highlight, Species


def test_vetter_approves_and_the_story_appears_after_the_embargo(
    live_db, browser_page, asgi_server, leopard_tree, imported, django_user_model
):
    # browser_page comes first: it lets this thread use the ORM beside Playwright's event loop.
    vetter = django_user_model.objects.create_user("vetter", "v@example.org", "vet-pass-2024!")
    vetter.groups.add(Group.objects.get(name="Wildlife vetters"))
    # A season with cubs: a long embargo, so the approval schedules the story.
    Species.objects.filter(slug="leopard").update(embargo_days=3650)
    highlight = Highlight.objects.filter(individual_id="Leo 45F").order_by("captured_at").first()
    page = browser_page

    page.goto(f"{asgi_server.url}/admin/login/")
    page.fill("input[name=username]", "vetter")
    page.fill("input[name=password]", "vet-pass-2024!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{asgi_server.url}/admin/")

    page.goto(f"{asgi_server.url}/admin/wildlife/highlights/?individual_id__icontains=45F")
    page.click(f'a[href="/admin/wildlife/highlights/edit/{highlight.pk}/"]')
    page.wait_for_url(f"{asgi_server.url}/admin/wildlife/highlights/edit/{highlight.pk}/")
    raw = page.locator(f'img[src="/admin/wildlife/media/{highlight.media_id}/file/"]')
    raw.wait_for()
    assert raw.evaluate("img => img.complete && img.naturalWidth") == 1024
    page.select_option("select[name=leopard]", str(leopard_tree.grace.pk))
    page.fill("input[name=story_title_ru]", "Грейс у ручья")
    page.fill("input[name=story_title_en]", "Grace at the stream")
    page.fill("input[name=story_title_zh_hans]", "格蕾丝在溪边")
    page.fill("textarea[name=story_en]", "Grace stopped to drink at dawn.")
    page.click("button[value=approve]")
    # The next candidate opens after a decision.
    page.wait_for_url(re.compile(rf".*/admin/wildlife/highlights/edit/(?!{highlight.pk}/)\d+/$"))
    assert page.locator(".messages").inner_text()

    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.SCHEDULED
    assert highlight.vetted_by == vetter
    page.goto(f"{asgi_server.url}/en/leopards/grace/")
    assert page.locator("ol.sighting-timeline li").count() == 0
    assert "Grace at the stream" not in page.content()

    # The embargo ends: the scheduled publisher runs.
    services.publish_due_sightings(now=highlight.publish_after + datetime.timedelta(minutes=1))

    page.goto(f"{asgi_server.url}/en/leopards/grace/")
    item = page.locator(
        f'ol.sighting-timeline[data-live-topic="leopard:{leopard_tree.grace.pk}"] li'
    )
    assert item.count() == 1
    assert "Grace at the stream" in item.inner_text()
    assert "March 2024" in item.inner_text()
    image = item.locator("img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(f"{asgi_server.url}/ru/leopardy/greys/")
    assert "Грейс у ручья" in page.locator("ol.sighting-timeline li").inner_text()


def test_a_vetter_decides_the_queue_by_keyboard(
    live_db, browser_page, asgi_server, leopard_tree, imported, django_user_model
):
    vetter = django_user_model.objects.create_user("keys", "k@example.org", "vet-pass-2024!")
    vetter.groups.add(Group.objects.get(name="Wildlife vetters"))
    order = [h for sequence in services.vetting_queue() for h in sequence]
    assert len(order) >= 6
    page = browser_page
    page.goto(f"{asgi_server.url}/admin/login/")
    page.fill("input[name=username]", "keys")
    page.fill("input[name=password]", "vet-pass-2024!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{asgi_server.url}/admin/")

    page.goto(f"{asgi_server.url}/admin/wildlife/vetting/")
    cards = page.locator("[data-vetting-card]")
    assert cards.count() == len(order)
    assert page.locator("img[src*='/admin/wildlife/media/']").count() == 0

    def focused():
        return page.evaluate("document.activeElement.getAttribute('data-highlight')")

    assert focused() == str(order[0].pk)
    # r, u, then j skips one, then r: each decision moves focus to the next undecided card.
    page.keyboard.press("r")
    page.wait_for_function(f"document.activeElement.dataset.highlight === '{order[1].pk}'")
    page.keyboard.press("u")
    page.wait_for_function(f"document.activeElement.dataset.highlight === '{order[2].pk}'")
    page.keyboard.press("j")
    assert focused() == str(order[3].pk)
    page.keyboard.press("k")
    assert focused() == str(order[2].pk)
    page.keyboard.press("n")
    page.keyboard.press("r")
    page.wait_for_function(f"document.activeElement.dataset.highlight === '{order[4].pk}'")

    statuses = dict(
        Highlight.objects.filter(pk__in=[h.pk for h in order[:5]]).values_list("pk", "status")
    )
    assert statuses == {
        order[0].pk: Highlight.Status.REJECTED,
        order[1].pk: Highlight.Status.UNIDENTIFIABLE,
        order[2].pk: Highlight.Status.CANDIDATE,
        order[3].pk: Highlight.Status.REJECTED,
        order[4].pk: Highlight.Status.CANDIDATE,
    }
    assert Highlight.objects.get(pk=order[0].pk).vetted_by == vetter
    # Approving with the individual the data names (a known profile) needs no other input.
    known = next(i for i, h in enumerate(order[4:], 4) if h.individual_id in ("Leo 15F", "Leo 45F"))
    for _step in range(known - 4):
        page.keyboard.press("j")
    assert focused() == str(order[known].pk)
    page.keyboard.press("a")
    page.wait_for_function(
        f"document.querySelector('[data-highlight=\"{order[known].pk}\"]')"
        ".classList.contains('wildlife-card--decided')"
    )
    approved = Highlight.objects.get(pk=order[known].pk)
    assert approved.status in (Highlight.Status.PUBLISHED, Highlight.Status.SCHEDULED)
    assert approved.leopard.individual_id == order[known].individual_id
