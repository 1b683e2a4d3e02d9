"""Django's makemessages, routing each app's strings to that app's own catalogue.

A file under <app>/ or templates/<app>/ goes to <app>/locale when that folder exists; every
other file goes to locale/. `--app NAME` extracts only that app's strings, so one app's
catalogue can be refreshed without touching the others.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--app", help="Only the strings of this app (code and templates/<app>/)."
        )

    def handle(self, *args, **options):
        self.only_app = options.pop("app", None)
        return super().handle(*args, **options)

    def find_files(self, root):
        base = Path(settings.BASE_DIR).resolve()
        kept = []
        for translatable in super().find_files(root):
            try:
                parts = Path(translatable.dirpath).resolve().relative_to(base).parts
            except ValueError:
                continue
            app = (
                parts[1]
                if len(parts) > 1 and parts[0] == "templates"
                else (parts[0] if parts else "")
            )
            app_locale = base / app / "locale"
            if app and app_locale.is_dir():
                translatable.locale_dir = str(app_locale)
            else:
                app = None
                translatable.locale_dir = str(base / "locale")
            if self.only_app is None or app == self.only_app:
                kept.append(translatable)
        return kept
