"""The desk's day, as the Tourism desk role does it: refunds that free places and tell the
visitor, capacity and start times changed safely, rights that follow a payment's purpose,
impossible days, schedules, group approval, the manifest, and QR check-in."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from wagtail.models import ModelLogEntry

from payments import local_checkout
from payments.local_checkout import LocalCheckoutGateway
from payments.models import Payment, TestCheckoutSession
from tourism import services
from tourism.models import Booking, GroupRequest, Slot, WaitingListEntry

from .conftest import book, open_checkout, pay

pytestmark = pytest.mark.usefixtures("checkout")


@pytest.fixture
def desk_user(desk_user):
    """The desk, working in English here (the admin follows each user's language); the
    Russian screens are checked where it matters."""
    speaks(desk_user, "en")
    return desk_user


def speaks(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.fixture
def fundraiser(django_user_model, db):
    user = django_user_model.objects.create_user("fund", "fund@leopard.example", "pw-fund-1")
    user.groups.add(Group.objects.get(name="Fundraising"))
    return user


def paid_booking(slot, *, adults=2, language="en", email="ada@example.org"):
    booking = pay(book(slot, adults=adults, language=language, email=email))
    mail.outbox.clear()
    return booking


def log_actions(obj):
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


# --- 1. A refund frees the places and tells the visitor -------------------------------------


def test_a_full_refund_in_the_payments_admin_frees_the_places_and_tells_the_visitor(
    client, slot, desk_user, django_capture_on_commit_callbacks
):
    booking = paid_booking(slot, adults=3)
    assert services.places_taken(slot) == 3
    client.force_login(desk_user)
    url = reverse("payments_admin:refund", args=[booking.payment_id])
    form = client.get(url)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "amount": "1500.00",
                "reason": "requested_by_customer",
                "note": "",
                "token": "t-1",
            },
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.refunded_minor == booking.amount_minor
    assert services.places_taken(slot) == 0
    [told] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "cancelled and refunded" in told.subject
    assert "₽1,500" in told.body
    entry = ModelLogEntry.objects.get(action="tourism.refund_cancelled", object_id=str(booking.pk))
    assert entry.user == desk_user  # who refunded, from the admin's log context


def _dashboard_refund(booking, amount):
    """Staff refund in Stripe's dashboard: the refund exists at Stripe, then charge.refunded."""
    session = TestCheckoutSession.objects.get(payment_id=booking.payment_id)
    session.refunds = [
        *session.refunds,
        {
            "id": local_checkout.local_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": session.charge_id,
            "payment_intent": session.payment_intent_id,
            "currency": "rub",
            "reason": None,
            "status": "succeeded",
            "metadata": {},
            "idempotency_key": "",
        },
    ]
    session.save(update_fields=["refunds"])
    charge = LocalCheckoutGateway().retrieve_charge(session.charge_id)
    response = local_checkout.deliver("charge.refunded", charge)
    assert response.status_code == 200
    return charge


def test_a_refund_made_in_stripes_dashboard_cancels_the_booking_once(
    make_slot, django_capture_on_commit_callbacks
):
    slot = make_slot(capacity=4)
    booking = paid_booking(slot, adults=4, language="ru", email="anna@example.org")
    waiting = services.join_waiting_list(
        slot.pk, services.Party(adults=2), services.Contact("W", "w@example.org", "en")
    )
    with django_capture_on_commit_callbacks(execute=True):
        charge = _dashboard_refund(booking, booking.amount_minor)
        # Stripe delivers again: nothing more happens.
        assert local_checkout.deliver("charge.refunded", charge).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    [told] = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    assert "отменено" in told.subject.lower() or "отменён" in told.subject.lower()
    waiting.refresh_from_db()
    assert waiting.status == waiting.Status.OFFERED  # the freed places went to the list
    assert services.places_taken(slot) == 2


def test_a_partial_refund_keeps_the_booking_and_says_what_came_back(
    slot, django_capture_on_commit_callbacks
):
    booking = paid_booking(slot, adults=2)
    with django_capture_on_commit_callbacks(execute=True):
        _dashboard_refund(booking, 30_000)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.refunded_minor == 30_000
    assert services.places_taken(slot) == 2
    [told] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "₽300" in told.body and "stays confirmed" in told.body


def test_a_full_refund_after_the_start_keeps_the_visit_on_record(
    slot, django_capture_on_commit_callbacks
):
    booking = paid_booking(slot, adults=2)
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        _dashboard_refund(booking, booking.amount_minor)
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_minor) == (Booking.Status.CONFIRMED, 100_000)
    [told] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "₽1,000" in told.body


