"""Giving: start a donation, act on its payment, keep donors informed, cancel a monthly gift.

Money is counted from DonationEntry rows written in the payment webhook's transaction (see
on_donation_payment); nothing here keeps a running total that could drift.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

import live
import payments
from cms import params
from donations import conf
from donations.forms import DonationForm, EmailForm
from donations.models import (
    CampaignPage,
    CampaignSubscriber,
    Donation,
    DonationEntry,
    ReportMailing,
    Supporter,
)
from live.models import Follower
from live.services import add_confirmed_follower, latest_id
from payments.models import Payment
from payments.services import PaymentError
from wildlife.models import LeopardPage, PublishedSighting

logger = logging.getLogger(__name__)

PROGRESS_KIND = "campaign.progress"
CONFIRMED = (Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED)
SIGN_IN_SALT = "donations.sign-in"
CANCEL_SALT = "donations.cancel-monthly"
CERTIFICATE_SALT = "donations.certificate"
SESSION_KEY = "donations.supporter"


class GivingError(Exception):
    """A gift that cannot be started; the message is for the visitor, in their language."""

    @staticmethod
    def closed_message():
        return _("This campaign is closed: it no longer takes donations. Nothing was charged.")


# --- The campaign page ---------------------------------------------------------------------


def progress(campaign):
    return DonationEntry.objects.progress_of([campaign])[campaign.pk]


def sponsorable_leopards():
    return list(LeopardPage.objects.live().public().order_by("code"))


def giving_form(campaign, data=None):
    leopards = sponsorable_leopards() if campaign.sponsorship_allowed else ()
    return DonationForm(campaign, data, leopards=leopards)


def donor_wall(campaign, limit=60):
    """Names donors chose to show, newest first; a message only once staff approved it.

    Only the name and the approved message leave this function: never an e-mail or amount.
    """
    donations = (
        Donation.objects.filter(campaign=campaign, status__in=CONFIRMED, show_name=True)
        .exclude(name="")
        .order_by("-paid_at", "-pk")
        .values("name", "message", "message_status", "paid_at")[:limit]
    )
    return [
        {
            "name": row["name"],
            "message": row["message"]
            if row["message_status"] == Donation.MessageStatus.APPROVED
            else "",
            "month": row["paid_at"],
        }
        for row in donations
    ]


def campaign_context(request, campaign, form=None):
    if form is None:
        form = giving_form(campaign)
        leopard_id = params.parse_id(request.GET.get("leopard"))
        if leopard_id is not None and "leopard" in form.fields:
            form.initial["leopard"] = leopard_id
    return {
        # The cursor is read before the totals: an update in between is replayed, not missed.
        "live_since": latest_id(),
        "progress": progress(campaign),
        "form": form,
        "campaign_open": campaign.is_open(),
        "campaign_started": campaign.has_started(),
        "checkout_available": payments.checkout_available(),
        "wall": donor_wall(campaign),
        "reports": campaign.reports()[:10],
        "subscribe_form": EmailForm(),
        "cancelled": request.GET.get("cancelled") == "1",
    }


def campaign_card_context(request, page):
    """The home page's section: open campaigns with their progress (hidden when none)."""
    today = timezone.localdate()
    campaigns = [
        c
        for c in CampaignPage.objects.live().public().order_by("ends_on", "-starts_on")[:12]
        if c.is_open(today)
    ][:3]
    if not campaigns:
        return None
    found = DonationEntry.objects.progress_of(campaigns)
    for campaign in campaigns:
        campaign.progress = found[campaign.pk]
    return {
        "campaigns": campaigns,
        "live_topics": " ".join(c.live_topic for c in campaigns),
        "live_since": latest_id(),
    }


# --- Giving ---------------------------------------------------------------------------------


def description_for(donation):
    with translation.override(donation.language):
        if donation.frequency == Donation.Frequency.MONTHLY:
            text = _("Monthly donation: %(campaign)s")
        else:
            text = _("Donation: %(campaign)s")
        text %= {"campaign": donation.campaign.title}
        if donation.leopard_id:
            text += " · " + _("sponsoring %(leopard)s") % {"leopard": donation.leopard.display_name}
    return text


