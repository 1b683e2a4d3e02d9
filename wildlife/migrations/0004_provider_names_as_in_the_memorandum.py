"""The two parks named as their 2019 memorandum writes them, in every language (FACTS.md)."""

from django.db import migrations

NAMES = {
    "land-of-the-leopard": (
        "Национальный парк «Земля леопарда»",
        "Land of the Leopard National Park",
        "“豹之乡”国家公园",
    ),
    "ntlnp": (
        "Северо-Восточный национальный парк тигра и леопарда",
        "Northeast China Tiger and Leopard National Park",
        "东北虎豹国家公园",
    ),
}


def forwards(apps, schema_editor):
    Provider = apps.get_model("wildlife", "Provider")
    for code, (ru, en, zh) in NAMES.items():
        Provider.objects.filter(code=code).update(name=ru, name_ru=ru, name_en=en, name_zh_hans=zh)


class Migration(migrations.Migration):
    dependencies = [("wildlife", "0003_withdraw_sighting_and_media_hash")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
