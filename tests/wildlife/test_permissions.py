"""Raw images, places and the vetting queue: vetters only."""

import pytest
from django.conf import settings
from django.urls import reverse

from wildlife import demo
from wildlife.models import Highlight, ImportRun, Media


def media_url(highlight):
    return reverse("wildlife_media_file", args=[highlight.media_id])


def vet_url(highlight):
    return reverse("wildlife_highlight:edit", args=[highlight.pk])


PRIVATE_VIEWS = [
    lambda h: reverse("wildlife_media_file", args=[h.media_id]),
    lambda h: reverse("wildlife_highlight_preview", args=[h.pk]),
    lambda h: reverse("wildlife_highlight:index"),
    lambda h: reverse("wildlife_highlight:edit", args=[h.pk]),
    lambda h: reverse("wildlife_import"),
]


@pytest.mark.parametrize("view", range(len(PRIVATE_VIEWS)))
def test_anonymous_visitors_are_sent_to_sign_in(client, grace_highlight, view):
    response = client.get(PRIVATE_VIEWS[view](grace_highlight))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("view", range(len(PRIVATE_VIEWS)))
def test_editors_never_reach_raw_images_or_the_queue(client, editor, grace_highlight, view):
    client.force_login(editor)
    response = client.get(PRIVATE_VIEWS[view](grace_highlight))
    # Wagtail answers a signed-in user without the permission with a redirect to the dashboard.
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    assert b"JFIF" not in response.content


def test_vetters_see_the_raw_image_privately(client, vetter, grace_highlight):
    client.force_login(vetter)
    response = client.get(media_url(grace_highlight))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private, no-store")
    body = b"".join(response.streaming_content)
    assert body == grace_highlight.media.stored_file.open("rb").read()


