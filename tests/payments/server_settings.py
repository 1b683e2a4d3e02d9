"""Settings of the ASGI server a payments browser test starts: the tests' own settings
module (PAYMENTS_BASE_SETTINGS) plus an app that registers the tests' purpose."""

import importlib
import os

_base = importlib.import_module(os.environ.get("PAYMENTS_BASE_SETTINGS", "portal.settings"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})
INSTALLED_APPS = [*_base.INSTALLED_APPS, "tests.payments.server_app.PaymentsTestPurposesConfig"]
