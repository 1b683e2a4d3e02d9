def report_published(sender, instance, **kwargs):
    """Wagtail's page_published: a campaign report mails its subscribers (once)."""
    from donations.models import CampaignReportPage
    from donations.services import report_published as mail_report

    if isinstance(instance, CampaignReportPage):
        mail_report(instance)
