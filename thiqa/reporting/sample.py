"""Sample submissions for the demo and the benchmark: plausible answers to every question
of an instrument, written as the services would store them (a submitted version each)."""

import random
from datetime import date
from typing import Any

from django.utils import timezone

from thiqa.accounts.models import User
from thiqa.reporting.instruments import Instrument, Question
from thiqa.reporting.models import Audience, Cycle, Response, ResponseVersion

SAMPLE_TEXT = {
    "en": "A national programme covers this area; the responsible agency reports on it every year.",
    "ar": "يغطي برنامج وطني هذا المجال، وتقدّم الجهة المسؤولة عنه تقريرًا سنويًا.",
}


def sample_answers(
    definition: Instrument, rng: random.Random, strength: float, language: str
) -> dict[str, Any]:
    """Answers to every question: a status is "yes" with probability ``strength``."""
    return {q.code: _answer(q, rng, strength, language) for q in definition.questions()}


def _answer(question: Question, rng: random.Random, strength: float, language: str) -> dict[str, Any]:
    if question.type == "status":
        roll = rng.random()
        value: Any = "yes" if roll < strength else "partly" if roll < strength + (1 - strength) / 2 else "no"
    elif question.type == "choice":
        value = rng.choice(question.choices).value
    elif question.type == "multichoice":
        value = [c.value for c in question.choices if rng.random() < 0.5] or [question.choices[0].value]
    elif question.type == "number":
        value = float(rng.randint(int(question.minimum or 0), int(min(question.maximum or 10, 10))))
    elif question.type == "date":
        value = date(2024, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    else:
        value = SAMPLE_TEXT[language]
    answer: dict[str, Any] = {"value": value}
    if language != "en" and question.type == "text":
        answer["english"] = SAMPLE_TEXT["en"]
    return answer


def fill_cycle(
    cycle: Cycle,
    author: User,
    rng: random.Random,
    *,
    strength: float = 0.6,
    share: float = 1.0,
    audience: str = Audience.SCOPE,
    skip: set[str] | None = None,
) -> int:
    """Submit a sample response for a share of the cycle's scope; returns how many."""
    definition = cycle.definition
    now = timezone.now()
    chosen = [
        p for p in cycle.scope().order_by("code") if p.code not in (skip or set()) and rng.random() < share
    ]
    responses = Response.objects.bulk_create(
        Response(
            cycle=cycle,
            participant=p,
            status=Response.Status.SUBMITTED,
            language="ar" if rng.random() < 0.3 else "en",
            audience=audience,
            updated_at=now,
            updated_by=author,
            is_sample=True,
        )
        for p in chosen
    )
    versions = ResponseVersion.objects.bulk_create(
        ResponseVersion(
            response=r,
            number=1,
            kind=ResponseVersion.Kind.SUBMITTED,
            answers=sample_answers(definition, rng, min(1.0, max(0.0, rng.gauss(strength, 0.2))), r.language),
            language=r.language,
            audience=audience,
            created_by=author,
        )
        for r in responses
    )
    for response, version in zip(responses, versions, strict=True):
        response.answers, response.submitted = version.answers, version
    Response.objects.bulk_update(responses, ["answers", "submitted"])
    return len(responses)
