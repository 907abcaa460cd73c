"""Small server-side SVG charts: no JavaScript, no inline styles (the pages have a strict CSP).

The charts are inline ``<svg>`` elements that scale with their container (``class="chart"``, a
``viewBox`` and no pixel width). They use SVG presentation attributes only, never ``style``.

Right-to-left: geometry is mirrored (x becomes ``WIDTH - x``) and the root element always carries
an explicit ``direction`` attribute. An inline SVG would otherwise inherit ``direction`` from the
page (``<html dir="rtl">``), and ``text-anchor="start"``/``"end"`` are relative to it: ``end`` is
the right edge of a text in a left-to-right chart and its left edge in a right-to-left one. So the
anchors are logical (a label *ends* at the bars, a value *starts* after its bar) and the direction
attribute turns them to the mirrored side, while also giving Arabic labels the right bidi base.
"""

import itertools
import math
from collections.abc import Iterable, Sequence

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
ROW = 28
PAD = 8
BAR_HEIGHT = 18
LABEL_WIDTH = 240
VALUE_WIDTH = 56
BAR_SPACE = WIDTH - LABEL_WIDTH - VALUE_WIDTH
GAP = 8
FONT_SIZE = 13
MAX_LABEL_CHARS = 32  # about LABEL_WIDTH at FONT_SIZE; longer labels are shortened

LINE_HEIGHT = 220
LINE_SIDE = 40
LINE_TOP = 32
LINE_AXIS = 180
MAX_X_LABELS = 12
EMPTY_HEIGHT = 56

INK = "#0b5c58"
GRID = "#cfd8d5"
TEXT = "#1b2421"
SERIES = (INK, "#b35c00", "#5b3a99")  # up to three series, distinguishable in print too

RADAR_RADIUS = 140
RADAR_HEIGHT = 2 * (RADAR_RADIUS + 3 * PAD + FONT_SIZE)  # the centre is half-way down
RADAR_RINGS = 4
LEGEND_ROW = 20

_ids = itertools.count(1)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    maximum: float = 100.0,
    unit: str = "%",
    rtl: bool = False,
    empty: str = "No data",
) -> SafeString:
    """A horizontal bar per ``(label, value)``, as long as ``value / maximum`` of the bar space."""
    _check_maximum(maximum)
    if not rows:
        return _empty_svg("bar", title, empty, rtl)
    height = 2 * PAD + ROW * len(rows)
    origin = _x(LABEL_WIDTH, rtl)
    parts = [_line(origin, PAD, origin, height - PAD, "chart-axis")]
    for index, (label, value) in enumerate(rows):
        parts.append(_bar_row(index, label, _clamp(value, maximum), maximum, unit, rtl))
    return _svg("bar", title, height, parts, rtl)


def line_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    maximum: float = 100.0,
    unit: str = "%",
    rtl: bool = False,
    empty: str = "No data",
) -> SafeString:
    """A trend line with a dot, its value above it and its label under the axis, per point."""
    _check_maximum(maximum)
    if not points:
        return _empty_svg("line", title, empty, rtl)
    coords = [_point_xy(i, len(points), _clamp(v, maximum), maximum, rtl) for i, (_, v) in enumerate(points)]
    parts = [
        _line(LINE_SIDE, LINE_TOP, WIDTH - LINE_SIDE, LINE_TOP, "chart-grid", dashed=True),
        _line(LINE_SIDE, LINE_AXIS, WIDTH - LINE_SIDE, LINE_AXIS, "chart-axis"),
    ]
    if len(coords) > 1:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="chart-line" points="{path}" fill="none" stroke="{INK}" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for index, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(_dot(x, y, label, _clamp(value, maximum), unit, _labelled(index, len(points))))
    return _svg("line", title, LINE_HEIGHT, parts, rtl)


