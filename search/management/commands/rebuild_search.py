import time

from django.core.management.base import BaseCommand

from search import services
from search.engines import get_engine


class Command(BaseCommand):
    help = "Rebuilds the site search index from every live public page and registered record."

    def handle(self, *args, **options):
        engine = get_engine()
        started = time.monotonic()
        last = {}

        def progress(source, done, total):
            # One line per source at the start, every tenth and the end: enough to watch.
            step = max(1, total // 10)
            if last.get(source) == done and source in last:
                return
            if done in (0, total) or done - last.get(source, 0) >= step:
                last[source] = done
                self.stdout.write(f"{source}: {done}/{total}")

        self.stdout.write(f"Rebuilding the search index ({engine.name})…")
        services.rebuild(progress, engine=engine)
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt in {time.monotonic() - started:.1f} s.")
        )
