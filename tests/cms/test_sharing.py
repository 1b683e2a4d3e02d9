"""What a page tells the sites it is shared on and the crawlers that find it: a description, a
canonical link, Open Graph and Twitter card tags with an image, feed discovery links, in ru, en
and zh-hans; sitemaps on the host the site is served on; a site map for people."""

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.storage import storages
from django.utils import translation
from PIL import Image
from wagtail.images import get_image_model

from cms.demo import ensure_image, paint_landscape, paint_rosettes, tr, upsert_page
from education.models import EducationIndexPage
from tests.tourism.conftest import build_tours
from wildlife.demo import exif_with_gps
from wildlife.models import LeopardIndexPage, LeopardPage, Species

LANGUAGES = ["ru", "en", "zh-hans"]
OG_LOCALES = {"ru": "ru_RU", "en": "en_GB", "zh-hans": "zh_CN"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# What a feed reader is told, per language (the live app's catalogue).
FEED_TITLES = {
    "ru": "Встречи леопардов · Земля леопарда",
    "en": "Leopard sightings · Land of the Leopard",
}


class Head(HTMLParser):
    """The <meta> and <link> tags of a page's <head>."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.in_head = {}, [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif self.in_head and tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif self.in_head and tag == "link":
            self.links.append(attrs)

    def one(self, key):
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def link(self, rel, **match):
        found = [
            link
            for link in self.links
            if link.get("rel") == rel and all(link.get(k) == v for k, v in match.items())
        ]
        assert len(found) == 1, f"{rel} {match}: {found}"
        return found[0]


def photo_with_gps(title):
    """A portrait as a phone or camera trap saves it: with the place in its EXIF."""
    canvas = Image.new("RGB", (1600, 1000), (214, 160, 82))
    buffer = io.BytesIO()
    canvas.save(
        buffer,
        "JPEG",
        exif=exif_with_gps(43.1234, 131.4567, "2024-05-01T03:04:05+10:00", "CAM-SECRET-7"),
    )
    image = get_image_model()(title=title)
    image.file = ImageFile(buffer, name="portrait-with-gps.jpg")
    image.save()
    return image


@pytest.fixture
def shared_site(site_tree):
    """The site tree with a picture on the home page, a story, a leopard and a tour."""
    hero, _ = ensure_image("Hills", paint_landscape, size=(1600, 900), seed=1)
    coat, _ = ensure_image("Coat", paint_rosettes, size=(1400, 800), seed=2)
    site_tree.home.hero_image = hero
    site_tree.home.save_revision().publish()
    story = site_tree.story
    story.lead_image = coat
    story.lead_image_alt_en = "A leopard's coat"
    story.save_revision().publish()
    index, _ = upsert_page(
        site_tree.home,
        LeopardIndexPage,
        **tr("slug", "leopardy", "leopards", "baozi"),
        **tr("title", "Леопарды", "Leopards", "豹子"),
    )
    leopard, _ = upsert_page(
        index,
        LeopardPage,
        **tr("slug", "greys", "grace", "gelaisi"),
        **tr("title", "Грейс", "Grace", "格蕾丝"),
        **tr("name", "Грейс", "Grace", "格蕾丝"),
        **tr("intro", "Самка из долины", "A female of the valley", "山谷里的雌豹"),
        code="Leo 45F",
        species=Species.objects.get(slug="leopard"),
        sex="female",
        portrait=photo_with_gps("Grace's portrait"),
        **tr("portrait_alt", "Грейс у ручья", "Grace by a stream", "溪边的格蕾丝"),
    )
    _tours, trail = build_tours(site_tree.home)
    trail.image = hero
    trail.save_revision().publish()
    education, _ = upsert_page(
        site_tree.home,
        EducationIndexPage,
        **tr("slug", "shkolam", "schools", "xuexiao"),
        **tr("title", "Школам", "For schools", "学校"),
    )
    site_tree.leopards, site_tree.leopard, site_tree.tour = index, leopard, trail
    site_tree.education = education
    return site_tree


def url_in(page, language):
    with translation.override(language):
        return page.get_url()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["home", "story", "leopard", "tour"])
def test_each_page_tells_how_to_share_it_in_the_visitors_language(
    client, shared_site, language, which
):
    page = getattr(shared_site, which)
    path = url_in(page, language)
    response = client.get(path, {"utm_source": "newsletter"})
    assert response.status_code == 200
    head = Head(response.content.decode())
    page.refresh_from_db()

    canonical = f"http://testserver{path}"
    assert head.link("canonical")["href"] == canonical
    assert head.link("alternate", hreflang=language)["href"] == canonical
    assert head.one("og:url") == canonical
    assert head.one("og:title") == getattr(page, f"title_{language.replace('-', '_')}")
    description = head.one("description")
    assert description and description == head.one("og:description")
    if which in ("story", "leopard"):
        assert description == getattr(page, f"intro_{language.replace('-', '_')}")
    assert head.one("og:type") == ("article" if which == "story" else "website")
    assert head.one("og:locale") == OG_LOCALES[language]
    assert sorted(head.meta["og:locale:alternate"]) == sorted(
        OG_LOCALES[code] for code in LANGUAGES if code != language
    )
    assert head.one("twitter:card") == "summary_large_image"

    image = urlparse(head.one("og:image"))
    assert (image.scheme, image.netloc) == ("http", "testserver")
    # The page's own picture, as a rendition: re-encoded, never the uploaded file.
    assert image.path.startswith("/media/images/")
    assert int(head.one("og:image:width")) <= 1200
    assert int(head.one("og:image:height")) <= 630
    if which == "leopard":
        assert head.one("og:image:alt") == getattr(
            page, f"portrait_alt_{language.replace('-', '_')}"
        )

    rss = head.link("alternate", href=f"/{language}/live/sightings.rss")
    assert rss["type"] == "application/rss+xml"
    if language in FEED_TITLES:
        assert rss["title"] == FEED_TITLES[language]
    else:
        assert re.search(r"[\u4e00-\u9fff]", rss["title"]), rss["title"]
    atom = head.link("alternate", href=f"/{language}/live/sightings.atom")
    assert atom["type"] == "application/atom+xml"


def test_a_leopard_page_announces_its_own_sightings_feed(client, shared_site):
    html = client.get(url_in(shared_site.leopard, "en")).content.decode()
    feeds = [
        link
        for link in Head(html).links
        if link.get("type") == "application/rss+xml" and "/leopards/" in link["href"]
    ]
    assert feeds == [
        {
            "rel": "alternate",
            "type": "application/rss+xml",
            "title": "Sightings of Grace · Land of the Leopard",
            "href": f"/en/live/leopards/{shared_site.leopard.pk}/sightings.rss",
        }
    ]


def test_the_shared_image_never_carries_the_original_file_or_a_private_path(client, shared_site):
    portrait = shared_site.leopard.portrait
    for language in LANGUAGES:
        html = client.get(url_in(shared_site.leopard, language)).content.decode()
        image_url = Head(html).one("og:image")
        path = urlparse(image_url).path
        assert "/private/" not in path
        assert "original_images" not in path
        assert path != portrait.file.url
        with storages["default"].open(path.removeprefix("/media/")) as file:
            shared = Image.open(file)
            shared.load()
        assert shared.format == "JPEG"
        assert shared.size == (1200, 630)
        # The portrait's camera and place stay out of the shared file.
        assert not shared.getexif(), dict(shared.getexif())
        assert "exif" not in shared.info


def test_a_page_without_a_picture_shares_the_sites_default_image(client, shared_site):
    head = Head(client.get("/zh-hans/guanyu/").content.decode())
    assert head.one("og:image") == "http://testserver/static/img/share.jpg"
    default = Path(settings.BASE_DIR) / "static" / "img" / "share.jpg"
    with Image.open(default) as image:
        assert image.size == (int(head.one("og:image:width")), int(head.one("og:image:height")))
        assert not image.getexif()


def test_without_a_description_a_page_gives_the_sites_in_its_language(client, shared_site):
    descriptions = {
        language: Head(client.get(url_in(shared_site.about, language)).content.decode()).one(
            "description"
        )
        for language in LANGUAGES
    }
    assert re.search(r"[а-я]{4}", descriptions["ru"])
    assert "Land of the Leopard" in descriptions["en"]
    assert re.search(r"[\u4e00-\u9fff]{4}", descriptions["zh-hans"])
    assert len(set(descriptions.values())) == 3


def test_the_editors_search_description_comes_first(client, shared_site):
    story = shared_site.story
    story.search_description_en = "What the rangers found in May."
    story.save_revision().publish()
    head = Head(client.get(url_in(story, "en")).content.decode())
    assert head.one("description") == "What the rangers found in May."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?utm_source=mail&fbclid=abc", ""),
        ("?page=2", "?page=2"),
        ("?page=2&utm_campaign=spring", "?page=2"),
        ("?tag=tigers&page=2", ""),
        ("?page=1", ""),
        ("?page=x", ""),
    ],
)
def test_the_canonical_link_keeps_the_page_number_and_nothing_else(
    client, shared_site, query, expected
):
    head = Head(client.get("/en/stories/" + query).content.decode())
    assert head.link("canonical")["href"] == "http://testserver/en/stories/" + expected


def test_sub_pages_and_forms_have_their_own_title_and_description(client, shared_site):
    sightings = url_in(shared_site.leopards, "en") + "sightings/"
    for path, title in [
        (sightings, "Published sightings"),
        ("/en/class-visit/", "Bring your class to the park"),
        ("/en/classroom-data/", "Classroom data: leopard and tiger sightings by month"),
    ]:
        head = Head(client.get(path, {"leopard": "1"}).content.decode())
        assert head.one("og:title") == title
        assert head.link("canonical")["href"] == f"http://testserver{path}"
        assert head.one("description")
        assert head.one("description") != head.one("og:title")
        assert head.one("og:image") == "http://testserver/static/img/share.jpg"


def sitemap_urls(response):
    root = ET.fromstring(response.content)
    return {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemaps_carry_the_host_the_site_is_served_on(client, shared_site, settings):
    settings.ALLOWED_HOSTS = ["leopard-park.example"]
    index = client.get("/sitemap.xml", HTTP_HOST="leopard-park.example", secure=True)
    assert re.findall(r"<loc>([^<]+)</loc>", index.content.decode()) == [
        f"https://leopard-park.example/{language}/sitemap.xml" for language in LANGUAGES
    ]
    for language in LANGUAGES:
        response = client.get(
            f"/{language}/sitemap.xml", HTTP_HOST="leopard-park.example", secure=True
        )
        urls = sitemap_urls(response)
        assert len(urls) >= 8
        every = [*urls, *(href for links in urls.values() for href in links.values())]
        assert "localhost" not in response.content.decode()
        assert all(url.startswith("https://leopard-park.example/") for url in every), every
        assert all(url.startswith(f"https://leopard-park.example/{language}/") for url in urls)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sitemap_lists_sightings_class_visits_and_classroom_data_with_alternates(
    client, shared_site, language
):
    urls = sitemap_urls(client.get(f"/{language}/sitemap.xml"))
    leopards = {code: url_in(shared_site.leopards, code) for code in LANGUAGES}
    expected = {
        "sightings": {code: f"http://testserver{leopards[code]}sightings/" for code in LANGUAGES},
        "class visit": {code: f"http://testserver/{code}/class-visit/" for code in LANGUAGES},
        "classroom data": {code: f"http://testserver/{code}/classroom-data/" for code in LANGUAGES},
        "tour": {code: f"http://testserver{url_in(shared_site.tour, code)}" for code in LANGUAGES},
    }
    for name, alternates in expected.items():
        assert urls.get(alternates[language]) == alternates, name


def test_the_footer_leads_to_a_site_map_for_people(client, shared_site):
    for language in LANGUAGES:
        html = client.get(f"/{language}/").content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert f'href="/{language}/site-map/"' in footer
        assert "sitemap.xml" not in footer


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_site_map_lists_every_page_as_the_sections_nest_them(client, shared_site, language):
    response = client.get(f"/{language}/site-map/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert re.findall(r"<h([1-6])", main) == ["1", "2"]
    links = re.findall(r'<a href="([^"]+)"', main)
    pages = ["home", "about", "stories", "story", "leopards", "leopard", "tour", "education"]
    for name in pages:
        assert url_in(getattr(shared_site, name), language) in links, name
    assert url_in(shared_site.leopards, language) + "sightings/" in links
    assert f"/{language}/class-visit/" in links
    assert f"/{language}/classroom-data/" in links
    assert f"/{language}/live/sightings.rss" in links
    # Nested as the tree is: the story inside the stories' item, the class visit inside the
    # schools' item.
    stories = main.index(f'href="{url_in(shared_site.stories, language)}"')
    story = main.index(f'href="{url_in(shared_site.story, language)}"')
    assert main.count("<ul>", stories, story) == 1
    assert main.count("</li>", stories, story) == 0
    schools = main.index(f'href="{url_in(shared_site.education, language)}"')
    visit = main.index(f'href="/{language}/class-visit/"')
    assert main.count("</li>", schools, visit) == 0
    title = getattr(shared_site.leopard, f"title_{language.replace('-', '_')}")
    assert f">{title}</a>" in main


def test_the_site_map_leaves_out_drafts(client, shared_site):
    shared_site.about.unpublish()
    html = client.get("/en/site-map/").content.decode()
    assert "/en/about/" not in html
    assert "/en/stories/" in html


def test_a_campaign_and_its_reports_announce_the_reports_feed(client, db, mailoutbox):
    from donations.models import CampaignReportPage
    from tests.donations.conftest import build_campaigns

    patrols = build_campaigns().patrols
    report, _ = upsert_page(
        patrols,
        CampaignReportPage,
        **tr("slug", "otchet-1", "report-1", "baogao-1"),
        **tr("title", "Отчёт 1", "Report 1", "报告 1"),
        **tr("intro", "Итоги", "What we did", "进展"),
    )
    for page in (patrols, report):
        for language in LANGUAGES:
            head = Head(client.get(url_in(page, language)).content.decode())
            feed = head.link(
                "alternate", href=f"/{language}/donations/campaigns/{patrols.pk}/reports.rss"
            )
            assert feed["type"] == "application/rss+xml"
            title = getattr(patrols, f"title_{language.replace('-', '_')}")
            assert title in feed["title"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_named_as_the_site_is_not_named_twice_in_the_title(site_tree, client, language):
    # The demo's home page bears the site's own name: "Land of the Leopard · Land of the Leopard".
    with translation.override(language):
        site_name = translation.gettext("Land of the Leopard")
    home = site_tree.home
    setattr(home, f"title_{language.replace('-', '_')}", site_name)
    home.save_revision().publish()
    story_html = client.get(site_tree.story.get_url()).content.decode()
    html = client.get(f"/{language}/").content.decode()
    assert re.search(r"<title>([^<]*)</title>", html).group(1) == site_name
    # Any other page still says whose site it is.
    assert re.search(r"<title>[^<]*· [^<]*</title>", story_html)
