"""Fundraising staff see donations and report subscribers (who confirm and leave by
themselves), moderate donors' messages and see the totals. Refunds are payments' permission,
granted to Fundraising by payments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Fundraising"
CODENAMES = [
    "view_donation",
    "moderate_donation_messages",
    "view_fundraising_totals",
    "view_campaignsubscriber",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("donations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="donations", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(*permissions)


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
        ("donations", "0001_initial"),
        ("cms", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
