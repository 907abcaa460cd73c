"""JSON Schema of a framework file (see data/SCHEMA.md)."""

from typing import Any

BILINGUAL = {
    "type": "object",
    "required": ["en", "ar"],
    "additionalProperties": False,
    "properties": {
        "en": {"type": "string", "minLength": 1, "pattern": r"\S"},
        "ar": {"type": "string", "minLength": 1, "pattern": r"[\u0600-\u06FF]"},
    },
}
CODE = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}


def framework_schema(vocabulary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def one_of(axis: str) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(vocabulary[axis])}

    citation = {
        "type": "object",
        "required": ["document", "locator"],
        "additionalProperties": False,
        "properties": {
            "document": {"type": "string", "minLength": 1},
            "locator": {"type": "string", "minLength": 1, "maxLength": 120},
            "lines": {"type": ["string", "null"], "pattern": r"^\d+-\d+$"},
            "anchor": {"type": ["string", "null"], "minLength": 2, "maxLength": 300},
        },
    }
    item = {
        "type": "object",
        "required": ["code", "number", "kind", "modality", "title", "summary", "citations"],
        "additionalProperties": False,
        "properties": {
            "code": CODE,
            "number": {"type": "string", "minLength": 1, "maxLength": 60},
            "kind": one_of("kind"),
            "modality": one_of("modality"),
            "pillars": {"type": "array", "items": one_of("pillar"), "uniqueItems": True},
            "themes": {"type": "array", "items": one_of("theme"), "uniqueItems": True},
            "title": BILINGUAL,
            "summary": BILINGUAL,
            "citations": {"type": "array", "minItems": 1, "items": citation},
            "parameters": {"type": "object"},
            "relations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "target"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": ["equivalent", "related", "implements", "refines"]},
                        "target": CODE,
                    },
                },
            },
        },
    }
    return {
        "type": "object",
        "required": ["framework", "items"],
        "additionalProperties": False,
        "properties": {
            "framework": {
                "type": "object",
                "required": ["code", "title", "documents", "version"],
                "additionalProperties": False,
                "properties": {
                    "code": CODE,
                    "title": BILINGUAL,
                    "description": BILINGUAL,
                    "version": {"type": "integer", "minimum": 1},
                    "documents": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["symbol", "title"],
                            "additionalProperties": False,
                            "properties": {
                                "symbol": {"type": "string", "minLength": 1},
                                "title": BILINGUAL,
                                "source_file": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            },
            "items": {"type": "array", "minItems": 1, "items": item},
        },
    }
