"""The charts' shared style: one look everywhere (the `impact` Plotly template), the colours, and the unit
scaling and number formats every chart uses. No Streamlit, no queries.

A diverging red/blue scale around "as expected" in the metric's own sense (`favourable`, `performance_pct`
of actual_vs_expectation: red = worse than expected, blue = better, whether higher or lower is better and
whatever the expectation's sign; ColorBrewer RdBu, safe for the common colour-vision deficiencies), the Okabe-Ito palette for categories, units in every value
axis title, the source in every hover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from pipelines.words import counted

BELOW = "#b2182b"
ABOVE = "#2166ac"
IN_LINE = "#8c8c8c"
EXPECTATION = "#bdbdbd"
SHORTFALL_SHADE = "rgba(178, 24, 43, 0.10)"
# Okabe-Ito (colour-blind safe), its yellow #F0E442 (1.2:1 on white: the market-exit event dot could not be
# seen) darkened to #8F7100 (about 4.6:1)
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#8F7100", "#000000"]
DIRECTION_COLOURS = {"below": BELOW, "above": ABOVE, "in_line": IN_LINE}
EVENT_CATEGORIES = ["law", "litigation", "ruling", "regulation", "order", "ban", "market_exit", "other"]
CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, OKABE_ITO, strict=True))
BOUND_PREFIX = {"at_most": "≤ ", "at_least": "≥ ", "approx": "~ ", "exact": ""}
BOUND_SYMBOL = {"exact": "circle", "approx": "diamond", "at_most": "triangle-down", "at_least": "triangle-up"}
BOUND_WORDS = {"exact": "", "approx": " (approximate)", "at_most": " (at most)", "at_least": " (at least)"}
STATUS_SYMBOL = {"effective": "circle", "announced": "diamond", "expected": "circle-open", "overturned": "x"}
# performance % (variance as a share of |expectation|, positive = better), clipped so one outlier does not
# wash out the scale
HEATMAP_RANGE = (-50.0, 50.0)
WORSE, BETTER = BELOW, ABOVE
SENSE_COLOURS = {True: BETTER, False: WORSE, None: IN_LINE}
# Characters per line of a wrapped label: about 300 px of 13 px text, what a chart gets at 390 px.
WRAP_CHARS = 40
SENSE_WORDS = {True: "better than expected", False: "worse than expected", None: "in line"}


# The neutral band (issue 23: a 0.2 % miss was painted as red as a 20 % one): a comparison within ±0.5 % of
# its expectation is shown in line (neutral), in the heatmap, the bars and their words. The reason: a figure
# given to three significant figures ('$1.23bn', the usual precision of reported and planned figures) carries
# up to ±0.4 % of rounding, so a smaller difference says nothing about the business. The warehouse keeps the
# exact variance and its sign (serve_comparisons); only the charts' colour and words use the band.
NEUTRAL_BAND = 0.005
NEUTRAL_WORDS = f"within ±{NEUTRAL_BAND:.1%} of expected"


def within_band(performance_pct: float | None) -> bool:
    """Whether a comparison's performance (a fraction, e.g. -0.002) lies inside the neutral band."""
    return performance_pct is not None and abs(performance_pct) < NEUTRAL_BAND


def shown_sense(favourable: bool | None, performance_pct: float | None) -> bool | None:
    """The sense the charts show: `favourable`, or None (in line) inside the neutral band."""
    return None if within_band(performance_pct) else favourable


def sense_words(favourable: bool | None, performance_pct: float | None) -> str:
    """'better than expected by 12%', 'worse than expected by 3%', 'in line': the comparison in the metric's
    own sense (lower-is-better metrics and negative expectations included); a difference inside the neutral
    band is 'in line (0.2% worse, within ±0.5% of expected)'."""
    if favourable is not None and within_band(performance_pct):
        return f"in line ({abs(performance_pct):.1%} {'better' if favourable else 'worse'}, {NEUTRAL_WORDS})"
    if favourable is None or performance_pct is None:
        return SENSE_WORDS[None] if favourable is None else SENSE_WORDS[favourable]
    return f"{SENSE_WORDS[favourable]} by {abs(performance_pct):.0%}"


def attainment_words(attainment: float | None) -> str:
    """'attainment 104%', or why there is none (the expectation is zero or negative: not a share of plan)."""
    return "attainment n/a (expectation ≤ 0)" if attainment is None else f"attainment {attainment:.0%}"


def rollup_words(basis: str | None, components: int | None, approximate: int | None, side: str) -> str:
    """'sum of 12 months, 3 approximate' for a rolled-up side of a comparison; '' when reported as such.
    `basis` as actual_vs_expectation words it ('actual: sum of 12 months'), or without a side when both sides
    were combined alike (variance_by_region_quarter's 'sum of 3 months')."""
    if not basis or not components or components <= 1:
        return ""
    if basis.startswith(f"{side}: "):
        text = basis.removeprefix(f"{side}: ")
    elif ":" not in basis and basis != "reported":
        text = basis
    else:
        return ""
    return text + (f", {approximate} approximate" if approximate else "")