def radar_chart(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    maximum: float = 100.0,
    rtl: bool = False,
) -> SafeString:
    """A radar (spider) chart: one spoke per axis, clockwise from the top (anticlockwise
    when mirrored), rings at quarters of ``maximum``, one polygon per ``(name, values)``
    series (at most three) and a legend when there are several."""
    _check_maximum(maximum)
    if len(axes) < 3 or not 1 <= len(series) <= len(SERIES):
        raise ValueError("a radar chart needs at least three axes and one to three series")
    centre_y = RADAR_HEIGHT / 2
    parts = [
        _ring(i * maximum / RADAR_RINGS, maximum, len(axes), centre_y, rtl) for i in range(1, RADAR_RINGS + 1)
    ]
    for index, label in enumerate(axes):
        x, y = _spoke(index, len(axes), 1.0, centre_y, rtl)
        parts.append(_line(_x(WIDTH / 2, rtl), centre_y, x, y, "chart-axis"))
        parts.append(_axis_label(index, len(axes), label, centre_y, rtl))
    for colour, (name, values) in zip(SERIES, series, strict=False):
        parts.append(
            _radar_series(colour, name, [_clamp(v, maximum) / maximum for v in values], centre_y, rtl)
        )
    height = RADAR_HEIGHT
    if len(series) > 1:
        parts += [
            _legend_row(i, colour, name, rtl)
            for i, (colour, (name, _values)) in enumerate(zip(SERIES, series, strict=False))
        ]
        height += LEGEND_ROW * len(series)
    return _svg("radar", title, height, parts, rtl)


def _spoke(index: int, count: int, share: float, centre_y: float, rtl: bool) -> tuple[float, float]:
    angle = 2 * math.pi * index / count
    x = WIDTH / 2 + RADAR_RADIUS * share * math.sin(angle)
    y = centre_y - RADAR_RADIUS * share * math.cos(angle)
    return _x(x, rtl), y


def _ring(value: float, maximum: float, count: int, centre_y: float, rtl: bool) -> str:
    points = " ".join(
        f"{_n(x)},{_n(y)}"
        for x, y in (_spoke(i, count, value / maximum, centre_y, rtl) for i in range(count))
    )
    return f'<polygon class="chart-grid" points="{points}" fill="none" stroke="{GRID}" stroke-width="1"/>'


def _axis_label(index: int, count: int, label: str, centre_y: float, rtl: bool) -> str:
    """Labels left of the centre end at their spoke, those right of it start there (logical
    anchors, which the chart's direction turns when it is mirrored)."""
    x, y = _spoke(index, count, 1.0 + 24 / RADAR_RADIUS, centre_y, False)
    sine = math.sin(2 * math.pi * index / count)
    anchor = "middle" if abs(sine) < 0.2 else ("start" if sine > 0 else "end")
    return _text(_x(x, rtl), y + FONT_SIZE * 0.35, anchor, label, "chart-label")


