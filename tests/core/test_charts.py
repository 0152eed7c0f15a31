"""core/charts.py: geometry on scale, text alternatives, empty and negative data (issue 14)."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core import charts


def test_bars_are_as_long_as_their_values_on_one_scale():
    chart = charts.bar_chart(title="Reviews", description="d", items=[("A", 10), ("B", 5), ("C", 0)])
    a, b, c = chart.bars
    assert a.width == pytest.approx(2 * b.width, abs=0.05)
    assert c.width == 0
    assert a.x == b.x == c.x
    assert a.x + a.width <= chart.width
    assert [row[0] for row in chart.table_rows] == ["A", "B", "C"]
    assert [row[1] for row in chart.table_rows] == ["10", "5", "0"]


def test_negative_bars_go_left_of_the_zero_line():
    chart = charts.bar_chart(title="Deviation", description="d", items=[("harsh", -5), ("lenient", 10)])
    harsh, lenient = chart.bars
    zero = chart.lines[0].x1
    assert harsh.x + harsh.width == pytest.approx(zero)
    assert lenient.x == pytest.approx(zero)
    assert lenient.width == pytest.approx(2 * harsh.width, abs=0.05)
    assert chart.table_rows[0][1] == "-5"


def test_empty_data_says_no_data_yet():
    for chart in (
        charts.bar_chart(title="t", description="d", items=[]),
        charts.grouped_bar_chart(title="t", description="d", series=["a"], groups=[]),
        charts.spread_chart(title="t", description="d", rows=[("x", [])]),
        charts.progress_chart(title="t", description="d", done=0, total=0, done_label="done"),
        charts.funnel_chart(title="t", description="d", stages=[("a", 0), ("b", 0)]),
    ):
        assert chart.empty
        html = render_to_string("core/chart.html", {"chart": chart})
        assert "No data yet." in html and '<svg class="chart-svg"' not in html


def test_grouped_bars_share_one_scale_and_write_money():
    chart = charts.grouped_bar_chart(
        title="Budget",
        description="d",
        series=["Budget", "Committed", "Paid"],
        groups=[("Call 1", [Decimal("100000"), Decimal("50000"), Decimal("-1")]), ("Call 2", [200000, 0, 0])],
        fmt=charts.money("CNY"),
    )
    budget1, committed1, paid1, budget2, _c2, _p2 = chart.bars
    assert budget2.width == pytest.approx(2 * budget1.width)
    assert committed1.width == pytest.approx(budget1.width / 2)
    assert paid1.width == 0  # a negative amount is not drawn
    assert [bar.series for bar in chart.bars[:3]] == [1, 2, 3]
    assert chart.table_rows[0] == ["Call 1", "¥100,000.00", "¥50,000.00", "¥-1.00"]
    assert committed1.text == "Committed ¥50,000.00"
    assert chart.legend == [(1, "Budget"), (2, "Committed"), (3, "Paid")]


def test_the_spread_has_quartiles_and_every_score():
    chart = charts.spread_chart(title="Spread", description="d", rows=[("App", [20, 40, 60, 80, 100])])
    spread = charts.spread_of([20, 40, 60, 80, 100])
    assert (spread.minimum, spread.q1, spread.median, spread.q3, spread.maximum) == (20, 40, 60, 80, 100)
    assert len(chart.dots) == 5
    box = chart.bars[0]
    dots = sorted(dot.cx for dot in chart.dots)
    assert box.x == pytest.approx(dots[1]) and box.x + box.width == pytest.approx(dots[3])
    assert dots[4] - dots[0] == pytest.approx(4 * (dots[1] - dots[0]))
    assert chart.table_rows == [["App", "20, 40, 60, 80, 100", "20", "60", "100"]]
    single = charts.spread_of([55])
    assert single.minimum == single.median == single.maximum == 55


def test_scores_outside_the_scale_are_drawn_at_its_edge():
    chart = charts.spread_chart(title="S", description="d", rows=[("App", [-10, 150])])
    xs = sorted(dot.cx for dot in chart.dots)
    edges = next(line for line in chart.lines if line.css == "chart-axis")
    assert xs == [edges.x1, edges.x2]


def test_progress_and_funnel():
    progress = charts.progress_chart(title="P", description="d", done=3, total=12, done_label="Done")
    track, done = progress.bars
    assert done.width == pytest.approx(track.width / 4)
    assert progress.table_rows == [["3", "12", "25%"]]
    overdone = charts.progress_chart(title="P", description="d", done=20, total=10, done_label="Done")
    assert overdone.bars[1].width == overdone.bars[0].width
    funnel = charts.funnel_chart(title="F", description="d", stages=[("Drafts", 10), ("Submitted", 5), ("Awarded", 0)])
    first, second, third = funnel.bars
    assert second.width == pytest.approx(first.width / 2)
    assert second.x + second.width / 2 == pytest.approx(first.x + first.width / 2)  # centred
    assert third.width == 0
    assert funnel.table_rows[1] == ["Submitted", "5", "50%"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_template_draws_an_accessible_svg_and_its_table(language):
    chart = charts.bar_chart(title="Reviews done", description="Reviews per reviewer", items=[("a@x.cn", 1234)])
    with translation.override(language):
        html = render_to_string("core/chart.html", {"chart": chart})
    assert 'role="img"' in html and f'aria-labelledby="{chart.key}-title {chart.key}-desc"' in html
    assert "<title id=" in html and "<desc id=" in html and "Reviews per reviewer" in html
    assert "<table" in html and '<th scope="row">a@x.cn</th><td>1,234</td>' in html
    assert "style=" not in html and "<script" not in html
    assert html.count("<summary>") == 1


def test_kpis_each_on_their_own_scale():
    chart = charts.kpi_chart(
        title="Results",
        description="d",
        rows=[("People advised", 120, 200, "people"), ("Workshops", 15, 10, ""), ("Cases", None, 5, "cases")],
    )
    tracks = chart.bars[0::2]
    fills = chart.bars[1::2]
    assert fills[0].width == pytest.approx(tracks[0].width * 0.6, abs=0.05)
    assert fills[1].width == tracks[1].width  # passed the target: full, not beyond
    assert fills[2].width == 0
    assert chart.labels[0].text == "People advised: 120 of 200 people (60%)"
    assert chart.table_rows[1] == ["Workshops", "10", "15", "150%"]
    assert chart.table_rows[2] == ["Cases", "5 cases", "—", "—"]
    assert charts.kpi_chart(title="t", description="d", rows=[]).empty


def test_the_spread_axis_ends_are_anchored_inwards_so_no_tick_is_cut():
    chart = charts.spread_chart(title="Spread", description="d", rows=[("App", [20, 100])])
    ticks = chart.labels[-3:]
    assert [tick.anchor for tick in ticks] == ["start", "middle", "end"]
    assert all(0 <= tick.x <= charts.WIDTH for tick in ticks)
