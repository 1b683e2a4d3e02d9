"""Bad input gets a clear 400 in the visitor's language, never a 500, and nothing is stored."""

import datetime

import pytest
from django.test import Client

from cms import params
from tests.education.test_class_visits import valid_form

pytestmark = pytest.mark.django_db

REFUSED = {
    "ru": "Не удалось разобрать запрос",
    "en": "This request could not be read",
    "zh-hans": "无法读取此请求",
}


def hostile_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "value", ["²", "١٢٣", "+1", "1.0", "1e3", " ", "12 3", "0x1F", "-1", "9223372036854775808"]
)
def test_an_id_is_ascii_digits_within_bigint(value):
    if value.strip():
        with pytest.raises(params.BadParameter):
            params.parse_id(value)
    else:
        assert params.parse_id(value) is None


def test_numbers_are_read_within_their_bounds():
    assert params.parse_id(" 42 ") == 42
    assert params.parse_id(None) is None
    assert params.parse_id(str(params.BIGINT_MAX)) == params.BIGINT_MAX
    assert params.parse_int("-3", min_value=-5, max_value=5) == -3
    with pytest.raises(params.BadParameter):
        params.parse_int("6", min_value=-5, max_value=5)
    assert params.parse_year("2024") == 2024
    for year in ("0", "10000", "99999999999999999999"):
        with pytest.raises(params.BadParameter):
            params.parse_year(year)


@pytest.mark.parametrize(
    "value",
    ["nan", "NaN", "inf", "-inf", "Infinity", "1e-3", "1_0", "²", "0x1", "1.5", "-0.1", "."],
)
def test_a_fraction_is_plain_finite_decimal_within_bounds(value):
    with pytest.raises(params.BadParameter):
        params.parse_float(value, min_value=0, max_value=1)


def test_plain_decimals_are_read():
    read = [params.parse_float(v, min_value=0, max_value=1) for v in ("0.25", "1", ".5", "0.")]
    assert read == [0.25, 1.0, 0.5, 0.0]
    assert params.parse_float(" ", min_value=0, max_value=1) is None


def test_a_page_number_that_is_not_one_is_the_first_page():
    assert [params.parse_page(v) for v in (None, "", "3", "²", "0", "-2", "1e3", "9" * 40)] == [
        1,
        1,
        3,
        1,
        1,
        1,
        1,
        1,
    ]


def test_a_date_is_one_that_exists_with_room_for_a_day_either_side():
    assert params.parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    assert params.parse_date("") is None
    for value in (
        "2023-02-29",
        "0000-01-01",
        "9999-12-31",
        "10000-01-01",
        "2024-1-5",
        "²０24-01-01",
    ):
        with pytest.raises(params.BadParameter):
            params.parse_date(value)


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_a_nul_byte_in_a_query_is_a_400_in_the_visitors_language(site_tree, language):
    stories = {"ru": "novosti", "en": "stories", "zh-hans": "gushi"}[language]
    response = hostile_client().get(f"/{language}/{stories}/", {"tag": "a\x00b"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert REFUSED[language] in html
    assert "a\x00b" not in html


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_a_host_not_allowed_is_a_400_in_the_visitors_language_without_its_name(site_tree, language):
    """A request for a host name not in ALLOWED_HOSTS (a scanner, a misrouted proxy): the
    refusal page, not a 500 from building links on that host, and the host is not echoed."""
    response = hostile_client().get(f"/{language}/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert REFUSED[language] in html
    assert "evil.example" not in html


def test_a_nul_byte_in_the_path_is_a_400(site_tree):
    response = hostile_client().get("/en/stories/%00/")
    assert response.status_code == 400
    assert REFUSED["en"] in response.content.decode()


def test_a_nul_byte_in_a_form_field_stores_nothing(site_tree):
    from education.models import ClassVisitRequest

    response = hostile_client().post("/ru/class-visit/", valid_form(school="School\x00 5"))
    assert response.status_code == 400
    assert REFUSED["ru"] in response.content.decode()
    assert ClassVisitRequest.objects.count() == 0


def test_a_nul_byte_in_a_json_api_parameter_is_a_400(site_tree):
    response = hostile_client().get("/api/wildlife/monthly-counts.json", {"species": "\x00"})
    assert response.status_code == 400


def test_the_class_visit_form_ignores_an_unknown_age_band(site_tree):
    response = hostile_client().get("/ru/class-visit/", {"age": "²"})
    assert response.status_code == 200
    assert hostile_client().get("/ru/class-visit/", {"age": "\x00"}).status_code == 400


@pytest.mark.parametrize("event", ["²", "١٢", "99999999999999999999", "abc"])
def test_an_event_id_the_class_visit_form_cannot_read_is_a_400(site_tree, event):
    response = hostile_client().get("/en/class-visit/", {"event": event})
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "en"
