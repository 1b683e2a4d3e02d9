"""portal.asgi: at most HTTP_CONCURRENCY requests inside Django at once; the rest wait."""

import asyncio

import httpx
import pytest

from portal.asgi import PortalASGIHandler
from tests.cms import concurrency_urls


async def most_inside(concurrency, requests=12):
    concurrency_urls.inside.update(now=0, most=0)
    transport = httpx.ASGITransport(app=PortalASGIHandler(concurrency))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = await asyncio.gather(*(client.get("/slow/") for _ in range(requests)))
    assert [answer.status_code for answer in answers] == [200] * requests
    assert all(answer.text == "done" for answer in answers)
    return concurrency_urls.inside["most"]


@pytest.fixture
def slow_urls(settings):
    settings.ROOT_URLCONF = "tests.cms.concurrency_urls"
    settings.MIDDLEWARE = []


async def test_requests_beyond_the_limit_wait_their_turn(slow_urls):
    assert await most_inside(3) == 3


async def test_without_a_limit_every_request_goes_in_at_once(slow_urls):
    assert await most_inside(0) > 3
