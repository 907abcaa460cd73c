"""Splitting a document's text into passages that keep the source's own locators.

Generic rules, no per-file configuration:

- numbered paragraphs ("26 - ...", "1. ...", "12.2<tab>..."), lettered sub-paragraphs
  ("(أ)", "ب)", "(a)") and numbered measures after an introduction that names CBMs
  ("CBM 8"); Arabic letters map to the Latin order (أ=a, ب=b, ج=c...);
- dotted numbers printed right to left ("12.2" for section 2, paragraph 12) are detected
  per document (consecutive paragraphs keep the *second* part) and stored as "2.12";
- damage: a document that holds two copies of the same text keeps the cleaner copy (the
  other is excluded and never yields passages); page headers repeated on many pages are
  dropped; lines whose word order looks reversed (PDF columns) are counted in the notes.

Line numbers are 1-based line numbers of the text as given.
"""

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from thiqa.library.reading import detect_language

MAX_PASSAGE = 1800  # characters; longer runs are split between lines
SHORT = 300  # a passage this short takes the next paragraph in

_TATWEEL = "\u0640"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670]")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_LETTERS = {
    "أ": "a",
    "ا": "a",
    "ب": "b",
    "ج": "c",
    "د": "d",
    "ه": "e",
    "هـ": "e",
    "ﻫ": "e",
    "ﻫـ": "e",
    "و": "f",
    "ز": "g",
    "ح": "h",
    "ط": "i",
    "ي": "j",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_ORDINALS = "أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا"

RE_DASH_NUMBER = re.compile(r"^(\d{1,3})\s*[-–]\s+\S")
RE_DOT_NUMBER = re.compile(r"^(\d{1,3})\.\s+\S")
RE_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\s|$)")
RE_LETTER_AR = re.compile(r"^\(?\s*(هـ|ﻫـ|[أابجدهﻫوزحطيكلمن])\s*\)\s*")
RE_LETTER_EN = re.compile(r"^\(([a-n])\)\s+")
RE_HEADING = re.compile(
    rf"^(#+\s|القسم\s*\d|(?:{_ORDINALS})ً?\s*[-–:]|(?:Section|Annex|ANNEX|SECTION)\b|المرفق\b)"
)
_SENTENCE_END = (".", "؟", "?", "!", ":", "؛", ";", "،", ",")


@dataclass
class Draft:
    locator: str
    heading: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    heading_only: bool = False

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines)

    @property
    def size(self) -> int:
        return sum(len(t) + 1 for _, t in self.lines)


@dataclass(frozen=True)
class PassageDraft:
    order: int
    locator: str
    heading: str
    language: str
    text: str
    first_line: int
    last_line: int


@dataclass
class Split:
    passages: list[PassageDraft]
    notes: list[str]
    excluded: list[tuple[int, int]]  # 1-based inclusive line ranges never used


# --- normalisation -----------------------------------------------------------------


def normalize_digits(text: str) -> str:
    return text.translate(_DIGITS)


def words(line: str) -> list[str]:
    cleaned = _DIACRITICS.sub("", line.replace(_TATWEEL, "")).translate(_DIGITS).lower()
    return re.findall(r"\w+", cleaned)


def _bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(tokens))


def clean_line(line: str) -> str:
    return _BOOKMARK.sub("", line).strip()


# --- damage --------------------------------------------------------------------------


def _damaged(line: str) -> bool:
    """Signs of a layout (PDF column) copy: justification tatweels, Arabic-Indic digits,
    or a short fragment padded with runs of spaces."""
    stripped = line.strip()
    if not stripped:
        return False
    if _TATWEEL in stripped and re.search(r"\S\u0640|\u0640\S", stripped) and stripped.count(_TATWEEL) >= 2:
        return True
    if re.search(r"[٠-٩]", stripped):
        return True
    return len(stripped) < 120 and "   " in line


