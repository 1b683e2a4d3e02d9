import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import services
from education.models import EducationIndexPage, ResourcePage
from tests.education.conftest import LANGUAGES, add_resource

ALL = {"spots", "forest", "rangers", "chinese"}
PREFIX = {"ru": "/ru/shkolam/", "en": "/en/schools/", "zh-hans": "/zh-hans/xuexiao/"}

CASES = [
    # (query string, materials expected) - see the table in conftest.library
    ("", ALL),
    ("age=5-7", {"spots"}),
    ("age=7-11", {"spots", "chinese"}),
    ("age=11-14", {"forest"}),
    ("age=14-18", {"rangers"}),
    ("subject=biology", {"spots"}),
    ("subject=ecology", {"forest", "rangers"}),
    ("subject=mathematics", {"chinese"}),
    ("format=lesson-plan", {"forest", "rangers"}),
    ("format=activity", {"spots"}),
    ("format=worksheet", {"chinese"}),
    ("language=ru", ALL),
    ("language=en", {"spots", "forest"}),
    ("language=zh-hans", {"spots", "chinese"}),
    ("age=7-11&language=zh-hans", {"spots", "chinese"}),
    ("age=7-11&format=worksheet&language=zh-hans", {"chinese"}),
    ("subject=ecology&language=en", {"forest"}),
    ("subject=ecology&format=lesson-plan&age=14-18", {"rangers"}),
    ("subject=ecology&language=zh-hans", set()),
    ("age=5-7&age=14-18", {"spots", "rangers"}),
    ("age=11-14&subject=ecology&format=lesson-plan&language=ru", {"forest"}),
]


def listed(html, language):
    """The materials shown in the results, by slug, checking each title is in `language`."""
    titles = re.findall(r'class="card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', html)
    slugs = set()
    for title in titles:
        slug, shown_language = re.fullmatch(r"(\w+) \[([\w-]+)\]", title).groups()
        assert shown_language == language
        slugs.add(slug)
    return slugs


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_filters_alone_and_combined_in_each_language(client, library, query, expected):
    for language in LANGUAGES:
        response = client.get(f"{PREFIX[language]}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert listed(html, language) == expected, (language, query)


def test_filter_form_shows_the_choice_ticked_so_the_address_can_be_shared(client, library):
    response = client.get("/en/schools/?age=7-11&format=worksheet&language=zh-hans")
    html = response.content.decode()
    assert re.search(r'name="age" value="7-11" checked', html)
    assert re.search(r'name="format" value="worksheet" checked', html)
    assert re.search(r'name="language" value="zh-hans" checked', html)
    assert not re.search(r'name="age" value="5-7" checked', html)
    assert 'href="/en/schools/?age=7-11&amp;format=worksheet&amp;language=zh-hans"' in html
    # The form is a plain GET form: no script is needed to filter.
    assert re.search(r'<form class="library-filter" method="get" action="/en/schools/"', html)


def test_unknown_filter_values_are_ignored_not_an_error(client, library):
    response = client.get("/ru/shkolam/?age=99-100&subject=<script>&format=poem&language=fr")
    assert response.status_code == 200
    assert listed(response.content.decode(), "ru") == ALL
    assert "<script>" not in response.content.decode().split('id="results-heading"')[1]


def test_subject_and_age_names_are_in_the_visitors_language(client, library):
    html = client.get("/zh-hans/xuexiao/").content.decode()
    assert "生物" in html and "7–11岁" in html
    assert "简体中文" in html


def test_a_material_is_available_in_a_language_by_its_lesson_or_by_a_file(library):
    spots, chinese, rangers = (
        library.resources.spots,
        library.resources.chinese,
        library.resources.rangers,
    )
    assert services.resource_languages(spots) == ["ru", "en", "zh-hans"]
    # Written in Russian only, with a Chinese worksheet file.
    assert services.resource_languages(chinese) == ["ru", "zh-hans"]
    assert services.resource_languages(rangers) == ["ru"]


def test_draft_materials_are_not_listed(client, library):
    library.resources.rangers.unpublish()
    html = client.get("/ru/shkolam/").content.decode()
    assert listed(html, "ru") == ALL - {"rangers"}


def test_library_page_queries_stay_few_however_many_filters(
    client, library, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = client.get(
            "/en/schools/?age=7-11&age=11-14&subject=ecology&subject=biology"
            "&format=lesson-plan&format=activity&language=en"
        )
    assert listed(response.content.decode(), "en") == {"spots", "forest"}


def test_resource_page_lists_its_files_by_language_visitors_first(client, library):
    response = client.get("/zh-hans/xuexiao/spots-zh/")
    assert response.status_code == 200
    html = response.content.decode()
    sections = re.findall(r'<h3 class="download-language" lang="([\w-]+)">', html)
    assert sections == ["zh-hans", "ru", "en"]
    assert html.count(" download hreflang=") == 3


def test_page_tree_rules():
    assert EducationIndexPage.parent_page_types == ["cms.HomePage"]
    assert ResourcePage.parent_page_types == ["education.EducationIndexPage"]
    assert ResourcePage.subpage_types == []


def test_editors_can_open_the_forms_for_each_page_type(client, library, events, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    home = library.tree.home
    for app_model, parent in [
        ("education/educationindexpage", home),
        ("education/eventindexpage", home),
        ("education/resourcepage", library.index),
        ("education/eventpage", events.index),
    ]:
        response = client.get(f"/admin/pages/add/{app_model}/{parent.pk}/")
        assert response.status_code in (200, 302), app_model
    response = client.get(f"/admin/pages/{library.resources.spots.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="files-TOTAL_FORMS" value="3"' in html
    assert 'type="checkbox" name="age_bands"' in html


def test_library_queries_do_not_grow_with_the_number_of_materials(client, library):
    def count():
        client.get("/en/schools/")  # warm the per-site caches
        with CaptureQueriesContext(connection) as queries:
            client.get("/en/schools/")
        return len(queries.captured_queries)

    before = count()
    for number in range(4):
        add_resource(
            library.index,
            f"extra{number}",
            fmt="activity",
            ages=["5-7"],
            subjects=["art"],
            written=LANGUAGES,
            files=["ru", "en"],
            bands=library.bands,
            topics=library.topics,
        )
    assert count() == before
