"""Pure chart builders: traces, axis titles with units, red for below and blue for above, sources in hovers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.charts import events, evidence, pacing, scorecard, style, trends


def comparison(region, path, depth, period, actual, expectation, higher_is_better=True, **extra) -> dict:
    start = dt.date(int(period[:4]), 1, 1)
    direction = "below" if actual < expectation else "above" if actual > expectation else "in_line"
    performance = (actual - expectation) / abs(expectation) * (1 if higher_is_better else -1)
    row = dict(
        region_code=region,
        region_name=region,
        region_level="country",
        region_depth=depth,
        region_path=path,
        period=period,
        grain="year",
        period_start=start,
        period_end=dt.date(start.year, 12, 31),
        unit="USD",
        actual=actual,
        actual_bound="exact",
        actual_source_id=f"src-a-{region}",
        actual_publisher="Paper",
        expectation=expectation,
        expectation_low=None,
        expectation_high=None,
        expectation_bound="exact",
        expectation_source_id=f"src-e-{region}",
        expectation_publisher="Bank",
        variance=actual - expectation,
        attainment=actual / expectation if expectation > 0 else None,
        direction=direction,
        favourable=None if direction == "in_line" else (direction == "above") == higher_is_better,
        performance_pct=performance,
        is_shortfall=direction == ("below" if higher_is_better else "above"),
        is_approximate=False,
        is_bound=False,
        basis="reported",
        actual_components=1,
        actual_approximate_components=0,
        actual_figure_ids=[f"f-a-{region}"],
        expectation_components=1,
        expectation_approximate_components=0,
        expectation_figure_ids=[f"f-e-{region}"],
    )
    row.update(extra)
    return row


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame(
        [
            comparison("WORLD", "WORLD", 0, "2024", 45e9, 50e9, actual_bound="approx", is_approximate=True),
            comparison("US", "WORLD/NAM/US", 2, "2024", 8.5e9, 17.5e9),
            comparison(
                "SEA", "WORLD/APAC/SEA", 2, "2024", 34e9, 30e9, expectation_low=28e9, expectation_high=32e9
            ),
            comparison("US", "WORLD/NAM/US", 2, "2023", 2e9, 1.5e9, actual_bound="at_most", is_bound=True),
        ]
    )


@pytest.mark.parametrize(
    ("unit", "values", "expected"),
    [
        ("USD", [45e9], (1e9, "USD bn")),
        ("USD", [600e6, 2e6], (1e6, "USD m")),  # the largest value decides
        ("%", [40.0], (1.0, "%")),  # percentages are never scaled
        ("USD", [None, -3e12], (1e12, "USD tn")),  # negatives and nulls
        ("count", [], (1.0, "count")),
    ],
)
def test_value_scale(unit, values, expected):
    assert style.value_scale(unit, values) == expected


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((2e9, None, "at_most", "USD", None), "≤ 2.0 USD bn"),
        ((45e9, None, "approx", "USD", None), "~ 45.0 USD bn"),
        ((12e9, 14.5e9, "exact", "USD", None), "12.0–14.5 USD bn"),
        ((None, None, "exact", None, "below"), "below expectations (no number)"),  # never an invented number
    ],
)
def test_as_reported(args, text):
    assert style.as_reported(*args) == text


def test_heatmap_diverges_around_as_expected_with_sources_in_hover(frame):
    fig = scorecard.performance_heatmap(frame)
    heat = fig.data[0]
    assert heat.type == "heatmap" and heat.zmid == 0
    assert "better / worse" in heat.colorbar.title.text
    assert heat.colorscale[0][1].lower() != heat.colorscale[-1][1].lower()  # red end, blue end
    assert list(fig.layout.yaxis.ticktext) == list(heat.y) and "USD bn" in fig.layout.title.text
    assert heat.colorbar.orientation == "h" and fig.layout.xaxis.side == "top"  # no 80 px bar beside it
    cells = [c for row in heat.customdata for c in row if c]
    assert any("src-a-US" in c and "Bank" in c for c in cells)
    assert any("approximate" in c for c in cells)
    assert list(heat.x) == ["2023", "2024"]
    assert heat.y[0] == "WORLD"  # hierarchy order: WORLD first, countries indented after


def test_bar_labels_only_while_they_fit(frame):
    small = scorecard.actual_vs_expectation_bars(frame.filter(pl.col("period") == "2024"))
    assert {t.textposition for t in small.data} == {"outside"}
    rows = [
        comparison(f"C{i:03d}", f"WORLD/C{i:03d}", 1, "2024", 9e9, 10e9)
        for i in range(scorecard.MAX_BAR_LABELS + 1)
    ]
    big = scorecard.actual_vs_expectation_bars(pl.DataFrame(rows))
    assert {t.textposition for t in big.data} == {"none"}
    assert all(t.text and "%{text}" in t.hovertemplate for t in big.data)  # the values stay in the hover


def test_heatmap_labels_cells_only_while_readable(frame):
    assert scorecard.performance_heatmap(frame).data[0].texttemplate == "%{text}"
    rows = [
        comparison(f"C{i:03d}", f"WORLD/C{i:03d}", 1, str(year), 9e9, 10e9)
        for i in range(40)
        for year in range(2000, 2000 + scorecard.MAX_CELL_LABELS // 40 + 1)
    ]
    big = scorecard.performance_heatmap(pl.DataFrame(rows)).data[0]
    assert big.texttemplate is None and big.text is None
    assert all("attainment 90%" in c for row in big.customdata for c in row)  # the numbers stay in the hover


def test_bars_colour_worse_red_and_better_blue_with_units_and_ranges(frame):
    fig = scorecard.actual_vs_expectation_bars(frame.filter(pl.col("period") == "2024"), "GMV")
    by_name = {t.name: t for t in fig.data}
    assert by_name["actual, worse than expected"].marker.color == style.WORSE == style.BELOW
    assert by_name["actual, better than expected"].marker.color == style.BETTER == style.ABOVE
    assert fig.layout.yaxis.title.text == "GMV (USD bn)"
    expectation = by_name["expectation (range as whisker)"]
    assert expectation.error_y.visible and max(expectation.error_y.array) == pytest.approx(2.0)
    assert "~ 45.0" in by_name["actual, worse than expected"].text  # approximate actual marked


def test_bars_mark_bounds_with_hatching(frame):
    fig = scorecard.actual_vs_expectation_bars(frame.filter(pl.col("period") == "2023"))
    above = next(t for t in fig.data if t.name == "actual, better than expected")
    assert above.marker.pattern.shape[0] == "/" and above.text[0].startswith("≤")


def test_colours_read_the_metric_sense_not_the_ratio():
    """A loss smaller than planned is better (blue); costs over budget are worse (red), though both are 'above'."""
    frame = pl.DataFrame(
        [
            comparison("US", "WORLD/US", 1, "2024", -50e6, -100e6),  # planned loss of 100, lost 50
            comparison(
                "ID", "WORLD/ID", 1, "2024", 410e6, 400e6, higher_is_better=False
            ),  # costs over budget
        ]
    )
    bars = {t.name: t for t in scorecard.actual_vs_expectation_bars(frame).data}
    assert list(bars["actual, better than expected"].x) == ["US"]
    assert bars["actual, better than expected"].marker.color == style.BETTER
    assert list(bars["actual, worse than expected"].x) == ["ID"]
    heat = scorecard.performance_heatmap(frame).data[0]
    z = {label.strip(): row[0] for label, row in zip(heat.y, heat.z, strict=True)}
    assert z["US"] == pytest.approx(50.0) and z["ID"] == pytest.approx(
        -2.5
    )  # blue end positive, red negative
    hover = {label.strip(): row[0] for label, row in zip(heat.y, heat.customdata, strict=True)}
    assert "better than expected by 50%" in hover["US"] and "attainment n/a (expectation ≤ 0)" in hover["US"]
    assert "worse than expected by 2%" in hover["ID"]


def test_rolled_up_cells_say_so_in_the_hover():
    row = comparison(
        "US",
        "WORLD/US",
        1,
        "2024",
        1205.0,
        1200.0,
        basis="actual: sum of 12 months",
        actual_components=12,
        actual_approximate_components=3,
        actual_figure_ids=[f"r{m:02d}" for m in range(1, 13)],
    )
    heat = scorecard.performance_heatmap(pl.DataFrame([row])).data[0]
    hover = heat.customdata[0][0]
    assert "sum of 12 months, 3 approximate" in hover
    assert "figures r01, r02" in hover and "Evidence page" in hover


def test_trend_chart_has_actuals_vintages_shortfalls_and_events():
    actuals = pl.DataFrame(
        {
            "region_code": ["US"] * 2,
            "region_name": ["US"] * 2,
            "period": ["2023", "2024"],
            "grain": ["year"] * 2,
            "period_start": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)],
            "period_end": [dt.date(2023, 12, 31), dt.date(2024, 12, 31)],
            "value": [6e9, 8.5e9],
            "value_low": [None, None],
            "value_high": [None, None],
            "bound": ["exact", "approx"],
            "kind": ["actual"] * 2,
            "source_id": ["a", "b"],
            "publisher": ["P", "Q"],
            "unit": ["USD"] * 2,
        }
    )
    vintages = pl.DataFrame(
        {
            "region_code": ["US"] * 2,
            "region_name": ["US"] * 2,
            "period": ["2024"] * 2,
            "grain": ["year"] * 2,
            "period_start": [dt.date(2024, 1, 1)] * 2,
            "period_end": [dt.date(2024, 12, 31)] * 2,
            "kind": ["target"] * 2,
            "vintage": [1, 2],
            "vintages": [2, 2],
            "value": [17.5e9, 15.5e9],
            "value_high": [None, None],
            "bound": ["exact"] * 2,
            "as_of": [dt.date(2024, 1, 3), dt.date(2025, 9, 28)],
            "source_id": ["c", "d"],
            "publisher": ["R", "S"],
            "is_original": [True, False],
            "is_latest": [False, True],
            "unit": ["USD"] * 2,
        }
    )
    shortfalls = vintages.head(1).select("period_start", "period_end")
    events = pl.DataFrame(
        {
            "date": [dt.date(2024, 4, 24), dt.date(2025, 1, 19)],
            "status": ["effective", "expected"],
            "category": ["law", "ban"],
            "title": ["signed", "deadline"],
            "jurisdiction_name": ["US", "US"],
            "date_precision": ["day", "day"],
            "source_id": ["e", "f"],
        }
    )
    fig = trends.trend_chart(actuals, vintages, shortfalls, events, "GMV")
    names = [t.name for t in fig.data]
    assert "US: actual" in names and "US: target" in names and "US: target (latest)" in names
    assert "event: law" in names and "event: ban" in names
    ban = next(t for t in fig.data if t.name == "event: ban")
    assert ban.marker.symbol[0] == "circle-open"  # expected events are hollow
    assert any(s.type == "rect" for s in fig.layout.shapes)  # the shortfall year is shaded
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(str(s.x0), s.line.dash) for s in lines] == [("2024-04-24", "solid"), ("2025-01-19", "dot")]
    assert all(s.xref == "x" and s.yref == "y domain" for s in fig.layout.shapes)  # the top panel
    assert fig.layout.yaxis.title.text == "GMV (USD bn)"
    assert "source: %{customdata[2]}" in fig.data[1].hovertemplate or "source" in fig.data[1].hovertemplate


@pytest.mark.parametrize(
    "builder",
    [
        scorecard.performance_heatmap,
        scorecard.actual_vs_expectation_bars,
        pacing.pacing_chart,
        events.events_timeline,
        evidence.disagreement_chart,
    ],
)
def test_empty_frames_give_a_message_not_an_empty_chart(builder):
    fig = builder(pl.DataFrame())
    assert fig.layout.annotations and "no " in fig.layout.annotations[0].text


def test_region_colours_are_stable_distinct_and_visible_on_white():
    """Issue 16 fault 11: a region keeps its colour when others are added or removed; no yellow."""
    few = style.region_colours(["United States", "Canada"])
    more = style.region_colours(["United States", "Canada", "Mexico", "Germany"])
    assert len(set(more.values())) == 4
    assert few == {r: more[r] for r in few}  # adding two regions recoloured neither
    assert style.region_colours(["Canada"]) == {"Canada": few["Canada"]}  # nor did removing one

    def contrast(hex_colour: str) -> float:
        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (lin(int(hex_colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
        return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)

    assert min(contrast(c) for c in style.REGION_PALETTE) >= 2.0
    assert "#F0E442" not in style.REGION_PALETTE


def test_row_counts_are_singular_for_one():
    assert style.row_count(1) == "1 row"
    assert style.row_count(1204) == "1,204 rows"


def test_pacing_draws_the_cumulative_goal_line_daily_points_and_the_run_rate():
    days = [dt.date(2024, 11, d) for d in range(1, 16)]
    frame = pl.DataFrame(
        {
            "region_code": ["WORLD"] * 15,
            "expectation_period": ["2024-11"] * 15,
            "expectation_kind": ["target"] * 15,
            "expectation": [30000.0] * 15,
            "expectation_start": [dt.date(2024, 11, 1)] * 15,
            "expectation_end": [dt.date(2024, 11, 30)] * 15,
            "to_date_start": [dt.date(2024, 11, 1)] * 15,
            "to_date_end": days,
            "actual_to_date": [820.0 * d for d in range(1, 16)],
            "actual_bound": ["exact"] * 15,
            "basis": ["reported"] + [f"sum of {d} days" for d in range(2, 16)],
            "elapsed_share": [d / 30 for d in range(1, 16)],
            "share_achieved": [820.0 * d / 30000 for d in range(1, 16)],
            "expected_to_date": [1000.0 * d for d in range(1, 16)],
            "pace_attainment": [0.82] * 15,
            "run_rate_projection": [24600.0] * 15,
            "source_ids": ["pos"] * 15,
            "unit": ["USD"] * 15,
            "favourable": [False] * 15,
            "performance_pct": [-0.18] * 15,
            "is_complete": [False] * 15,
        }
    )
    fig = pacing.pacing_chart(frame, "Revenue")
    by_name = {t.name: t for t in fig.data}
    goal = by_name["cumulative goal (straight line)"]
    assert goal.y[0] == 0 and goal.y[-1] == pytest.approx(30.0)  # in USD k
    actual = by_name["actual to date"]
    assert actual.mode == "lines+markers" and len(actual.x) == 15  # every day, joined (no 15 labels)
    assert set(actual.marker.color) == {style.WORSE}  # behind the line on revenue: worse
    landing = by_name["run-rate landing"]
    assert landing.y[-1] == pytest.approx(24.6)
    assert "worse than expected by 18%" in actual.customdata[-1][4]


def test_event_category_colours_are_visible_on_white():
    """The market-exit dot was Okabe-Ito yellow (#F0E442, 1.2:1 on white): every category colour now has at
    least 2.2:1 (WCAG relative luminance)."""

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for category, colour in style.CATEGORY_COLOURS.items():
        assert 1.05 / (luminance(colour) + 0.05) >= 2.2, (category, colour)
