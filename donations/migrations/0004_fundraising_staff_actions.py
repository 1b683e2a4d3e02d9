"""Fundraising stops monthly gifts and resends receipts, and edits and publishes the campaign
pages and their reports (page permissions on every campaign index; an index made later is
granted by donations.signals)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Fundraising"
CODENAMES = ["stop_monthly_donation", "resend_donation_receipt"]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    CampaignIndexPage = apps.get_model("donations", "CampaignIndexPage")
    app_config = apps.get_app_config("donations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="donations", codename__in=CODENAMES
    )
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(*permissions)
        for index in CampaignIndexPage.objects.all():
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=index.pk, permission=permission
                )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="donations", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0003_refund_failed_entries"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="donation",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("moderate_donation_messages", "Can approve donors' messages"),
                    ("view_fundraising_totals", "Can see fundraising totals"),
                    ("stop_monthly_donation", "Can stop a donor's monthly gift"),
                    ("resend_donation_receipt", "Can resend a receipt"),
                ],
                "verbose_name": "donation",
                "verbose_name_plural": "donations",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
