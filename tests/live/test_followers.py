"""Following a leopard by e-mail: double opt-in, its language, one e-mail per sighting."""

import uuid
from functools import partial

import pytest
from django.core import mail
from django.utils import timezone

from live import services, tasks
from live.models import Delivery, Follower
from tests.live.conftest import publish_sighting as publish_sighting_on_commit

pytestmark = pytest.mark.django_db
committed = None


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """Runs what follows a commit (broadcasts, e-mail tasks), as outside a test transaction."""
    global committed
    committed = partial(django_capture_on_commit_callbacks, execute=True)


def publish_sighting(**kwargs):
    with committed():
        return publish_sighting_on_commit(**kwargs)


def follow(client, email, language="en", topic="leopard:12", title="Grace (Leo 45F)"):
    with committed():
        return client.post(
            f"/{language}/live/follow/",
            {
                "email": email,
                "topic": topic,
                "title": title,
                "signature": services.follow_signature(topic, title),
            },
        )


def active_follower(email, language="en", topic="leopard:12"):
    return Follower.objects.create(
        email=email, topic=topic, title="Grace", language=language, status="active"
    )


def link_in(message, name):
    return next(line for line in message.body.split() if f"/live/{name}/" in line)


def test_the_follow_form_renders_without_javascript(rf, settings):
    from django.template.loader import render_to_string

    html = render_to_string(
        "live/includes/follow_form.html",
        {"follow_topic": "leopard:12", "follow_title": "Grace (Leo 45F)"},
        request=rf.get("/en/"),
    )
    assert 'action="/ru/live/follow/"' in html or 'action="/en/live/follow/"' in html
    assert 'name="signature"' in html and 'type="email"' in html
    assert "csrfmiddlewaretoken" in html


def test_following_asks_for_confirmation_in_the_followers_language(client):
    response = follow(client, "Reader@Example.org", language="zh-hans")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/live/follow/sent/"
    follower = Follower.objects.get()
    assert (follower.email, follower.status, follower.language) == (
        "reader@example.org",
        "pending",
        "zh-hans",
    )
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "Grace (Leo 45F)" in message.subject
    confirm = link_in(message, "follow/confirm")
    assert confirm.startswith("http://127.0.0.1:8000/zh-hans/live/follow/confirm/")
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://")


def test_confirming_takes_a_click_not_just_a_visit(client):
    follow(client, "reader@example.org")
    confirm = link_in(mail.outbox[0], "follow/confirm").replace("http://127.0.0.1:8000", "")
    assert client.get(confirm).status_code == 200  # a mail scanner's visit changes nothing
    assert Follower.objects.get().status == "pending"
    response = client.post(confirm)
    assert response.status_code == 200
    assert "Grace (Leo 45F)" in response.content.decode()
    assert Follower.objects.get().status == "active"


def test_a_forged_or_unknown_topic_is_refused_in_the_visitors_language(client):
    response = client.post(
        "/ru/live/follow/",
        {
            "email": "reader@example.org",
            "topic": "leopard:12",
            "title": "Buy cheap pills",
            "signature": services.follow_signature("leopard:12", "Grace"),
        },
    )
    assert response.status_code == 400
    assert "Ссылка для подписки недействительна" in response.content.decode()
    assert not Follower.objects.exists()
    assert not mail.outbox
    response = follow(client, "reader@example.org", topic="campaign:1")
    assert response.status_code == 400


def test_a_bad_address_is_refused_and_the_form_shown_again(client):
    response = follow(client, "not-an-address", language="ru")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Введите правильный адрес электронной почты." in html
    assert 'name="signature"' in html
    assert not Follower.objects.exists()


def test_asking_again_soon_sends_no_second_confirmation(client):
    follow(client, "reader@example.org")
    follow(client, "reader@example.org")
    assert len(mail.outbox) == 1
    assert Follower.objects.count() == 1


