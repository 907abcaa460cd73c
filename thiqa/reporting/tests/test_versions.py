"""Instrument versions: a cycle keeps the version it opened with. A new version (published
in a copy of the data folder, as data/SCHEMA.md says) changes a question's text and weight;
the old cycle still shows, scores, compiles and exports as version 1, a new cycle uses
version 2, and trends read each cycle with its own. A published version file is never
edited: the manifest of SHA-256 digests refuses it."""

import hashlib
import io
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from thiqa.accounts.models import ParticipantGroup
from thiqa.reporting import compilation, instruments, services
from thiqa.reporting.models import Audience
from thiqa.reporting.scoring import score

pytestmark = pytest.mark.usefixtures("catalogue")
GCA = "gca-self-assessment"
PUBLISHED = instruments.DATA  # the committed data folder
NEW_TEXT = "Has the State enacted its quokka-proof cybercrime law?"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The instruments read from a copy of the data folder, which the test may publish in."""
    copy = tmp_path / "data"
    shutil.copytree(instruments.DATA, copy)
    monkeypatch.setattr(instruments, "DATA", copy)
    instruments.all_versions.cache_clear()
    yield copy
    instruments.all_versions.cache_clear()


def publish(data: Path, code: str, change: Callable[[dict], None]) -> int:
    """Publish the next version of ``code`` as the procedure says: copy the latest file,
    change it, raise its version, record its SHA-256 in the manifest."""
    latest = max(instruments.all_versions()[code])
    content = yaml.safe_load((data / code / f"v{latest}.yaml").read_text(encoding="utf-8"))
    change(content)
    content["instrument"]["version"] = latest + 1
    path = data / code / f"v{latest + 1}.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with open(data / instruments.MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {code}/{path.name}\n")
    instruments.all_versions.cache_clear()
    return latest + 1


def reword_and_reweigh(content: dict) -> None:
    first = content["sections"][0]["questions"][0]
    first["text"]["en"] = NEW_TEXT
    first["weight"] = first.get("weight", 1) * 4


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def group(participant, other_participant):
    las = ParticipantGroup.objects.create(code="LAS", kind="regional", name_en="LAS", name_ar="الجامعة")
    las.members.add(participant, other_participant)
    return las


def submitted_cycle(secretariat, focal_point, participant, group, period: str):
    """A GCA cycle with the participant's submission: the first indicator yes, the rest no."""
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument=GCA,
        title=f"GCA {period}",
        period=period,
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
        group=group,
    )
    definition = cycle.definition
    first = definition.sections[0].questions[0].code
    answers = {q.code: {"value": "yes" if q.code == first else "no"} for q in definition.questions()}
    response = services.response_for(focal_point, cycle, participant)
    services.save_draft(focal_point, response, answers=answers, language="en", audience=Audience.SCOPE)
    services.submit(focal_point, response)
    response.refresh_from_db()
    return cycle, response


def test_an_old_cycle_keeps_its_version_and_a_new_cycle_takes_the_new_one(
    data_copy, secretariat, focal_point, participant, group
):
    old, old_response = submitted_cycle(secretariat, focal_point, participant, group, "2025")
    old_text = old.definition.sections[0].questions[0].texts["en"]
    old_total = score(old.definition, old_response.submitted.answers).total

    assert publish(data_copy, GCA, reword_and_reweigh) == 2
    assert instruments.instrument(GCA).version == 2 and instruments.instrument(GCA, 1).version == 1

    old.refresh_from_db()
    assert old.instrument_version == 1 and old.definition is instruments.instrument(GCA, 1)
    client = Client()
    client.force_login(focal_point)
    page = client.get(f"/reporting/responses/{old_response.pk}/").content.decode()
    assert old_text in page and NEW_TEXT not in page
    (row,) = compilation.matrix(secretariat, old).rows
    assert row.score.total == old_total
    csv = client.get(f"/reporting/responses/{old_response.pk}/export.csv").content.decode()
    assert old_text in csv and NEW_TEXT not in csv
    pdf = pdf_text(client.get(f"/reporting/responses/{old_response.pk}/export.pdf").content)
    assert " ".join(old_text.split()[:5]) in pdf and "quokka" not in pdf
    exported = client.get(f"/reporting/responses/{old_response.pk}/export.json").json()
    assert exported["instrument"] == {"code": GCA, "version": 1}

    new, new_response = submitted_cycle(secretariat, focal_point, participant, group, "2026")
    assert new.instrument_version == 2
    new_total = score(new.definition, new_response.submitted.answers).total
    assert new_total > old_total  # the indicator answered yes weighs four times as much
    assert NEW_TEXT in client.get(f"/reporting/responses/{new_response.pk}/").content.decode()
    points = compilation.trend(secretariat, GCA)
    assert [(p.cycle.pk, p.value) for p in points] == [(old.pk, old_total), (new.pk, new_total)]

    withdrawn = services.response_for(focal_point, new, participant)
    services.withdraw(focal_point, withdrawn)
    with pytest.raises(services.InvalidResponse, match="version 1, not this cycle"):
        services.import_document(focal_point, withdrawn, exported)


def test_every_published_version_is_recorded_and_unchanged():
    recorded = instruments.recorded_digests(PUBLISHED)
    on_disk = {
        f"{path.parent.name}/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest()
        for path in PUBLISHED.glob("*/v*.yaml")
    }
    assert on_disk == recorded


def test_an_edited_or_unrecorded_version_file_is_refused(data_copy):
    version_1 = data_copy / GCA / "v1.yaml"
    version_1.write_text(
        version_1.read_text(encoding="utf-8").replace("Tier 1", "Tier One"), encoding="utf-8"
    )
    with pytest.raises(
        instruments.InstrumentError, match=r"gca-self-assessment/v1\.yaml: not the file recorded"
    ):
        instruments.all_versions()
    shutil.copy(PUBLISHED / GCA / "v1.yaml", version_1)  # put back
    instruments.all_versions.cache_clear()
    (data_copy / GCA / "v2.yaml").write_text(version_1.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(instruments.InstrumentError, match=r"v2\.yaml: not the file recorded"):
        instruments.all_versions()
