"""30 addresses from one client must not send 30 follow confirmations."""

from functools import partial

import pytest

from live.models import Follower
from tests.live import test_followers
from tests.live.test_followers import follow
from tests.ratelimits import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """`follow` runs what follows its commit (as test_followers sets up for its own tests)."""
    test_followers.committed = partial(django_capture_on_commit_callbacks, execute=True)


def test_follow_confirmations_per_client(client, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "3/h"
    for number in range(3):
        assert follow(client, f"reader{number}@example.org").status_code == 302
    assert len(mailoutbox) == 3

    refused = follow(client, "reader3@example.org", language="zh-hans")

    assert_refused(refused, "zh-hans")
    assert Follower.objects.count() == 3
    assert len(mailoutbox) == 3


def test_follow_confirmations_per_address(client, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_ADDRESS = "2/h"
    follow(client, "reader@example.org", topic="leopard:12")
    follow(client, "reader@example.org", topic="leopard:13")

    refused = follow(client, "READER@example.org", language="ru", topic="leopard:14")

    assert_refused(refused, "ru")
    assert sorted(Follower.objects.values_list("topic", flat=True)) == ["leopard:12", "leopard:13"]
    assert len(mailoutbox) == 2


def test_the_follow_form_itself_is_not_counted(client, settings):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "1/h"
    for _ in range(3):
        assert client.get("/en/live/follow/").status_code == 200
    assert follow(client, "reader@example.org").status_code == 302


def test_a_redis_outage_lets_the_action_through(client, settings, mailoutbox):
    """The limits fail open: with Redis away, following still works (and is not a 500)."""
    from tests.conftest import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        }
    }
    assert follow(client, "reader@example.org").status_code == 302
    assert Follower.objects.filter(email="reader@example.org").exists()
