"""Staff run the park's day without leaving places wrong: withdrawal, screened text, one media
row per image, imports inside the parks, draft profiles told about, decisions in the history."""

import datetime
import itertools
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.utils import formats, timezone, translation
from wagtail.models import ModelLogEntry

from live.models import Event
from search.services import search
from wildlife import services
from wildlife.models import Highlight, LeopardPage, Media, PublishedSighting

from .conftest import make_user, set_cell
from .test_publishing import approve


def in_english(user):
    """The admin speaks the user's chosen language (Russian by default): these read English."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def moderator(db, django_user_model):
    return make_user(django_user_model, "moderator", "Moderators")


@pytest.fixture
def published(grace_highlight, leopard_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        highlight = approve(grace_highlight, leopard_tree.grace)
    return highlight.published


def public_bodies(client, sighting):
    """The public outputs a sighting appears in: its leopard's page, the list, JSON, feeds."""
    urls = [
        "/en/leopards/grace/",
        "/en/leopards/sightings/",
        "/en/",
        "/api/wildlife/sightings.json",
        "/en/live/sightings.rss",
        f"/en/live/leopards/{sighting.leopard_id}/sightings.rss",
        f"/live/events/?topics=feed,leopard:{sighting.leopard_id}&since=0",
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
    return bodies


# -- 5. withdrawal -----------------------------------------------------------------------------


def test_a_withdrawn_sighting_leaves_every_public_output(
    published, moderator, client, django_capture_on_commit_callbacks
):
    image_name = published.image.file.name
    before = public_bodies(client, published)
    assert all("Grace by the stream" in body for body in before.values())
    assert [hit.title for hit in search("stream", "en").hits] == ["Grace by the stream"]

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_sighting(published, moderator, "The camera's ridge is recognisable.")

    for url, body in public_bodies(client, published).items():
        assert "Grace by the stream" not in body, url
        assert image_name not in body, url
    assert search("stream", "en").hits == []
    assert not storages["default"].exists(image_name)
    published.refresh_from_db()
    assert published.withdrawn_by == moderator
    assert published.withdrawal_reason == "The camera's ridge is recognisable."
    assert published.highlight.status == Highlight.Status.WITHDRAWN
    # Open pages are told: an event on the leopard's topic and on the feed, with nothing private.
    told = Event.objects.filter(kind="sighting.withdrawn", payload__sighting_id=published.pk)
    assert {event.topic for event in told} >= {"feed", f"leopard:{published.leopard_id}"}
    assert not Event.objects.filter(kind="sighting.published").exists()


def test_the_home_page_cache_forgets_a_withdrawn_sighting(
    published, moderator, client, django_capture_on_commit_callbacks
):
    assert "Grace by the stream" in client.get("/en/").content.decode()
    assert "Grace by the stream" in client.get("/en/").content.decode()  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_sighting(published, moderator, "Wrong individual.")
    assert "Grace by the stream" not in client.get("/en/").content.decode()


def test_withdrawal_needs_the_permission_and_a_reason(published, editor, moderator):
    with pytest.raises(PermissionDenied):
        services.withdraw_sighting(published, editor, "Because.")
    with pytest.raises(ValidationError):
        services.withdraw_sighting(published, moderator, "  ")
    assert PublishedSighting.objects.public().filter(pk=published.pk).exists()


def test_a_moderator_withdraws_from_the_admin_and_the_history_says_why(
    published, moderator, vetter, client, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = f"/admin/wildlife/sightings/{published.pk}/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Den site visible in the background."})
    assert response.status_code == 302
    client.force_login(in_english(vetter))
    history = client.get(f"/admin/wildlife/sightings/history/{published.pk}/")
    assert history.status_code == 200
    text = history.content.decode()
    assert "Den site visible in the background." in text
    assert "moderator" in text


def test_an_editor_cannot_withdraw(published, editor, client):
    client.force_login(editor)
    response = client.post(f"/admin/wildlife/sightings/{published.pk}/withdraw/", {"reason": "x"})
    # Wagtail answers a refused permission with a redirect to the dashboard and a message.
    assert (response.status_code, response.url) == (302, "/admin/")
    assert PublishedSighting.objects.public().filter(pk=published.pk).exists()


