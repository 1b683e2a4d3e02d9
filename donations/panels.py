"""Fundraising's dashboard panel: messages to moderate, monthly gifts, each open campaign's
total against its goal; three queries whatever the number of gifts."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from cms.panels import Figure, FiguresPanel, add_panel
from donations.models import CampaignPage, Donation, DonationEntry

CONFIRMED = (Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED)


class FundraisingPanel(FiguresPanel):
    name = "fundraising"
    heading = gettext_lazy("Fundraising")
    order = 120
    permissions = ("donations.view_fundraising_totals", "donations.moderate_donation_messages")

    def figures(self):
        counts = Donation.objects.aggregate(
            messages=Count("pk", filter=Q(message_status=Donation.MessageStatus.PENDING)),
            monthly=Count(
                "pk",
                filter=Q(
                    frequency=Donation.Frequency.MONTHLY,
                    monthly_cancelled_at__isnull=True,
                    status__in=CONFIRMED,
                ),
            ),
        )
        donations_url = reverse("donations_admin:index")
        figures = [
            Figure(
                _("donors' messages to moderate"),
                counts["messages"],
                f"{donations_url}?message_status=pending",
                urgent=counts["messages"] > 0,
            ),
            Figure(
                _("monthly gifts running"),
                counts["monthly"],
                f"{donations_url}?frequency=monthly&status=paid",
            ),
        ]
        today = timezone.localdate()
        campaigns = [
            campaign
            for campaign in CampaignPage.objects.live().order_by("ends_on", "-starts_on")[:6]
            if campaign.is_open(today)
        ]
        progress = DonationEntry.objects.progress_of(campaigns)
        for campaign in campaigns:
            current = progress[campaign.pk]
            figures.append(
                Figure(
                    _("%(campaign)s: %(percent)s%% of %(goal)s")
                    % {
                        "campaign": campaign.title,
                        "percent": current.percent_text,
                        "goal": current.goal_display(),
                    },
                    current.raised_display(),
                    reverse("wagtailadmin_pages:edit", args=[campaign.pk]),
                )
            )
        return figures

    def links(self):
        links = []
        if self.request.user.has_perm("donations.view_fundraising_totals"):
            links.append((_("Totals and export"), reverse("donations_totals")))
        links.append((_("Donations"), reverse("donations_admin:index")))
        return links


hooks.register("construct_homepage_panels", add_panel(FundraisingPanel))