def start_donation(campaign, data, *, language, absolute):
    """Records the gift and opens its checkout; returns the URL to send the donor to.

    `data` is a valid DonationForm's cleaned_data; `absolute(path)` makes a full URL.
    Raises GivingError (closed campaign, no payment possible): nothing is charged then.
    """
    if not campaign.is_open():
        raise GivingError(GivingError.closed_message())
    if not payments.checkout_available():
        raise GivingError(_("Online giving is not available at the moment. Nothing was charged."))
    with transaction.atomic():
        supporter, _created = Supporter.objects.get_or_create(
            email=data["email"], defaults={"language": language}
        )
        donation = Donation.objects.create(
            campaign=campaign,
            supporter=supporter,
            leopard=data.get("leopard"),
            amount_minor=data["amount_minor"],
            currency=campaign.currency,
            frequency=data["frequency"],
            name=data.get("name", ""),
            show_name=bool(data.get("show_name")),
            message=data.get("message", ""),
            wants_updates=bool(data.get("wants_updates")),
            language=language,
        )
    with translation.override(language):
        success_url = absolute(reverse("donations:thanks", args=[donation.reference]))
        cancel_url = absolute(campaign.get_url()) + "?cancelled=1#give"
    try:
        start = payments.start_checkout(
            conf.PURPOSE,
            donation,
            donation.amount_minor,
            donation.currency,
            mode=Payment.Mode.SUBSCRIPTION
            if donation.frequency == Donation.Frequency.MONTHLY
            else Payment.Mode.PAYMENT,
            description=description_for(donation),
            customer_email=donation.supporter.email,
            language=language,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=timezone.now() + conf.CHECKOUT_LIFETIME,
            idempotency_key=f"donation-{donation.reference}",
        )
    except PaymentError as exc:
        logger.warning("donation %s: checkout refused: %s", donation.pk, exc)
        Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.FAILED)
        raise GivingError(
            _("We could not open the payment page. Nothing was charged; please try again later.")
        ) from exc
    Donation.objects.filter(pk=donation.pk, payment__isnull=True).update(payment=start.payment)
    return start.url


# --- The payment's outcomes (called by payments inside the webhook's transaction) ----------


def on_donation_payment(payment, outcome):
    donation_id = payment.object_id
    # Lock order: payment (payments did), campaign, donation. The campaign lock makes the
    # totals published below include every gift committed before this one.
    campaign_id = Donation.objects.values_list("campaign_id", flat=True).get(pk=donation_id)
    campaign = CampaignPage.objects.select_for_update(of=("self",)).get(pk=campaign_id)
    donation = (
        Donation.objects.select_for_update(of=("self",))
        .select_related("supporter", "leopard")
        .get(pk=donation_id)
    )
    if donation.payment_id is None:
        donation.payment = payment
    if outcome.currency != donation.currency:
        raise ValueError(f"donation {donation.pk}: paid in {outcome.currency}")
    entry = None
    if outcome.kind == payments.PAID:
        entry = _add_entry(
            donation, DonationEntry.Kind.PAID, outcome.amount_minor, f"paid:{outcome.reference}"
        )
        if entry:
            donation.paid_at = timezone.now()
            if donation.message:
                donation.message_status = Donation.MessageStatus.PENDING
            _welcome(donation)
    elif outcome.kind == payments.RENEWED:
        # One row per month's invoice (older rows were keyed by the event that brought it).
        entry = _add_entry(
            donation,
            DonationEntry.Kind.RENEWAL,
            outcome.amount_minor,
            f"renewal:{outcome.invoice_id or outcome.event_id}",
        )
    elif outcome.kind == payments.REFUNDED:
        # One row per Stripe refund, whichever charge (first or a later month) it gave back.
        entry = _add_entry(
            donation,
            DonationEntry.Kind.REFUND,
            -outcome.amount_minor,
            f"refund:{outcome.refund_id}"
            if outcome.refund_id
            else f"refund:{outcome.reference}:{outcome.refunded_total_minor}",
        )
    elif outcome.kind == payments.REFUND_FAILED:
        # The refund did not go through: its money counts again.
        entry = _add_entry(
            donation,
            DonationEntry.Kind.REFUND_FAILED,
            outcome.amount_minor,
            f"refund-failed:{outcome.refund_id}",
        )
    elif outcome.kind == payments.FAILED and donation.status == Donation.Status.PENDING:
        donation.status = Donation.Status.FAILED
    elif outcome.kind == payments.EXPIRED and donation.status == Donation.Status.PENDING:
        donation.status = Donation.Status.EXPIRED
    if entry is not None:
        donation.status = _status_from_entries(donation)
    donation.save()
    if entry is None:
        return
    if entry.kind in DonationEntry.GIFT_KINDS:
        from donations.tasks import send_receipt

        transaction.on_commit(lambda: send_receipt.enqueue(entry.pk), robust=True)
    publish_progress(campaign)


