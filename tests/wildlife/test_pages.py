import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cms.demo import tr
from cms.models import HomePage, StandardPage
from wildlife import services
from wildlife.models import (
    Highlight,
    LeopardIndexPage,
    LeopardPage,
    PopulationFigure,
    PopulationPage,
)


@pytest.fixture
def published(grace_highlight, leopard_tree):
    grace_highlight.leopard = leopard_tree.grace
    grace_highlight.story_title_en = "Grace by the stream"
    grace_highlight.story_title_ru = "Грейс у ручья"
    grace_highlight.story_en = "Grace paused by a stream."
    services.approve_highlight(grace_highlight, None)
    mother = Highlight.objects.filter(individual_id="Leo 15F").order_by("captured_at").first()
    mother.leopard = leopard_tree.mother
    services.approve_highlight(mother, None)
    return leopard_tree


def test_page_tree_is_declared(db):
    assert LeopardIndexPage.parent_page_types == ["cms.HomePage"]
    assert LeopardIndexPage.can_create_at(HomePage())
    assert not LeopardIndexPage.can_create_at(StandardPage())
    assert LeopardPage.allowed_parent_page_models() == [LeopardIndexPage]
    assert set(LeopardIndexPage.allowed_subpage_models()) == {LeopardPage, PopulationPage}
    assert LeopardPage.allowed_subpage_models() == []


@pytest.mark.parametrize(
    ("language", "path", "name"),
    [
        ("ru", "/ru/leopardy/greys/", "Грейс"),
        ("en", "/en/leopards/grace/", "Grace"),
        ("zh-hans", "/zh-hans/baozi/gelaisi/", "格蕾丝"),
    ],
)
def test_leopard_page_in_each_language(
    client, published, language, path, name, django_assert_max_num_queries
):
    with django_assert_max_num_queries(45):
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert name in html
    grace = published.grace
    timeline = re.search(
        rf'<ol class="sighting-timeline" data-live-topic="leopard:{grace.pk}" data-live-kind="sighting.published">(.*?)</ol>',
        html,
        re.S,
    )
    assert timeline, "the timeline list the live client updates"
    assert timeline.group(1).count("<li") == 1
    assert "/media/images/sighting-" in timeline.group(1)
    # Lineage: the mother is linked from the daughter.
    assert published.mother.get_url() in html or published.mother.url in html


def test_lineage_shows_both_ways(client, published):
    html = client.get("/en/leopards/borte/").content.decode()
    assert "Cubs" in html
    assert "/en/leopards/grace/" in html


def test_a_mother_cannot_be_her_own_descendant(published):
    mother = published.mother
    mother.mother = published.grace
    with pytest.raises(ValidationError):
        mother.full_clean()


def test_english_falls_back_to_russian_and_says_so(client, published):
    html = client.get("/zh-hans/baozi/gelaisi/").content.decode()
    # There is no Chinese story: the English one is shown, marked with its language.
    assert 'lang="en">Grace paused by a stream.' in html


def test_sightings_list_filters(client, published):
    grace = published.grace
    everyone = client.get("/en/leopards/sightings/")
    assert everyone.status_code == 200
    assert everyone.content.decode().count('class="sighting"') == 2
    only_grace = client.get("/en/leopards/sightings/", {"leopard": grace.pk})
    assert only_grace.content.decode().count('class="sighting"') == 1
    by_sector = client.get("/en/leopards/sightings/", {"sector": "borisovskoe-plateau"})
    assert by_sector.content.decode().count('class="sighting"') == 1
    other_year = client.get("/en/leopards/sightings/", {"year": "2019"})
    assert other_year.content.decode().count('class="sighting"') == 0
    assert client.get("/en/leopards/sightings/", {"page": "-4"}).status_code == 200


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("leopard", "x'; drop"),
        ("leopard", "²"),
        ("leopard", "99999999999999999999999"),
        ("year", "soon"),
        ("year", "0"),
        ("year", "10000"),
        ("year", "99999999999999999999999"),
        ("sector", "a\x00b"),
    ],
)
def test_a_bad_sightings_filter_is_a_400_in_the_visitors_language(published, name, value):
    response = Client(raise_request_exception=False).get("/ru/leopardy/sightings/", {name: value})
    assert response.status_code == 400
    assert "Не удалось разобрать запрос" in response.content.decode()


def test_population_page_draws_charts_with_a_table(client, leopard_tree):
    PopulationFigure.objects.create(year=2015, leopards=57, leopard_cubs=16)
    PopulationFigure.objects.create(year=2016, leopards=80, tigers=20, camera_stations=300)
    page = PopulationPage(
        title="Численность",
        slug="chislennost",
        **tr("title", "Численность", "Population", "种群"),
        **tr("slug", "chislennost", "population", "zhongqun"),
    )
    leopard_tree.index.add_child(instance=page)
    page.save_revision().publish()
    html = client.get("/en/leopards/population/").content.decode()
    assert html.count("<svg") == 4
    assert '<title id="chart-leopards-title">' in html
    assert "<table" in html and ">57<" in html and ">80<" in html


def test_home_page_shows_named_leopards_and_latest_sightings(client, published):
    html = client.get("/en/").content.decode()
    assert 'id="home-leopards"' in html
    assert "Grace" in html and "Borte" in html
    assert 'data-live-topic="feed"' in html


def test_home_page_hides_the_section_without_leopards(client, site_tree):
    assert 'id="home-leopards"' not in client.get("/en/").content.decode()


def test_sightings_json_is_public_and_generalised(client, published):
    data = client.get("/api/wildlife/sightings.json").json()
    assert len(data["sightings"]) == 2
    first = data["sightings"][0]
    assert set(first) == {
        "sighting_id",
        "leopard_id",
        "leopard_code",
        "species",
        "month",
        "sector",
        "image",
        "localized",
    }
    counts = client.get("/api/wildlife/monthly-counts.json", {"species": "leopard"}).json()
    assert sum(row["count"] for row in counts["rows"]) == 2