pio.templates["impact"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#262730"),
        colorway=OKABE_ITO,
        paper_bgcolor="white",
        plot_bgcolor="white",
        # tick labels flat while they fit, else upright: at 30 degrees (Plotly's first choice) the first label
        # reached left past the plot and the automargin took it from the plot's width
        xaxis=dict(
            gridcolor="#ececec", zeroline=False, linecolor="#bbbbbb", automargin=True, autotickangles=[0, 90]
        ),
        yaxis=dict(
            gridcolor="#ececec", zeroline=True, zerolinecolor="#bbbbbb", linecolor="#bbbbbb", automargin=True
        ),
        hoverlabel=dict(bgcolor="white", font_size=12),
        # Legends lie flat under the plot, whatever the width: a legend to the right of the plot took the
        # whole width of a phone (Trends at 390 px: a 17-entry legend left the plot 8 px). Placed in the
        # container's coordinates so its distance from the axis does not depend on the plot's height.
        legend=dict(
            orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left", font_size=11
        ),
        # Titles are drawn above the chart as page text by dashboard/figures.show_chart (they wrap there).
        title=dict(x=0, xanchor="left", y=0.98, yanchor="top", yref="container", font_size=15),
        # Small margins: the axes' automargin makes room for tick labels and axis titles as they are drawn.
        margin=dict(l=4, r=6, t=16, b=8),
    )
)
TEMPLATE = "impact"

# Series colours for regions: Okabe-Ito without its yellow (#F0E442, about 1.2:1 against white: hard to see
# as a line or marker on the white plot), each at least 2.2:1 against white.
REGION_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def region_colours(names) -> dict[str, str]:
    """Each region's series colour, kept when other regions are added or removed: its own colour comes from a
    stable hash of its name (not its position among the regions drawn, which recoloured the others); only
    when two regions shown together hash alike does the later one (by name) take the next free colour."""
    taken: dict[str, str] = {}
    for name in sorted(names):
        digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
        start = int.from_bytes(digest, "big") % len(REGION_PALETTE)
        free = [REGION_PALETTE[(start + k) % len(REGION_PALETTE)] for k in range(len(REGION_PALETTE))]
        used = set(taken.values())
        taken[name] = next((c for c in free if c not in used), free[0])
    return taken


def row_count(n: int, what: str = "row") -> str:
    """'1 row', '1,204 rows' (pipelines.words.counted)."""
    return counted(n, what)


# --- units ------------------------------------------------------------------------------------------------


def value_scale(unit: str | None, values) -> tuple[float, str]:
    """(divisor, axis unit label): USD 45e9 -> (1e9, 'USD bn'); '%' stays '%'."""
    unit = unit or ""
    numbers = [abs(v) for v in values if v is not None and v == v]
    top = max(numbers, default=0.0)
    if unit in ("%", "ratio"):
        return 1.0, unit
    for divisor, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if top >= divisor:
            return divisor, f"{unit} {suffix}".strip()
    return 1.0, unit


def format_value(
    value: float | None, divisor: float, bound: str | None = None, high: float | None = None
) -> str:
    """'≤ 2.0', '~ 45.0', '12.0–14.5'; '' for no number (never invent one)."""
    if value is None or value != value:
        return ""
    prefix = BOUND_PREFIX.get(bound or "exact", "")
    text = f"{value / divisor:,.1f}" if abs(value / divisor) < 1000 else f"{value / divisor:,.0f}"
    if high is not None and high == high and high != value:
        text += f"–{high / divisor:,.1f}"
    return prefix + text


def as_reported(value, value_high, bound, unit, direction) -> str:
    """A figure as a person would say it: '≤ 2.0 USD bn', '12.0–14.5 USD bn', 'fell short (no number)'."""
    if value is None:
        words = {"below": "below expectations", "in_line": "in line", "above": "above expectations"}
        return f"{words.get(direction, direction or '?')} (no number)"
    divisor, label = value_scale(unit, [value, value_high])
    return f"{format_value(value, divisor, bound, value_high)} {label}".strip()


def axis_title(metric_label: str, unit_label: str) -> str:
    """'GMV (USD bn)'; a long one on two lines ('Gross merchandise value<br>(USD m)'), so that it fits beside a
    short plot (a rotated title never wraps by itself)."""
    if not unit_label:
        return metric_label
    return f"{metric_label}{'<br>' if len(metric_label) > 16 else ' '}({unit_label})"


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure(layout=dict(template=TEMPLATE, height=220))
    fig.add_annotation(text=message, showarrow=False, font=dict(size=15, color="#666"), x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def col(frame: pl.DataFrame, name: str) -> list:
    return frame[name].to_list() if name in frame.columns else [None] * frame.height


def sources(frame: pl.DataFrame, prefix: str) -> list[str]:
    ids, publishers = col(frame, f"{prefix}_source_id"), col(frame, f"{prefix}_publisher")
    return [f"{p} [{i}]" if p else (i or "?") for i, p in zip(ids, publishers, strict=True)]


def wrap(text: str | None, width: int = WRAP_CHARS) -> str | None:
    """A label broken into lines of at most `width` characters ('<br>' between them) at spaces, so that it fits
    a phone's width: Plotly never wraps a title, annotation or tick label by itself."""
    if not text or len(text) <= width:
        return text
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def region_label(name: str, depth: int | None, min_depth: int = 0) -> str:
    return "\u2003" * max((depth or 0) - min_depth, 0) + name


def midpoints(frame: pl.DataFrame) -> list[dt.date]:
    return [s + (e - s) / 2 for s, e in zip(frame["period_start"], frame["period_end"], strict=True)]