def _status_from_entries(donation):
    """Paid, partly or wholly refunded, from the donation's money rows (all its months)."""
    given = kept = 0
    for kind, amount in donation.entries.values_list("kind", "amount_minor"):
        kept += amount
        if kind in DonationEntry.GIFT_KINDS:
            given += amount
    if given == 0:
        return donation.status
    if kept <= 0:
        return Donation.Status.REFUNDED
    if kept < given:
        return Donation.Status.PARTIALLY_REFUNDED
    return Donation.Status.PAID


def _add_entry(donation, kind, amount_minor, key):
    entry, created = DonationEntry.objects.get_or_create(
        key=key, defaults={"donation": donation, "kind": kind, "amount_minor": amount_minor}
    )
    return entry if created else None


def publish_progress(campaign):
    current = progress(campaign)
    live.publish(
        campaign.live_topic,
        PROGRESS_KIND,
        {"campaign_id": campaign.pk, **current.as_payload()},
        localized={code: current.texts(code) for code, _name in settings.LANGUAGES},
    )
    return current


def _welcome(donation):
    """What a first payment sets going: the leopard to follow, the reports to confirm."""
    if donation.leopard_id:
        follow_leopard(donation.supporter.email, donation.leopard, donation.language)
    if donation.wants_updates:
        request_updates(donation.campaign, donation.supporter.email, donation.language)


def follow_leopard(email, leopard, language):
    """A sponsor follows their leopard's sightings, confirmed already: the gift was the consent."""
    with translation.override(language):
        title = leopard.display_name
    return add_confirmed_follower(email, leopard.live_topic, title, language)


# --- Monthly gifts --------------------------------------------------------------------------


def cancel_token(donation):
    return signing.Signer(salt=CANCEL_SALT).sign(str(donation.reference))


def donation_for_cancel_token(token):
    try:
        reference = signing.Signer(salt=CANCEL_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        Donation.objects.select_related("campaign", "payment")
        .filter(reference=reference, frequency=Donation.Frequency.MONTHLY)
        .first()
    )


def cancel_monthly(donation):
    """Stops a monthly gift: Stripe stops charging first, then the gift is marked cancelled."""
    if donation.monthly_cancelled_at is not None:
        return False
    if donation.payment and donation.payment.subscription_id:
        _stop_subscription(donation.payment)
    Donation.objects.filter(pk=donation.pk, monthly_cancelled_at__isnull=True).update(
        monthly_cancelled_at=timezone.now()
    )
    return True


def _stop_subscription(payment):
    try:
        payments.cancel_subscription(payment)
    except PaymentError as exc:
        raise GivingError(_("We could not stop the monthly gift; please try again.")) from exc


# --- Campaign reports and their subscribers --------------------------------------------------


@transaction.atomic
def request_updates(campaign, email, language):
    """Double opt-in: a pending subscription and the e-mail with its confirmation link.

    The same answer whatever the address's state, so the form reveals nobody's subscription.
    """
    subscriber, created = CampaignSubscriber.objects.select_for_update().get_or_create(
        campaign=campaign, email=email.strip().lower(), defaults={"language": language}
    )
    if subscriber.status == CampaignSubscriber.Status.ACTIVE:
        return subscriber
    recently = timezone.now() - conf.CONFIRMATION_RESEND
    if (
        not created
        and subscriber.confirmation_sent_at
        and subscriber.confirmation_sent_at > recently
    ):
        return subscriber
    subscriber.status = CampaignSubscriber.Status.PENDING
    subscriber.language = language
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save()
    from donations.tasks import send_subscription_confirmation

    transaction.on_commit(
        lambda: send_subscription_confirmation.enqueue(subscriber.pk), robust=True
    )
    return subscriber


def confirm_updates(token):
    subscriber = CampaignSubscriber.objects.filter(token=token).first()
    if subscriber and subscriber.status != CampaignSubscriber.Status.ACTIVE:
        subscriber.status = CampaignSubscriber.Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return subscriber


def stop_updates(token):
    subscriber = CampaignSubscriber.objects.filter(token=token).first()
    if subscriber and subscriber.status != CampaignSubscriber.Status.UNSUBSCRIBED:
        subscriber.status = CampaignSubscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def report_published(report):
    """The first publication of a report mails the campaign's confirmed subscribers; later
    publications (corrections) mail nobody."""
    _mailing, created = ReportMailing.objects.get_or_create(report=report)
    if created:
        from donations.tasks import email_report

        transaction.on_commit(
            lambda: email_report.enqueue(report.pk, batch=str(uuid.uuid4())), robust=True
        )
    return created


# --- The supporter page -----------------------------------------------------------------------