# -- 6. screened text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "story",
    [
        "Camera dpl-5e2f-narva-trail at 43.183600, 131.157300",
        "Seen at 43.1836 on the ridge.",
        "Near 43°11′ N on the plateau.",
        "By the Narva tunnel approach 9, at dawn.",
        "The trap TRAP-SN-6613 took it.",
    ],
)
def test_a_story_with_a_place_or_camera_is_refused_with_the_reason(
    grace_highlight, leopard_tree, story
):
    with pytest.raises(ValidationError) as refusal:
        approve(grace_highlight, leopard_tree.grace, story_en=story)
    assert "story_en" in refusal.value.message_dict
    grace_highlight.refresh_from_db()
    assert grace_highlight.status == Highlight.Status.CANDIDATE
    assert not PublishedSighting.objects.exists()


def test_the_vetting_screen_refuses_coordinates_in_the_story(
    grace_highlight, leopard_tree, vetter, client
):
    client.force_login(in_english(vetter))
    response = client.post(
        f"/admin/wildlife/highlights/edit/{grace_highlight.pk}/",
        {
            "leopard": leopard_tree.grace.pk,
            "crop_left": 0,
            "crop_top": 0,
            "crop_right": 1,
            "crop_bottom": 1,
            "story_en": "Camera dpl-5e2f-narva-trail at 43.183600, 131.157300",
            "decision": "approve",
        },
    )
    assert response.status_code == 400
    assert "coordinates" in response.content.decode()
    grace_highlight.refresh_from_db()
    assert grace_highlight.status == Highlight.Status.CANDIDATE


def test_an_edited_published_story_is_screened_too(published, vetter, client):
    client.force_login(in_english(vetter))
    fields = {f"{name}_{s}": "" for s in ("ru", "en", "zh_hans") for name in ("title", "story")}
    fields.update(
        {f"image_alt_{s}": "" for s in ("ru", "en", "zh_hans")},
        title_en="Grace",
        title_ru="Грейс",
        title_zh_hans="格蕾丝",
        story_en="Camera dpl-5e2f-narva-trail at 43.183600, 131.157300",
    )
    response = client.post(f"/admin/wildlife/sightings/edit/{published.pk}/", fields)
    assert response.status_code == 200  # the form again, with the reason
    assert "coordinates" in response.content.decode()
    published.refresh_from_db()
    assert "43.18" not in published.story_en


def test_ordinary_stories_pass(grace_highlight, leopard_tree):
    highlight = approve(
        grace_highlight,
        leopard_tree.grace,
        story_en="Grace, 9 years old, walked 2.5 km along the stream in 2024.",
    )
    assert highlight.status == Highlight.Status.PUBLISHED


# -- 7. one media row per image, consent by origin ---------------------------------------------


def test_the_same_images_under_the_other_provider_are_refused(imported, leopard_package, partner):
    with pytest.raises(services.ImportFailed) as failure:
        services.import_camtrap(leopard_package, partner.code)
    assert any(
        "media.csv:2:filePath: the same image was imported from" in error
        for error in failure.value.errors
    )
    assert not Media.objects.filter(provider=partner).exists()
    assert not Highlight.objects.filter(provider=partner).exists()


def test_importing_the_same_images_again_makes_no_new_candidates(imported, leopard_package, park):
    before = Highlight.objects.count()
    path = leopard_package / "observations.csv"
    path.write_text(path.read_text().replace("\no-", "\no-again-"))
    run = services.import_camtrap(leopard_package, park.code)
    assert run.highlights == 0
    assert Highlight.objects.count() == before


def test_a_package_naming_the_partner_as_rights_holder_must_be_imported_as_the_partner(
    leopard_package, park, partner, sectors
):
    path = leopard_package / "datapackage.json"
    descriptor = json.loads(path.read_text())
    descriptor["contributors"] = [
        {"title": "Northeast China Tiger and Leopard National Park", "role": "rightsHolder"}
    ]
    path.write_text(json.dumps(descriptor))
    with pytest.raises(services.ImportFailed) as failure:
        services.import_camtrap(leopard_package, park.code)
    assert any("import it as ntlnp" in error for error in failure.value.errors)
    run = services.import_camtrap(leopard_package, partner.code)
    assert Highlight.objects.filter(provider=partner).count() == run.highlights > 0


