"""Content lines, as vCard 4.0 (RFC 6350) and iCalendar (RFC 5545) write them.

Both formats share the same syntax: one property per logical line (``NAME;PARAM=x:value``),
TEXT values with backslash escapes, and lines folded so that no physical line is longer
than 75 octets, each continuation starting with one space. The directory's vCard export
and the activities' calendar feeds both write through this module, so a fix to escaping
or folding reaches both.

Folding counts octets of UTF-8, never characters: an Arabic letter is two octets, an emoji
four, and a line is never cut inside a character (a reader that unfolds would otherwise
join two halves that are each invalid UTF-8).
"""

import re
from collections.abc import Iterable

CRLF = "\r\n"
LINE_OCTETS = 75
# Control characters are not allowed in TEXT values (RFC 5545 3.3.11); tab is, and line
# breaks are written as the escape "\n".
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, comma and semicolon escaped, every line break as ``\\n``."""
    value = _CONTROL.sub("", value)
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def escape_list(values: Iterable[str]) -> str:
    """A list of TEXT values (CATEGORIES, ORG's parts use ``;``): each escaped, then joined
    with unescaped commas."""
    return ",".join(escape_text(v) for v in values)


def fold(line: str, limit: int = LINE_OCTETS) -> str:
    """Fold a content line at ``limit`` octets, never inside a UTF-8 character; continuation
    lines start with a space, which counts in the limit."""
    parts: list[str] = []
    current, size = [], 0
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return CRLF.join(parts)


def serialize(lines: Iterable[str]) -> str:
    """Logical lines as a document: each folded and ended with CRLF."""
    return "".join(fold(line) + CRLF for line in lines)