def _radar_series(colour: str, name: str, shares: list[float], centre_y: float, rtl: bool) -> str:
    corners = [_spoke(i, len(shares), share, centre_y, rtl) for i, share in enumerate(shares)]
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
    dots = "".join(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{colour}"/>' for x, y in corners)
    return (
        f'<g class="chart-series"><title>{escape(name)}</title>'
        f'<polygon points="{points}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2"/>'
        f"{dots}</g>"
    )


def _legend_row(index: int, colour: str, name: str, rtl: bool) -> str:
    y = RADAR_HEIGHT + index * LEGEND_ROW - PAD
    swatch = WIDTH - PAD - 12 if rtl else PAD
    return (
        f'<g class="chart-legend">'
        f'<rect x="{swatch}" y="{_n(y - 10)}" width="12" height="12" fill="{colour}"/>'
        f"{_text(_x(PAD + 20, rtl), y, 'start', name, 'chart-label')}</g>"
    )


def _bar_row(index: int, label: str, value: float, maximum: float, unit: str, rtl: bool) -> str:
    top = PAD + index * ROW
    baseline = top + ROW / 2 + FONT_SIZE * 0.35
    length = BAR_SPACE * value / maximum
    bar_x = _x(LABEL_WIDTH + length, rtl) if rtl else LABEL_WIDTH
    label_x = _x(LABEL_WIDTH - GAP, rtl)
    value_x = _x(LABEL_WIDTH + length + GAP - 2, rtl)
    return (
        f'<g class="chart-row">{_label(label_x, baseline, label)}'
        f'<rect class="chart-bar" x="{_n(bar_x)}" y="{_n(top + (ROW - BAR_HEIGHT) / 2)}" '
        f'width="{_n(length)}" height="{BAR_HEIGHT}" rx="2" fill="{INK}"/>'
        f"{_text(value_x, baseline, 'start', _value(value, unit), 'chart-value')}</g>"
    )


def _point_xy(index: int, count: int, value: float, maximum: float, rtl: bool) -> tuple[float, float]:
    span = WIDTH - 2 * LINE_SIDE
    x = WIDTH / 2 if count == 1 else LINE_SIDE + span * index / (count - 1)
    y = LINE_AXIS - (LINE_AXIS - LINE_TOP) * value / maximum
    return _x(x, rtl), y


def _dot(x: float, y: float, label: str, value: float, unit: str, labelled: bool) -> str:
    parts = [
        f'<circle class="chart-dot" cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{INK}"/>',
        _text(x, y - 9, "middle", _value(value, unit), "chart-value"),
    ]
    if labelled:
        parts.append(_text(x, LINE_AXIS + 20, "middle", label, "chart-label"))
    return f'<g class="chart-point">{"".join(parts)}</g>'


def _labelled(index: int, count: int) -> bool:
    """Whether a point gets its x label: all of them up to MAX_X_LABELS, then every n-th and the last."""
    step = math.ceil(count / MAX_X_LABELS)
    last = count - 1
    return index == last or (index % step == 0 and last - index >= step)


def _svg(kind: str, title: str, height: float, parts: Iterable[str], rtl: bool) -> SafeString:
    title_id = f"chart-title-{next(_ids)}"
    return mark_safe(  # noqa: S308 -- every text and attribute value is escaped or numeric
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" role="img" aria-labelledby="{title_id}" '
        f'direction="{"rtl" if rtl else "ltr"}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{title_id}">{escape(title)}</title>{"".join(parts)}</svg>'
    )


def _empty_svg(kind: str, title: str, empty: str, rtl: bool) -> SafeString:
    text = _text(WIDTH / 2, EMPTY_HEIGHT / 2 + FONT_SIZE * 0.35, "middle", empty, "chart-empty")
    return _svg(kind, title, EMPTY_HEIGHT, [text], rtl)


def _text(x: float, y: float, anchor: str, content: str, css_class: str) -> str:
    return (
        f'<text class="{css_class}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{TEXT}">'
        f"{escape(content)}</text>"
    )


def _label(x: float, y: float, label: str) -> str:
    """A bar label, shortened with an ellipsis when too long; the full text stays as its tooltip."""
    label = str(label)
    if len(label) <= MAX_LABEL_CHARS:
        return _text(x, y, "end", label, "chart-label")
    short = escape(label[: MAX_LABEL_CHARS - 1].rstrip() + "…")
    return (
        f'<text class="chart-label" x="{_n(x)}" y="{_n(y)}" text-anchor="end" fill="{TEXT}">'
        f"<title>{escape(label)}</title>{short}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, css_class: str, *, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="4 4"' if dashed else ""
    return (
        f'<line class="{css_class}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{GRID}" stroke-width="1"{dash}/>'
    )


def _x(x: float, rtl: bool) -> float:
    return WIDTH - x if rtl else x


def _clamp(value: float, maximum: float) -> float:
    value = float(value)
    return 0.0 if math.isnan(value) else min(max(value, 0.0), float(maximum))


def _check_maximum(maximum: float) -> None:
    if not (math.isfinite(maximum) and maximum > 0):
        raise ValueError(f"maximum must be a positive finite number, not {maximum!r}")


def _value(value: float, unit: str) -> str:
    rounded = round(value, 1)
    number = str(int(rounded)) if rounded.is_integer() else formats.number_format(rounded, 1)
    return f"{number}{unit}"


def _n(number: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