def _sign_in_state(supporter, secret=None):
    """Changes when the supporter signs in, so a used link no longer works.

    Keyed (the link must not show the address), with SECRET_KEY unless `secret` is given."""
    stamp = supporter.signed_in_at.isoformat() if supporter.signed_in_at else ""
    return salted_hmac(
        SIGN_IN_SALT, f"{supporter.pk}:{supporter.email}:{stamp}", secret=secret
    ).hexdigest()[:20]


def _sign_in_state_matches(supporter, given):
    """Whether `given` is the supporter's state under SECRET_KEY or one of the keys being
    rotated out (SECRET_KEY_FALLBACKS), as the link's signature itself is checked."""
    return any(
        constant_time_compare(_sign_in_state(supporter, key), given)
        for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    )


def sign_in_token(supporter):
    return signing.TimestampSigner(salt=SIGN_IN_SALT).sign_object(
        {"s": supporter.pk, "h": _sign_in_state(supporter)}
    )


def supporter_for_token(token):
    """The supporter a sign-in link is for, or None: forged, expired or already used."""
    try:
        value = signing.TimestampSigner(salt=SIGN_IN_SALT).unsign_object(
            token, max_age=conf.SIGN_IN_LINK_LIFETIME
        )
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    supporter = Supporter.objects.filter(pk=value.get("s")).first()
    if supporter is None or not _sign_in_state_matches(supporter, str(value.get("h"))):
        return None
    return supporter


def request_sign_in(email, language):
    """Queues the sign-in link for an address, known or not: the task looks the address up, so
    the request does the same work, and takes the same time, whoever asks."""
    from donations.tasks import send_sign_in_link

    send_sign_in_link.enqueue(email.strip().lower(), language)


def ask_for_updates(campaign_id, email, language):
    """Queues a request for a campaign's reports; the task records it and e-mails the
    confirmation, so the answer is the same, in the same time, whatever the address's state."""
    from donations.tasks import record_update_request

    record_update_request.enqueue(campaign_id, email.strip().lower(), language)


def sign_in(request, supporter):
    """Uses up the link and remembers the supporter in this browser's session."""
    Supporter.objects.filter(pk=supporter.pk).update(signed_in_at=timezone.now())
    request.session.cycle_key()
    until = timezone.now() + conf.SUPPORTER_SESSION_AGE
    request.session[SESSION_KEY] = {"id": supporter.pk, "until": until.timestamp()}


def signed_in_supporter(request):
    value = request.session.get(SESSION_KEY)
    if not isinstance(value, dict) or value.get("until", 0) < timezone.now().timestamp():
        return None
    return Supporter.objects.filter(pk=value.get("id")).first()


def sign_out(request):
    request.session.pop(SESSION_KEY, None)


def supporter_overview(supporter):
    """Everything the supporter page shows: gifts, receipts, monthly gifts, leopards."""
    donations = list(
        supporter.donations.exclude(status=Donation.Status.PENDING)
        .select_related("campaign", "leopard")
        .prefetch_related("entries")
        .order_by("-created_at")
    )
    receipts = [
        entry
        for donation in donations
        for entry in donation.entries.all()
        if entry.kind in DonationEntry.GIFT_KINDS
    ]
    receipts.sort(key=lambda entry: entry.created_at, reverse=True)
    sponsored_ids = {d.leopard_id for d in donations if d.leopard_id and d.is_confirmed}
    followed_ids = {
        int(topic.split(":")[1])
        for topic in Follower.objects.active()
        .filter(email=supporter.email, topic__startswith="leopard:")
        .values_list("topic", flat=True)
    }
    leopards = []
    for leopard in LeopardPage.objects.live().public().filter(pk__in=sponsored_ids | followed_ids):
        leopards.append(
            {
                "page": leopard,
                "sponsored": leopard.pk in sponsored_ids,
                "sightings": list(
                    PublishedSighting.objects.for_listing().filter(leopard=leopard)[:3]
                ),
            }
        )
    return {
        "donations": donations,
        "receipts": receipts,
        "monthly": [d for d in donations if d.is_monthly_active],
        "leopards": sorted(leopards, key=lambda item: item["page"].code),
    }


# --- Sponsorship --------------------------------------------------------------------------


def sponsor_count(leopard):
    """How many people sponsor the leopard (each once, however many gifts)."""
    return (
        Donation.objects.filter(leopard=leopard, status__in=CONFIRMED)
        .values("supporter")
        .distinct()
        .count()
    )


def certificate_token(donation):
    return signing.Signer(salt=CERTIFICATE_SALT).sign(str(donation.reference))


