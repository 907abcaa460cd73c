"""Server-side SVG charts: well-formed, accessible, escaped, mirrored for Arabic, CSP-safe."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from thiqa.lib.charts import BAR_SPACE, LABEL_WIDTH, MAX_LABEL_CHARS, WIDTH, bar_chart, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='chart-bar']", NS)


def dots(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:circle[@class='chart-dot']", NS)


def texts(root: ET.Element, css_class: str) -> list[ET.Element]:
    return root.findall(f".//svg:text[@class='{css_class}']", NS)


def edge(root: ET.Element, text: ET.Element) -> str:
    """Which absolute edge ("left", "right", "middle") of a text sits at its x.

    ``text-anchor`` start/end are relative to the ``direction`` the chart declares.
    """
    anchor = text.get("text-anchor")
    if anchor == "middle":
        return "middle"
    rtl = root.get("direction") == "rtl"
    return "left" if (anchor == "start") != rtl else "right"


ROWS = [("Alpha", 100), ("Beta", 50), ("Gamma", 25)]
POINTS = [("2024-01", 10), ("2024-04", 40), ("2024-07", 35), ("2024-10", 80)]


def test_bar_chart_draws_one_bar_per_row_proportional_to_value() -> None:
    root = parse(bar_chart(ROWS, title="Coverage"))
    widths = [float(bar.get("width")) for bar in bars(root)]
    assert len(widths) == 3
    assert widths == pytest.approx([BAR_SPACE, BAR_SPACE / 2, BAR_SPACE / 4])
    assert [t.text for t in texts(root, "chart-label")] == ["Alpha", "Beta", "Gamma"]
    assert [t.text for t in texts(root, "chart-value")] == ["100%", "50%", "25%"]


def test_bar_chart_ltr_geometry() -> None:
    root = parse(bar_chart(ROWS, title="Coverage"))
    assert root.get("direction") == "ltr"
    for bar in bars(root):
        assert float(bar.get("x")) == LABEL_WIDTH
    for label in texts(root, "chart-label"):
        assert edge(root, label) == "right"
        assert float(label.get("x")) < LABEL_WIDTH
    for bar, value in zip(bars(root), texts(root, "chart-value"), strict=True):
        assert edge(root, value) == "left"
        assert float(value.get("x")) > float(bar.get("x")) + float(bar.get("width"))


def test_bar_chart_rtl_is_mirrored() -> None:
    ltr = parse(bar_chart(ROWS, title="Coverage"))
    rtl = parse(bar_chart(ROWS, title="Coverage", rtl=True))
    assert rtl.get("direction") == "rtl"
    for left, right in zip(bars(ltr), bars(rtl), strict=True):
        # Anchored at the right edge of the bar space, growing leftwards.
        assert float(right.get("x")) + float(right.get("width")) == pytest.approx(WIDTH - LABEL_WIDTH)
        assert float(right.get("width")) == pytest.approx(float(left.get("width")))
        assert float(right.get("x")) == pytest.approx(WIDTH - float(left.get("x")) - float(left.get("width")))
    for label in texts(rtl, "chart-label"):
        assert float(label.get("x")) > WIDTH - LABEL_WIDTH  # labels on the right
        assert edge(rtl, label) == "left"  # aligned against the bars
    for bar, value in zip(bars(rtl), texts(rtl, "chart-value"), strict=True):
        assert edge(rtl, value) == "right"
        assert float(value.get("x")) < float(bar.get("x"))


def test_direction_is_explicit_so_the_page_direction_does_not_flip_anchors() -> None:
    # An inline SVG inherits direction from <html dir="rtl">; the chart must not depend on it.
    for rtl in (False, True):
        for chart in (bar_chart, line_chart):
            assert parse(chart(POINTS, title="t", rtl=rtl)).get("direction") == ("rtl" if rtl else "ltr")
    # Labels end at the bars, values start after them: the declared direction mirrors both.
    for rtl in (False, True):
        root = parse(bar_chart(ROWS, title="t", rtl=rtl))
        assert {t.get("text-anchor") for t in texts(root, "chart-label")} == {"end"}
        assert {t.get("text-anchor") for t in texts(root, "chart-value")} == {"start"}


def test_values_are_clamped() -> None:
    root = parse(bar_chart([("over", 150), ("under", -20), ("nan", float("nan"))], title="t"))
    assert [float(b.get("width")) for b in bars(root)] == pytest.approx([BAR_SPACE, 0, 0])
    assert [t.text for t in texts(root, "chart-value")] == ["100%", "0%", "0%"]
    line = parse(line_chart([("a", 500), ("b", -5)], title="t", maximum=50))
    top, bottom = (float(d.get("cy")) for d in dots(line))
    assert top < bottom
    assert [t.text for t in texts(line, "chart-value")] == ["50%", "0%"]


def test_custom_maximum_and_unit() -> None:
    root = parse(bar_chart([("a", 3), ("b", 1.5)], title="t", maximum=6, unit=" days"))
    assert [float(b.get("width")) for b in bars(root)] == pytest.approx([BAR_SPACE / 2, BAR_SPACE / 4])
    assert [t.text for t in texts(root, "chart-value")] == ["3 days", "1.5 days"]


def test_value_format() -> None:
    root = parse(bar_chart([("a", 73), ("b", 72.96), ("c", 33.333), ("d", 40.0)], title="t"))
    assert [t.text for t in texts(root, "chart-value")] == ["73%", "73%", "33.3%", "40%"]


@pytest.mark.parametrize("maximum", [0, -1, float("nan"), float("inf")])
def test_bad_maximum_raises(maximum: float) -> None:
    with pytest.raises(ValueError, match="maximum"):
        bar_chart(ROWS, title="t", maximum=maximum)
    with pytest.raises(ValueError, match="maximum"):
        line_chart(POINTS, title="t", maximum=maximum)


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
def test_text_is_escaped(chart) -> None:
    nasty = '<b>&"x"'
    svg = chart([(nasty, 10)], title=nasty, unit="<u>", empty=nasty)
    assert "<b>" not in svg and "<u>" not in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == nasty
    assert [t.text for t in texts(root, "chart-label")] == [nasty]
    assert [t.text for t in texts(root, "chart-value")] == ["10<u>"]
    assert root.find(".//svg:b", NS) is None and root.find(".//b") is None
    empty = parse(chart([], title=nasty, empty=nasty))
    assert texts(empty, "chart-empty")[0].text == nasty


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
@pytest.mark.parametrize("rtl", [False, True])
def test_svg_wiring(chart, rtl: bool) -> None:
    svg = chart(POINTS, title="Trend", rtl=rtl)
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert "chart" in root.get("class").split()
    assert root.get("width") is None and root.get("height") is None
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "Trend"
    assert root.get("aria-labelledby") == title.get("id")
    assert root[0] is title  # first child, so it is the accessible name and tooltip


def test_each_chart_gets_its_own_title_id() -> None:
    first = parse(bar_chart(ROWS, title="a")).get("aria-labelledby")
    second = parse(bar_chart(ROWS, title="a")).get("aria-labelledby")
    assert first != second


def test_lazy_translated_title() -> None:
    root = parse(bar_chart(ROWS, title=gettext_lazy("Coverage")))
    assert root.find("svg:title", NS).text == "Coverage"


@pytest.mark.parametrize("rtl", [False, True])
@pytest.mark.parametrize(
    "svg",
    [
        lambda rtl: bar_chart(ROWS, title="t", rtl=rtl),
        lambda rtl: line_chart(POINTS, title="t", rtl=rtl),
        lambda rtl: line_chart(POINTS[:1], title="t", rtl=rtl),
        lambda rtl: line_chart([], title="t", rtl=rtl),
        lambda rtl: bar_chart([], title="t", rtl=rtl),
    ],
)
def test_no_inline_styles(svg, rtl: bool) -> None:
    root = parse(svg(rtl))
    for element in root.iter():
        assert element.get("style") is None
        assert element.tag != f"{SVG}style"
        assert element.tag != f"{SVG}script"
    assert "style" not in svg(rtl)


def test_colours() -> None:
    bar = parse(bar_chart(ROWS, title="t"))
    assert {b.get("fill") for b in bars(bar)} == {"#0b5c58"}
    assert {t.get("fill") for t in bar.iter(f"{SVG}text")} == {"#1b2421"}
    assert {line.get("stroke") for line in bar.iter(f"{SVG}line")} == {"#cfd8d5"}
    line = parse(line_chart(POINTS, title="t"))
    assert line.find(".//svg:polyline", NS).get("stroke") == "#0b5c58"
    assert {d.get("fill") for d in dots(line)} == {"#0b5c58"}


def test_line_chart_dots_labels_and_values() -> None:
    root = parse(line_chart(POINTS, title="Trend"))
    circles = dots(root)
    assert len(circles) == 4
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    assert xs == sorted(xs)  # time runs left to right
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert gaps == pytest.approx([gaps[0]] * 3, abs=0.02)  # evenly spaced
    assert ys[3] < ys[1] < ys[2] < ys[0]  # higher values sit higher (smaller y)
    assert (ys[0] - ys[1]) / (ys[1] - ys[3]) == pytest.approx(30 / 40)  # proportional
    assert [t.text for t in texts(root, "chart-label")] == [p[0] for p in POINTS]
    values = texts(root, "chart-value")
    assert [t.text for t in values] == ["10%", "40%", "35%", "80%"]
    for value, x, y in zip(values, xs, ys, strict=True):
        assert float(value.get("x")) == x and float(value.get("y")) < y  # above its dot
    for label in texts(root, "chart-label"):
        assert float(label.get("y")) > max(ys)  # under the axis
    polyline = root.find(".//svg:polyline", NS)
    listed = [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]
    assert listed == list(zip(xs, ys, strict=True))
    assert polyline.get("fill") == "none"


def test_line_chart_rtl_time_runs_right_to_left() -> None:
    ltr = parse(line_chart(POINTS, title="t"))
    rtl = parse(line_chart(POINTS, title="t", rtl=True))
    ltr_xs = [float(c.get("cx")) for c in dots(ltr)]
    rtl_xs = [float(c.get("cx")) for c in dots(rtl)]
    assert rtl_xs == sorted(rtl_xs, reverse=True)
    assert rtl_xs == pytest.approx([WIDTH - x for x in ltr_xs])
    assert [float(c.get("cy")) for c in dots(rtl)] == [float(c.get("cy")) for c in dots(ltr)]
    assert [float(t.get("x")) for t in texts(rtl, "chart-label")] == pytest.approx(rtl_xs)


@pytest.mark.parametrize("rtl", [False, True])
def test_line_chart_single_point_is_a_lone_dot(rtl: bool) -> None:
    root = parse(line_chart([("2024", 60)], title="t", rtl=rtl))
    assert len(dots(root)) == 1
    assert float(dots(root)[0].get("cx")) == WIDTH / 2
    assert root.find(".//svg:polyline", NS) is None
    assert [t.text for t in texts(root, "chart-value")] == ["60%"]
    assert [t.text for t in texts(root, "chart-label")] == ["2024"]


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
def test_empty_data(chart) -> None:
    root = parse(chart([], title="Nothing yet"))
    assert root.find("svg:title", NS).text == "Nothing yet"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No data"]
    assert not bars(root) and not dots(root)
    custom = parse(chart([], title="t", empty="لا توجد بيانات", rtl=True))
    assert texts(custom, "chart-empty")[0].text == "لا توجد بيانات"


def test_many_points_thin_out_the_axis_labels_but_keep_every_dot_and_the_last_label() -> None:
    points = [(f"d{i}", i) for i in range(30)]
    root = parse(line_chart(points, title="t"))
    assert len(dots(root)) == 30
    assert len(texts(root, "chart-value")) == 30
    labels = [t.text for t in texts(root, "chart-label")]
    assert len(labels) <= 16
    assert labels[0] == "d0" and labels[-1] == "d29"


def test_long_labels_are_shortened_with_the_full_text_as_tooltip() -> None:
    long = "Computer Emergency Response Teams of the <Gulf> & partners"
    root = parse(bar_chart([(long, 40), ("short", 10)], title="t"))
    first, second = texts(root, "chart-label")
    tooltip = first[0]  # a <title> first, as SVG wants it, then the visible text
    assert tooltip.tag == f"{SVG}title" and tooltip.text == long
    shown = tooltip.tail
    assert first.text is None and shown.endswith("…") and len(shown) <= MAX_LABEL_CHARS
    assert long.startswith(shown[:-1])
    assert second.text == "short" and second.find("svg:title", NS) is None


def test_arabic_labels_survive() -> None:
    root = parse(bar_chart([("مصر", 40)], title="التغطية", rtl=True))
    assert texts(root, "chart-label")[0].text == "مصر"
    assert root.find("svg:title", NS).text == "التغطية"


def test_values_use_the_decimal_sign_of_the_language() -> None:
    from django.utils import translation

    with translation.override("ar"):
        svg = str(bar_chart([("x", 12.5)], title="t"))
    assert "12,5%" in svg
    assert "12.5%" in str(bar_chart([("x", 12.5)], title="t"))