# -- 8. inside the parks -----------------------------------------------------------------------


def test_a_deployment_outside_both_parks_is_refused_with_its_row(leopard_package, park, sectors):
    set_cell(leopard_package, "deployments.csv", 3, "latitude", "51.496")
    set_cell(leopard_package, "deployments.csv", 3, "longitude", "4.774")
    with pytest.raises(services.ImportFailed) as failure:
        services.import_camtrap(leopard_package, park.code)
    assert "deployments.csv:3:latitude: 51.496, 4.774 is outside both parks" in (
        failure.value.errors
    )
    assert not Media.objects.exists()


# -- 9. a new individual -----------------------------------------------------------------------


def test_a_new_individual_waits_for_its_draft_and_the_editors_are_told(
    grace_highlight, leopard_tree, vetter, editor, client, django_capture_on_commit_callbacks
):
    client.force_login(in_english(vetter))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/wildlife/highlights/edit/{grace_highlight.pk}/",
            {
                "new_profile_code": "Leo 112F",
                "crop_left": 0,
                "crop_top": 0,
                "crop_right": 1,
                "crop_bottom": 1,
                "decision": "approve",
            },
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "is a draft" in text
    draft = LeopardPage.objects.get(code="Leo 112F")
    assert not draft.live
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert "Leo 112F" in mail.outbox[0].subject
    assert f"/admin/pages/{draft.pk}/edit/" in mail.outbox[0].body


def approve_as_new_individual(client, highlight, code):
    return client.post(
        f"/admin/wildlife/highlights/edit/{highlight.pk}/",
        {
            "new_profile_code": code,
            "crop_left": 0,
            "crop_top": 0,
            "crop_right": 1,
            "crop_bottom": 1,
            "decision": "approve",
        },
        follow=True,
    )


def test_the_vetter_is_told_before_approving_what_a_new_individual_means(
    grace_highlight, vetter, client
):
    client.force_login(vetter)  # in Russian
    screen = client.get(f"/admin/wildlife/highlights/edit/{grace_highlight.pk}/").content.decode()
    assert "профиль создаётся черновиком; редакторам уходит письмо" in screen


def test_editors_are_never_told_of_an_embargo_end_in_the_past(
    grace_highlight, leopard_tree, vetter, editor, client, django_capture_on_commit_callbacks
):
    assert grace_highlight.captured_at < timezone.now() - datetime.timedelta(days=400)
    client.force_login(in_english(vetter))
    in_english(editor)
    with django_capture_on_commit_callbacks(execute=True):
        approve_as_new_individual(client, grace_highlight, "Leo 113F")
    grace_highlight.refresh_from_db()
    assert grace_highlight.publish_after < timezone.now()  # the embargo is over already
    [message] = mail.outbox
    assert "embargo ends" not in message.body
    assert "Its embargo is over" in message.body
    assert str(grace_highlight.publish_after.year) not in message.body


def test_editors_are_told_a_future_embargo_end_as_a_date_in_their_language(
    grace_highlight, leopard_tree, vetter, editor, client, django_capture_on_commit_callbacks
):
    grace_highlight.captured_at = timezone.now() + datetime.timedelta(days=1)
    grace_highlight.save()
    client.force_login(in_english(vetter))  # the editor reads Russian, the default
    with django_capture_on_commit_callbacks(execute=True):
        approve_as_new_individual(client, grace_highlight, "Leo 114F")
    grace_highlight.refresh_from_db()
    end = timezone.localdate(grace_highlight.publish_after)
    assert end > timezone.localdate()
    [message] = mail.outbox
    with translation.override("ru"):
        assert f"эмбарго заканчивается {formats.date_format(end, 'DATE_FORMAT')}" in message.body
    assert end.isoformat() not in message.body


def test_the_approval_message_gives_the_embargo_end_in_park_time(
    grace_highlight, leopard_tree, leopard_species
):
    from wildlife.admin_views import decision_outcome

    # Captured at 23:30 UTC: already the next day in the park (UTC+10).
    grace_highlight.captured_at = datetime.datetime(2030, 1, 1, 23, 30, tzinfo=datetime.UTC)
    highlight = approve(grace_highlight, leopard_tree.grace)
    assert highlight.status == Highlight.Status.SCHEDULED
    assert "2030-02-01" in decision_outcome(highlight, highlight.vetted_at)


