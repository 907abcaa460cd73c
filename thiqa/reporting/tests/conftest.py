"""Fixtures of the reporting room's tests: a GCA cycle with one Arabic submission, and how
to read the text of a PDF."""

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