def test_a_sighting_emails_the_leopards_active_followers_in_their_language():
    english = active_follower("en@example.org", "en")
    russian = active_follower("ru@example.org", "ru")
    Follower.objects.create(email="p@example.org", topic="leopard:12", title="G", language="en")
    active_follower("other@example.org", "en", topic="leopard:14")
    publish_sighting(leopard_id=12, sighting_id=301)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"en@example.org", "ru@example.org"}
    message = by_address["en@example.org"]
    assert message.subject == "Grace (Leo 45F) seen again #301"
    assert "http://127.0.0.1:8000/en/leopards/leo-45f/" in message.body
    assert "Southern sector" in message.body and "March 2026" in message.body
    assert f"/en/live/unsubscribe/{english.token}/" in message.body
    html = message.alternatives[0][0]
    assert 'src="http://127.0.0.1:8000/media/sightings/301.jpg"' in html
    assert f"/en/live/unsubscribe/{english.token}/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    ru_message = by_address["ru@example.org"]
    assert ru_message.subject == "Грация (Leo 45F) снова замечена #301"
    assert f"/ru/live/unsubscribe/{russian.token}/" in ru_message.body
    assert "Отписаться" in ru_message.body
    # Only the leopard's topic e-mails: the feed copy of the same sighting sends nothing more.
    assert Delivery.objects.count() == 2


def test_each_follower_gets_one_email_per_sighting_even_if_the_task_runs_twice():
    followers = [active_follower(f"f{n}@example.org") for n in range(3)]
    on_leopard, _ = publish_sighting(leopard_id=12, sighting_id=401)
    assert len(mail.outbox) == 3
    ids = [follower.pk for follower in followers]
    assert tasks.email_follower_batch.call(on_leopard.pk, ids) == 0
    tasks.email_followers.call(on_leopard.pk)
    # The same sighting published again: still no second e-mail.
    publish_sighting(leopard_id=12, sighting_id=401)
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 3


def test_followers_are_emailed_in_batches(settings):
    settings.LIVE_EMAIL_BATCH_SIZE = 2
    for n in range(5):
        active_follower(f"f{n}@example.org")
    on_leopard, _ = publish_sighting(leopard_id=12)
    assert len(mail.outbox) == 5
    assert tasks.email_followers.call(on_leopard.pk) == 3  # batches of 2, 2 and 1


def test_a_failed_send_releases_its_claims_for_a_retry(monkeypatch):
    active_follower("a@example.org")
    active_follower("b@example.org")
    on_leopard, _ = publish_sighting(leopard_id=12, sighting_id=501)
    mail.outbox.clear()
    Delivery.objects.all().delete()
    sent = []

    def send_then_fail(self, fail_silently=False):
        if sent:
            raise ConnectionError("the SMTP server went away")
        sent.append(self.to[0])
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", send_then_fail)
    ids = list(Follower.objects.values_list("pk", flat=True))
    with pytest.raises(ConnectionError):
        services.email_follower_batch(on_leopard, ids)
    assert list(Delivery.objects.values_list("follower__email", flat=True)) == sent
    monkeypatch.undo()
    assert services.email_follower_batch(on_leopard, ids) == 1
    assert [message.to for message in mail.outbox] == [
        [email] for email in ("a@example.org", "b@example.org") if email not in sent
    ]


def test_one_click_unsubscribe_needs_no_page_and_stops_the_emails(client):
    follower = active_follower("reader@example.org", "ru")
    url = f"/ru/live/unsubscribe/{follower.token}/"
    assert "Отписаться" in client.get(url).content.decode()
    csrf_client = type(client)(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Follower.objects.get().status == "unsubscribed"
    publish_sighting(leopard_id=12)
    assert not mail.outbox


def test_unknown_links_are_a_404_page_not_an_error(client):
    assert client.post("/en/live/unsubscribe/nope/").status_code == 404
    assert client.post("/en/live/follow/confirm/nope/").status_code == 404


def test_a_batch_run_again_after_its_worker_died_sends_what_it_had_not_sent():
    """The worker was killed mid-batch: its claims stay, unsent. The same task run again
    (same batch id, in its arguments) sends to the rest; any other run sends nothing."""
    followers = [active_follower(f"f{n}@example.org") for n in range(3)]
    on_leopard, _ = publish_sighting(leopard_id=12, sighting_id=601)
    mail.outbox.clear()
    Delivery.objects.all().delete()
    batch = uuid.uuid4()
    for n, follower in enumerate(followers):
        Delivery.objects.create(
            follower=follower,
            event=on_leopard,
            subject=services.delivery_subject(on_leopard),
            batch=batch,
            sent_at=timezone.now() if n == 0 else None,
        )
    ids = [follower.pk for follower in followers]

    assert services.email_follower_batch(on_leopard, ids) == 0  # another task: all claimed
    assert tasks.email_follower_batch.call(on_leopard.pk, ids, batch=str(batch)) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["f1@example.org", "f2@example.org"]
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0
