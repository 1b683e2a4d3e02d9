"""manage.py import_camtrap PATH --provider CODE: a Camtrap DP package, whole or not at all."""

from django.core.management.base import BaseCommand, CommandError

from wildlife import services


class Command(BaseCommand):
    help = (
        "Import a Camtrap DP 1.0 package (datapackage.json, its folder or a zip; CSV or gzipped "
        "CSV). On any error nothing is imported and each problem is listed as file:line:field."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="datapackage.json, the folder holding it, or a .zip")
        parser.add_argument("--provider", required=True, help="the data provider's code")

    def handle(self, path, provider, **options):
        verbosity = options["verbosity"]

        def progress(table, rows):
            if verbosity >= 1:
                self.stderr.write(
                    f"  {table}: {rows:,} rows", ending="\r" if verbosity < 2 else "\n"
                )

        try:
            run = services.import_camtrap(path, provider, progress=progress)
        except services.ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(f"Nothing imported: {len(failure.errors)} problem(s).") from None
        self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {run.package_name or path}: {run.deployments} deployments, "
                f"{run.media} media, {run.observations} observations, "
                f"{run.highlights} new highlight candidates."
            )
        )
