"""GCI-style scoring against hand-computed examples and every tier boundary; weights, answer
values and thresholds come from the instrument's data."""

import pytest

from thiqa.reporting import instruments
from thiqa.reporting.scoring import score, tier_for

PILLARS = ["legal", "technical", "organizational", "capacity-building", "cooperation"]


def scored_instrument(weights: dict[str, list[float]], partly: float = 0.5):
    """A small scored instrument: per pillar, one indicator per weight (codes legal-1, ...)."""
    return instruments.parse(
        {
            "instrument": {
                "code": "test-index",
                "version": 1,
                "title": {"en": "T", "ar": "ت"},
                "description": {"en": "T", "ar": "ت"},
                "framework": "itu-gca",
                "requires_english": False,
                "scoring": {
                    "answer_values": {"yes": 1.0, "partly": partly, "no": 0.0},
                    "pillar_max": 20,
                    "tiers": [
                        {"code": "role-modelling", "min": 95, "en": "1", "ar": "1"},
                        {"code": "advancing", "min": 85, "en": "2", "ar": "2"},
                        {"code": "establishing", "min": 55, "en": "3", "ar": "3"},
                        {"code": "evolving", "min": 20, "en": "4", "ar": "4"},
                        {"code": "building", "min": 0, "en": "5", "ar": "5"},
                    ],
                },
            },
            "sections": [
                {
                    "code": pillar,
                    "title": {"en": pillar, "ar": pillar},
                    "pillar": pillar,
                    "questions": [
                        {
                            "code": f"{pillar}-{n}",
                            "type": "status",
                            "required": True,
                            "text": {"en": "Q", "ar": "س"},
                            "weight": weight,
                            "guidance": [f"guide-{pillar}-{n}"],
                        }
                        for n, weight in enumerate(pillar_weights, 1)
                    ],
                }
                for pillar, pillar_weights in weights.items()
            ],
        }
    )


def answers(**values: str) -> dict:
    return {code.replace("_", "-"): {"value": value} for code, value in values.items()}


def test_a_hand_computed_example():
    definition = scored_instrument(
        {
            "legal": [1, 3],
            "technical": [2, 2],
            "organizational": [1],
            "capacity-building": [1, 1, 2],
            "cooperation": [4, 1],
        }
    )
    result = score(
        definition,
        answers(
            legal_1="yes",
            legal_2="partly",  # (1×1 + 3×0.5) / 4 × 20 = 12.5
            technical_1="no",
            technical_2="yes",  # (0 + 2) / 4 × 20 = 10
            organizational_1="partly",  # 0.5 × 20 = 10
            capacity_building_1="yes",
            capacity_building_2="yes",  # (1 + 1 + 0) / 4 × 20 = 10 (the third unanswered)
            cooperation_1="yes",
            cooperation_2="partly",  # (4 + 0.5) / 5 × 20 = 18
        ),
    )
    assert result.pillars == {
        "legal": 12.5,
        "technical": 10.0,
        "organizational": 10.0,
        "capacity-building": 10.0,
        "cooperation": 18.0,
    }
    assert result.total == 60.5 and result.maximum == 100
    assert result.tier.code == "establishing"
    assert [(g.question.code, g.answer) for g in result.gaps] == [
        ("legal-2", "partly"),
        ("technical-1", "no"),
        ("organizational-1", "partly"),
        ("capacity-building-3", None),
        ("cooperation-2", "partly"),
    ]
    assert result.gaps[1].guidance == ("guide-technical-1",)


def test_weights_change_the_score():
    light = scored_instrument({p: [1, 1] for p in PILLARS})
    heavy = scored_instrument({p: [1, 3] for p in PILLARS})
    given = answers(**{f"{p.replace('-', '_')}_1": "yes" for p in PILLARS})
    assert score(light, given).total == 50.0  # 5 × (1 / 2 × 20)
    assert score(heavy, given).total == 25.0  # 5 × (1 / 4 × 20)


def test_answer_values_are_data():
    definition = scored_instrument({p: [1] for p in PILLARS}, partly=0.75)
    result = score(definition, answers(**{f"{p.replace('-', '_')}_1": "partly" for p in PILLARS}))
    assert result.total == 75.0  # 5 × 0.75 × 20
    assert result.tier.code == "establishing"


def test_nothing_answered_is_the_lowest_tier():
    result = score(scored_instrument({p: [1] for p in PILLARS}), {})
    assert result.total == 0 and result.tier.code == "building" and len(result.gaps) == 5


def test_everything_met_is_role_modelling():
    definition = scored_instrument({p: [2, 1] for p in PILLARS})
    result = score(definition, {q.code: {"value": "yes"} for q in definition.questions()})
    assert result.total == 100.0 and result.tier.code == "role-modelling" and not result.gaps


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        (100, "role-modelling"),
        (95, "role-modelling"),
        (94.99, "advancing"),
        (85, "advancing"),
        (84.99, "establishing"),
        (55, "establishing"),
        (54.99, "evolving"),
        (20, "evolving"),
        (19.99, "building"),
        (0, "building"),
    ],
)
def test_every_tier_boundary(total, tier):
    scoring = instruments.instrument("gca-self-assessment").scoring
    assert tier_for(scoring, total).code == tier


def test_an_exact_boundary_reached_through_answers():
    """Four pillars met and one at three quarters: exactly 95, role-modelling (no rounding
    error may push it below the threshold)."""
    definition = scored_instrument({p: [1, 1, 1, 1] for p in PILLARS})
    given = {q.code: {"value": "yes"} for q in definition.questions()}
    given["cooperation-4"] = {"value": "no"}
    result = score(definition, given)
    assert result.pillars["cooperation"] == 15.0 and result.total == 95.0
    assert result.tier.code == "role-modelling"


def test_the_real_instrument_scores_out_of_100():
    gca = instruments.instrument("gca-self-assessment")
    everything = {q.code: {"value": "yes"} for q in gca.questions()}
    assert score(gca, everything).total == 100.0
    half = {q.code: {"value": "partly"} for q in gca.questions()}
    assert score(gca, half).total == 50.0
