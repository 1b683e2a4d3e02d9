"""Compiles every .po catalogue of the project to .mo with polib: no system gettext needed.

The .mo files are committed, so a fresh install has the translations without any tool.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile locale/ and <app>/locale/ catalogues (.po) to .mo."

    def handle(self, *args, **options):
        import polib

        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} catalogues.")
