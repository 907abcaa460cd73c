"""What changed between two states of a response, question by question, with the words of
changed texts marked (for the editor's "compare with the previous submission")."""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from thiqa.reporting.instruments import Instrument, Question

_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Change:
    question: Question
    kind: str  # added, removed or changed
    before: dict[str, Any]
    after: dict[str, Any]
    marked: SafeString  # the new text with <ins>/<del> marks, or empty


def compare_answers(definition: Instrument, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes = []
    for question in definition.questions():
        old, new = before.get(question.code) or {}, after.get(question.code) or {}
        if old == new:
            continue
        kind = "added" if not old else "removed" if not new else "changed"
        changes.append(Change(question, kind, old, new, _marked(_text(old), _text(new))))
    return changes


def _text(answer: dict[str, Any]) -> str:
    value = answer.get("value", "")
    value = " ".join(value) if isinstance(value, list) else str(value)
    return "\n".join(part for part in (value, answer.get("comment", ""), answer.get("english", "")) if part)


def _marked(old: str, new: str) -> SafeString:
    """``new`` with the words it added in <ins> and those it removed in <del>."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(out))  # noqa: S308 -- every piece of text is escaped above
