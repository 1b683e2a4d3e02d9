"""Fetches camera-trap media given as URLs in imported packages, where their host answers."""

from django.core.management.base import BaseCommand

from wildlife.camtrap.fetch import fetch_media, waiting_media
from wildlife.models import Media


class Command(BaseCommand):
    help = "Fetch media files given as http(s) URLs into private storage, when reachable."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="Only this provider's media (its code).")
        parser.add_argument("--limit", type=int, help="At most this many files.")

    def handle(self, *args, provider=None, limit=None, **options):
        queryset = Media.objects.all()
        if provider:
            queryset = queryset.filter(provider__code=provider)
        if limit:
            queryset = Media.objects.filter(
                pk__in=list(waiting_media(queryset).values_list("pk", flat=True)[:limit])
            )
        report = fetch_media(
            queryset, progress=lambda n: self.stderr.write(f"\rfetched {n}", ending="")
        )
        self.stderr.write("")
        for media, reason in report.unreachable:
            self.stdout.write(f"unreachable: {media} ({reason})")
        for media, reason in report.rejected:
            self.stdout.write(f"rejected: {media} ({reason})")
        self.stdout.write(
            f"Fetched {len(report.fetched)}, unreachable {len(report.unreachable)}, "
            f"rejected {len(report.rejected)}."
        )
