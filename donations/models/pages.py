"""Campaign pages: the index, a campaign (goal, story, amounts) and its progress reports."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage
from donations import conf
from payments.money import CURRENCIES, format_amount, major_to_minor

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


def money_field(verbose_name, **kwargs):
    """An amount staff type in major units (roubles, dollars); code works in minor units."""
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        **kwargs,
    )


class CampaignIndexPage(BasePage):
    """ "Support the park": the campaigns, open ones first."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["donations.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("campaign index")

    def get_context(self, request, *args, **kwargs):
        from donations.models.giving import DonationEntry

        context = super().get_context(request, *args, **kwargs)
        campaigns = list(
            CampaignPage.objects.child_of(self)
            .live()
            .public()
            .select_related("listing_image")
            .order_by("-starts_on")
        )
        progress = DonationEntry.objects.progress_of(campaigns)
        today = timezone.localdate()
        for campaign in campaigns:
            campaign.progress = progress[campaign.pk]
        context["open_campaigns"] = [c for c in campaigns if c.is_open(today)]
        context["other_campaigns"] = [c for c in campaigns if not c.is_open(today)]
        return context


class CampaignPage(BasePage):
    """One fundraising campaign: anti-poaching teams, camera traps, winter feeding."""

    intro = models.TextField(_("introduction"), blank=True)
    story = StreamField(BodyBlock(), blank=True, verbose_name=_("story"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="RUB"
    )
    goal = money_field(_("goal"))
    minimum_amount = money_field(_("smallest gift"), default=Decimal("100"))
    maximum_amount = money_field(_("largest gift"), default=Decimal("500000"))
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Leave empty for a campaign with no end.")
    )
    monthly_allowed = models.BooleanField(_("monthly gifts allowed"), default=True)
    sponsorship_allowed = models.BooleanField(
        _("leopard sponsorship"),
        default=False,
        help_text=_("Donors may tie their gift to a named leopard and receive a certificate."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("goal"), FieldPanel("currency")]),
                FieldRowPanel([FieldPanel("minimum_amount"), FieldPanel("maximum_amount")]),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldPanel("monthly_allowed"),
                FieldPanel("sponsorship_allowed"),
            ],
            heading=_("Goal and giving"),
        ),
        InlinePanel(
            "suggested_amounts",
            label=_("Suggested amounts"),
            help_text=_("The amounts offered as buttons, with what each one pays for."),
        ),
        FieldPanel("story"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("story"),
    ]

    parent_page_types = ["cms.HomePage", "donations.CampaignIndexPage"]
    subpage_types = ["donations.CampaignReportPage"]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        errors = {}
        low, high = conf.LIMITS.get(self.currency, (None, None))
        if low is None:
            errors["currency"] = _("Donations are not accepted in this currency.")
        else:
            if self.minimum_amount and major_to_minor(self.minimum_amount, self.currency) < low:
                errors["minimum_amount"] = _("At least %(amount)s.") % {
                    "amount": format_amount(low, self.currency)
                }
            if self.maximum_amount and major_to_minor(self.maximum_amount, self.currency) > high:
                errors["maximum_amount"] = _("At most %(amount)s.") % {
                    "amount": format_amount(high, self.currency)
                }
        if (
            self.minimum_amount
            and self.maximum_amount
            and self.minimum_amount > self.maximum_amount
        ):
            errors["maximum_amount"] = _("The largest gift cannot be below the smallest.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A campaign cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def goal_minor(self):
        return major_to_minor(self.goal, self.currency)

    @property
    def minimum_minor(self):
        return major_to_minor(self.minimum_amount, self.currency)

    @property
    def maximum_minor(self):
        return major_to_minor(self.maximum_amount, self.currency)

    @property
    def live_topic(self):
        return f"campaign:{self.pk}"

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return (
            self.live
            and self.starts_on <= today
            and (self.ends_on is None or today <= self.ends_on)
        )

    def has_started(self, today=None):
        return self.starts_on <= (today or timezone.localdate())

    def offered_amounts(self):
        """Suggested amounts within the campaign's bounds, in minor units, with what they buy."""
        offered = []
        for suggestion in self.suggested_amounts.all():
            amount_minor = major_to_minor(suggestion.amount, self.currency)
            if self.minimum_minor <= amount_minor <= self.maximum_minor:
                offered.append({"amount_minor": amount_minor, "suggestion": suggestion})
        return offered

    def reports(self):
        return CampaignReportPage.objects.child_of(self).live().public().order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        from donations import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.campaign_context(request, self))
        return context


class SuggestedAmount(Orderable):
    """A gift offered as a button, with what it pays for ("keeps a camera trap running")."""

    campaign = ParentalKey(CampaignPage, related_name="suggested_amounts", on_delete=models.CASCADE)
    amount = money_field(_("amount"))
    buys = models.CharField(
        _("what it pays for"),
        max_length=200,
        blank=True,
        help_text=_("e.g. keeps a camera trap running for a month"),
    )

    panels = [FieldPanel("amount"), FieldPanel("buys")]

    class Meta(Orderable.Meta):
        verbose_name = _("suggested amount")
        verbose_name_plural = _("suggested amounts")

    def __str__(self):
        return format_amount(
            major_to_minor(self.amount, self.campaign.currency), self.campaign.currency
        )


class CampaignReportPage(BasePage):
    """A progress report to donors: publishing it e-mails the campaign's subscribers once."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["donations.CampaignPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign report")
        verbose_name_plural = _("campaign reports")
        ordering = ["-date"]

    @property
    def campaign(self):
        return self.get_parent().specific
