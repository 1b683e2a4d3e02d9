"""Fixtures for the wildlife app: packages on disk, profiles, staff of each role."""

import csv
import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from cms.demo import tr, upsert_page
from tests.pages import build_site_tree
from wildlife import demo, services
from wildlife.models import Highlight, LeopardIndexPage, LeopardPage, Provider, Sector, Species

# Beside the project; CAMTRAP_EXAMPLE points elsewhere (a git worktree has no such neighbour).
EXAMPLE_PACKAGE = Path(
    os.environ.get("CAMTRAP_EXAMPLE")
    or Path(settings.BASE_DIR).parent / "shared" / "camtrap-dp-example"
)


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Wagtail caches renditions by image id; ids repeat between tests, their files do not."""
    cache.clear()


# The official example's cameras stand in Belgium; moved by these degrees they stand in the
# parks, where the importer accepts deployments.
INTO_THE_PARKS = (Decimal("-8"), Decimal("126"))


@pytest.fixture
def example_package(tmp_path):
    """A copy of the standard's official example package (shared/camtrap-dp-example), with its
    deployments moved into the parks."""
    if not (EXAMPLE_PACKAGE / "datapackage.json").is_file():
        pytest.fail(f"the Camtrap DP example package is missing at {EXAMPLE_PACKAGE}")
    folder = Path(shutil.copytree(EXAMPLE_PACKAGE, tmp_path / "example"))
    path = folder / "deployments.csv"
    with open(path, newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    for row in rows[1:]:
        for column, shift in zip(("latitude", "longitude"), INTO_THE_PARKS, strict=True):
            index = header.index(column)
            row[index] = str(Decimal(row[index]) + shift)
    with open(path, "w", newline="", encoding="utf-8") as target:
        csv.writer(target).writerows(rows)
    return folder


@pytest.fixture
def leopard_package(tmp_path):
    """The demo's generated package: 4 deployments, 12 leopard frames with EXIF GPS."""
    return demo.write_package(tmp_path / "leopards")


@pytest.fixture
def park(db):
    return Provider.objects.get(code="land-of-the-leopard")


@pytest.fixture
def partner(db):
    """The Chinese park: its data is published only with its written approval (clause 7)."""
    return Provider.objects.get(code="ntlnp")


@pytest.fixture
def leopard_species(db):
    return Species.objects.get(slug="leopard")


@pytest.fixture
def sectors(db):
    for slug, (ru, en, zh), south, north, west, east in demo.SECTORS:
        Sector.objects.create(
            slug=slug,
            name=ru,
            name_ru=ru,
            name_en=en,
            name_zh_hans=zh,
            south=south,
            north=north,
            west=west,
            east=east,
        )
    return Sector.objects.all()


@pytest.fixture
def leopard_tree(db, leopard_species):
    """A home page with the leopard index and two profiles: Grace and her mother."""
    site = build_site_tree()
    index, _ = upsert_page(
        site.home,
        LeopardIndexPage,
        **tr("slug", "leopardy", "leopards", "baozi"),
        **tr("title", "Леопарды", "Leopards", "豹子"),
    )
    mother, _ = upsert_page(
        index,
        LeopardPage,
        **tr("slug", "borte", "borte", "borte"),
        **tr("title", "Бортэ", "Borte", "孛儿帖"),
        **tr("name", "Бортэ", "Borte", "孛儿帖"),
        code="Leo 15F",
        individual_id="Leo 15F",
        species=leopard_species,
        sex="female",
    )
    grace, _ = upsert_page(
        index,
        LeopardPage,
        **tr("slug", "greys", "grace", "gelaisi"),
        **tr("title", "Грейс", "Grace", "格蕾丝"),
        **tr("name", "Грейс", "Grace", "格蕾丝"),
        code="Leo 45F",
        individual_id="Leo 45F",
        species=leopard_species,
        sex="female",
        mother=mother,
    )
    site.index, site.grace, site.mother = index, grace, mother
    return site


@pytest.fixture
def imported(leopard_package, park, sectors):
    """The leopard package imported: highlight candidates waiting in the queue."""
    return services.import_camtrap(leopard_package, park.code)


@pytest.fixture
def grace_highlight(imported, leopard_tree):
    return Highlight.objects.filter(individual_id="Leo 45F").order_by("captured_at").first()


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw-12345678!", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def vetter(db, django_user_model):
    return make_user(django_user_model, "vetter", "Wildlife vetters")


@pytest.fixture
def editor(db, django_user_model):
    return make_user(django_user_model, "editor", "Editors")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-12345678!")


def set_cell(folder, file_name, line, column, value):
    """Writes `value` into one cell of a package's CSV table (line 1 is the header)."""
    path = Path(folder) / file_name
    with open(path, newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as target:
        csv.writer(target).writerows(rows)


def long_ago():
    return timezone.now() - datetime.timedelta(days=400)
