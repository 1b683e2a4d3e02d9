"""Staff roles as Wagtail groups.

Wagtail's own migrations create Editors (add and edit pages, submit for moderation), Moderators
(publish) and the "Moderators approval" workflow on the root page. This adds the portal's other
roles; each domain app grants its own permissions to its role in its own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_ROLES = ["Wildlife vetters", "Tourism desk", "Fundraising"]
SITE_SETTINGS = ["change_navigationsettings", "change_footersettings"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in NEW_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
    moderators = Group.objects.get(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="cms", codename__in=SITE_SETTINGS)
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=NEW_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
