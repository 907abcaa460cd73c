"""Compiling the submissions a person may see: the matrix of participants x catalogue
items, how many participants implement each item, scores, comparisons, trends and search.
Everything starts from ``Response.objects.visible_to``: a submission outside a person's
audience is never counted, compared or found."""

import functools
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thiqa.accounts.models import Participant, User
from thiqa.catalogue.models import Item
from thiqa.lib import wordsearch
from thiqa.reporting.instruments import STATUSES, Instrument
from thiqa.reporting.models import Cycle, Response
from thiqa.reporting.scoring import Score, score

MAX_COMPARED = 3


@dataclass(frozen=True)
class Party:
    """The participant of a submission, as much of it as the pages show (read with the
    submission, without loading a model per row)."""

    pk: int
    code: str
    name_en: str
    name_ar: str

    @property
    def name(self) -> str:
        return self.name_ar if get_language() == "ar" else self.name_en


@dataclass(frozen=True)
class Submission:
    response_id: int
    participant: Party
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
        Submission(pk, Party(ppk, code, en, ar), answers or {}, late)
        for pk, ppk, code, en, ar, answers, late in rows
    ]


@functools.cache
def _questions_by_item(definition: Instrument) -> dict[str, tuple[str, ...]]:
    """The status questions reporting on each catalogue item (worked out once per process)."""
    by_item: dict[str, list[str]] = {}
    for question in definition.questions():
        if question.type == "status":
            for code in question.items:
                by_item.setdefault(code, []).append(question.code)
    return {code: tuple(questions) for code, questions in by_item.items()}


def item_status(answers: dict[str, Any], questions: tuple[str, ...]) -> str | None:
    """One status for an item reported on by several questions: yes if all answered yes,
    no if all answered no, partly otherwise; None if none is answered. (A plain loop: a
    compilation calls this for every participant and item.)"""
    found = None
    for question in questions:
        answer = answers.get(question)
        value = answer.get("value") if answer else None
        if value not in STATUSES:
            continue
        if found is None:
            found = value
        elif value != found:
            return "partly"
    return found


def audience_key(user: User, cycle: Cycle) -> tuple[str, int]:
    """What ``user`` sees of ``cycle``'s compilation, as a key: the SHA-256 of the submitted
    versions they may read (two viewers with the same key see the same compilation), and
    how many submissions that is."""
    visible = Response.objects.visible_to(user).filter(cycle=cycle, status=Response.Status.SUBMITTED)
    versions = sorted(visible.values_list("submitted_id", flat=True))
    return hashlib.sha256(",".join(str(v) for v in versions).encode()).hexdigest(), len(versions)


def matrix(user: User, cycle: Cycle, progress: Callable[[int, int], None] | None = None) -> Matrix:
    """The matrix over the submissions ``user`` may see; ``progress(done, total)`` is told
    after each participant."""
    definition = cycle.definition
    by_item = _questions_by_item(definition)
    items = Item.objects.only("code", "number", "title_en", "title_ar").in_bulk(
        list(by_item), field_name="code"
    )
    result = Matrix(cycle, [items[c] for c in by_item if c in items], [])
    plan = [by_item[item.code] for item in result.items]
    scored = definition.scoring is not None
    seen = submissions(user, cycle)
    for submission in seen:
        cells = [item_status(submission.answers, questions) for questions in plan]
        result.rows.append(
            Row(submission, cells, score(definition, submission.answers, gaps=False) if scored else None)
        )
        if progress is not None:
            progress(len(result.rows), len(seen))
    result.counts = [Counter(row.cells[i] for row in result.rows) for i in range(len(plan))]
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


def search(user: User, query: str, cycle: Cycle | None = None) -> QuerySet[Response]:
    """Submissions holding every analysed word of ``query`` among those ``user`` may see."""
    found = Response.objects.visible_to(user).filter(status=Response.Status.SUBMITTED)
    if cycle is not None:
        found = found.filter(cycle=cycle)
    return wordsearch.search(found, query).select_related("cycle", "participant")
