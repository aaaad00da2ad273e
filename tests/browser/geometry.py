"""What a chart looks like on the page, measured in the browser: each Plotly chart's plot areas and the boxes
of its texts (title, legend, tick labels, axis titles, annotations, heatmap cell text) against its svg and
the viewport. Used by the phone-width tests (issue 16, faults 3 and 4)."""

from __future__ import annotations

# For every `.js-plotly-plot`: its svg box, the widest plot area (`.nsewdrag`, the drag rectangle Plotly lays
# over each subplot's plot area), and every text box that lies outside the svg (clipped or overflowing).
MEASURE_JS = """
() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom,
                                                                  w: r.width, h: r.height}; };
  const kinds = {
    title: '.g-gtitle text, .gtitle', legend: '.legend', xtick: '.xtick text', ytick: '.ytick text',
    axis_title: '.g-xtitle text, .g-ytitle text, [class^="g-x"] .xtitle, [class^="g-y"] .ytitle',
    annotation: '.annotation-text', cell_text: '.hm text, .heatmaplayer text',
    point_text: '.textpoint text, text.bartext',
  };
  return [...document.querySelectorAll('.js-plotly-plot')].map((plot, index) => {
    const svg = box(plot.querySelector('.main-svg'));
    const holder = box(plot.closest('[data-testid="stPlotlyChart"]') || plot.parentElement);
    const areas = [...plot.querySelectorAll('.nsewdrag')].map(box);
    const out = [];
    const texts = {};
    for (const [kind, selector] of Object.entries(kinds)) {
      const found = [...plot.querySelectorAll(selector)].filter((e) => e.getBoundingClientRect().width > 0);
      texts[kind] = found.map(box);
      for (const e of found) {
        const b = box(e);
        if (b.x < svg.x - 1 || b.r > svg.r + 1 || b.y < svg.y - 1 || b.b > svg.b + 1)
          out.push({kind, text: (e.textContent || '').slice(0, 60), box: b});
      }
    }
    const title = plot.querySelector('.g-gtitle text, .gtitle');
    return {index, svg, holder, areas, texts, outside: out,
            title: title ? title.textContent : null,
            viewport: window.innerWidth};
  });
}
"""


def overlaps(a: dict, b: dict, slack: float = 1.0) -> bool:
    """Whether two boxes ({x, y, r, b}) overlap by more than `slack` px each way."""
    return (
        a["x"] < b["r"] - slack
        and b["x"] < a["r"] - slack
        and a["y"] < b["b"] - slack
        and b["y"] < a["b"] - slack
    )


def overprinted(boxes: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of text boxes that print over each other (heatmap cell text, tick labels)."""
    pairs = []
    ordered = sorted(boxes, key=lambda b: (b["y"], b["x"]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b["y"] >= a["b"]:
                break
            if overlaps(a, b):
                pairs.append((a, b))
    return pairs