def test_the_desk_cancels_and_refunds_a_booking_under_the_policy(
    client, slot, desk_user, django_capture_on_commit_callbacks
):
    booking = paid_booking(slot, adults=2)
    client.force_login(desk_user)
    url = reverse("tourism_desk:cancel_booking", args=[booking.pk])
    page = client.get(url).content.decode()
    assert "₽1,000" in page  # paid, and the policy's refund a week ahead
    assert "100000" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"refund": "policy", "reason": ""})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Payment.objects.get(pk=booking.payment_id).status == Payment.Status.REFUNDED
    assert services.places_taken(slot) == 0
    [told] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "tourism desk has cancelled" in told.body and "₽1,000" in told.body
    entry = ModelLogEntry.objects.get(action="tourism.cancel_booking", object_id=str(booking.pk))
    assert entry.user == desk_user


def test_a_refund_other_than_the_policys_needs_a_reason(client, slot, desk_user):
    booking = paid_booking(slot, adults=2)
    client.force_login(desk_user)
    url = reverse("tourism_desk:cancel_booking", args=[booking.pk])
    response = client.post(url, {"refund": "amount", "amount": "250", "reason": ""})
    assert response.status_code == 200
    assert "needs a reason" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    response = client.post(url, {"refund": "amount", "amount": "250", "reason": "Came late"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_minor) == (Booking.Status.CANCELLED, 25_000)
    entry = ModelLogEntry.objects.get(action="tourism.cancel_booking", object_id=str(booking.pk))
    assert "Came late" in entry.formatter.format_comment(entry)


def test_the_day_view_and_the_booking_offer_cancel_and_refund(client, slot, desk_user):
    booking = paid_booking(slot)
    client.force_login(desk_user)
    cancel = reverse("tourism_desk:cancel_booking", args=[booking.pk])
    found = client.get(reverse("tourism_desk:day") + f"?q={booking.reference}")
    assert cancel in found.content.decode()
    inspect = client.get(reverse("wagtailsnippets_tourism_booking:inspect", args=[booking.pk]))
    html = inspect.content.decode()
    assert cancel in html
    assert "₽1,000" in html and "100000" not in html and "minor units" not in html


# --- 2. Capacity and start time ---------------------------------------------------------------


def slot_form(slot, **changes):
    local = timezone.localtime(slot.starts_at)
    data = {
        "tour": slot.tour_id,
        "starts_at": f"{local:%Y-%m-%d %H:%M}",
        "capacity": slot.capacity,
        "guide_language": slot.guide_language,
        "price_adult": slot.price_adult,
        "price_child": slot.price_child,
        "price_pupil": slot.price_pupil,
        "child_under_age": slot.child_under_age,
        "free_under_age": slot.free_under_age,
        "min_party": slot.min_party,
        "max_party": slot.max_party,
        "opens_days_before": slot.opens_days_before,
        "closes_hours_before": slot.closes_hours_before,
    }
    data.update(changes)
    return data


def test_capacity_below_the_places_taken_is_refused_with_the_numbers(client, slot, desk_user):
    paid_booking(slot, adults=4)
    book(slot, adults=2, email="held@example.org")  # a hold counts too
    client.force_login(desk_user)
    url = reverse("wagtailsnippets_tourism_slot:edit", args=[slot.pk])
    response = client.post(url, slot_form(slot, capacity=5))
    assert response.status_code == 200
    assert "6 places are already taken" in response.content.decode()
    assert "you entered 5" in response.content.decode()
    speaks(desk_user, "ru")
    response = client.post(url, slot_form(slot, capacity=5))
    assert "Уже занято мест: 6" in response.content.decode()
    slot.refresh_from_db()
    assert slot.capacity == 10
    assert client.post(url, slot_form(slot, capacity=6)).status_code == 302
    slot.refresh_from_db()
    assert slot.capacity == 6


def test_moving_a_date_tells_every_booker_and_group_contact_in_their_language(
    client, slot, desk_user, django_capture_on_commit_callbacks
):
    paid_booking(slot, adults=1, language="en", email="ada@example.org")
    paid_booking(slot, adults=1, language="zh-hans", email="li@example.org")
    group, _ = services.request_group_visit(
        organisation="School 5",
        contact_name="T",
        email="teacher@example.org",
        phone="+7 900 000-00-00",
        group_size=3,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
    )
    services.approve_group_request(group, slot)
    mail.outbox.clear()
    client.force_login(desk_user)
    url = reverse("wagtailsnippets_tourism_slot:edit", args=[slot.pk])
    moved = timezone.localtime(slot.starts_at) + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, slot_form(slot, starts_at=f"{moved:%Y-%m-%d %H:%M}"))
    assert response.status_code == 302
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {"ada@example.org", "li@example.org", "teacher@example.org"}
    assert "New start time" in told["ada@example.org"].subject
    with translation.override("en"):
        assert formats.date_format(moved, "DATETIME_FORMAT") in told["ada@example.org"].body
    assert "导览" in told["li@example.org"].subject or "时间" in told["li@example.org"].subject
    assert "Новое время" in told["teacher@example.org"].subject
    assert "tourism.move_slot" in log_actions(slot)


