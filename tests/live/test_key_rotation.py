"""Following a leopard across a rotation of the secret key: the follow form's signature (a page
rendered before the rotation) holds while the old key is in SECRET_KEY_FALLBACKS; the e-mailed
confirm and unsubscribe links carry a stored random token, which no key rotation touches."""

import pytest
from django.core import mail

from live import services
from live.models import Follower
from tests.keys import rotate, sign_with_old_key

pytestmark = pytest.mark.django_db

TOPIC, TITLE = "leopard:12", "Grace (Leo 45F)"


def post_follow(client, signature):
    return client.post(
        "/en/live/follow/",
        {"email": "reader@example.org", "topic": TOPIC, "title": TITLE, "signature": signature},
    )


def test_a_follow_form_signed_before_the_rotation_still_posts(
    client, settings, django_capture_on_commit_callbacks
):
    sign_with_old_key(settings)
    signature = services.follow_signature(TOPIC, TITLE)

    rotate(settings, keep_old=False)
    assert post_follow(client, signature).status_code == 400
    assert not Follower.objects.exists()

    rotate(settings, keep_old=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_follow(client, signature).status_code == 302
    follower = Follower.objects.get()
    [message] = mail.outbox
    assert f"/en/live/follow/confirm/{follower.token}/" in message.body


def test_confirm_and_unsubscribe_links_do_not_depend_on_the_key(client, settings):
    sign_with_old_key(settings)
    follower = Follower.objects.create(
        email="reader@example.org", topic=TOPIC, title=TITLE, language="en"
    )
    rotate(settings, keep_old=False)
    assert client.post(f"/en/live/follow/confirm/{follower.token}/").status_code == 200
    follower.refresh_from_db()
    assert follower.status == Follower.Status.ACTIVE
    assert client.post(f"/en/live/unsubscribe/{follower.token}/").status_code == 200
    follower.refresh_from_db()
    assert follower.status == Follower.Status.UNSUBSCRIBED