def test_vetters_see_the_queue_with_filters(
    client, vetter, grace_highlight, django_assert_max_num_queries
):
    client.force_login(vetter)
    with django_assert_max_num_queries(40):
        response = client.get(
            reverse("wildlife_highlight:index"), {"individual_id__icontains": "45F"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    # Small private thumbnails, never the raw originals.
    assert f"/admin/wildlife/highlights/{grace_highlight.pk}/thumbnail/" in html
    assert "/admin/wildlife/media/" not in html
    assert html.count("/thumbnail/") == 2  # Grace's two frames only
    assert "Add" not in [button.strip() for button in html.split("<")]  # nobody adds highlights


def test_vetters_see_the_deployment_on_the_vetting_screen(client, vetter, grace_highlight):
    client.force_login(vetter)
    response = client.get(vet_url(grace_highlight))
    assert response.status_code == 200
    html = response.content.decode()
    deployment = grace_highlight.media.deployment
    assert deployment.deployment_id in html
    assert "43,146800" in html  # the admin speaks Russian by default


def test_a_vetter_approves_in_the_admin(client, vetter, grace_highlight, leopard_tree):
    client.force_login(vetter)
    response = client.post(
        vet_url(grace_highlight),
        {
            "decision": "approve",
            "leopard": leopard_tree.grace.pk,
            "crop_left": "0",
            "crop_top": "0",
            "crop_right": "1",
            "crop_bottom": "1",
            "story_title_en": "Grace by the stream",
        },
    )
    assert response.status_code == 302
    highlight = Highlight.objects.get(pk=grace_highlight.pk)
    assert highlight.status == Highlight.Status.PUBLISHED
    assert highlight.vetted_by == vetter


def test_a_bad_decision_is_a_clear_400(client, vetter, grace_highlight):
    client.force_login(vetter)
    response = client.post(
        vet_url(grace_highlight),
        {
            "decision": "approve",
            "crop_left": "0.8",
            "crop_top": "0",
            "crop_right": "0.2",
            "crop_bottom": "1",
        },
    )
    assert response.status_code == 400
    assert "Выберите особь" in response.content.decode()  # the admin speaks Russian
    assert Highlight.objects.get(pk=grace_highlight.pk).status == Highlight.Status.CANDIDATE


def test_an_unknown_individual_starts_a_draft_profile(
    client, vetter, grace_highlight, leopard_tree
):
    client.force_login(vetter)
    response = client.post(
        vet_url(grace_highlight),
        {
            "decision": "approve",
            "new_profile_code": "Leo 112F",
            "crop_left": "0",
            "crop_top": "0",
            "crop_right": "1",
            "crop_bottom": "1",
        },
    )
    assert response.status_code == 302
    highlight = Highlight.objects.get(pk=grace_highlight.pk)
    assert highlight.leopard.code == "Leo 112F"
    assert not highlight.leopard.live
    assert highlight.status == Highlight.Status.SCHEDULED


def test_vetters_upload_a_package(client, vetter, park, sectors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(vetter)
    upload = SimpleUploadedFile("demo.zip", demo.demo_package_bytes(), "application/zip")
    response = client.post(reverse("wildlife_import"), {"provider": park.pk, "package": upload})
    assert response.status_code == 302
    assert ImportRun.objects.get().observations == 24


def test_a_bad_upload_lists_its_problems(client, vetter, park):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(vetter)
    upload = SimpleUploadedFile(
        "not-a-package.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip"
    )
    response = client.post(reverse("wildlife_import"), {"provider": park.pk, "package": upload})
    assert response.status_code == 400
    assert "no datapackage.json" in response.content.decode()
    assert Media.objects.count() == 0


def test_only_superusers_change_embargoes(client, vetter, superuser, leopard_species):
    client.force_login(vetter)
    assert client.get(reverse("wildlife_embargo")).status_code in (302, 403)
    client.force_login(superuser)
    response = client.post(
        reverse("wildlife_embargo"),
        {"species": leopard_species.pk, "days": 45, "reason": "Cubs born near the trail"},
    )
    assert response.status_code == 302
    leopard_species.refresh_from_db()
    assert leopard_species.embargo_days == 45


def test_private_files_are_outside_the_public_media(client, grace_highlight):
    name = grace_highlight.media.stored_file.name
    private_root = str(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not private_root.startswith(str(settings.MEDIA_ROOT))
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/../private/{name}").status_code in (400, 404)


def test_a_vetter_picks_an_observation_that_is_not_a_favourite(client, vetter, imported, park):
    Media.objects.update(favorite=False)
    from wildlife.models import Observation

    observation = Observation.objects.get(observation_id="o-0005")
    Highlight.objects.filter(observation=observation).delete()
    client.force_login(vetter)
    url = reverse("wildlife_pick_highlight")

    deer = client.post(url, {"provider": park.pk, "observation_id": "o-0005-b"})
    assert deer.status_code == 400
    assert "наблюдения отслеживаемых видов" in deer.content.decode()  # the admin speaks Russian

    response = client.post(url, {"provider": park.pk, "observation_id": "o-0005"})
    highlight = Highlight.objects.get(observation=observation)
    assert response.status_code == 302
    assert response["Location"] == reverse("wildlife_highlight:edit", args=[highlight.pk])
    assert highlight.source == Highlight.Source.STAFF
    assert highlight.status == Highlight.Status.CANDIDATE


def test_editors_cannot_pick_highlights(client, editor, imported, park):
    client.force_login(editor)
    response = client.post(
        reverse("wildlife_pick_highlight"), {"provider": park.pk, "observation_id": "o-0005"}
    )
    assert response.status_code in (302, 403)


def preview(client, highlight, **crop):
    return client.get(reverse("wildlife_highlight_preview", args=[highlight.pk]), crop)


def test_vetters_preview_the_crop_they_choose(client, vetter, grace_highlight):
    client.force_login(vetter)
    whole = preview(client, grace_highlight)
    half = preview(client, grace_highlight, l="0.5", t="0", r="1", b=".5")
    assert whole.status_code == half.status_code == 200
    assert half["Content-Type"] == "image/jpeg"
    assert len(half.content) < len(whole.content)


@pytest.mark.parametrize(
    "crop",
    [
        {"l": "nan"},
        {"r": "inf"},
        {"b": "-inf"},
        {"l": "1e-3"},
        {"t": "²"},
        {"r": "1.5"},
        {"l": "0.6", "r": "0.4"},
        {"t": "1", "b": "1"},
    ],
)
def test_a_crop_that_is_not_a_part_of_the_image_is_a_400_in_the_admins_language(
    client, vetter, grace_highlight, crop
):
    client.force_login(vetter)
    response = client.get(
        reverse("wildlife_highlight_preview", args=[grace_highlight.pk]),
        crop,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert "Не удалось разобрать запрос" in response.content.decode()
    assert b"JFIF" not in response.content
