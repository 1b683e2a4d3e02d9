import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from PIL import Image

from tests.wildlife.conftest import set_cell
from wildlife import services
from wildlife.models import Deployment, Highlight, ImportRun, Media, Observation


def private_files():
    root = Path(storages["private"].location)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def import_errors(source, provider="land-of-the-leopard"):
    with pytest.raises(services.ImportFailed) as failure:
        services.import_camtrap(source, provider)
    return failure.value.errors


def assert_nothing_imported():
    assert Deployment.objects.count() == 0
    assert Media.objects.count() == 0
    assert Observation.objects.count() == 0
    assert Highlight.objects.count() == 0
    assert private_files() == []


# -- valid packages ----------------------------------------------------------------------------


def test_official_example_package_imports_whole(example_package, park):
    run = services.import_camtrap(example_package, park.code)

    assert (run.deployments, run.media, run.observations) == (4, 423, 549)
    assert run.status == ImportRun.Status.SUCCEEDED
    # It has no leopards or tigers: nothing to vet.
    assert run.highlights == 0
    # The ten local frames are copied into private storage; URL media are recorded only.
    stored = Media.objects.exclude(stored_file="")
    assert stored.count() == 10
    assert len(private_files()) == 10
    url_media = Media.objects.filter(file_path__startswith="https://")
    assert url_media.count() == 413
    assert not url_media.exclude(stored_file="").exists()
    deployment = Deployment.objects.get(deployment_id="00a2c20d")
    assert str(deployment.latitude) == "43.496000"
    assert deployment.camera_id == "320"
    assert deployment.details["featureType"] == "trailGame"


def test_leopard_frames_become_highlight_candidates(imported):
    assert imported.highlights == 12
    highlight = Highlight.objects.get(individual_id="Leo 45F", observation__observation_id="o-0003")
    assert highlight.status == Highlight.Status.CANDIDATE
    assert highlight.species.slug == "leopard"
    assert highlight.media.stored_file
    # The roe deer on the same frames is kept, but is nobody's highlight.
    assert Observation.objects.filter(scientific_name="Capreolus pygargus").count() == 12
    assert not Highlight.objects.filter(observation__scientific_name="Capreolus pygargus").exists()


def test_deployments_are_placed_in_their_sector(imported):
    assert (
        Deployment.objects.get(deployment_id="dpl-3b9a-kedr-stream").sector.slug == "kedrovaya-pad"
    )


def test_reimporting_updates_and_never_duplicates(leopard_package, park, sectors):
    services.import_camtrap(leopard_package, park.code)
    highlight = Highlight.objects.get(observation__observation_id="o-0001")
    set_cell(leopard_package, "observations.csv", 2, "lifeStage", "subadult")

    second = services.import_camtrap(leopard_package, park.code)

    assert (Deployment.objects.count(), Media.objects.count(), Observation.objects.count()) == (
        4,
        12,
        24,
    )
    assert Highlight.objects.count() == 12
    assert second.highlights == 0
    assert Highlight.objects.get(observation__observation_id="o-0001").pk == highlight.pk
    assert Observation.objects.get(observation_id="o-0001").life_stage == "subadult"
    assert len(private_files()) == 12


