"""Compiling the submissions a person may see: the matrix of participants x catalogue
items, how many participants implement each item, scores, comparisons, trends and search.
Everything starts from ``Response.objects.visible_to``: a submission outside a person's
audience is never counted, compared or found."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from thiqa.accounts.models import Participant, User
from thiqa.catalogue.models import Item
from thiqa.lib.text import analyze
from thiqa.reporting.instruments import STATUSES, Instrument
from thiqa.reporting.models import Cycle, Response
from thiqa.reporting.scoring import Score, score

MAX_QUERY = 500
MAX_COMPARED = 3


@dataclass(frozen=True)
class Submission:
    response_id: int
    participant: Participant
    answers: dict[str, Any]
    is_late: bool


@dataclass
class Row:
    submission: Submission
    cells: list[str | None]  # per item: yes, partly, no, or None (not answered)
    score: Score | None = None

    @property
    def implemented(self) -> int:
        return sum(1 for cell in self.cells if cell == "yes")


@dataclass
class Matrix:
    cycle: Cycle
    items: list[Item]
    rows: list[Row]
    counts: list[Counter] = field(default_factory=list)  # per item: yes / partly / no / None


def submissions(user: User, cycle: Cycle) -> list[Submission]:
    """The submitted versions of ``cycle`` that ``user`` may see, by participant name."""
    visible = Response.objects.visible_to(user).filter(cycle=cycle, status=Response.Status.SUBMITTED)
    rows = visible.order_by("participant__name_en").values_list(
        "pk",
        "participant__pk",
        "participant__code",
        "participant__name_en",
        "participant__name_ar",
        "submitted__answers",
        "is_late",
    )
    return [
        Submission(pk, Participant(pk=ppk, code=code, name_en=en, name_ar=ar), answers or {}, late)
        for pk, ppk, code, en, ar, answers, late in rows
    ]


def _questions_by_item(definition: Instrument) -> dict[str, list[str]]:
    by_item: dict[str, list[str]] = {}
    for question in definition.questions():
        if question.type == "status":
            for code in question.items:
                by_item.setdefault(code, []).append(question.code)
    return by_item


def item_status(answers: dict[str, Any], questions: list[str]) -> str | None:
    """One status for an item reported on by several questions: yes if all answered yes,
    no if all answered no, partly otherwise; None if none is answered."""
    values = [v for v in ((answers.get(q) or {}).get("value") for q in questions) if v in STATUSES]
    if not values:
        return None
    if all(v == "yes" for v in values):
        return "yes"
    if all(v == "no" for v in values):
        return "no"
    return "partly"


def matrix(user: User, cycle: Cycle) -> Matrix:
    definition = cycle.definition
    by_item = _questions_by_item(definition)
    codes = list(by_item)
    items = Item.objects.in_bulk(codes, field_name="code")
    result = Matrix(cycle, [items[c] for c in codes if c in items], [])
    codes = [item.code for item in result.items]
    for submission in submissions(user, cycle):
        cells = [item_status(submission.answers, by_item[code]) for code in codes]
        scored = score(definition, submission.answers) if definition.scoring else None
        result.rows.append(Row(submission, cells, scored))
    result.counts = [Counter(row.cells[i] for row in result.rows) for i in range(len(codes))]
    return result


def compare(user: User, cycle: Cycle, codes: list[str]) -> list[Submission]:
    """Up to three participants' visible submissions side by side, in the order asked."""
    if len(codes) > MAX_COMPARED:
        raise ValueError(_("Compare at most %(limit)d participants.") % {"limit": MAX_COMPARED})
    found = {s.participant.code: s for s in submissions(user, cycle) if s.participant.code in codes}
    return [found[c] for c in codes if c in found]


@dataclass(frozen=True)
class TrendPoint:
    cycle: Cycle
    submissions: int
    value: float | None  # mean total score (scored instruments) or mean share of items implemented, in %


def trend(user: User, instrument: str, participant: Participant | None = None) -> list[TrendPoint]:
    """Year over year: each cycle of ``instrument`` (oldest first), over the submissions the
    person may see, or one participant's."""
    points = []
    for cycle in Cycle.objects.filter(instrument=instrument).order_by("opens_on", "pk"):
        seen = submissions(user, cycle)
        if participant is not None:
            seen = [s for s in seen if s.participant.pk == participant.pk]
        points.append(TrendPoint(cycle, len(seen), _mean([_value(cycle.definition, s) for s in seen])))
    return points


def _value(definition: Instrument, submission: Submission) -> float:
    if definition.scoring:
        return score(definition, submission.answers).total
    by_item = _questions_by_item(definition)
    if not by_item:
        return 0.0
    done = sum(1 for questions in by_item.values() if item_status(submission.answers, questions) == "yes")
    return round(100 * done / len(by_item), 1)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


class QueryError(ValueError):
    """A search that cannot be run; the message is translated."""


def search(user: User, query: str, cycle: Cycle | None = None) -> QuerySet[Response]:
    """Submissions holding every analysed word of ``query`` among those ``user`` may see."""
    if len(query) > MAX_QUERY:
        raise QueryError(_("The search is too long (at most %(limit)d characters).") % {"limit": MAX_QUERY})
    found = Response.objects.visible_to(user).filter(status=Response.Status.SUBMITTED)
    if cycle is not None:
        found = found.filter(cycle=cycle)
    terms = list(dict.fromkeys(analyze(query)))
    if not terms:
        return found.none()
    for term in terms:
        found = found.filter(search_terms__contains=f" {term} ")
    return found.select_related("cycle", "participant")
