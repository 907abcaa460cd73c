"""Figures of check rounds: response rate, time to acknowledge, unreachable addresses,
per participant and per group, and the trend across rounds."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.checks.models import CheckRound, Ping


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least ``share`` of the values
    at or below it); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass
class Figures:
    pinged: int = 0
    acknowledged: int = 0
    unreachable: int = 0
    uncertain: int = 0
    waiting: int = 0
    hours: list[float] = field(default_factory=list, repr=False)

    def add(self, ping: Ping) -> None:
        self.pinged += 1
        status = ping.status
        if status == "acknowledged" and ping.acknowledged_at <= ping.round.deadline:
            self.acknowledged += 1
            if ping.sent_at:
                seconds = max((ping.acknowledged_at - ping.sent_at).total_seconds(), 0)
                self.hours.append(seconds / 3600)
        elif status == "unreachable":
            self.unreachable += 1
        elif status == "uncertain":
            self.uncertain += 1
        else:
            self.waiting += 1

    @property
    def rate(self) -> float:
        return round(100 * self.acknowledged / self.pinged, 1) if self.pinged else 0.0

    @property
    def median_hours(self) -> float | None:
        return _round(percentile(self.hours, 0.5))

    @property
    def p90_hours(self) -> float | None:
        return _round(percentile(self.hours, 0.9))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _results_visible(user: User, participants: Any) -> list[int]:
    """Ids of ``participants`` whose results the policy (``checks.view_results``) shows ``user``."""
    return [p.pk for p in participants if policy.can(user, "checks.view_results", p)]


def visible_pings(user: User, check: CheckRound) -> Any:
    """The round's pings of the participants whose results ``user`` may see."""
    pings = check.pings.select_related("message", "participant", "contact", "round")
    if policy.can(user, "checks.view_results", None):
        return pings
    pinged = Participant.objects.filter(pk__in=check.pings.values("participant_id"))
    return pings.filter(participant_id__in=_results_visible(user, pinged))


def visible_rounds(user: User) -> Any:
    """Rounds that pinged a participant whose results ``user`` may see."""
    rounds = CheckRound.objects.select_related("group", "started_by")
    if policy.can(user, "checks.view_results", None):
        return rounds
    own = Participant.objects.filter(pk__in=list(policy.roles_of(user)))
    return rounds.filter(pings__participant_id__in=_results_visible(user, own)).distinct()


@dataclass
class RoundResults:
    overall: Figures
    by_participant: list[tuple[Any, Figures]]
    by_group: list[tuple[ParticipantGroup, Figures]]
    unreachable: list[Ping]


def round_results(pings: Iterable[Ping]) -> RoundResults:
    overall = Figures()
    by_participant: dict[int, Figures] = defaultdict(Figures)
    participants: dict[int, Any] = {}
    unreachable = []
    for ping in pings:
        overall.add(ping)
        by_participant[ping.participant_id].add(ping)
        participants[ping.participant_id] = ping.participant
        if ping.unreachable_addresses:
            unreachable.append(ping)
    by_group = []
    memberships = ParticipantGroup.members.through.objects.filter(participant_id__in=list(participants))
    group_members: dict[int, list[int]] = defaultdict(list)
    for row in memberships.values_list("participantgroup_id", "participant_id"):
        group_members[row[0]].append(row[1])
    for group in ParticipantGroup.objects.filter(pk__in=list(group_members)).order_by("name_en"):
        figures = Figures()
        for pid in group_members[group.pk]:
            _merge(figures, by_participant[pid])
        by_group.append((group, figures))
    ordered = sorted(participants.values(), key=lambda p: p.name_en)
    return RoundResults(overall, [(p, by_participant[p.pk]) for p in ordered], by_group, unreachable)


def _merge(into: Figures, other: Figures) -> None:
    into.pinged += other.pinged
    into.acknowledged += other.acknowledged
    into.unreachable += other.unreachable
    into.uncertain += other.uncertain
    into.waiting += other.waiting
    into.hours.extend(other.hours)


def trend(user: User, limit: int = 12) -> list[tuple[CheckRound, Figures]]:
    """Response rate of the latest rounds, oldest first, as ``user`` may see them."""
    rounds = list(visible_rounds(user).exclude(status=CheckRound.Status.PREPARING)[:limit])
    rows = []
    for check in reversed(rounds):
        figures = Figures()
        for ping in visible_pings(user, check):
            figures.add(ping)
        rows.append((check, figures))
    return rows