def test_zip_with_gzipped_tables_imports(leopard_package, park, sectors, tmp_path):
    descriptor = json.loads((leopard_package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        csv_path = leopard_package / resource["path"]
        (leopard_package / (resource["path"] + ".gz")).write_bytes(
            gzip.compress(csv_path.read_bytes())
        )
        csv_path.unlink()
        resource["path"] += ".gz"
    (leopard_package / "datapackage.json").write_text(json.dumps(descriptor))
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in leopard_package.rglob("*"):
            zipped.write(path, "export/" + path.relative_to(leopard_package).as_posix())

    run = services.import_camtrap(archive, park.code)

    assert (run.deployments, run.media, run.observations) == (4, 12, 24)


def test_the_command_imports_and_reports(example_package, park, capsys):
    call_command("import_camtrap", str(example_package / "datapackage.json"), provider=park.code)
    out, err = capsys.readouterr()
    assert "4 deployments, 423 media, 549 observations" in out
    assert "observations: 549 rows" in err


def test_the_command_lists_problems_and_fails(example_package, park, capsys):
    set_cell(example_package, "media.csv", 5, "timestamp", "yesterday")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_camtrap", str(example_package), provider=park.code)
    assert "media.csv:5:timestamp:" in capsys.readouterr().err
    assert Media.objects.count() == 0


# -- bad input: one error each, with its place, and nothing imported ---------------------------


@pytest.mark.parametrize(
    ("file_name", "line", "column", "value", "expected"),
    [
        (
            "deployments.csv",
            3,
            "latitude",
            "north",
            "deployments.csv:3:latitude: 'north' is not a number",
        ),
        (
            "deployments.csv",
            2,
            "latitude",
            "91",
            "deployments.csv:2:latitude: 91 is above the maximum 90",
        ),
        (
            "deployments.csv",
            4,
            "deploymentStart",
            "2020-05-30",
            "deployments.csv:4:deploymentStart:",
        ),
        (
            "deployments.csv",
            2,
            "featureType",
            "motorway",
            "deployments.csv:2:featureType: 'motorway' is not one of",
        ),
        (
            "deployments.csv",
            3,
            "deploymentID",
            "00a2c20d",
            "deployments.csv:3:deploymentID: '00a2c20d' repeats line 2",
        ),
        ("media.csv", 7, "filePublic", "maybe", "media.csv:7:filePublic: 'maybe' is not a boolean"),
        (
            "media.csv",
            9,
            "deploymentID",
            "nowhere",
            "media.csv:9:deploymentID: 'nowhere' is not a deployment",
        ),
        ("media.csv", 11, "fileMediatype", "text/plain", "media.csv:11:fileMediatype:"),
        (
            "media.csv",
            12,
            "filePath",
            "../../etc/passwd",
            "media.csv:12:filePath: '../../etc/passwd' does not match",
        ),
        ("media.csv", 13, "mediaID", "", "media.csv:13:mediaID: is required"),
        (
            "observations.csv",
            5,
            "observationType",
            "ghost",
            "observations.csv:5:observationType: 'ghost' is not one of",
        ),
        (
            "observations.csv",
            6,
            "count",
            "two",
            "observations.csv:6:count: 'two' is not an integer",
        ),
        (
            "observations.csv",
            7,
            "mediaID",
            "no-such-media",
            "observations.csv:7:mediaID: 'no-such-media' is not a media file",
        ),
        (
            "observations.csv",
            550,
            "classificationProbability",
            "1.5",
            "observations.csv:550:classificationProbability: 1.5 is above the maximum 1",
        ),
        (
            "observations.csv",
            8,
            "lifeStage",
            "elderly",
            "observations.csv:8:lifeStage: 'elderly' is not one of",
        ),
    ],
)
def test_each_bad_value_is_reported_with_its_place(
    example_package, park, file_name, line, column, value, expected
):
    set_cell(example_package, file_name, line, column, value)

    errors = import_errors(example_package)

    assert any(error.startswith(expected) for error in errors), errors
    assert_nothing_imported()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_an_error_on_the_last_row_rolls_back_everything_before_it(leopard_package, park, sectors):
    set_cell(leopard_package, "observations.csv", 25, "eventEnd", "soon")

    errors = import_errors(leopard_package)

    assert errors == [
        "observations.csv:25:eventEnd: 'soon' is not a date and time with a time zone "
        "(2024-05-17T21:04:00+10:00)"
    ]
    # The deployments and media (and their files) written before the error are gone.
    assert_nothing_imported()


def test_a_failed_reimport_leaves_the_earlier_import_intact(leopard_package, park, sectors):
    services.import_camtrap(leopard_package, park.code)
    set_cell(leopard_package, "deployments.csv", 2, "cameraID", "CHANGED")
    set_cell(leopard_package, "observations.csv", 3, "lifeStage", "elderly")

    import_errors(leopard_package)

    assert Deployment.objects.get(deployment_id="dpl-7c1e-north-ridge").camera_id == "TRAP-SN-8841"
    assert len(private_files()) == 12


def test_malformed_csv_is_reported(example_package, park):
    with open(example_package / "observations.csv", "a", encoding="utf-8") as table:
        table.write('x1,00a2c20d,,,"2020-05-30T02:57:37Z,unterminated\n')
    errors = import_errors(example_package)
    assert errors[0].startswith("observations.csv:551:-: malformed CSV")
    assert_nothing_imported()


def test_missing_required_column(example_package, park):
    text = (example_package / "deployments.csv").read_text().replace("latitude,", "lat,", 1)
    (example_package / "deployments.csv").write_text(text)
    errors = import_errors(example_package)
    assert "deployments.csv:1:latitude: required column missing from the header" in errors


def test_missing_media_file(example_package, park):
    (example_package / "media" / "20210531082540-RCNX0038.JPG").unlink()
    errors = import_errors(example_package)
    assert len(errors) == 1
    assert errors[0].startswith("media.csv:")
    assert ":filePath: 'media/20210531082540-RCNX0038.JPG' is not in the package" in errors[0]
    assert_nothing_imported()


def test_a_file_that_is_not_an_image(example_package, park):
    (example_package / "media" / "20210531082538-RCNX0031.JPG").write_bytes(
        b"MZ\x90\x00 not a jpeg"
    )
    errors = import_errors(example_package)
    assert "not a readable image" in errors[0]
    assert ":filePath:" in errors[0]
    assert_nothing_imported()


def test_a_truncated_image(example_package, park):
    path = example_package / "media" / "20210531082538-RCNX0032.JPG"
    path.write_bytes(path.read_bytes()[:20_000])
    errors = import_errors(example_package)
    assert "media/20210531082538-RCNX0032.JPG" in errors[0]
    assert "not a readable image" in errors[0]
    assert_nothing_imported()


def test_a_decompression_bomb(example_package, park):
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG", optimize=True)
    assert len(bomb.getvalue()) < 200_000  # small on disk, 400 million pixels in memory
    (example_package / "media" / "20210531082539-RCNX0033.JPG").write_bytes(bomb.getvalue())
    errors = import_errors(example_package)
    assert "too large" in errors[0] or "larger than" in errors[0]
    assert_nothing_imported()


def test_a_zip_with_a_path_outside_its_folder(leopard_package, park, sectors, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in leopard_package.rglob("*"):
            zipped.write(path, path.relative_to(leopard_package).as_posix())
        zipped.writestr("../../outside.txt", "escaped")
    errors = import_errors(archive)
    assert "outside its folder" in errors[0]
    assert not (tmp_path.parent / "outside.txt").exists()
    assert_nothing_imported()


def test_a_descriptor_that_is_not_camtrap_dp(example_package, park):
    descriptor = json.loads((example_package / "datapackage.json").read_text())
    del descriptor["project"]
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "media"]
    (example_package / "datapackage.json").write_text(json.dumps(descriptor))
    errors = import_errors(example_package)
    assert "datapackage.json:-:project: is required" in errors
    assert "datapackage.json:-:resources[media]: is required" in errors


def test_an_unknown_provider(example_package, db):
    assert import_errors(example_package, provider="nobody") == [
        "-:-:provider: no data provider with the code 'nobody'"
    ]


def test_a_folder_without_a_package(tmp_path, park):
    errors = import_errors(tmp_path)
    assert "no datapackage.json" in errors[0]


def test_errors_stop_after_a_limit(example_package, park):
    text = (example_package / "observations.csv").read_text().replace(",animal,", ",beast,")
    (example_package / "observations.csv").write_text(text)
    errors = import_errors(example_package)
    assert len(errors) == 201
    assert errors[-1].startswith("stopped after 200 errors")


def test_table_files_stay_in_the_package(example_package, park, tmp_path):
    (tmp_path / "secret.csv").write_text("deploymentID\nx\n")
    descriptor = json.loads((example_package / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../secret.csv"
    (example_package / "datapackage.json").write_text(json.dumps(descriptor))
    errors = import_errors(example_package)
    assert errors == ["../secret.csv:0:-: file missing (../secret.csv: outside the package)"]
