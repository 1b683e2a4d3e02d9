"""Class-visit requests belong to the Tourism desk, which decides them as group requests; the
request number gets a name staff can read."""

import uuid

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLE = "Tourism desk"
CODENAMES = ["view_classvisitrequest", "change_classvisitrequest"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("education")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="education", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="education", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0002_class_visit_event"),
        ("cms", "0002_staff_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="classvisitrequest",
            name="submission_key",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="request number"
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
