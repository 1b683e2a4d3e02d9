"""A visitor's e-mailed booking links, calendar and ticket, and the waiting list's leave link,
still work after the secret key is rotated while the old key is in SECRET_KEY_FALLBACKS, and
stop working once it is dropped."""

import re

import pytest
from django.core import mail

from tests.keys import rotate, sign_with_old_key
from tourism import services
from tourism.services import BookingError, Party

from .conftest import book, contact, pay

pytestmark = pytest.mark.usefixtures("checkout")

SITE = r"https://leopard\.example"


def test_a_visitors_booking_links_and_ticket_outlive_the_old_key(
    client, settings, make_slot, desk_user, django_capture_on_commit_callbacks
):
    sign_with_old_key(settings)
    slot, full = make_slot(), make_slot()
    with django_capture_on_commit_callbacks(execute=True):
        booking = pay(book(slot, adults=2, language="en"))
    [confirmation] = mail.outbox
    manage = re.search(SITE + r"(/en/tours/booking/\S+/)", confirmation.body)[1]
    [(_name, ics, _type), _ticket] = confirmation.attachments
    calendar = re.search(SITE + r"(\S+\.ics)", ics.replace("\r\n ", ""))[1]
    ticket = services.check_in_code(booking)  # what the attached QR code holds
    book(full, adults=8, email="eight@example.org")
    book(full, adults=2, email="two@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.join_waiting_list(full.pk, Party(adults=2), contact(email="w@example.org"))
    [joined] = mail.outbox
    leave = re.search(SITE + r"(/\w+/tours/waiting-list/\S+/leave/)", joined.body)[1]

    rotate(settings, keep_old=True)
    assert booking.reference in client.get(manage).content.decode()
    response = client.get(calendar)
    assert response["Content-Type"].startswith("text/calendar")
    assert f"booking-{booking.reference}" in response.content.decode()
    assert "Покинуть лист ожидания" in client.get(leave).content.decode()

    rotate(settings, keep_old=False)
    assert client.get(manage).status_code == 400
    assert client.get(calendar).status_code == 400
    assert "Вас нет в этом листе ожидания" in client.get(leave).content.decode()
    with pytest.raises(BookingError):
        services.check_in_by_code(slot, ticket, by_user=desk_user)

    rotate(settings, keep_old=True)
    checked_in, already = services.check_in_by_code(slot, ticket, by_user=desk_user)
    assert (checked_in.pk, already) == (booking.pk, False)