def waiting(slot, email, language):
    return WaitingListEntry.objects.create(
        slot=slot, name="W", email=email, language=language, adults=1, places=1
    )


def test_moving_a_date_tells_holders_and_the_waiting_list_in_their_language(
    client, slot, desk_user, django_capture_on_commit_callbacks
):
    paid_booking(slot, adults=1, language="en", email="ada@example.org")
    book(slot, adults=1, language="ru", email="paying@example.org")  # mid-payment
    waiting(slot, "queue-zh@example.org", "zh-hans")
    waiting(slot, "queue-ru@example.org", "ru")
    mail.outbox.clear()
    client.force_login(desk_user)
    url = reverse("wagtailsnippets_tourism_slot:edit", args=[slot.pk])
    moved = timezone.localtime(slot.starts_at) + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, slot_form(slot, starts_at=f"{moved:%Y-%m-%d %H:%M}"))
    assert response.status_code == 302
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {
        "ada@example.org",
        "paying@example.org",
        "queue-zh@example.org",
        "queue-ru@example.org",
    }
    holder = told["paying@example.org"]
    assert "Новое время начала экскурсии, которую вы бронируете" in holder.subject
    assert "оплатите по этой ссылке" in holder.body
    with translation.override("ru"):
        assert formats.date_format(moved, "DATETIME_FORMAT") in holder.body
    assert "您候补的导览有新的开始时间" in told["queue-zh@example.org"].subject
    assert "候补名单中的位置不变" in told["queue-zh@example.org"].body
    assert "Ваше место в листе ожидания сохраняется" in told["queue-ru@example.org"].body


def test_cancelling_a_date_tells_bookers_holders_and_the_waiting_list_in_their_language(
    client, slot, desk_user, django_capture_on_commit_callbacks
):
    paid_booking(slot, adults=1, language="en", email="ada@example.org")
    held = book(slot, adults=1, language="zh-hans", email="paying@example.org")
    open_checkout(held)
    waiting(slot, "queue@example.org", "ru")
    mail.outbox.clear()
    client.force_login(desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tourism_desk:cancel_slot", args=[slot.pk]), {"reason": "Flood"}
        )
    assert response.status_code == 302
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {"ada@example.org", "paying@example.org", "queue@example.org"}
    assert "Tour cancelled by the park" in told["ada@example.org"].subject
    holder = told["paying@example.org"]
    assert "您正在预订的导览已被公园取消" in holder.subject
    assert "将自动全额退款" in holder.body and "Flood" in holder.body
    queue = told["queue@example.org"]
    assert "Парк отменил экскурсию, места на которую вы ждали" in queue.subject
    assert "Лист ожидания на неё закрыт" in queue.body and "Flood" in queue.body


