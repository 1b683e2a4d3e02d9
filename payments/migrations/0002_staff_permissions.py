"""Fundraising and the Tourism desk see payments, their refunds and Stripe's events, and may
refund. Retrying a failed Stripe event stays with administrators (payments.retry_webhookevent).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Fundraising", "Tourism desk"]
CODENAMES = ["view_payment", "refund_payment", "view_refund", "view_webhookevent"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("payments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="payments", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="payments", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_payments"),
        ("cms", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
