"""The whole catalogue as JSON (schema in docs/catalogue.md) and as CSV (one row per item)."""

import csv
import io
import json
from typing import Any

from django.db.models import Prefetch, QuerySet

from thiqa.catalogue.models import Citation, Framework, Item, Relation

EXPORT_VERSION = 1
CSV_COLUMNS = [
    "code",
    "framework",
    "number",
    "kind",
    "modality",
    "pillars",
    "themes",
    "title_en",
    "title_ar",
    "summary_en",
    "summary_ar",
    "citations",
    "parameters",
    "relations",
]


def items() -> QuerySet[Item]:
    return (
        Item.objects.filter(is_active=True)
        .select_related("framework", "kind", "modality")
        .prefetch_related(
            "pillars",
            "themes",
            Prefetch("citations", Citation.objects.order_by("order")),
            Prefetch("relations_out", Relation.objects.select_related("target")),
        )
    )


def citation_text(c: Citation) -> str:
    return f"{c.document_symbol} {c.locator}"


def item_record(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "framework": item.framework.code,
        "number": item.number,
        "kind": item.kind.code,
        "modality": item.modality.code,
        "pillars": [t.code for t in item.pillars.all()],
        "themes": [t.code for t in item.themes.all()],
        "title": {"en": item.title_en, "ar": item.title_ar},
        "summary": {"en": item.summary_en, "ar": item.summary_ar},
        "citations": [
            {"document": c.document_symbol, "locator": c.locator, "text": citation_text(c)}
            for c in item.citations.all()
        ],
        "parameters": item.parameters,
        "relations": [{"type": r.type, "target": r.target.code} for r in item.relations_out.all()],
    }


def as_data() -> dict[str, Any]:
    by_framework: dict[str, list[dict[str, Any]]] = {}
    for item in items():
        by_framework.setdefault(item.framework.code, []).append(item_record(item))
    return {
        "format": "thiqa-catalogue",
        "version": EXPORT_VERSION,
        "frameworks": [
            {
                "code": f.code,
                "title": {"en": f.title_en, "ar": f.title_ar},
                "description": {"en": f.description_en, "ar": f.description_ar},
                "version": f.version,
                "documents": [
                    {"symbol": d.symbol, "title": {"en": d.title_en, "ar": d.title_ar}}
                    for d in f.documents.all()
                ],
                "items": by_framework.get(f.code, []),
            }
            for f in Framework.objects.prefetch_related("documents")
        ],
    }


def as_json() -> str:
    return json.dumps(as_data(), ensure_ascii=False, indent=2) + "\n"


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items():
        record = item_record(item)
        writer.writerow(
            {
                **{k: record[k] for k in ("code", "framework", "number", "kind", "modality")},
                "pillars": " ".join(record["pillars"]),
                "themes": " ".join(record["themes"]),
                "title_en": item.title_en,
                "title_ar": item.title_ar,
                "summary_en": item.summary_en,
                "summary_ar": item.summary_ar,
                "citations": "; ".join(c["text"] for c in record["citations"]),
                "parameters": json.dumps(record["parameters"], ensure_ascii=False)
                if record["parameters"]
                else "",
                "relations": " ".join(f"{r['type']}:{r['target']}" for r in record["relations"]),
            }
        )
    return out.getvalue()
