"""Publishes approved sightings whose embargo has ended (run it every few minutes)."""

from django.core.management.base import BaseCommand

from wildlife.services import publish_due_sightings


class Command(BaseCommand):
    help = "Publish every approved camera-trap highlight whose embargo has ended."

    def handle(self, *args, **options):
        published = publish_due_sightings()
        self.stdout.write(f"Published {len(published)} sighting(s).")
