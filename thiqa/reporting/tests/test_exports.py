"""Exports: the PDF of an Arabic submission holds its Arabic text, shaped and in reading
order (the text is extracted from the PDF and compared); the compilation as PDF (made by
the worker: test_compilation_pdf.py), CSV and JSON; a submission as CSV with spreadsheet
formulas neutralized."""

import csv
import io

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from thiqa.reporting import compilation, exports, services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience
from thiqa.reporting.tests.conftest import ARABIC_ANSWER, arabic_client, text_of

pytestmark = pytest.mark.usefixtures("catalogue")


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
    with translation.override("ar"):
        content = exports.compilation_pdf(compilation.matrix(secretariat, gca["cycle"]), "ar")
    text = text_of(content)
    assert "التقييم الذاتي" in text and "مصر" in text  # the cycle's title and the participant
    assert "✓" in text or "◐" in text or "✗" in text  # the matrix's cells


def test_the_old_pdf_address_leads_to_the_background_pdf(gca, secretariat):
    reply = arabic_client(secretariat).get(f"/reporting/cycles/{gca['cycle'].pk}/compilation.pdf")
    assert reply.status_code == 302
    assert reply["Location"] == f"/reporting/cycles/{gca['cycle'].pk}/compilation/#pdf"


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
