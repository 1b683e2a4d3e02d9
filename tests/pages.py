"""Translated pages for tests, built with the same helpers as the demo site."""

import datetime
from types import SimpleNamespace

from cms.demo import ensure_home, tr, upsert_page
from cms.models import HomePage, StandardPage, StoryIndexPage, StoryPage


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def build_site_tree():
    """A home page with an about page, a story index and one story, in three languages."""
    home, _ = ensure_home(
        HomePage,
        **tr("title", "Главная", "Home", "首页"),
        **tr("slug", "home", "home", "home"),
        **tr("intro", "Добро пожаловать", "Welcome", "欢迎"),
    )
    about, _ = upsert_page(
        home,
        StandardPage,
        **tr("slug", "o-parke", "about", "guanyu"),
        **tr("title", "О парке", "About the park", "关于公园"),
        **tr(
            "body",
            paragraph("Тайга и леопарды."),
            paragraph("Forest and leopards."),
            paragraph("森林与豹子。"),
        ),
        show_in_menus=True,
    )
    stories, _ = upsert_page(
        home,
        StoryIndexPage,
        **tr("slug", "novosti", "stories", "gushi"),
        **tr("title", "Новости", "Stories", "新闻"),
        show_in_menus=True,
    )
    story = add_story(stories, 1)
    return SimpleNamespace(home=home, about=about, stories=stories, story=story)


def add_story(index, number, **fields):
    story, _ = upsert_page(
        index,
        StoryPage,
        **tr("slug", f"istoriya-{number}", f"story-{number}", f"gushi-{number}"),
        **tr("title", f"История {number}", f"Story {number}", f"故事 {number}"),
        **tr("intro", f"Вступление {number}", f"Intro {number}", f"导语 {number}"),
        **tr(
            "body",
            paragraph(f"Текст {number}"),
            paragraph(f"Text {number}"),
            paragraph(f"正文 {number}"),
        ),
        date=fields.pop("date", datetime.date(2024, 1, 1) + datetime.timedelta(days=number)),
        **fields,
    )
    return story
