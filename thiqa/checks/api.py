"""API: check rounds and their results, as the caller may see them."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from thiqa.accounts import policy
from thiqa.checks import results
from thiqa.checks.models import CheckRound

router = Router(tags=["checks"])


class FiguresOut(Schema):
    pinged: int
    acknowledged: int
    unreachable: int
    uncertain: int
    waiting: int
    response_rate: float
    median_hours: float | None
    p90_hours: float | None


class RoundOut(Schema):
    id: int
    title: str
    status: str
    started_at: datetime
    deadline: datetime
    group: str | None
    roles: list[str]
    results: FiguresOut


class ParticipantResultOut(Schema):
    participant: str
    results: FiguresOut


class GroupResultOut(Schema):
    group: str
    results: FiguresOut


class RoundResultsOut(RoundOut):
    participants: list[ParticipantResultOut]
    groups: list[GroupResultOut]
    unreachable_addresses: list[str]


def _figures(f: results.Figures) -> dict[str, Any]:
    return {
        "pinged": f.pinged,
        "acknowledged": f.acknowledged,
        "unreachable": f.unreachable,
        "uncertain": f.uncertain,
        "waiting": f.waiting,
        "response_rate": f.rate,
        "median_hours": f.median_hours,
        "p90_hours": f.p90_hours,
    }


def _round(check: CheckRound, figures: results.Figures) -> dict[str, Any]:
    return {
        "id": check.pk,
        "title": check.title,
        "status": check.status,
        "started_at": check.started_at,
        "deadline": check.deadline,
        "group": check.group.code if check.group else None,
        "roles": check.roles,
        "results": _figures(figures),
    }


@router.get("/rounds", response=list[RoundOut])
def rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """The latest rounds (oldest first), with the figures the caller may see."""
    policy.require_request(request, "checks.list")
    return [_round(check, figures) for check, figures in results.trend(request.user, limit=50)]


@router.get("/rounds/{round_id}", response=RoundResultsOut)
def round_results(request: HttpRequest, round_id: int) -> dict[str, Any]:
    policy.require_request(request, "checks.list")
    check = get_object_or_404(results.visible_rounds(request.user), pk=round_id)
    outcome = results.round_results(results.visible_pings(request.user, check))
    return {
        **_round(check, outcome.overall),
        "participants": [{"participant": p.code, "results": _figures(f)} for p, f in outcome.by_participant],
        "groups": [{"group": g.code, "results": _figures(f)} for g, f in outcome.by_group],
        "unreachable_addresses": [a for ping in outcome.unreachable for a in ping.unreachable_addresses],
    }