def _find_copies(lines: list[str], tokens: list[list[str]]) -> tuple[int, int, int, int, float] | None:
    """Two copies of the same text: (damaged_first, damaged_last, clean_first, clean_last, share)
    as 0-based inclusive indexes, or None. The copies are the two sides of one split point; the
    smaller side must find most of its word pairs in the larger one."""
    n = len(lines)
    total = sum(len(t) for t in tokens)
    if total < 200:
        return None
    cumulative = [0]
    for t in tokens:
        cumulative.append(cumulative[-1] + len(t))
    best: tuple[float, int] | None = None
    step = max(1, n // 150)
    for k in range(1, n, step):
        left = cumulative[k]
        if min(left, total - left) < 0.1 * total:
            continue
        a = {b for t in tokens[:k] for b in _bigrams(t)}
        b = {b for t in tokens[k:] for b in _bigrams(t)}
        small, large = (a, b) if left < total - left else (b, a)
        share = len(small & large) / max(1, len(small))
        if best is None or share > best[0]:
            best = (share, k)
    if best is None or best[0] < 0.6:
        return None
    # Refine the boundary where the damage signs change (a change point on the line flags).
    flags = [
        (i, 1 if _damaged(line) or len(line.strip()) < 100 else 0)
        for i, line in enumerate(lines)
        if line.strip()
    ]
    if not flags:
        return None
    best_k, best_score = best[1], None
    for direction in (1, -1):
        running = 0.0
        prefix = []
        for _, flag in flags:
            running += direction * (flag - 0.5)
            prefix.append(running)
        total_score = prefix[-1]
        for j in range(len(flags) - 1):
            score = prefix[j] - (total_score - prefix[j])
            if best_score is None or score > best_score[0]:
                best_score = (score, flags[j + 1][0], direction)
    if best_score is None:
        return None
    _, best_k, direction = best_score
    first_side = [f for i, f in flags if i < best_k]
    second_side = [f for i, f in flags if i >= best_k]
    if not first_side or not second_side:
        return None
    rates = (sum(first_side) / len(first_side), sum(second_side) / len(second_side))
    if abs(rates[0] - rates[1]) < 0.3:
        return None
    last = flags[-1][0]
    if rates[0] > rates[1]:
        # Clean paragraphs just before the change point (a summary, a contents list) belong to the
        # clean copy: walk back over lines without layout damage that open like paragraphs.
        while best_k > 1 and (
            not lines[best_k - 1].strip()
            or (not _damaged(lines[best_k - 1]) and lines[best_k - 1].lstrip(" ").startswith("\t"))
        ):
            best_k -= 1
        while not lines[best_k].strip():
            best_k += 1
        return 0, best_k - 1, best_k, last, best[0]
    return best_k, last, 0, best_k - 1, best[0]


def _reversal_share(side: list[list[str]], reference: list[list[str]]) -> float:
    """Share of the word pairs of ``side`` that ``reference`` only has the other way round."""
    forward = Counter(b for t in reference for b in _bigrams(t))
    reversed_count = seen = 0
    for t in side:
        for a, b in _bigrams(t):
            if (b, a) in forward or (a, b) in forward:
                seen += 1
                if forward[(b, a)] > forward[(a, b)]:
                    reversed_count += 1
    return reversed_count / seen if seen else 0.0


def _reversed_lines(tokens: list[list[str]], usable: list[int]) -> list[int]:
    """Lines whose word pairs mostly occur the other way round elsewhere in the document."""
    counts = Counter(b for i in usable for b in set(_bigrams(tokens[i])))
    found = []
    for i in usable:
        own = Counter(_bigrams(tokens[i]))
        fwd = rev = 0
        for a, b in own:
            if a == b:
                continue
            f = counts[(a, b)] - 1
            r = counts[(b, a)] - (1 if (b, a) in own else 0)
            if f > r:
                fwd += 1
            elif r > f:
                rev += 1
        if rev >= 2 and rev > 2 * fwd:
            found.append(i)
    return found


def _ranges(indexes: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _format_ranges(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(f"{a + 1}-{b + 1}" if a != b else str(a + 1) for a, b in ranges)


# --- numbering -----------------------------------------------------------------------


def _right_to_left(lines: list[str]) -> bool:
    """Dotted paragraph numbers printed right to left: consecutive ones keep the second part."""
    numbers = []
    for line in lines:
        m = RE_DOTTED.match(normalize_digits(clean_line(line)))
        if m:
            numbers.append((int(m.group(1)), int(m.group(2))))
    same_first = sum(1 for x, y in itertools.pairwise(numbers) if x[0] == y[0])
    same_second = sum(1 for x, y in itertools.pairwise(numbers) if x[1] == y[1])
    return same_second > same_first


def _is_heading(text: str) -> bool:
    if RE_HEADING.match(text):
        return True
    if len(text) > 80 or text.endswith(_SENTENCE_END) or re.match(r"^[-–•●*]", text):
        return False
    return bool(re.search(r"\w\w", text)) and not re.match(r"^[\d\W]+$", text)


# --- the split -----------------------------------------------------------------------


def split(text: str) -> Split:
    lines = text.split("\n")
    tokens = [words(line) for line in lines]
    notes: list[str] = []
    excluded: set[int] = set()

    copies = _find_copies(lines, tokens)
    if copies:
        d_first, d_last, c_first, c_last, share = copies
        damaged_tokens, clean_tokens = tokens[d_first : d_last + 1], tokens[c_first : c_last + 1]
        reversal = _reversal_share(damaged_tokens, clean_tokens)
        excluded.update(range(d_first, d_last + 1))
        notes.append(
            f"Lines {d_first + 1}-{d_last + 1} excluded: a damaged layout copy of the text in lines "
            f"{c_first + 1}-{c_last + 1} ({share:.0%} of the shorter copy's word pairs occur in the other; "
            f"{reversal:.0%} of the damaged copy's shared word pairs are in reversed order)."
        )

    stripped = [clean_line(line) for line in lines]
    repeats = Counter(s for i, s in enumerate(stripped) if s and i not in excluded and len(s) <= 80)
    headers = {s for s, k in repeats.items() if k >= 5}
    if headers:
        dropped = []
        seen: set[str] = set()
        for i, s in enumerate(stripped):
            if s in headers and i not in excluded:
                if s in seen:
                    dropped.append(i)
                seen.add(s)
        excluded.update(dropped)
        notes.append(
            f"{len(dropped)} repeated page header or footer lines dropped ({len(headers)} distinct): "
            + "; ".join(sorted(headers))[:300]
        )

    usable = [i for i, s in enumerate(stripped) if s and i not in excluded]
    reversed_found = _reversed_lines(tokens, usable)
    if reversed_found:
        notes.append(
            f"{len(reversed_found)} lines look like reversed word order (PDF columns) and have no clean "
            f"copy; they are kept as printed: {_format_ranges(_ranges(reversed_found))[:600]}."
        )

    passages = _build(stripped, usable, _right_to_left([lines[i] for i in usable]))
    excluded_ranges = [(a + 1, b + 1) for a, b in _ranges(sorted(excluded))]
    return Split(passages, notes, excluded_ranges)


def _units(stripped: list[str], usable: list[int]) -> list[list[int]]:
    """Paragraphs: one per line when lines are long (one paragraph per line), else runs of
    lines between blank lines; a numbered or lettered line always starts a new one."""
    lengths = [len(stripped[i]) for i in usable]
    per_line = bool(lengths) and statistics.median(lengths) > 150
    units: list[list[int]] = []
    previous = None
    for i in usable:
        text = normalize_digits(stripped[i])
        starts = _marker(text, rtl=False)[0] is not None or RE_HEADING.match(text)
        if per_line or previous is None or i != previous + 1 or starts:
            units.append([i])
        else:
            units[-1].append(i)
        previous = i
    return units


def _marker(text: str, *, rtl: bool) -> tuple[str | None, str]:
    """("para", number) or ("letter", letter) for a line that opens a numbered unit."""
    if m := RE_DOTTED.match(text):
        a, b = m.group(1), m.group(2)
        return "para", (f"{b}.{a}" if rtl else f"{a}.{b}")
    if m := RE_DASH_NUMBER.match(text) or RE_DOT_NUMBER.match(text):
        return "number", m.group(1)
    if m := RE_LETTER_AR.match(text):
        return "letter", _LETTERS.get(m.group(1), m.group(1))
    if m := RE_LETTER_EN.match(text):
        return "letter", m.group(1)
    return None, ""


def _build(stripped: list[str], usable: list[int], rtl: bool) -> list[PassageDraft]:
    drafts: list[Draft] = []
    heading = ""
    paragraph = ""  # locator of the current numbered paragraph
    parent = ""  # the paragraph lettered sub-paragraphs belong to (survives sub-headings)
    measures = False  # numbered items are CBMs ("The following CBMs ...")
    current: Draft | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.lines:
            drafts.append(current)
        current = None

    for unit in _units(stripped, usable):
        first = normalize_digits(stripped[unit[0]])
        unit_lines = [(i + 1, stripped[i]) for i in unit]
        unit_text = " ".join(stripped[i] for i in unit)
        size = sum(len(t) + 1 for _, t in unit_lines)
        kind, number = _marker(first, rtl=rtl)
        if kind is None and len(unit) == 1 and _is_heading(first):
            heading = re.sub(r"^#+\s*", "", unit_text)[:400]
            paragraph = ""
            if RE_HEADING.match(first):  # a new section; a short line may be a sub-heading only
                measures = False
                parent = ""
            if current is not None and current.heading_only and current.size + size < SHORT:
                current.lines.extend(unit_lines)
                current.heading = heading
                continue
            close()
            current = Draft("", heading, list(unit_lines), heading_only=True)
            continue
        if kind in ("para", "number"):
            close()
            paragraph = parent = f"CBM {number}" if measures and kind == "number" else number
            current = Draft(paragraph, heading, list(unit_lines))
            continue
        if kind == "letter":
            close()
            current = Draft(f"{parent}({number})", heading, list(unit_lines))
            continue
        # A body paragraph: part of the open numbered paragraph, or a passage of its own.
        if re.search(r"\bCBMs\b", unit_text) and not paragraph:
            measures = True
        if current is not None and (
            (current.locator and current.size + size <= MAX_PASSAGE) or current.size < SHORT
        ):
            current.lines.extend(unit_lines)
            current.heading_only = False
            continue
        close()
        current = Draft(paragraph, heading, list(unit_lines))
    close()

    out: list[PassageDraft] = []
    for draft in drafts:
        for piece in _pieces(draft.lines):
            text = "\n".join(t for _, t in piece)
            out.append(
                PassageDraft(
                    order=len(out) + 1,
                    locator=draft.locator[:120],
                    heading=draft.heading,
                    language=detect_language(text),
                    text=text,
                    first_line=piece[0][0],
                    last_line=piece[-1][0],
                )
            )
    return out


def _pieces(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split a long run between lines, near MAX_PASSAGE characters (a line is never cut)."""
    pieces: list[list[tuple[int, str]]] = [[]]
    size = 0
    for number, text in lines:
        if pieces[-1] and size + len(text) > MAX_PASSAGE:
            pieces.append([])
            size = 0
        pieces[-1].append((number, text))
        size += len(text) + 1
    return pieces
