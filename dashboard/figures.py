"""Drawing a chart on a page so that it reads at a phone's width (390 px) and a laptop's (1440 px) alike.

Streamlit does not tell the server how wide the browser is, so nothing here guesses a width:
- the figure's title leaves the figure: its first part (up to ' · ' or a line break) becomes a bold line above
  the chart and the rest a caption, both ordinary page text that wraps (a Plotly title never wraps: at 390 px
  the Trends title ran 200 px past the chart's edge);
- the figure keeps the shared template's small margins, automargins and horizontal legend below the plot
  (dashboard/charts/style.py), so the plot area takes the width the legend used to take;
- `PHONE_CSS`, set with every chart, hides a heatmap's cell text below 700 px where the chart marked itself
  as too dense for it (`dense`): the cells stay coloured and the numbers stay in the hover and the tables;
  likewise the Events timeline's dot labels (placed for a laptop's width, they overlap at a phone's);
  and it narrows the page's side padding there from 16 to 8 px (a chart gets 374 px of 390, not 358) and an
  expander's from 16 to 4 px (the Impact page's controls chart: 364 px, not 340).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

# Below this viewport width a dense heatmap's cells (more than PHONE_CELL_LABELS periods) are too narrow for
# their text (at 390 px the Scorecard's 16 quarters gave 18 px cells and overprinted labels).
PHONE_MAX_WIDTH_PX = 700
PHONE_CSS = f"""<style>
@media (max-width: {PHONE_MAX_WIDTH_PX}px) {{
  [class*="st-key-dense_"] .js-plotly-plot .heatmaplayer text {{ display: none; }}
  [class*="st-key-dense_"] .js-plotly-plot .scatterlayer .textpoint text {{ display: none; }}
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.5rem; padding-right: 0.5rem; }}
  [data-testid="stExpanderDetails"] {{ padding-left: 0.25rem; padding-right: 0.25rem; }}
}}
</style>"""
TAGS = re.compile(r"<[^>]+>")
MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")


def split_title(title: str | None) -> tuple[str, str]:
    """('Where sources disagree', 'same thing, different numbers') from a chart title: the heading is the part
    before the first ' · ' or line break; the rest (tags removed, its parts joined by ' · ') is the note."""
    if not title:
        return "", ""
    text = re.sub(r"<br\s*/?>", "\n", title)
    head, rest = _split(text)
    note = TAGS.sub("", rest.replace("\n", " · ")).strip()
    return TAGS.sub("", head).strip(), note


def _split(text: str) -> tuple[str, str]:
    found = re.search(r" · |\n", text)
    return (text, "") if not found else (text[: found.start()], text[found.end() :])


def show_chart(fig: go.Figure, key: str, dense: bool = False, clickable: bool = False):
    """`st.plotly_chart(fig)` with its title as page text above it (see the module's docstring); `dense`
    marks a heatmap whose cell text is hidden at phone widths. `clickable`: a click on a point reruns the
    page and the chart's selection event is returned (`event.selection.points`), else None."""
    st.html(PHONE_CSS)
    heading, note = split_title(fig.layout.title.text)
    if heading:
        st.markdown("**" + MARKDOWN.sub(r"\\\1", heading) + "**")
    if note:
        st.caption(MARKDOWN.sub(r"\\\1", note))
    fig.layout.title.text = None
    select = dict(on_select="rerun", selection_mode="points") if clickable else {}
    if dense:
        with st.container(key=f"dense_{key}"):
            event = st.plotly_chart(fig, theme=None, key=key, **select)
    else:
        event = st.plotly_chart(fig, theme=None, key=key, **select)
    return event if clickable else None
