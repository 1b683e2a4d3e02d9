"""The Tourism desk runs the desk (manifests, check-in, cancelling dates, group requests),
manages tour dates, and sees bookings, the waiting list and group requests.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Tourism desk"
CODENAMES = [
    "run_tourism_desk",
    "view_booking",
    "change_booking",
    "add_slot",
    "change_slot",
    "view_slot",
    "view_waitinglistentry",
    "view_grouprequest",
    "change_grouprequest",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("tourism")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="tourism", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="tourism", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0001_initial"),
        ("cms", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
