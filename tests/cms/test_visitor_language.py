"""The demo site read in each visitor's language (issue 14, points 9, 10 and 11): dates in the
language's own order, prices with the rouble sign, the park named as FACTS.md names it, no stray
spaces around names in Chinese, leopards worded by their sex, story tags in the visitor's language.

The demo is loaded once for the module (it takes a while) and rolled back at the end.
"""

import datetime
import io
import re
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from cms.formats import local_date
from cms.models import StoryPage, StoryTopic

# The park's name as the parks' 2019 memorandum writes it (the project's FACTS.md).
PARK = {
    "ru": "национальный парк «Земля леопарда»",
    "en": "Land of the Leopard National Park",
    "zh-hans": "“豹之乡”国家公园",
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# A Chinese month written as a word ("十二月") or a weekday before the day ("星期六 5"): the
# order Django's "D j M" gives, which no Chinese reader writes.
CHINESE_MONTH_WORD = re.compile(r"[一二三四五六七八九十]+月")
CHINESE_YMD = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    from django.test import override_settings

    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media / "public")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media / "private"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        override_settings(
            MEDIA_ROOT=str(media / "public"),
            PRIVATE_MEDIA_ROOT=str(media / "private"),
            STORAGES=storages,
        ),
        pytest.MonkeyPatch.context() as monkeypatch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
        cache.clear()
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    cache.clear()


def html_of(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def footer_of(html):
    return html[html.index('<footer class="site-footer"') :]


# Point 10: dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("zh-hans", "date", "2026年12月5日"),
        ("zh-hans", "weekday", "2026年12月5日 星期六"),
        ("zh-hans", "month", "2026年12月"),
        ("zh-hans", "day", "12月5日 星期六"),
        ("ru", "date", "5 декабря 2026 г."),
        ("ru", "weekday", "Суббота, 5 декабря 2026 г."),
        ("ru", "day", "Сб, 5 декабря"),
        ("en", "weekday", "Saturday, December 5, 2026"),
        ("en", "month", "December 2026"),
    ],
)
def test_one_helper_writes_dates_in_each_languages_own_order(language, style, expected):
    assert local_date(datetime.date(2026, 12, 5), style, language) == expected


def test_an_aware_time_is_written_in_the_parks_time_zone():
    # 20:30 UTC on 4 December is 06:30 on 5 December in Vladivostok.
    moment = datetime.datetime(2026, 12, 4, 20, 30, tzinfo=datetime.UTC)
    assert local_date(moment, "weekday_datetime", "zh-hans") == "2026年12月5日 星期六 06:30"


def test_tour_dates_in_chinese_read_year_month_day(demo):
    html = html_of("/zh-hans/daolan/bao-zhi-xiaojing/")
    table = html[html.index("slot-table") :]
    assert len(CHINESE_YMD.findall(table)) >= 10
    assert not CHINESE_MONTH_WORD.search(table)


def test_search_results_give_the_month_as_chinese_writes_it(demo):
    call_command("rebuild_search", stdout=io.StringIO())
    html = html_of("/zh-hans/search/?q=%E5%B9%BC%E5%B4%BD")  # 幼崽, cubs
    assert ">2016年11月</time>" in html
    assert not CHINESE_MONTH_WORD.search(html[html.index("<main") :])


# Point 10: prices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "price"),
    [
        ("/ru/ekskursii/tropa-leoparda/", "500\xa0₽"),
        ("/en/tours/leopard-trail/", "₽500"),
        ("/zh-hans/daolan/bao-zhi-xiaojing/", "₽500"),
    ],
)
def test_tour_prices_carry_the_rouble_sign_in_every_language(demo, path, price):
    html = html_of(path)
    assert price in html
    assert "RUB\xa0" not in html and "RUB 5" not in html


def test_campaign_amounts_in_chinese_carry_the_rouble_sign(demo):
    html = html_of("/zh-hans/zhichi/hongwai-xiangji/")
    assert "₽1,500,000" in html
    assert "RUB\xa0" not in html


# Point 10: the park's name, spaces, italics -----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/zh-hans/", "/zh-hans/daolan/bao-zhi-xiaojing/", "/zh-hans/baozi/gelaisi/"]
)
def test_chinese_pages_name_the_park_as_the_memorandum_does(demo, path):
    html = html_of(path)
    assert PARK["zh-hans"] in footer_of(html)
    assert "豹地" not in html


def test_the_transboundary_area_and_the_partner_are_named_as_the_memorandum_does(demo):
    html = html_of("/zh-hans/damao-zhi-di/")
    assert "“豹亚科之乡”" in html and "大猫之地" not in html
    assert "东北虎豹国家公园" in html and "中国东北虎豹国家公园" not in html


def test_english_and_russian_footers_name_the_park_as_the_memorandum_does(demo):
    assert PARK["en"] in footer_of(html_of("/en/"))
    assert "«Земля леопарда»" in footer_of(html_of("/ru/"))


