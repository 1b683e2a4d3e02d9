"""A small library, events and documents for education's tests, built as the demo builds them."""

import datetime
import functools
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image

from cms.demo import tr, upsert_page
from education.demo import ensure_document, ensure_taxonomy
from education.models import (
    EducationIndexPage,
    EventIndexPage,
    EventKind,
    EventPage,
    ResourceFile,
    ResourcePage,
)
from tests.pages import build_site_tree

LANGUAGES = ["ru", "en", "zh-hans"]
SUFFIX = {"ru": "ru", "en": "en", "zh-hans": "zh_hans"}


@functools.cache
def small_pdf():
    """A real one-page PDF made by Pillow, small enough to make many times."""
    buffer = io.BytesIO()
    Image.new("L", (60, 80), 255).save(buffer, "PDF")
    return buffer.getvalue()


def pdf_document(title):
    document, _ = ensure_document(title, f"{title.lower().replace(' ', '-')}.pdf", small_pdf)
    return document


def add_resource(index, slug, *, fmt, ages, subjects, written, files, bands, topics):
    """A material whose lesson is written in `written` languages, with a PDF per `files`."""
    fields = {**tr("slug", f"{slug}-ru", slug, f"{slug}-zh"), "resource_format": fmt}
    for code in LANGUAGES:
        suffix = SUFFIX[code]
        fields[f"title_{suffix}"] = f"{slug} [{code}]"
        fields[f"summary_{suffix}"] = f"Summary of {slug} in {code}"
        fields[f"body_{suffix}"] = (
            [{"type": "paragraph", "value": f"<p>{slug} lesson in {code}</p>"}]
            if code in written
            else []
        )
    page, _ = upsert_page(index, ResourcePage, **fields)
    page.age_bands = [bands[a] for a in ages]
    page.subjects = [topics[s] for s in subjects]
    page.files = [
        ResourceFile(language=code, document=pdf_document(f"{slug} {code}"), label=f"Plan {code}")
        for code in files
    ]
    page.save_revision().publish()
    return page


@pytest.fixture
def library(db):
    """Four materials chosen so that each filter, alone and combined, selects a known set.

    | slug     | format      | ages        | subjects          | lesson in | files     |
    | spots    | activity    | 5-7, 7-11   | biology, art      | ru en zh  | ru en zh  |
    | forest   | lesson-plan | 11-14       | ecology,geography | ru en     | ru en     |
    | rangers  | lesson-plan | 14-18       | ecology           | ru        | ru        |
    | chinese  | worksheet   | 7-11        | mathematics       | ru        | zh-hans   |
    """
    tree = build_site_tree()
    bands, topics, _ = ensure_taxonomy()
    index, _ = upsert_page(
        tree.home,
        EducationIndexPage,
        **tr("slug", "shkolam", "schools", "xuexiao"),
        **tr("title", "Учителям", "For teachers", "教师"),
    )
    common = {"bands": bands, "topics": topics}
    resources = SimpleNamespace(
        spots=add_resource(
            index,
            "spots",
            fmt="activity",
            ages=["5-7", "7-11"],
            subjects=["biology", "art"],
            written=LANGUAGES,
            files=LANGUAGES,
            **common,
        ),
        forest=add_resource(
            index,
            "forest",
            fmt="lesson-plan",
            ages=["11-14"],
            subjects=["ecology", "geography"],
            written=["ru", "en"],
            files=["ru", "en"],
            **common,
        ),
        rangers=add_resource(
            index,
            "rangers",
            fmt="lesson-plan",
            ages=["14-18"],
            subjects=["ecology"],
            written=["ru"],
            files=["ru"],
            **common,
        ),
        chinese=add_resource(
            index,
            "chinese",
            fmt="worksheet",
            ages=["7-11"],
            subjects=["mathematics"],
            written=["ru"],
            files=["zh-hans"],
            **common,
        ),
    )
    return SimpleNamespace(tree=tree, index=index, resources=resources, bands=bands, topics=topics)


def add_event(index, slug, start, *, end=None, kind=EventKind.TIGER_DAY, **extra):
    fields = {
        **tr("slug", f"{slug}-ru", slug, f"{slug}-zh"),
        **tr("title", f"Событие {slug}", f"Event {slug}", f"活动 {slug}"),
        **tr("place", "Визитный центр", "Visitor centre", "游客中心"),
        **tr("audience", "Семьи", "Families", "家庭"),
        **tr("intro", "Вступление", "Intro", "简介"),
        **tr("how_to_take_part", "Приходите", "Come along", "欢迎参加"),
        "kind": kind,
        "start": start,
        "end": end,
        **extra,
    }
    page, _ = upsert_page(index, EventPage, **fields)
    return page


@pytest.fixture
def events(db):
    tree = build_site_tree()
    index, _ = upsert_page(
        tree.home,
        EventIndexPage,
        **tr("slug", "sobytiya", "events", "huodong"),
        **tr("title", "События", "Events", "活动"),
    )
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return SimpleNamespace(
        tree=tree,
        index=index,
        past=add_event(
            index, "past", now - 10 * day, end=now - 10 * day + datetime.timedelta(hours=3)
        ),
        running=add_event(index, "running", now - day, end=now + day, kind=EventKind.PHOTOHUNT),
        soon=add_event(index, "soon", now + 5 * day, kind=EventKind.FACE_ART),
        later=add_event(
            index,
            "later",
            now + 40 * day,
            end=now + 40 * day + datetime.timedelta(hours=4),
            kind=EventKind.FORUM,
        ),
    )
