"""Non-page records register themselves; search indexes only what their documents() call public."""

import pytest

import search
from search import services
from search.registry import documents_for, registrations
from tests.search.conftest import FieldNote


def note_documents(note):
    if not note.published:
        return []
    return [
        search.Document(
            language=note.language,
            title=note.title,
            body=note.text,
            url=f"/{note.language}/notes/{note.pk}/",
        )
    ]


@pytest.fixture
def notes(engine, db):
    search.register(
        FieldNote,
        documents=note_documents,
        queryset=lambda: FieldNote.objects.filter(published=True),
        label="field note",
    )
    yield FieldNote.objects
    search.unregister(FieldNote)


def test_a_registered_model_is_found_with_its_own_type(notes, publishing):
    with publishing():
        note = notes.create(
            title="Следы на снегу",
            text="Отпечатки лап леопарда у ручья.",
            language="ru",
            published=True,
        )
    results = services.search("леопарды", "ru")
    assert [(hit.title, hit.type, hit.type_label, hit.url) for hit in results.hits] == [
        ("Следы на снегу", "search.fieldnote", "field note", f"/ru/notes/{note.pk}/")
    ]
    assert [(facet.type, facet.count) for facet in results.facets] == [("search.fieldnote", 1)]
    assert services.search("леопарды", "ru", types=["search.fieldnote"]).total == 1


def test_a_record_that_is_not_public_is_never_indexed(notes, publishing):
    with publishing():
        note = notes.create(title="Следы", text="Лапы леопарда.", language="ru", published=False)
    assert services.search("леопард", "ru").total == 0
    assert documents_for("search.fieldnote", str(note.pk)) == []
    note.published = True
    with publishing():
        note.save()
    assert services.search("леопард", "ru").total == 1
    note.published = False
    with publishing():
        note.save()
    assert services.search("леопард", "ru").total == 0


def test_a_deleted_record_leaves_the_index(notes, publishing):
    with publishing():
        note = notes.create(title="Следы", text="Лапы леопарда.", language="ru", published=True)
    with publishing():
        note.delete()
    assert services.search("леопард", "ru").total == 0


def test_fields_the_model_does_not_hand_over_are_never_searchable(notes, publishing):
    with publishing():
        notes.create(
            title="Следы",
            text="Лапы леопарда.",
            ranger_notes="Фотоловушка K-17 у ключа Медвежьего",
            language="ru",
            published=True,
        )
    assert services.search("Медвежьего", "ru").total == 0
    assert services.search("K-17", "ru").total == 0


def test_a_rebuild_reads_the_registered_models(notes, publishing, site_tree):
    notes.bulk_create(  # bulk_create sends no signals: only the rebuild can find these
        [
            FieldNote(title="Следы", text="Лапы леопарда у ручья.", language="ru", published=True),
            FieldNote(title="Черновик", text="Леопард у ручья.", language="ru", published=False),
        ]
    )
    assert services.search("ручья", "ru").total == 0
    services.rebuild()
    assert [hit.title for hit in services.search("ручья", "ru").hits] == ["Следы"]
    assert services.search("Главная", "ru").total == 1  # and the pages


def test_documents_in_unknown_languages_or_without_title_are_dropped(notes, publishing):
    search.unregister(FieldNote)
    search.register(
        FieldNote,
        documents=lambda note: [
            search.Document(language="de", title=note.title, url="/de/"),
            search.Document(language="en", title="  ", url="/en/"),
            search.Document(language="ru", title=note.title, url="/ru/", type="search.custom"),
        ],
    )
    note = notes.create(title="Следы", text="", language="ru", published=True)
    documents = documents_for("search.fieldnote", str(note.pk))
    assert [(d.language, d.type) for d in documents] == [("ru", "search.custom")]


def test_unregister_stops_indexing(notes, publishing):
    search.unregister(FieldNote)
    assert "search.fieldnote" not in registrations()
    with publishing():
        notes.create(title="Следы", text="Лапы леопарда.", language="ru", published=True)
    assert services.search("леопард", "ru").total == 0
