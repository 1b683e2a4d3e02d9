"""The portal's settings with tests/cms/error_urls.py, for a server process a test starts."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.cms.error_urls"
