"""Secret keys for the key-rotation tests (docs/deploy.md, "Rotating the secret key").

`rotate(settings, keep_old=True)` is the day after an operator moved the key: SECRET_KEY is new
and the old one is in SECRET_KEY_FALLBACKS. `keep_old=False` is the same day with the old key
dropped, when every link signed with it must stop working.
"""

import secrets

OLD_KEY = secrets.token_urlsafe(64)
NEW_KEY = secrets.token_urlsafe(64)


def sign_with_old_key(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []


def rotate(settings, *, keep_old):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY] if keep_old else []
