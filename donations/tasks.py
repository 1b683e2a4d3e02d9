"""E-mails sent after the transaction that caused them (at once when embedded, by the worker
in production)."""

import uuid

from django.core import mail
from django.utils import timezone
from django_tasks import task

from cms.taskqueue import email_task
from donations import emails, services
from donations.models import (
    CampaignPage,
    CampaignReportPage,
    CampaignSubscriber,
    Donation,
    DonationEntry,
    ReportDelivery,
    Supporter,
)


@email_task()
def send_receipt(entry_id):
    entry = DonationEntry.objects.select_related(
        "donation__campaign", "donation__supporter", "donation__leopard"
    ).get(pk=entry_id)
    emails.receipt_message(entry).send()


@email_task()
def send_certificate(donation_id):
    donation = Donation.objects.select_related("campaign", "supporter", "leopard").get(
        pk=donation_id
    )
    emails.certificate_message(donation).send()


@email_task()
def send_subscription_confirmation(subscriber_id):
    subscriber = (
        CampaignSubscriber.objects.select_related("campaign")
        .filter(pk=subscriber_id, status=CampaignSubscriber.Status.PENDING)
        .first()
    )
    if subscriber is not None:
        emails.confirmation_message(subscriber).send()


@email_task()
def send_sign_in_link(email, language):
    """A sign-in link for a known supporter; nothing for an unknown address."""
    supporter = Supporter.objects.filter(email=email).first()
    if supporter is None:
        return False
    emails.sign_in_message(supporter, language).send()
    return True


@task()
def record_update_request(campaign_id, email, language):
    campaign = CampaignPage.objects.filter(pk=campaign_id).first()
    if campaign is not None:
        services.request_updates(campaign, email, language)


@email_task()
def email_report(report_id, batch=None):
    return email_report_now(report_id, batch)


def email_report_now(report_id, batch=None):
    """Sends a report to the campaign's confirmed subscribers, each at most once.

    Claims a delivery row per subscriber first; a second run (or a concurrent one) finds them
    claimed and sends nothing. A failed send releases the unsent claims for a retry. `batch`
    comes with the task's arguments: when a worker dies mid-mailing its claims stay unsent, and
    the same task run again (cms.taskqueue.recover_stale_tasks) takes them back.
    """
    report = CampaignReportPage.objects.get(pk=report_id)
    campaign = report.campaign
    batch = batch or uuid.uuid4()
    subscribers = CampaignSubscriber.objects.filter(
        campaign=campaign, status=CampaignSubscriber.Status.ACTIVE
    )
    ReportDelivery.objects.bulk_create(
        [ReportDelivery(report=report, subscriber=s, batch=batch) for s in subscribers],
        ignore_conflicts=True,
    )
    claimed = list(
        CampaignSubscriber.objects.select_related("campaign")
        .filter(deliveries__batch=batch, deliveries__sent_at__isnull=True)
        .order_by("pk")
    )
    sent = []
    try:
        with mail.get_connection() as connection:
            for subscriber in claimed:
                message = emails.report_message(report, subscriber)
                message.connection = connection
                message.send()
                sent.append(subscriber.pk)
    finally:
        ReportDelivery.objects.filter(batch=batch, subscriber_id__in=sent).update(
            sent_at=timezone.now()
        )
        ReportDelivery.objects.filter(batch=batch, sent_at__isnull=True).delete()
    return len(sent)
