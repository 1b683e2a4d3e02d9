import csv
import io

import pytest
from django.utils import translation

from education import classroom

# Rows in the shape wildlife.services.monthly_sector_counts returns.
WILDLIFE_ROWS = [
    {
        "year": 2024,
        "month": 3,
        "sector": "barsovy",
        "sector_name": {"ru": "Барсовый", "en": "Barsovy", "zh-hans": "巴尔索维"},
        "species": "leopard",
        "count": 4,
    },
    {
        "year": 2024,
        "month": 3,
        "sector": "barsovy",
        "sector_name": {"ru": "Барсовый", "en": "Barsovy", "zh-hans": "巴尔索维"},
        "species": "leopard",
        "count": 2,
    },
    {
        "year": 2024,
        "month": 4,
        "sector": "cell-43.1n-131.3e",
        "sector_name": {"ru": "ячейка", "en": "0.1° cell", "zh-hans": "网格"},
        "species": "tiger",
        "count": 1,
    },
]

# A row carrying more than it should: the adapter must drop every finer detail.
LEAKY_ROW = {
    "year": 2024,
    "month": 5,
    "day": 17,
    "hour": 3,
    "timestamp": "2024-05-17T03:12:00+10:00",
    "latitude": 43.123456,
    "longitude": 131.654321,
    "deployment_id": "DEP-0042",
    "camera_id": "CAM-SERIAL-99",
    "location_name": "Salt lick by the road",
    "sector": "kedrovaya",
    "sector_name": {"ru": "Кедровая падь", "en": "Kedrovaya Pad", "zh-hans": "雪松谷"},
    "species": "Panthera pardus orientalis",
    "count": 1,
}


def source(rows):
    return lambda species=None: list(rows)


def test_rows_are_summed_to_month_sector_and_species(db):
    rows = classroom.classroom_rows(source=source(WILDLIFE_ROWS), language="en")
    assert rows == [
        classroom.ClassroomRow(2024, 3, "barsovy", "Barsovy", "Amur leopard", 6),
        classroom.ClassroomRow(2024, 4, "outside", "Outside the park's sectors", "Amur tiger", 1),
    ]


def test_nothing_finer_than_month_and_sector_comes_out(db):
    rows = classroom.classroom_rows(source=source([*WILDLIFE_ROWS, LEAKY_ROW]), language="en")
    for row in rows:
        assert set(row._asdict()) == {
            "year",
            "month",
            "sector_code",
            "sector_name",
            "species",
            "count",
        }
    text = classroom.classroom_csv(rows)
    for secret in ("17", "03:12", "43.1", "131.", "DEP-0042", "CAM-SERIAL", "Salt lick", "cell-"):
        assert secret not in text
    assert "Kedrovaya Pad" in text


def test_malformed_rows_are_skipped(db):
    bad = [
        {**LEAKY_ROW, "month": 13},
        {**LEAKY_ROW, "month": None},
        {**LEAKY_ROW, "count": "many"},
        {**LEAKY_ROW, "sector": ""},
    ]
    assert classroom.classroom_rows(source=source(bad), language="en") == []


@pytest.mark.parametrize(
    ("language", "header", "sector", "species"),
    [
        ("ru", "Год", "Барсовый", "Дальневосточный леопард"),
        ("en", "Year", "Barsovy", "Amur leopard"),
        ("zh-hans", "年份", "巴尔索维", "远东豹"),
    ],
)
def test_csv_download_in_each_language(client, db, monkeypatch, language, header, sector, species):
    monkeypatch.setattr(classroom, "wildlife_source", lambda: source(WILDLIFE_ROWS))
    response = client.get(f"/{language}/classroom-data/sightings-by-month.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="leopard-sightings-by-month-{language}.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == header and len(table[0]) == 6
    assert table[1] == ["2024", "3", "barsovy", sector, species, "6"]


def test_worksheet_page_uses_the_data(client, db, monkeypatch):
    monkeypatch.setattr(classroom, "wildlife_source", lambda: source(WILDLIFE_ROWS))
    html = client.get("/en/classroom-data/").content.decode()
    assert "Worksheet" in html
    assert 'href="/en/classroom-data/sightings-by-month.csv"' in html
    assert "<td>Barsovy</td><td>6</td>" in html


def test_spreadsheet_formulas_are_never_written(db):
    row = {**LEAKY_ROW, "sector": "x", "sector_name": {"en": '=HYPERLINK("http://evil")'}}
    text = classroom.classroom_csv(classroom.classroom_rows(source=source([row]), language="en"))
    assert "'=HYPERLINK" in text


def test_the_wildlife_apps_function_is_used_when_present(db):
    found = classroom.wildlife_source()
    from wildlife.services import monthly_sector_counts

    assert found is monthly_sector_counts
    with translation.override("en"):
        assert classroom.classroom_rows() == []  # no published sightings in an empty database
