"""Scoring of a scored instrument (the GCA self-assessment), the way the ITU Global
Cybersecurity Index scores: each pillar out of ``pillar_max`` from its indicators' weighted
answers, the total as their sum, and a tier from the thresholds. Weights, answer values and
thresholds are the instrument's data."""

import functools
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


@functools.cache
def _plan(definition: Instrument) -> tuple[tuple[tuple[str, Question], ...], dict[str, float]]:
    """Each indicator with its pillar, and each pillar's total weight (an instrument is
    immutable, so this is worked out once per process)."""
    indicators = tuple((s.pillar or "", q) for s in definition.sections for q in s.questions)
    weights: dict[str, float] = {}
    for pillar, question in indicators:
        weights[pillar] = weights.get(pillar, 0.0) + question.weight
    return indicators, weights


def score(definition: Instrument, answers: dict[str, Any], *, gaps: bool = True) -> Score:
    """The scores of ``answers`` (unanswered indicators count as "no"); ``gaps=False``
    leaves out the list of unmet indicators (a compilation of many participants)."""
    scoring = definition.scoring
    if scoring is None:
        raise ValueError(f"{definition.code} is not a scored instrument")
    indicators, weights = _plan(definition)
    values = scoring.answer_values
    earned = dict.fromkeys(weights, 0.0)
    unmet = []
    for pillar, question in indicators:
        answer = answers.get(question.code)
        value = answer.get("value") if answer else None
        earned[pillar] += question.weight * values.get(value, 0.0)
        if gaps and value != "yes":
            unmet.append(Gap(question, value, question.guidance))
    pillars = {
        p: round(scoring.pillar_max * earned[p] / weights[p], PRECISION) for p in PILLARS if p in weights
    }
    total = round(sum(pillars.values()), PRECISION)
    return Score(pillars, total, scoring.pillar_max * len(pillars), tier_for(scoring, total), tuple(unmet))


def tier_for(scoring: Scoring, total: float) -> Tier:
    """The highest tier whose threshold ``total`` reaches."""
    return next(t for t in scoring.tiers if total >= t.minimum)
