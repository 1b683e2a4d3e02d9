"""Building blocks for `manage.py load_demo`, also used by tests to build translated pages.

Every function here is idempotent: called twice with the same arguments it changes nothing the
second time, so `load_demo` can run on every `make run`.
"""

import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

LANGUAGE_FIELDS = {"ru": "ru", "en": "en", "zh-hans": "zh_hans"}


def tr(name, ru, en, zh):
    """The three translations of one field, as keyword arguments: tr("title", "…", "…", "…")."""
    return {f"{name}_ru": ru, f"{name}_en": en, f"{name}_zh_hans": zh}


def _comparable(page, name, value):
    current = getattr(page, name)
    if hasattr(current, "stream_block"):  # a StreamField: compare the stored JSON, not objects
        stored = [(child.block_type, child.block.get_prep_value(child.value)) for child in current]
        wanted = [(item["type"], item["value"]) for item in value]
        return json.dumps(stored, sort_keys=True), json.dumps(wanted, sort_keys=True)
    if hasattr(current, "pk") and not hasattr(value, "pk"):
        return current.pk, value
    return current, value


def upsert_page(parent, model, **fields):
    """The child of `parent` whose Russian slug is `fields["slug_ru"]`: made, updated or left alone.

    Returns (page, changed). A change is published as a new revision, as an editor would.
    """
    page = model.objects.child_of(parent).filter(slug_ru=fields["slug_ru"]).first()
    if page is None:
        page = model(slug=fields["slug_ru"], **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page, True
    changed = False
    for name, value in fields.items():
        current, wanted = _comparable(page, name, value)
        if current != wanted:
            setattr(page, name, value)
            changed = True
    if changed:
        page.save_revision().publish()
    return page, changed


def ensure_home(model, **fields):
    """The site's home page of type `model` under Wagtail's root, pointed to by the default site."""
    root = Page.objects.get(depth=1)
    placeholder = Page.objects.filter(
        depth=2, content_type__model="page", content_type__app_label="wagtailcore"
    )
    home, changed = upsert_page(root, model, **fields)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name="Land of the Leopard",
        )
        changed = True
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
        changed = True
    for page in placeholder:  # Wagtail's "Welcome" page, replaced by ours
        page.delete()
        changed = True
    return home, changed


def demo_collection():
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name="Demonstration").first()
    return collection or root.add_child(name="Demonstration")


def ensure_image(title, painter, size=(1600, 900), seed=0, collection=None):
    """A Wagtail image drawn by `painter(draw, image, rng)`; made once, found by its title."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing, False
    canvas = PILImage.new("RGB", size)
    painter(ImageDraw.Draw(canvas), canvas, random.Random(seed))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=85)
    image = Image(title=title, collection=collection or demo_collection())
    image.file = ImageFile(buffer, name=f"demo-{seed}.jpg")
    image.save()
    return image, True


def paint_landscape(draw, canvas, rng, dusk=False):
    """Layered hills of Primorye's forest under a sky: the park as a demo picture."""
    width, height = canvas.size
    top, bottom = ((40, 46, 84), (214, 140, 90)) if dusk else ((120, 170, 210), (226, 232, 220))
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    greens = [(70, 104, 78), (48, 82, 60), (32, 60, 44), (20, 40, 30)]
    for layer, colour in enumerate(greens):
        base = height * (0.45 + 0.13 * layer)
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            points.append((x, base - rng.uniform(0, 90 - layer * 15)))
        points.append((width, height))
        draw.polygon(points, fill=colour)


def paint_rosettes(draw, canvas, rng):
    """A leopard's coat: warm ground with dark rosettes."""
    width, height = canvas.size
    draw.rectangle([0, 0, width, height], fill=(214, 160, 82))
    for _ in range(width * height // 9000):
        x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(14, 30)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(40, 28, 16), width=int(r / 3))
        draw.ellipse([x - r / 3, y - r / 3, x + r / 3, y + r / 3], fill=(170, 110, 50))
    canvas.paste(canvas.filter(ImageFilter.GaussianBlur(1)))


@dataclass
class DemoContext:
    """What the site-wide demo made, handed to each domain's demo loader."""

    home: Page
    stdout: object
    changes: list = field(default_factory=list)
    menu: list = field(default_factory=list)

    def note(self, what, changed):
        if changed:
            self.changes.append(what)


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable
    order: int


_loaders: dict[str, DemoLoader] = {}


def register(name, load, order=100):
    """Domain apps add their demo content: `load(context: DemoContext)`, idempotent."""
    _loaders[name] = DemoLoader(name, load, order)


def loaders():
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))


@transaction.atomic
def load_all(stdout):
    from cms.demo_content import load_site

    context = load_site(stdout)
    for loader in loaders():
        loader.load(context)
    ensure_navigation(context)
    return context


def ensure_navigation(context):
    """The main menu: the site's own pages, then each home child a domain shows in menus."""
    from cms.models import NavigationLink, NavigationSettings

    extra = (
        context.home.get_children().live().in_menu().exclude(pk__in=[p.pk for p in context.menu])
    )
    wanted = [page.pk for page in context.menu] + list(extra.values_list("pk", flat=True))
    navigation = NavigationSettings.for_site(context.home.get_site())
    if list(navigation.links.values_list("page_id", flat=True)) != wanted:
        navigation.links.all().delete()
        for order, page_id in enumerate(wanted):
            NavigationLink.objects.create(settings=navigation, page_id=page_id, sort_order=order)
        context.note("navigation", True)
