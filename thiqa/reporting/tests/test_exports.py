"""Exports: the PDF of an Arabic submission holds its Arabic text, shaped and in reading
order (the text is extracted from the PDF and compared); the compilation as PDF, CSV and
JSON; a submission as CSV with spreadsheet formulas neutralized."""

import csv
import io
import random
import re
import unicodedata
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from thiqa.accounts.models import ParticipantGroup
from thiqa.reporting import services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")
ARABIC_ANSWER = "اعتمدت الدولة استراتيجيتها الوطنية للأمن السيبراني وأنشأت فريقا وطنيا للاستجابة"


def text_of(pdf: bytes) -> str:
    """The PDF's text with Arabic presentation forms folded back to letters and spaces evened."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture
def gca(secretariat, participant, other_participant, focal_point):
    group = ParticipantGroup.objects.create(code="LAS", kind="regional", name_en="LAS", name_ar="الجامعة")
    group.members.add(participant, other_participant)
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument="gca-self-assessment",
        title="التقييم الذاتي 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
        group=group,
    )
    response = services.response_for(focal_point, cycle, participant)
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(5), 0.6, "ar")
    first = next(iter(answers))
    answers[first] = {
        "value": "partly",
        "comment": ARABIC_ANSWER,
        "english": "The State adopted its strategy.",
    }
    services.save_draft(focal_point, response, answers=answers, language="ar", audience=Audience.SCOPE)
    services.submit(focal_point, response)
    response.refresh_from_db()
    return {"cycle": cycle, "response": response, "first": first}


def arabic_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = "ar"
    return client


def test_the_pdf_of_an_arabic_submission_holds_its_arabic_text(gca, focal_point):
    reply = arabic_client(focal_point).get(f"/reporting/responses/{gca['response'].pk}/export.pdf")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert reply.content.startswith(b"%PDF-")
    text = text_of(reply.content)
    assert ARABIC_ANSWER in text
    question = instrument("gca-self-assessment").questions_by_code[gca["first"]]
    assert question.texts["ar"].split()[0] in text and "مصر" in text
    assert "The State adopted its strategy." in text  # the English translation travels too
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(reply.content)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Naskh" in f or "Arabic" in f for f in fonts), fonts


def test_the_compilation_pdf_has_the_scores_and_the_matrix(gca, secretariat):
    reply = arabic_client(secretariat).get(f"/reporting/cycles/{gca['cycle'].pk}/compilation.pdf")
    assert reply.status_code == 200
    text = text_of(reply.content)
    assert "التقييم الذاتي" in text and "مصر" in text  # the cycle's title and the participant
    assert "✓" in text or "◐" in text or "✗" in text  # the matrix's cells


def test_the_compilation_as_csv_and_json(gca, secretariat):
    client = Client()
    client.force_login(secretariat)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/reporting/cycles/{gca['cycle'].pk}/compilation.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:3] == ["participant", "participant_name", "late"] and rows[0][-1] == "tier"
    assert [r[0] for r in rows[1:]] == ["EG"]
    document = client.get(f"/reporting/cycles/{gca['cycle'].pk}/compilation.json").json()
    assert document["schema"] == "thiqa.compilation/1"
    (only,) = document["participants"]
    assert only["participant"] == "EG" and 0 <= only["score"]["total"] <= 100
    assert set(only["items"]) == set(document["items"])


def test_a_submission_as_csv_neutralizes_formulas(gca, focal_point):
    response = gca["response"]
    services.withdraw(focal_point, response)
    answers = dict(response.answers)
    answers[gca["first"]] = {"value": "yes", "comment": '=HYPERLINK("http://evil.example")'}
    services.save_draft(focal_point, response, answers=answers, language="ar", audience=Audience.SCOPE)
    client = Client()
    client.force_login(focal_point)
    content = client.get(f"/reporting/responses/{response.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    comment = next(r for r in rows if r[1] == gca["first"])[4]
    assert comment.startswith("'=")


def test_the_submission_page_shows_scores_radar_and_gaps_linked_to_guidance(gca, focal_point):
    from thiqa.reporting.scoring import score

    response = gca["response"]
    page = arabic_client(focal_point).get(f"/reporting/responses/{response.pk}/").content.decode()
    scored = score(instrument("gca-self-assessment"), response.submitted.answers)
    assert "chart-radar" in page and scored.tier.labels["ar"] in page
    first_gap = scored.gaps[0]
    assert first_gap.question.texts["ar"] in page
    assert f"/catalogue/items/{first_gap.guidance[0]}/" in page
