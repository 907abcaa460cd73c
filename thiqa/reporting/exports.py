"""Exports of submissions and compilations: PDF (WeasyPrint, Arabic shaped right to left,
charts as the same server-side SVG as the pages), CSV and JSON."""

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from thiqa.catalogue.models import Term
from thiqa.lib.charts import bar_chart, radar_chart
from thiqa.reporting.compilation import Matrix
from thiqa.reporting.instruments import PILLARS, Instrument
from thiqa.reporting.models import Response, ResponseVersion
from thiqa.reporting.scoring import Score


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """A PDF is made from what the template holds: it never fetches anything."""
    raise URLFetchingError(f"not fetched: {url[:80]}")


def pdf(template: str, context: dict[str, Any], language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(template, {**context, "RTL": get_language_bidi(), "LANGUAGE_CODE": language})
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def pillar_labels() -> list[str]:
    """The five GCA pillars' names from the catalogue's vocabulary, in the active language."""
    names = {t.code: t.title for t in Term.objects.filter(axis=Term.Axis.PILLAR)}
    return [names.get(p, p) for p in PILLARS]


def radar(definition: Instrument, scores: list[tuple[str, Score]], title: str) -> str:
    """The five pillars of one to three participants' scores."""
    assert definition.scoring is not None
    return radar_chart(
        pillar_labels(),
        [(name, [s.pillars.get(p, 0.0) for p in PILLARS]) for name, s in scores],
        title=title,
        maximum=definition.scoring.pillar_max,
        rtl=get_language_bidi(),
    )


def compilation_context(result: Matrix) -> dict[str, Any]:
    """What the compilation page and its PDF show of ``result``, in the active language."""
    rtl = get_language_bidi()
    total = len(result.rows) or 1
    context: dict[str, Any] = {
        "cycle": result.cycle,
        "matrix": result,
        "columns": [
            {"item": item, "yes": c["yes"], "partly": c["partly"], "no": c["no"], "unanswered": c[None]}
            for item, c in zip(result.items, result.counts, strict=True)
        ],
        "implemented_chart": bar_chart(
            [
                (item.title, 100 * counts["yes"] / total)
                for item, counts in zip(result.items, result.counts, strict=True)
            ][:40],
            title=_("Share of participants that implement each item"),
            rtl=rtl,
        ),
    }
    definition = result.cycle.definition
    if definition.scoring and result.rows:
        scored = [(row.submission.participant.name, row.score) for row in result.rows]
        context["score_chart"] = bar_chart(
            sorted(((name, s.total) for name, s in scored), key=lambda pair: -pair[1])[:40],
            title=_("Total score"),
            maximum=definition.scoring.pillar_max * len(PILLARS),
            unit="",
            rtl=rtl,
        )
        context["pillar_names"] = list(zip(PILLARS, pillar_labels(), strict=True))
    return context


def compilation_pdf(result: Matrix, language: str) -> bytes:
    """The compilation as a PDF in ``language`` (its charts and labels too)."""
    with translation.override(language):
        context = compilation_context(result)
    return pdf("reporting/pdf/compilation.html", context, language)


def _csv_response(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the UTF-8 (Arabic) correctly
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Spreadsheet formulas are neutralized: a cell never starts with = + - @."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def response_csv(response: Response, version: ResponseVersion | None) -> str:
    definition = response.cycle.definition
    answers = version.answers if version else response.answers
    rows: list[list[Any]] = [
        ["section", "question", "question_text", "value", "comment", "english", "evidence"]
    ]
    for section in definition.sections:
        for question in section.questions:
            answer = answers.get(question.code) or {}
            value = answer.get("value", "")
            rows.append(
                [
                    section.code,
                    question.code,
                    question.texts["en"],
                    " ".join(value) if isinstance(value, list) else value,
                    answer.get("comment", ""),
                    answer.get("english", ""),
                    " ".join(str(e) for e in answer.get("evidence", [])),
                ]
            )
    return _csv_response(rows)


def matrix_csv(result: Matrix) -> str:
    scored = result.cycle.definition.scoring is not None
    head = ["participant", "participant_name", "late", *[i.code for i in result.items]]
    if scored:
        head += [f"score_{p}" for p in PILLARS] + ["score_total", "tier"]
    rows: list[list[Any]] = [head]
    for row in result.rows:
        line = [row.submission.participant.code, row.submission.participant.name_en, row.submission.is_late]
        line += [cell or "" for cell in row.cells]
        if row.score is not None:
            line += [row.score.pillars.get(p, 0.0) for p in PILLARS] + [row.score.total, row.score.tier.code]
        rows.append(line)
    return _csv_response(rows)


def matrix_json(result: Matrix) -> dict[str, Any]:
    cycle = result.cycle
    return {
        "schema": "thiqa.compilation/1",
        "cycle": {
            "id": cycle.pk,
            "title": cycle.title,
            "period": cycle.period,
            "instrument": cycle.instrument,
        },
        "items": [i.code for i in result.items],
        "participants": [
            {
                "participant": row.submission.participant.code,
                "late": row.submission.is_late,
                "items": {i.code: cell for i, cell in zip(result.items, row.cells, strict=True)},
                "score": (
                    {"pillars": row.score.pillars, "total": row.score.total, "tier": row.score.tier.code}
                    if row.score
                    else None
                ),
            }
            for row in result.rows
        ],
        "implemented": {
            i.code: {"yes": c["yes"], "partly": c["partly"], "no": c["no"], "unanswered": c[None]}
            for i, c in zip(result.items, result.counts, strict=True)
        },
    }
