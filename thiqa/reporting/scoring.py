"""Scoring of a scored instrument (the GCA self-assessment), the way the ITU Global
Cybersecurity Index scores: each pillar out of ``pillar_max`` from its indicators' weighted
answers, the total as their sum, and a tier from the thresholds. Weights, answer values and
thresholds are the instrument's data."""

from dataclasses import dataclass
from typing import Any

from thiqa.reporting.instruments import PILLARS, Instrument, Question, Scoring, Tier

PRECISION = 2  # scores are shown and compared to the tiers' thresholds at two decimals


@dataclass(frozen=True)
class Gap:
    """An indicator not fully met, with the catalogue guidance that addresses it."""

    question: Question
    answer: str | None  # "partly", "no", or None when unanswered
    guidance: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    pillars: dict[str, float]  # pillar code → score out of pillar_max, in the instrument's order
    total: float
    maximum: float
    tier: Tier
    gaps: tuple[Gap, ...]


def score(definition: Instrument, answers: dict[str, Any]) -> Score:
    """The scores of ``answers`` (unanswered indicators count as "no")."""
    scoring = definition.scoring
    if scoring is None:
        raise ValueError(f"{definition.code} is not a scored instrument")
    weights: dict[str, float] = {}
    earned: dict[str, float] = {}
    gaps = []
    for section in definition.sections:
        pillar = section.pillar or ""
        for question in section.questions:
            value = (answers.get(question.code) or {}).get("value")
            weights[pillar] = weights.get(pillar, 0.0) + question.weight
            earned[pillar] = earned.get(pillar, 0.0) + question.weight * scoring.answer_values.get(value, 0.0)
            if value != "yes":
                gaps.append(Gap(question, value, question.guidance))
    pillars = {
        p: round(scoring.pillar_max * earned[p] / weights[p], PRECISION) for p in PILLARS if p in weights
    }
    total = round(sum(pillars.values()), PRECISION)
    return Score(pillars, total, scoring.pillar_max * len(pillars), tier_for(scoring, total), tuple(gaps))


def tier_for(scoring: Scoring, total: float) -> Tier:
    """The highest tier whose threshold ``total`` reaches."""
    return next(t for t in scoring.tiers if total >= t.minimum)
