"""Loads the demonstration site in ru / en / zh-hans, and one staff user per role.

Idempotent: a second run changes nothing. Passwords come from DEMO_PASSWORD, or are generated
once and kept in var/demo-passwords.json (never in the repository), and are printed each time.
"""

import json
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from cms import demo

DEMO_USERS = [
    # username, group (None: superuser), what they do
    ("admin", None, "superuser"),
    ("editor", "Editors", "writes pages, submits them for moderation"),
    ("moderator", "Moderators", "reviews and publishes pages"),
    ("vetter", "Wildlife vetters", "vets camera-trap highlights"),
    ("desk", "Tourism desk", "runs bookings and manifests"),
    ("fundraiser", "Fundraising", "runs campaigns and donations"),
]


class Command(BaseCommand):
    help = "Load the demonstration site (idempotent) and print the demo staff sign-ins."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE and not os.environ.get("DEMO_FORCE"):
            raise CommandError("DEMO_MODE is off: refusing to load demonstration content.")
        context = demo.load_all(self.stdout)
        passwords, users_changed = self.ensure_users()
        if context.changes or users_changed:
            self.stdout.write(f"Demo content loaded: {len(context.changes)} parts made or updated.")
        else:
            self.stdout.write("Demo content already up to date: nothing changed.")
        self.stdout.write("Staff sign-in at /admin/ (demonstration accounts):")
        for username, group, role in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {passwords[username]:<24} {group or role}")

    def passwords(self):
        common = os.environ.get("DEMO_PASSWORD")
        if common:
            return {username: common for username, _g, _r in DEMO_USERS}
        path = settings.BASE_DIR / "var" / "demo-passwords.json"
        stored = json.loads(path.read_text()) if path.exists() else {}
        for username, _group, _role in DEMO_USERS:
            stored.setdefault(username, secrets.token_urlsafe(12))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
        return stored

    def ensure_users(self):
        User = get_user_model()
        passwords = self.passwords()
        changed = False
        for username, group_name, _role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    email=f"{username}@leopard.example",
                    is_staff=True,
                    is_superuser=group_name is None,
                )
                changed = True
            if not user.check_password(passwords[username]):
                user.set_password(passwords[username])
                changed = True
            if changed or user._state.adding:
                user.save()
            if group_name and not user.groups.filter(name=group_name).exists():
                user.groups.add(Group.objects.get(name=group_name))
                changed = True
        return passwords, changed