def test_the_class_visit_e_mail_names_the_park_and_writes_dates_in_chinese(
    demo, django_capture_on_commit_callbacks
):
    soon = timezone.localdate() + datetime.timedelta(days=20)
    form = {
        "submission_key": str(uuid.uuid4()),
        "school": "第五中学",
        "teacher_name": "王老师",
        "email": "wang@school.example",
        "class_size": "20",
        "age_from": "9",
        "age_to": "10",
        "visit_language": "zh-hans",
        "preferred_date": soon.isoformat(),
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/zh-hans/class-visit/", form)
    assert response.status_code == 302
    to_teacher = next(m for m in mail.outbox if m.to == ["wang@school.example"])
    assert PARK["zh-hans"] in to_teacher.body
    assert "豹地" not in to_teacher.body
    assert f"{soon.year}年{soon.month}月{soon.day}日" in to_teacher.body


def test_a_name_in_chinese_sits_between_characters_without_spaces(demo):
    html = html_of("/zh-hans/baozi/gelaisi/")
    assert "成为格蕾丝的第一位认养人" in html
    assert "认养 格蕾丝" not in html and " 格蕾丝 " not in html


def test_a_chinese_label_and_its_value_have_no_space_after_the_full_width_colon(demo):
    assert "最近场次：<time" in html_of("/zh-hans/daolan/")
    tour = html_of("/zh-hans/daolan/bao-zhi-xiaojing/")
    assert "成人：</span>₽500" in tour and "成人: " not in tour
    assert "Adult: </span>₽500" in html_of("/en/tours/leopard-trail/")
    assert "自2025年3月1日起" in html_of("/zh-hans/zhichi/hongwai-xiangji/")


# Point 11: a leopard is she or he ---------------------------------------------------------


def test_a_female_leopards_page_in_russian_says_she_was_born(demo):
    html = html_of("/ru/leopardy/greys/")
    assert "<dt>Родилась</dt>" in html and "<dt>Впервые зафиксирована</dt>" in html
    assert "(ась)" not in html and "(а)" not in html


def test_a_male_leopards_page_in_russian_says_he_was_born(demo):
    html = html_of("/ru/leopardy/tayfun/")
    assert "<dt>Родился</dt>" in html and "<dt>Впервые зафиксирован</dt>" in html
    assert "(ась)" not in html


def test_a_female_leopards_sightings_in_english_say_she(demo):
    html = html_of("/en/leopards/alexa/")
    assert "a new record shows she is well" in html
    assert "the animal" not in html


def test_a_male_leopards_sightings_say_he_in_english_and_russian(demo):
    assert "he walked calmly past the camera" in html_of("/en/leopards/typhoon/")
    assert "Тайфун прошёл" in html_of("/ru/leopardy/tayfun/")


# Point 9: story tags in the visitor's language ------------------------------------------


def tags_of(html):
    return html[html.index('<p class="tags">') : html.index("</p>", html.index('<p class="tags">'))]


def test_story_tags_are_shown_in_the_visitors_language(demo):
    english = tags_of(html_of("/en/stories/cubs/"))
    assert ">leopards</a>" in english and ">monitoring</a>" in english
    assert not CYRILLIC.search(english)
    chinese = tags_of(html_of("/zh-hans/gushi/youzai/"))
    assert ">豹</a>" in chinese and ">监测</a>" in chinese
    assert "标签：<a" in chinese and "</a>、<a" in chinese  # no stray space; the Chinese comma
    assert not CYRILLIC.search(chinese)
    russian = tags_of(html_of("/ru/novosti/kotyata/"))
    assert ">леопарды</a>" in russian


def test_a_tag_filter_names_the_tag_in_the_visitors_language(demo):
    html = html_of("/en/stories/?tag=leopards")
    assert "Stories tagged “leopards”." in html
    assert "/en/stories/cubs/" in html and "/en/stories/tunnel/" not in html
    assert "标签为“豹”的故事" in html_of("/zh-hans/gushi/?tag=leopards")


def test_an_editor_picks_tags_by_their_names_in_the_admins_language(demo):
    field = StoryPage.get_edit_handler().get_form_class().base_fields["tags"]
    with translation.override("en"):
        assert sorted(field.clean("leopards, monitoring")) == ["leopards", "monitoring"]
    with translation.override("zh-hans"):
        assert sorted(field.clean("豹, 监测, 不存在")) == ["监测", "豹"]
    assert StoryTopic.objects.filter(name_en="不存在").count() == 0


def test_an_editor_keeps_the_list_of_tags(demo, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("tag-editor", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    response = client.get("/admin/snippets/cms/storytopic/")
    assert response.status_code == 200
    assert "cooperation" in response.content.decode()
    response = client.post(
        "/admin/snippets/cms/storytopic/add/",
        {"name_ru": "тигры", "name_en": "tigers", "name_zh_hans": "虎", "slug": "tigers"},
    )
    assert response.status_code == 302
    topic = StoryTopic.objects.get(slug="tigers")
    assert (topic.name_ru, topic.name_en, topic.name_zh_hans) == ("тигры", "tigers", "虎")
    response = client.post(
        "/admin/snippets/cms/storytopic/add/",
        {"name_ru": "львы", "name_en": "", "name_zh_hans": "狮", "slug": "lions"},
    )
    assert response.status_code == 200  # refused: every tag is named in every language
    assert not StoryTopic.objects.filter(slug="lions").exists()