# -- 12, 15. history and labels ----------------------------------------------------------------


def test_decisions_and_imports_are_in_the_admin_history(imported, grace_highlight, vetter, client):
    services.reject_highlight(grace_highlight, vetter)
    assert ModelLogEntry.objects.filter(action="wildlife.highlight.reject").count() == 1
    assert ModelLogEntry.objects.filter(action="wildlife.import", object_id=str(imported.pk))
    client.force_login(in_english(vetter))
    response = client.get(f"/admin/wildlife/highlights/history/{grace_highlight.pk}/")
    assert response.status_code == 200
    assert "Highlight rejected" in response.content.decode()


def test_a_moderator_opens_the_history_of_the_sighting_they_withdrew(
    published, moderator, client, django_user_model
):
    services.withdraw_sighting(published, moderator, "Den site visible in the background.")
    client.force_login(moderator)  # the admin in Russian, the moderator's default
    listing = client.get("/admin/wildlife/sightings/").content.decode()
    history_url = f"/admin/wildlife/sightings/history/{published.pk}/"
    assert f'href="{history_url}"' in listing
    response = client.get(history_url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Встреча снята с публикации: Den site visible in the background." in text
    # Only the roles that act on sightings: an editor is still refused.
    client.force_login(make_user(django_user_model, "ed", "Editors"))
    assert client.get(history_url).url == "/admin/"


def test_a_vetter_opens_the_history_of_an_import(imported, vetter, client):
    client.force_login(in_english(vetter))
    history_url = f"/admin/wildlife/imports/history/{imported.pk}/"
    assert f'href="{history_url}"' in client.get("/admin/wildlife/imports/").content.decode()
    response = client.get(history_url)
    assert response.status_code == 200
    assert "Camera-trap package imported" in response.content.decode()


def test_the_queue_calls_the_provider_a_data_provider_in_russian(imported, vetter, client):
    client.force_login(vetter)
    response = client.get("/admin/wildlife/highlights/", HTTP_ACCEPT_LANGUAGE="ru")
    text = response.content.decode()
    assert response.status_code == 200
    assert "платёжная система" not in text
    assert "поставщик данных" in text


# -- 10. the queue -----------------------------------------------------------------------------


def test_the_queue_shows_thumbnails_not_originals(imported, leopard_tree, vetter, client):
    client.force_login(vetter)
    response = client.get("/admin/wildlife/vetting/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/admin/wildlife/media/" not in text
    highlight = Highlight.objects.first()
    thumbnail = client.get(f"/admin/wildlife/highlights/{highlight.pk}/thumbnail/")
    assert thumbnail.status_code == 200
    data = b"".join(thumbnail.streaming_content)
    with highlight.media.stored_file.open("rb") as raw:
        assert len(data) < len(raw.read()) / 2
    assert "private" in thumbnail["Cache-Control"]


def test_thumbnails_are_for_vetters_only(imported, editor, client):
    client.force_login(editor)
    highlight = Highlight.objects.first()
    for url in (
        f"/admin/wildlife/highlights/{highlight.pk}/thumbnail/",
        "/admin/wildlife/vetting/",
    ):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, "/admin/")


def test_bulk_reject_as_the_vetter(imported, vetter, client):
    client.force_login(vetter)
    chosen = list(Highlight.objects.order_by("pk").values_list("pk", flat=True)[:3])
    response = client.post(
        "/admin/wildlife/vetting/bulk/", {"decision": "unidentifiable", "highlight": chosen}
    )
    assert response.status_code == 302
    assert set(
        Highlight.objects.filter(status=Highlight.Status.UNIDENTIFIABLE).values_list(
            "pk", flat=True
        )
    ) == set(chosen)
    assert ModelLogEntry.objects.filter(action="wildlife.highlight.unidentifiable").count() == 3


def test_sequences_group_frames_of_one_deployment_within_minutes(imported):
    sequences = services.vetting_queue()
    for sequence in sequences:
        deployments = {h.media.deployment_id for h in sequence}
        assert len(deployments) == 1
        for earlier, later in itertools.pairwise(sequence):
            assert later.captured_at - earlier.captured_at <= services.SEQUENCE_GAP
    assert sum(len(s) for s in sequences) == Highlight.objects.count()
