"""The search contract runs on every engine: the database engine always (SQLite or PostgreSQL,
whichever DATABASE_URL names), Elasticsearch too when ELASTICSEARCH_URL is set."""

import datetime
import os
import uuid

import pytest
from django.db import connection, models
from django.utils import translation
from wagtail.models import PageViewRestriction

from cms.demo import tr, upsert_page
from cms.models import StoryPage
from search.engines import get_engine
from tests.pages import build_site_tree, paragraph

ENGINES = ["database", *(["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])]


@pytest.fixture(params=ENGINES)
def engine(request, settings):
    """The engine under test, as the service, the tasks and the views get it from settings."""
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
        settings.SEARCH_ELASTICSEARCH_REFRESH = True
        engine = get_engine()
        yield engine
        # By name: Elasticsearch 8 refuses to delete indices by a wildcard.
        indices = engine.client.indices.get_alias(index=f"{settings.SEARCH_INDEX_PREFIX}-*")
        if indices:
            engine.client.indices.delete(index=",".join(indices))
    else:
        settings.ELASTICSEARCH_URL = ""
        yield get_engine()


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Runs what a block commits, as production does after commit: signals → index tasks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def story(index, number, title, body, **fields):
    """A published story with its title and body in three languages: (ru, en, zh) tuples."""
    page, _ = upsert_page(
        index,
        StoryPage,
        **tr("slug", f"istoriya-{number}", f"story-{number}", f"gushi-{number}"),
        **tr("title", *title),
        **tr("body", *(paragraph(text) for text in body)),
        date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number),
        **fields,
    )
    return page


@pytest.fixture
def corpus(engine, db, publishing):
    """The park's site with stories written for the contract, indexed through the signals."""
    with publishing():
        tree = build_site_tree()
        tree.leopards = story(
            tree.stories,
            10,
            ("Тропа леопарда", "The Leopard Trail", "豹之路"),
            (
                "Маршрут в Барабаше длиной около 1,8 км ведёт через гору Буслэнко.",
                "A loop of about 1.8 km from the visitor centre over Mount Buslenko.",
                "从巴拉巴什村游客中心出发，全长约1.8公里。",
            ),
        )
        tree.counting = story(
            tree.stories,
            11,
            ("Итоги учёта", "Survey results", "调查结果"),
            (
                "Фотоловушки зафиксировали леопардов: 57 леопардов, из них 16 котят. "
                "Леопард, леопарды, леопардам, о леопарде.",
                "Researchers were monitoring the cameras; the leopard, leopards and the "
                "leopard's cubs were recorded by camera traps.",
                "我们在保护区内用红外相机拍到了东北豹和老虎，一共五十七只豹。",
            ),
        )
        tree.forest = story(
            tree.stories,
            12,
            ("Зимняя подкормка", "Winter feeding", "冬季投喂"),
            (
                "Инспекторы подкармливают копытных в тайге.",
                "Rangers feed ungulates in the forest through the winter.",
                "巡护员在冬季为有蹄类动物投放饲料。",
            ),
        )
    return tree


def story_label(language):
    """A story's type as visitors read it (cms' catalogue names it)."""
    with translation.override(language):
        return str(StoryPage._meta.verbose_name)


@pytest.fixture
def restricted(corpus, publishing):
    def restrict(page):
        with publishing():
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
            )

    return restrict


class FieldNote(models.Model):
    """A small non-page model for the registry tests: public only when `published`."""

    title = models.CharField(max_length=200)
    text = models.TextField()
    language = models.CharField(max_length=10)
    published = models.BooleanField(default=False)
    ranger_notes = models.TextField(blank=True)  # private: never indexed

    class Meta:
        app_label = "search"
        managed = False  # made by the fixture below; not part of the app's migrations

    def __str__(self):
        return self.title


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(FieldNote)
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(FieldNote)
