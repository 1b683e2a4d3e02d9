"""A Redis outage costs the cache, never a page: staff still publish, visitors still read.

The cache is django-redis with IGNORE_EXCEPTIONS (portal/cache.py): every operation, the
home page's generation counter (`cache.incr`) included, is a miss or a no-op while Redis is
away, and caching resumes when it is back. A server process runs the real settings against a
redis-server of the test's own, which the test stops and starts.
"""

import json
import logging
import re
import time

import httpx
import pytest
import redis
from django.contrib.auth.models import Group
from django.core.cache import caches

from cms import home
from cms.models import StandardPage
from tests.pages import build_site_tree

pytestmark = pytest.mark.redis

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def rich_text(text):
    """A rich text block's value as Wagtail's editor posts it (Draftail's content state)."""
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def sign_in(http, username, password):
    form = http.get("/admin/login/")
    response = http.post(
        "/admin/login/",
        data={
            "csrfmiddlewaretoken": CSRF.search(form.text)[1],
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302, response.text[:500]


def publish_about_page(http, page, title_en):
    """The edit form of the about page, sent with "Publish", as the admin's browser sends it."""
    edit = http.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    data = {
        "csrfmiddlewaretoken": CSRF.search(edit.text)[1],
        "title_ru": "О парке",
        "title_en": title_en,
        "title_zh_hans": "关于公园",
        "slug_ru": "o-parke",
        "slug_en": "about",
        "slug_zh_hans": "guanyu",
        "action-publish": "action-publish",
    }
    for language, text in (("ru", "Тайга."), ("en", "Forest."), ("zh_hans", "森林。")):
        data |= {
            f"body_{language}-count": "1",
            f"body_{language}-0-type": "paragraph",
            f"body_{language}-0-value": rich_text(text),
            f"body_{language}-0-deleted": "",
            f"body_{language}-0-order": "0",
            f"body_{language}-0-id": "",
        }
    return http.post(f"/admin/pages/{page.pk}/edit/", data=data)


def cached_home_pages(client):
    return client.keys("*cms:home:page*")


def test_a_moderator_publishes_and_visitors_read_while_redis_is_down(
    asgi_server_factory, redis_server, django_user_model, tmp_path
):
    tree = build_site_tree()
    moderator = django_user_model.objects.create_user("mo", "mo@example.org", "pw-123456")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    server = asgi_server_factory(REDIS_URL=redis_server.url, HOME_PAGE_CACHE_SECONDS="300")
    store = redis.Redis(port=redis_server.port, socket_connect_timeout=1)

    with (
        httpx.Client(base_url=server.url, timeout=30) as staff,
        httpx.Client(base_url=server.url, timeout=30) as visitor,
    ):
        assert visitor.get("/en/").status_code == 200
        assert cached_home_pages(store)  # the home page went into Redis
        sign_in(staff, "mo", "pw-123456")

        redis_server.stop()
        published = publish_about_page(staff, tree.about, "About the park, revised")
        assert published.status_code == 302, published.text[:1000]
        page = StandardPage.objects.get(pk=tree.about.pk)
        assert page.title_en == "About the park, revised"
        assert page.live and not page.has_unpublished_changes
        for path in ("/ru/", "/en/", "/zh-hans/", "/ru/o-parke/", "/en/stories/"):
            assert visitor.get(path).status_code == 200, path
        about = visitor.get("/en/about/")
        assert about.status_code == 200
        assert "About the park, revised" in about.text
        assert staff.get("/admin/").status_code == 200

        redis_server.start()  # empty, on the same port
        deadline = time.monotonic() + 20
        while not cached_home_pages(store) and time.monotonic() < deadline:
            assert visitor.get("/en/").status_code == 200
            time.sleep(0.2)
        assert cached_home_pages(store), "caching did not resume after Redis came back"
        assert "About the park, revised" in visitor.get("/en/about/").text
    # The outage was logged (once a minute at most: cms.logs.OncePerInterval).
    assert "Exception ignored" in (tmp_path / "server-0.log").read_text()


@pytest.fixture
def redis_cache(settings, redis_server):
    """This process's default cache on the private Redis, configured as settings.py does."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_every_cache_operation_is_a_miss_or_a_no_op_while_redis_is_down(redis_cache, redis_server):
    cache = redis_cache
    cache.set("kept", 1)
    redis_server.stop()

    assert cache.get("kept") is None
    assert cache.get("kept", "fallback") == "fallback"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.set("kept", 2) is None
    assert not cache.add("new", 1)
    assert cache.incr("kept") is None
    assert cache.decr("kept") is None
    assert not cache.has_key("kept")
    assert not cache.delete("kept")
    cache.set_many({"a": 1, "b": 2})
    cache.delete_many(["a", "b"])
    assert cache.delete_pattern("cms:*") is None
    assert not cache.touch("kept")
    cache.clear()
    # What the home page's cache does when a page is saved: no error, nothing cached.
    home.bump_generation()

    assert cache.ttl("kept") is None
    assert not cache.expire("kept", 60)
    assert not cache.persist("kept")

    redis_server.start()
    cache.set("kept", 3)
    assert cache.get("kept") == 3
    assert cache.touch("kept", 60)


def test_the_home_page_generation_starts_again_after_redis_lost_it(redis_cache, redis_server):
    """django-redis raises ValueError on incr of a missing key: the first bump sets it."""
    cache = redis_cache
    cache.delete(home.GENERATION_KEY)
    home.bump_generation()
    assert cache.get(home.GENERATION_KEY) == 1
    home.bump_generation()
    assert cache.get(home.GENERATION_KEY) == 2


def test_a_repeated_log_line_is_let_through_once_per_interval(monkeypatch):
    from cms.logs import OncePerInterval

    clock = [1000.0]
    monkeypatch.setattr("cms.logs.time.monotonic", lambda: clock[0])
    throttle = OncePerInterval(seconds=60)

    def record():
        return logging.LogRecord("x", logging.ERROR, __file__, 1, "Exception ignored", (), None)

    assert throttle.filter(record())
    assert not any(throttle.filter(record()) for _ in range(5))
    clock[0] += 61
    passed = record()
    assert throttle.filter(passed)
    assert passed.getMessage() == "Exception ignored (5 more like it since the last one logged)"
    assert any(
        isinstance(f, OncePerInterval) for f in logging.getLogger("django_redis.cache").filters
    )
