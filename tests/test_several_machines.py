"""The portal as a park's IT team runs it on several machines (docs/deploy.md): two web
processes, a task worker and two schedulers, sharing PostgreSQL, Redis and object storage (the
S3 stand-in, tests/s3.py), with Stripe faked at its HTTP boundary only.

What one machine does, the others see: an image an editor uploads on one web process is served
by the other from the shared bucket; a booking made on one is paid through the webhook on the
other; its confirmation is e-mailed by the worker, not by the web process that took the payment;
an expired hold is released by whichever scheduler leads, and when the leader is killed the
other takes over within a minute.
"""

import datetime
import json
import re
import uuid
from email import message_from_bytes
from email.policy import default as default_policy

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from wagtail.images import get_image_model

from cms.models import ScheduledJob
from tests.cms.test_images import camera_jpeg
from tests.cms.test_object_storage import media_urls
from tests.conftest import admin_session
from tests.pages import build_site_tree
from tests.payments.conftest import WEBHOOK_SECRET, FakeStripe, sign
from tests.processes import ManageProcess, wait_until
from tests.tourism.conftest import build_tours
from tourism.models import Booking, Slot

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.server]


@pytest.fixture
def fake_stripe_process_wide():
    stripe = FakeStripe()
    yield stripe
    stripe.stop()


@pytest.fixture
def processes(tmp_path):
    started = []

    def start(args, name, **env):
        process = ManageProcess(args, tmp_path / f"{name}.log", **env).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def book(web, slot, email):
    """A visitor sends the booking form to one web process; returns where it sends them."""
    path = f"/en/tours/dates/{slot.pk}/book/"
    with httpx.Client(base_url=web.url, timeout=60) as visitor:
        form = visitor.get(path)
        assert form.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        response = visitor.post(
            path,
            data={
                "csrfmiddlewaretoken": token,
                "adults": "1",
                "name": "Анна Visitor",
                "email": email,
                "consent": "on",
                "submission_key": str(uuid.uuid4()),
            },
            headers={"Referer": f"{web.url}{path}"},
        )
    assert response.status_code == 302, response.text
    return response.headers["location"]


def lapse(booking):
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def status_of(booking):
    return Booking.objects.get(pk=booking.pk).status


def sweeper():
    """Who ran the expired-holds job last (host:pid)."""
    job = ScheduledJob.objects.filter(name="tourism.expire_holds").first()
    return job.run_by if job else ""


def test_two_web_processes_a_worker_and_two_schedulers_run_one_site(
    live_db,
    object_storage,
    s3_stand_in,
    asgi_server_factory,
    processes,
    fake_stripe_process_wide,
    django_user_model,
    tmp_path,
):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    assert settings.REDIS_URL, "this test needs Redis (REDIS_URL)"
    stripe = fake_stripe_process_wide
    buckets = object_storage
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "TASKS_BACKEND": "database",
        # django-environ keeps what follows "filemail://" less its first slash.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "STRIPE_SECRET_KEY": "sk_test_portal_tests",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_portal_tests",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe.url,
        "DATABASE_POOL_MAX": "4",
    }
    tree = build_site_tree()
    _index, trail = build_tours(tree.home)
    slot = Slot.objects.create(
        tour=trail,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        capacity=10,
        price_adult=500,
        price_child=250,
        price_pupil=200,
        max_party=8,
    )
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw-ed-123456")
    editor.groups.add(Group.objects.get(name="Editors"))

    first_web, second_web = asgi_server_factory(**env), asgi_server_factory(**env)
    schedulers = [
        processes(["run_scheduler", "--interval", "1", "--retry", "1"], f"scheduler-{n}", **env)
        for n in (1, 2)
    ]

    # -- Storage: uploaded on one machine, served by the other from the shared bucket.
    admin = admin_session(first_web.url, "ed", "pw-ed-123456")
    upload = admin.post(
        "/admin/images/multiple/add/",
        files={"files[]": ("grace.jpg", camera_jpeg(), "image/jpeg")},
        headers={"X-CSRFToken": admin.csrf_token},
    )
    assert upload.status_code == 200 and upload.json()["success"], upload.text
    image = get_image_model().objects.get(pk=upload.json()["image_id"])
    story = tree.story
    story.lead_image = image
    story.save_revision().publish()
    with translation.override("en"):
        story_path = story.get_url()
    page = httpx.get(second_web.url + story_path, timeout=30)
    assert page.status_code == 200
    bucket_prefix = f"{buckets.endpoint}/{buckets.public}/images/"
    renditions = [url for url in media_urls(page.text) if url.startswith(bucket_prefix)]
    assert renditions, "the other machine shows the image from the shared bucket"
    assert all(httpx.get(url, timeout=10).status_code == 200 for url in renditions)
    assert s3_stand_in.keys(buckets.private) == []

    # -- A booking made on the first web process...
    location = book(first_web, slot, "anna@example.org")
    session_id = location.rsplit("/", 1)[1]
    assert location == f"https://checkout.stripe.test/c/pay/{session_id}"
    booking = Booking.objects.get(slot=slot, email="anna@example.org")
    assert booking.status == Booking.Status.HELD

    # ... is paid through the webhook on the second.
    stripe.pay(session_id)
    event = stripe.event("checkout.session.completed", stripe.objects[session_id])
    payload = json.dumps(event)
    answer = httpx.post(
        f"{second_web.url}/payments/stripe/webhook/",
        content=payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert status_of(booking) == Booking.Status.CONFIRMED

    # The confirmation waits in the queue: no web process sends e-mail itself...
    queued = DBTaskResult.objects.filter(task_path__startswith="tourism.")
    assert queued.exists()
    assert list(mail_dir.iterdir()) == []
    # ... the worker sends it.
    worker = processes(
        [
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            "w1",
        ],
        "worker",
        **env,
    )
    sent = wait_until(
        lambda: list(mail_dir.iterdir()), "the worker sends the e-mail", processes=[worker]
    )
    messages = [message_from_bytes(path.read_bytes(), policy=default_policy) for path in sent]
    to_anna = [m for m in messages if "anna@example.org" in m["To"]]
    assert to_anna and booking.reference in to_anna[0].get_body(("plain",)).get_content()
    wait_until(
        lambda: not queued.exclude(status="SUCCESSFUL").exists(),
        "every task done",
        processes=[worker],
    )
    assert all(result.worker_ids == ["w1"] for result in queued)

    # -- An expired hold is released by whichever scheduler leads...
    book(second_web, slot, "boris@example.org")
    lapsed = Booking.objects.get(slot=slot, email="boris@example.org")
    lapse(lapsed)
    wait_until(
        lambda: status_of(lapsed) == Booking.Status.EXPIRED,
        "the leading scheduler releases the hold",
        processes=schedulers,
    )
    leader_name = sweeper()
    [leader] = [p for p in schedulers if leader_name.endswith(f":{p.pid}")]
    [other] = [p for p in schedulers if p is not leader]

    # ... and when the leader is killed, the other takes over within a minute.
    leader.kill()
    book(first_web, slot, "chen@example.org")
    orphan = Booking.objects.get(slot=slot, email="chen@example.org")
    lapse(orphan)
    wait_until(
        lambda: status_of(orphan) == Booking.Status.EXPIRED,
        "the other scheduler takes over",
        seconds=60,
        processes=[other],
    )
    assert sweeper().endswith(f":{other.pid}")
    # Places agree with the rows: Anna's confirmed place only.
    assert status_of(booking) == Booking.Status.CONFIRMED
    assert Booking.objects.filter(slot=slot, status=Booking.Status.HELD).count() == 0
