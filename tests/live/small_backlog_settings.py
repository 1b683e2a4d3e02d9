"""The portal's settings with a short send backlog, for the server process of
test_hub.py's stalled-client test."""

from portal.settings import *  # noqa: F403

LIVE_SEND_BACKLOG = 5
LIVE_REPLAY_LIMIT = 3
