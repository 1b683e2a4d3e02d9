"""Expires lapsed holds, closes their checkouts and hands freed places to the waiting list;
forgets visitors' contact details when the consent says so.

`manage.py run_scheduler` does both (every minute and once a day); this runs them by hand.
"""

from django.core.management.base import BaseCommand

from tourism.services import expire_holds, forget_past_visitors


class Command(BaseCommand):
    help = "Expire lapsed holds and offer freed places to the waiting list."

    def handle(self, *args, **options):
        result = expire_holds()
        forgotten = forget_past_visitors()
        self.stdout.write(
            f"{result['expired_holds']} holds expired, "
            f"{result['closed_waiting']} waiting-list entries closed, "
            f"{forgotten['bookings']} past bookings' contacts forgotten."
        )
