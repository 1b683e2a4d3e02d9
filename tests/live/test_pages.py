"""The home page's live feed, the polling endpoint and the feeds: all complete without JavaScript."""

import xml.etree.ElementTree as ET

import pytest

from live import publish
from live.services import home_feed_context
from tests.live.conftest import publish_sighting

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_latest_sightings_in_its_language(client, site_tree):
    publish_sighting(leopard_id=12, sighting_id=101)
    _, latest = publish_sighting(leopard_id=14, code="Leo 80M", sighting_id=102)
    html = client.get("/en/").content.decode()
    assert "Latest sightings" in html
    feed = html[html.index('class="sighting-feed"') :]
    assert feed.index("#102") < feed.index("#101")  # newest first
    assert "Grace (Leo 80M) seen again #102" in feed
    assert 'href="/en/leopards/leo-80m/"' in feed
    assert 'src="/media/sightings/102.jpg"' in feed
    assert "Southern sector" in feed and "March 2026" in feed
    # The live client resumes after the latest event the page was built from.
    assert f'data-live-since="{latest.pk}"' in html
    assert 'data-live-client-topics="feed"' in html
    assert "/static/js/live.js" in html and 'data-poll-url="/live/events/"' in html
    zh = client.get("/zh-hans/").content.decode()
    assert "格蕾丝（Leo 80M）再次出现 #102" in zh


def test_a_missing_translation_falls_back_and_is_marked(client, site_tree):
    publish_sighting(sighting_id=7, languages=("ru",))
    html = client.get("/en/").content.decode()
    assert 'data-live-key="sighting-7" lang="ru"' in html
    assert "Грация (Leo 45F) снова замечена #7" in html


def test_the_home_feed_shows_each_sighting_once_and_reads_two_queries(
    rf, django_assert_num_queries
):
    publish_sighting(sighting_id=5)
    publish_sighting(sighting_id=5)  # published again: still one card
    publish("feed", "campaign.progress", {"raised": 3})
    with django_assert_num_queries(2):
        context = home_feed_context(rf.get("/ru/"), None)
    assert [item["sighting_id"] for item in context["items"]] == [5]


def test_an_empty_feed_says_so_and_still_waits_for_live_sightings(client, site_tree):
    html = client.get("/ru/").content.decode()
    assert "Наблюдений пока нет" in html or "data-live-empty" in html
    assert 'data-live-topic="feed"' in html
    assert 'data-live-since="0"' in html


def test_polling_returns_missed_events_in_order(client):
    first, _ = publish_sighting(leopard_id=12)
    second, _ = publish_sighting(leopard_id=12)
    publish_sighting(leopard_id=99)
    response = client.get(f"/live/events/?topics=leopard:12,slot:4&since={first.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert [event["id"] for event in data["events"]] == [second.pk]
    assert data["last_id"] == second.pk
    assert data["events"][0]["localized"]["zh-hans"]["leopard_name"] == "格蕾丝"
    assert set(data["events"][0]["payload"]) == {
        "sighting_id", "leopard_id", "leopard_code", "species", "month", "sector", "image",
    }  # fmt: skip


def test_polling_reads_one_query(client, django_assert_num_queries):
    publish_sighting()
    with django_assert_num_queries(1):
        assert client.get("/live/events/?topics=feed&since=0").status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "«since» больше номера последнего события. Перезагрузите страницу."),
        ("en", "“since” is beyond the newest event. Please reload the page."),
        ("zh-hans", "“since” 超出了最新事件的编号。请重新加载页面。"),
    ],
)
def test_polling_since_beyond_the_newest_event_is_a_400_as_on_the_websocket(
    client, language, message
):
    _on_leopard, newest = publish_sighting(leopard_id=12)
    response = client.get(
        f"/live/events/?topics=feed&since={newest.pk + 1}", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_polling_since_the_newest_event_is_answered(client):
    _on_leopard, newest = publish_sighting(leopard_id=12)
    response = client.get(f"/live/events/?topics=feed&since={newest.pk}")
    assert response.status_code == 200
    assert response.json()["events"] == []
    assert response.json()["last_id"] == newest.pk


def test_polling_an_empty_log_from_its_start_is_answered(client):
    response = client.get("/live/events/?topics=feed&since=0")
    assert response.status_code == 200
    assert response.json()["last_id"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Укажите от 1 до 8 тем."),
        (
            "?topics=feed&since=1",
            "«since» больше номера последнего события. Перезагрузите страницу.",
        ),
        ("?topics=feed&since=-1", "«since» должен быть номером события (целым числом)."),
        ("?topics=feed&since=abc", "«since» должен быть номером события (целым числом)."),
        ("?topics=feed&since=²", "«since» должен быть номером события (целым числом)."),
        ("?topics=feed&since=١٢", "«since» должен быть номером события (целым числом)."),
        (
            "?topics=feed&since=99999999999999999999",
            "«since» должен быть номером события (целым числом).",
        ),
        ("?topics=leopard:1;drop&since=0", "Неизвестная тема."),
        ("?topics=" + ",".join(f"slot:{n}" for n in range(9)), "Укажите от 1 до 8 тем."),
    ],
)
def test_bad_polls_get_a_400_in_the_visitors_language(client, query, message):
    response = client.get(f"/live/events/{query}", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def _items(xml):
    root = ET.fromstring(xml)
    atom = "{http://www.w3.org/2005/Atom}"
    return root.findall("./channel/item") or root.findall(f"{atom}entry")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_of_all_sightings_and_of_one_leopard_in_each_language(client, kind):
    publish_sighting(leopard_id=12, sighting_id=201)
    publish_sighting(leopard_id=14, code="Leo 80M", sighting_id=202)
    publish("feed", "campaign.progress", {"raised": 3})
    everything = client.get(f"/en/live/sightings.{kind}")
    assert everything.status_code == 200
    assert len(_items(everything.content)) == 2
    text = everything.content.decode()
    assert "Grace (Leo 80M) seen again #202" in text
    assert "http://testserver/en/leopards/leo-80m/" in text
    one = client.get(f"/zh-hans/live/leopards/12/sightings.{kind}").content.decode()
    assert len(_items(one)) == 1
    assert "格蕾丝（Leo 45F）再次出现 #201" in one
    assert "格蕾丝" in one.split("<item>")[0].split("<entry>")[0]  # the feed's own title
    ru = client.get(f"/ru/live/sightings.{kind}").content.decode()
    assert "Южный сектор" in ru


def test_the_feed_of_a_leopard_never_seen_is_empty_not_an_error(client):
    response = client.get("/ru/live/leopards/404/sightings.rss")
    assert response.status_code == 200
    assert _items(response.content) == []