def donation_for_certificate(token):
    try:
        reference = signing.Signer(salt=CERTIFICATE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        Donation.objects.select_related("leopard", "campaign")
        .filter(reference=reference, leopard__isnull=False, status__in=CONFIRMED)
        .first()
    )


def sponsor_campaign():
    """The open campaign that takes sponsorships, for the leopard pages' invitation."""
    today = timezone.localdate()
    for campaign in (
        CampaignPage.objects.live().public().filter(sponsorship_allowed=True).order_by("-starts_on")
    ):
        if campaign.is_open(today):
            return campaign
    return None


# --- Staff figures ------------------------------------------------------------------------------


def park_day_range(start=None, end=None):
    """Money rows from the first day's midnight to the last day's end, both in park time."""
    entries = DonationEntry.objects.all()
    zone = timezone.get_current_timezone()
    if start:
        entries = entries.filter(
            created_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
        )
    if end:
        entries = entries.filter(
            created_at__lt=datetime.datetime.combine(
                end + timedelta(days=1), datetime.time.min, tzinfo=zone
            )
        )
    return entries


def totals_per_campaign(start=None, end=None):
    """Raised, refunded and gifts per campaign, from the money rows (between two park days)."""
    rows = (
        park_day_range(start, end)
        .values("donation__campaign", "donation__currency")
        .annotate(
            raised=Sum("amount_minor"),
            refunded=Sum("amount_minor", filter=Q(kind__in=DonationEntry.REFUND_KINDS)),
            gifts=Count("pk", filter=Q(kind__in=DonationEntry.GIFT_KINDS)),
        )
        .order_by("donation__campaign")
    )
    titles = dict(CampaignPage.objects.values_list("pk", "title"))
    return [
        {
            "campaign": titles.get(row["donation__campaign"], ""),
            "currency": row["donation__currency"],
            "raised": row["raised"] or 0,
            "refunded": -(row["refunded"] or 0),
            "gifts": row["gifts"],
        }
        for row in rows
    ]


def totals_per_month(months=24, start=None, end=None):
    """Raised per calendar month (in the park's time zone) and currency, newest first: the
    last `months` months, or the months between two park days."""
    if start is None and end is None:
        entries = DonationEntry.objects.filter(
            created_at__gte=timezone.now() - timedelta(days=31 * months)
        )
    else:
        entries = park_day_range(start, end)
    rows = (
        entries.annotate(month=TruncMonth("created_at"))
        .values("month", "donation__currency")
        .annotate(
            raised=Sum("amount_minor"),
            gifts=Count("pk", filter=Q(kind__in=DonationEntry.GIFT_KINDS)),
        )
        .order_by("-month", "donation__currency")
    )
    table = defaultdict(list)
    for row in rows:
        table[row["month"]].append(
            {
                "currency": row["donation__currency"],
                "raised": row["raised"] or 0,
                "gifts": row["gifts"],
            }
        )
    return sorted(table.items(), key=lambda item: item[0], reverse=True)


def subscribers_to_email(report):
    """How many confirmed subscribers publishing `report` will e-mail: none once it was sent."""
    if ReportMailing.objects.filter(report_id=report.pk).exists():
        return 0
    return CampaignSubscriber.objects.filter(
        campaign_id=report.get_parent().pk, status=CampaignSubscriber.Status.ACTIVE
    ).count()


def report_already_sent(report):
    return bool(report.pk) and ReportMailing.objects.filter(report_id=report.pk).exists()


def resend_receipt(entry):
    """Sends a gift's receipt again (with the sponsor's certificate link, if any)."""
    if entry.kind not in DonationEntry.GIFT_KINDS:
        raise GivingError(_("Only a gift has a receipt."))
    from donations.tasks import send_receipt

    transaction.on_commit(lambda: send_receipt.enqueue(entry.pk), robust=True)


def resend_certificate(donation):
    """Sends the sponsor's certificate again on its own (the PNG attached, and its link)."""
    if not donation.leopard_id or donation.status not in CONFIRMED:
        raise GivingError(_("Only a paid sponsorship of a leopard has a certificate."))
    from donations.tasks import send_certificate

    transaction.on_commit(lambda: send_certificate.enqueue(donation.pk), robust=True)


def donor_history(supporter, start=None, end=None):
    """A donor's gifts, newest first, with the money each moved: for the staff's history.
    `start` and `end` (dates in the park's time zone, both included) narrow it to the gifts
    made in that range."""
    donations = supporter.donations.select_related("campaign", "leopard").prefetch_related(
        "entries"
    )
    if start:
        donations = donations.filter(created_at__date__gte=start)
    if end:
        donations = donations.filter(created_at__date__lte=end)
    return list(donations.order_by("-created_at", "-pk"))
