import io

from cms.demo import DemoContext
from cms.demo_content import load_site
from education import demo
from education.models import EventKind, EventPage, ResourcePage
from education.uploads import read_safe_document


def test_demo_loads_materials_and_events_and_a_second_run_changes_nothing(db):
    context = load_site(io.StringIO())
    demo.load(context)
    assert any(change.startswith("education") for change in context.changes)

    resources = ResourcePage.objects.live()
    assert resources.count() >= 6
    assert {band.slug for r in resources for band in r.age_bands.all()} == {
        "5-7",
        "7-11",
        "11-14",
        "14-18",
    }
    assert len({subject.slug for r in resources for subject in r.subjects.all()}) >= 4
    in_all_three = [r for r in resources if r.text_languages == " ru en zh-hans "]
    assert len(in_all_three) >= 5
    assert any(r.title_zh_hans and "豹" in r.title_zh_hans for r in resources)
    assert any(r.title_ru and "леопард" in r.title_ru for r in resources)
    for resource in resources:
        assert "Демонстрационный материал" in resource.summary_ru
        for item in resource.files.all():
            kind, data = read_safe_document(item.document)
            assert kind.extension == "pdf" and data.startswith(b"%PDF-")

    kinds = set(EventPage.objects.live().values_list("kind", flat=True))
    assert {
        EventKind.TIGER_DAY,
        EventKind.PHOTOHUNT,
        EventKind.FLASH_MOB,
        EventKind.FACE_ART,
        EventKind.TRAIL_DAY,
        EventKind.FORUM,
    } <= kinds
    assert EventPage.objects.upcoming().count() == 6
    for event in EventPage.objects.all():
        assert "Демонстрационное событие" in event.how_to_take_part_ru

    again = DemoContext(home=context.home, stdout=io.StringIO())
    demo.load(again)
    assert again.changes == []