def test_editing_a_date_without_moving_it_tells_nobody(
    client, make_slot, desk_user, django_capture_on_commit_callbacks
):
    # On the minute, as the admin's date and time field gives it.
    slot = make_slot(
        starts_at=(timezone.now() + datetime.timedelta(days=9)).replace(second=0, microsecond=0)
    )
    paid_booking(slot)
    client.force_login(desk_user)
    url = reverse("wagtailsnippets_tourism_slot:edit", args=[slot.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, slot_form(slot, capacity=12)).status_code == 302
    assert mail.outbox == []


# --- 3. Rights follow the payment's purpose ---------------------------------------------------


def assert_refused(response):
    """Wagtail answers a PermissionDenied in the admin by going back to the dashboard."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def donation_payment():
    """A paid gift, as payments records one (donations' own objects are not needed here)."""
    return Payment.objects.create(
        purpose="donation",
        content_type=ContentType.objects.get_for_model(Group),
        object_id="1",
        amount_minor=50_000,
        currency="RUB",
        status=Payment.Status.PAID,
        provider=Payment.Provider.TEST,
        description="Gift",
        customer_email="donor@example.org",
        language="ru",
        success_url="https://leopard.example/ok/",
        cancel_url="https://leopard.example/no/",
        idempotency_key="gift-1",
        payment_intent_id="pi_gift_1",
    )


def test_fundraising_cannot_see_or_refund_a_tour_booking(client, slot, fundraiser):
    booking = paid_booking(slot)
    client.force_login(fundraiser)
    refund_url = reverse("payments_admin:refund", args=[booking.payment_id])
    assert_refused(client.get(refund_url))
    response = client.post(
        refund_url, {"amount": "1000", "reason": "requested_by_customer", "token": "x"}
    )
    assert_refused(response)
    assert Payment.objects.get(pk=booking.payment_id).refunded_minor == 0
    listing = client.get(reverse("payments_admin:index")).content.decode()
    assert f"/admin/payments/inspect/{booking.payment_id}/" not in listing
    assert_refused(client.get(reverse("payments_admin:inspect", args=[booking.payment_id])))


def test_the_desk_cannot_see_or_refund_a_donation_nor_its_donors_details(client, slot, desk_user):
    gift = donation_payment()
    booking = paid_booking(slot)
    client.force_login(desk_user)
    assert_refused(client.get(reverse("payments_admin:refund", args=[gift.pk])))
    assert_refused(client.get(reverse("payments_admin:inspect", args=[gift.pk])))
    listing = client.get(reverse("payments_admin:index")).content.decode()
    assert f"/admin/payments/inspect/{gift.pk}/" not in listing
    assert f"/admin/payments/inspect/{booking.payment_id}/" in listing
    assert "donor@example.org" not in listing
    events = client.get(reverse("payment_events:index")).content.decode()
    assert "checkout.session.completed" in events  # the booking's own events
    gift_event = gift.events.create(
        event_id="evt_gift", type="charge.refunded", source="test", payload={"donor": "x"}
    )
    gift_event.status = "processed"
    gift_event.save()
    assert_refused(client.get(reverse("payment_events:inspect", args=[gift_event.pk])))
    assert "evt_gift" not in client.get(reverse("payment_events:index")).content.decode()


# --- 4. The day, schedules, group approval, the manifest -----------------------------------


@pytest.mark.parametrize("day", ["2026-02-30", "0001-01-01", "9999-12-31", "2026-13-01", "x"])
def test_an_impossible_day_is_a_clear_400(client, desk_user, day):
    client.force_login(desk_user)
    for name in ("tourism_desk:day", "tourism_desk:day_csv"):
        response = client.get(reverse(name), {"day": day})
        assert response.status_code == 400
        assert "not a day the desk can show" in response.content.decode()


def test_a_schedule_makes_no_dates_in_the_past(client, tour, desk_user):
    client.force_login(desk_user)
    today = timezone.localdate()
    data = {
        "tour": tour.pk,
        "first_day": f"{today - datetime.timedelta(days=7):%Y-%m-%d}",
        "last_day": f"{today + datetime.timedelta(days=7):%Y-%m-%d}",
        "weekdays": [str(d) for d in range(7)],
        "times": "00:01, 23:59",
        "capacity": "15",
        "guide_language": "en",
        "price_adult": "500",
        "price_child": "250",
        "price_pupil": "200",
        "child_under_age": "14",
        "free_under_age": "5",
        "min_party": "1",
        "max_party": "8",
        "opens_days_before": "60",
        "closes_hours_before": "2",
    }
    response = client.post(reverse("tourism_desk:schedule"), data)
    assert response.status_code == 200
    assert "cannot start in the past" in response.content.decode()
    assert not Slot.objects.filter(tour=tour).exists()
    created, skipped = services.create_slots_from_schedule(
        tour,
        first_day=today,
        last_day=today,
        weekdays=set(range(7)),
        times=[datetime.time(0, 1)],
        capacity=15,
        price_adult=500,
        price_child=250,
        price_pupil=200,
        now=timezone.localtime().replace(hour=12),
    )
    assert (created, skipped) == (0, 1)


def test_group_approval_offers_only_dates_with_room_for_the_group(client, make_slot, desk_user):
    roomy = make_slot(capacity=20)
    small = make_slot(capacity=6)
    crowded = make_slot(capacity=12)
    paid_booking(crowded, adults=8)
    group, _ = services.request_group_visit(
        organisation="School 7",
        contact_name="T",
        email="t@example.org",
        group_size=6,
        accompanying_adults=1,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
    )
    client.force_login(desk_user)
    html = client.get(reverse("tourism_desk:groups")).content.decode()
    assert f'value="{roomy.pk}"' in html
    assert f'value="{small.pk}"' not in html
    assert f'value="{crowded.pk}"' not in html
    assert GroupRequest.objects.get(pk=group.pk).status == GroupRequest.Status.PENDING


def test_the_manifest_shows_a_groups_phone_and_needs(client, slot, desk_user):
    group, _ = services.request_group_visit(
        organisation="School 9",
        contact_name="Olga",
        email="olga@example.org",
        phone="+7 423 555-01-02",
        group_size=5,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
        notes="One wheelchair user; two vegetarians",
    )
    services.approve_group_request(group, slot)
    client.force_login(desk_user)
    html = client.get(reverse("tourism_desk:manifest", args=[slot.pk])).content.decode()
    assert "+7 423 555-01-02" in html
    assert "One wheelchair user" in html
    csv_text = client.get(reverse("tourism_desk:manifest_csv", args=[slot.pk])).content.decode()
    assert "+7 423 555-01-02" in csv_text and "One wheelchair user" in csv_text


# --- 16. QR tickets ---------------------------------------------------------------------------


def test_a_scanned_ticket_checks_in_once_and_then_says_when(client, slot, desk_user):
    booking = paid_booking(slot, adults=2)
    client.force_login(desk_user)
    url = reverse("tourism_desk:scan", args=[slot.pk])
    code = services.check_in_code(booking)
    first = client.post(url, {"code": code}, follow=True).content.decode()
    assert f"{booking.reference} ({booking.name}) is checked in: 2 places" in first
    booking.refresh_from_db()
    at = timezone.localtime(booking.checked_in_at)
    second = client.post(url, {"code": code}, follow=True).content.decode()
    assert f"already checked in at {at:%H:%M}" in second
    booking.refresh_from_db()
    assert timezone.localtime(booking.checked_in_at) == at
    assert log_actions(booking).count("tourism.check_in") == 1


def test_a_ticket_for_another_date_or_a_forged_one_checks_nobody_in(client, make_slot, desk_user):
    today, other = make_slot(), make_slot()
    booking = paid_booking(other)
    client.force_login(desk_user)
    url = reverse("tourism_desk:scan", args=[today.pk])
    response = client.post(url, {"code": services.check_in_code(booking)}, follow=True)
    assert "is for another tour date" in response.content.decode()
    forged = booking.reference + ":forged"
    response = client.post(url, {"code": forged}, follow=True)
    assert "not a ticket of ours" in response.content.decode()
    booking.refresh_from_db()
    assert booking.checked_in_at is None


def test_the_visitors_page_shows_the_ticket(client, slot):
    booking = paid_booking(slot)
    html = client.get(services.manage_path(booking, "en")).content.decode()
    assert 'class="booking-ticket"' in html and "<svg" in html
