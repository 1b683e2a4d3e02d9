"""A teacher, in a real browser against the real server: filters, downloads, asks to visit."""

import datetime
import re

from django.utils import timezone

from cms.demo import tr, upsert_page
from education.models import ClassVisitRequest, EducationIndexPage
from tests.education.conftest import LANGUAGES, add_resource
from tests.pages import build_site_tree


def build_library():
    from education.demo import ensure_taxonomy

    tree = build_site_tree()
    bands, topics, _ = ensure_taxonomy()
    index, _ = upsert_page(
        tree.home,
        EducationIndexPage,
        **tr("slug", "shkolam", "schools", "xuexiao"),
        **tr("title", "Учителям", "For teachers", "教师"),
    )
    common = {"bands": bands, "topics": topics}
    add_resource(
        index,
        "spots",
        fmt="activity",
        ages=["5-7", "7-11"],
        subjects=["biology"],
        written=LANGUAGES,
        files=LANGUAGES,
        **common,
    )
    add_resource(
        index,
        "forest",
        fmt="lesson-plan",
        ages=["11-14"],
        subjects=["ecology"],
        written=["ru", "en"],
        files=["ru", "en"],
        **common,
    )
    add_resource(
        index,
        "rangers",
        fmt="lesson-plan",
        ages=["14-18"],
        subjects=["ecology"],
        written=["ru"],
        files=["ru"],
        **common,
    )


def test_teacher_filters_downloads_a_lesson_plan_and_requests_a_visit(
    live_db, asgi_server, browser_page, tmp_path
):
    build_library()
    page = browser_page
    page.goto(f"{asgi_server.url}/en/schools/")
    assert page.locator(".resource-card").count() == 3

    # Filter: lesson plans for ages 11-14 that can be used in English. No script involved.
    page.get_by_label("Ages 11–14").check()
    page.get_by_label("Lesson plan").check()
    page.locator("label.choice", has_text="English").locator("input").check()
    page.get_by_role("button", name="Show materials").click()
    page.wait_for_url(re.compile(r"age=11-14"))
    assert "format=lesson-plan" in page.url and "language=en" in page.url
    cards = page.locator(".resource-card")
    assert cards.count() == 1
    assert cards.first.locator(".card__title").inner_text() == "forest [en]"

    # The filtered address is shareable: opening it afresh gives the same list.
    shared = page.url
    page.goto(shared)
    assert page.locator(".resource-card").count() == 1

    # Open the lesson plan and download its English file.
    cards.first.locator(".card__title a").click()
    page.wait_for_url(re.compile(r"/en/schools/forest/"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Plan en").click()
    download = download_info.value
    assert download.suggested_filename == "forest-en.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    # Ask to bring the class.
    page.get_by_role("link", name="Bring your class to the park").click()
    page.wait_for_url(re.compile(r"/en/class-visit/"))
    visit_day = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("School").fill("School No. 3, Barabash")
    page.get_by_label("Teacher").fill("Olga Ivanova")
    page.get_by_label("E-mail").fill("olga@school3.example")
    page.get_by_label("Pupils in the class").fill("22")
    page.get_by_label("Youngest pupil's age").fill("12")
    page.get_by_label("Oldest pupil's age").fill("13")
    page.get_by_label("Preferred date").fill(visit_day.isoformat())
    page.get_by_label("Special needs and wishes").fill("We study the forest food chain.")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/en/class-visit/sent/"))
    assert "Request received" in page.locator("h1").inner_text()

    visit = ClassVisitRequest.objects.get()
    assert visit.school == "School No. 3, Barabash"
    assert visit.reference in page.locator(".notice").inner_text()
    assert (visit.class_size, visit.age_from, visit.age_to) == (22, 12, 13)
    assert visit.preferred_date == visit_day
    assert visit.contact_language == "en" and visit.visit_language == "en"

    # Going back and sending the same form again makes no second request.
    page.go_back()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/en/class-visit/sent/"))
    assert ClassVisitRequest.objects.count() == 1
