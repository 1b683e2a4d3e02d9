def report_published(sender, instance, **kwargs):
    """Wagtail's page_published: a campaign report mails its subscribers (once)."""
    from donations.models import CampaignReportPage
    from donations.services import report_published as mail_report

    if isinstance(instance, CampaignReportPage):
        mail_report(instance)


FUNDRAISING = "Fundraising"
FUNDRAISING_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def campaign_index_created(sender, instance, created, raw=False, **kwargs):
    """Fundraising edits and publishes the campaigns and reports under every campaign index,
    including one made after the migrations (the demo's, a new site's)."""
    if not created or raw:
        return
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=FUNDRAISING_PAGE_PERMISSIONS
        )
    )
    for group in Group.objects.filter(name=FUNDRAISING):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=instance.pk, permission=permission
            )
