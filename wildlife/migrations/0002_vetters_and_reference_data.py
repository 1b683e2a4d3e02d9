"""The Wildlife vetters' permissions, and the species and providers every install starts with.

Vetters see raw camera-trap data (view_private_media), vet highlights, import packages and edit
the public texts of published sightings. Editors and moderators enter population figures.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VETTER_PERMISSIONS = [
    "view_private_media",
    "view_highlight",
    "change_highlight",
    "view_publishedsighting",
    "change_publishedsighting",
    "add_importrun",
    "view_importrun",
    "view_deployment",
    "view_media",
    "view_observation",
    "view_provider",
    "view_species",
    "view_sector",
    "view_populationfigure",
    "add_populationfigure",
    "change_populationfigure",
]
FIGURE_PERMISSIONS = ["view_populationfigure", "add_populationfigure", "change_populationfigure"]

SPECIES = [
    {
        "slug": "leopard",
        "scientific_name": "Panthera pardus",
        "names": ("Дальневосточный леопард", "Amur leopard", "远东豹"),
    },
    {
        "slug": "tiger",
        "scientific_name": "Panthera tigris",
        "names": ("Амурский тигр", "Amur tiger", "东北虎"),
    },
]
PROVIDERS = [
    {
        "code": "land-of-the-leopard",
        "names": ("Национальный парк «Земля леопарда»", "Land of the Leopard National Park", "豹地国家公园"),
        "requires_consent": False,
        "consent_terms": "",
    },
    {
        "code": "ntlnp",
        "names": (
            "Национальный парк амурского тигра и леопарда (КНР)",
            "Northeast China Tiger and Leopard National Park",
            "东北虎豹国家公园",
        ),
        "requires_consent": True,
        "consent_terms": "2019 memorandum of understanding, clause 7",
    },
]


def translated(prefix, names):
    ru, en, zh = names
    return {prefix: ru, f"{prefix}_ru": ru, f"{prefix}_en": en, f"{prefix}_zh_hans": zh}


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    wildlife = Permission.objects.filter(content_type__app_label="wildlife")
    vetters, _ = Group.objects.get_or_create(name="Wildlife vetters")
    vetters.permissions.add(*wildlife.filter(codename__in=VETTER_PERMISSIONS))
    for name in ("Editors", "Moderators"):
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*wildlife.filter(codename__in=FIGURE_PERMISSIONS))

    Species = apps.get_model("wildlife", "Species")
    for spec in SPECIES:
        Species.objects.get_or_create(
            slug=spec["slug"],
            defaults={"scientific_name": spec["scientific_name"], **translated("name", spec["names"])},
        )
    Provider = apps.get_model("wildlife", "Provider")
    for spec in PROVIDERS:
        Provider.objects.get_or_create(
            code=spec["code"],
            defaults={
                "requires_consent": spec["requires_consent"],
                "consent_terms": spec["consent_terms"],
                **translated("name", spec["names"]),
            },
        )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Wildlife vetters", "Editors", "Moderators"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="wildlife"))


class Migration(migrations.Migration):
    dependencies = [
        ("wildlife", "0001_initial"),
        ("cms", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
