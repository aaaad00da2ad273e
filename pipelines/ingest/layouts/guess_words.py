"""The words and dates of a sheet the layout guess reads (pipelines/ingest/layouts/guess.py): which kind of
figure a label or title names, the date a title or footer states, and the layout text written from them (the
kind field, the metric map, the [source] table).
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.ingest.layouts.placeholders import PLACEHOLDER
from pipelines.ingest.vocabulary import KINDS

KIND_OF = {
    "ist": "actual",  # German Excel sheets: Ist / Soll / Plan / Prognose
    "soll": "budget",
    "prognose": "projection",
    "réel": "actual",
    "reel": "actual",
    "estimate": "consensus",
    "consensus": "consensus",
    "expected": "consensus",
    "budget": "budget",
    "plan": "budget",
    "forecast": "projection",
    "projection": "projection",
    "target": "target",
    "guidance": "guidance",
}
_WORD = re.compile(r"[a-zäöüßéè]+")


def kind_named(text: str) -> str | None:
    """The kind of figure a scenario label or a title names ('Budget', 'Actual YTD', 'Plan FY26', 'Ist' ->
    budget, actual, budget, actual), from the product's kind words (pipelines/ingest/vocabulary.py KINDS and
    the sheet words above); None when it names none, or several ('Budget vs. Actuals')."""
    low = text.strip().lower()
    if kind := KINDS.get(low) or KIND_OF.get(low):
        return kind
    named = {KINDS.get(w) or KIND_OF.get(w) for w in _WORD.findall(low)} - {None}
    return named.pop() if len(named) == 1 else None


def kinds_in(text: str) -> list[str]:
    """Every kind the words of `text` name, in order of appearance: 'Budget vs. Actuals FY2026' -> [budget,
    actual]."""
    found = (KINDS.get(w) or KIND_OF.get(w) for w in _WORD.findall(text.lower()))
    return list(dict.fromkeys(k for k in found if k))


def kind_field(words: str) -> str:
    """fields.kind of a sheet without a scenario column: the one kind its title and headers name ('Revenue
    budget 2026' -> budget), else the placeholder, naming the kinds found when they are several."""
    kinds = kinds_in(words)
    if len(kinds) == 1:
        return f'{{ value = "{kinds[0]}" }}  # named in the title or headers'
    named = f"the title names {' and '.join(kinds)}: write the one these figures are" if kinds else "write"
    return (
        f'{{ value = "{PLACEHOLDER}" }}  # {named}: actual, budget, target, guidance, consensus, projection'
    )


def metric_table(column: str, labels: list[str]) -> str:
    """[fields.metric]: the metric column with a map listing each distinct label found in it, mapped to a
    metric id made of itself ('Cost of sales' -> 'cost_of_sales'), for the user to edit."""
    from pipelines.ingest.vocabulary import metric_id

    pairs = "".join(f"{toml_string(v)} = {toml_string(metric_id(v))}\n" for v in labels)
    return (
        f"\n[fields.metric]  # each row's metric: its label in column {toml_string(column)}\n"
        f"column = {toml_string(column)}\n"
        "\n[fields.metric.map]  # EDIT: each label as found = the metric id it loads as (made of the label here);"
        " write a reference metric's id where one is meant (revenue, ebitda, net_profit, ...:"
        " pipelines/reference/metrics.csv) or declare yours in metrics.csv\n"
        f"{pairs}"
    )


def source_table(source_id: str, title: str, stated: date | None, where: str = "in the title") -> str:
    """[source]: published_on is the date the sheet states ('as of 2026-03-31'), else the placeholder a run
    refuses until it is written (never the day of the guess)."""
    when = (
        f'"{stated.isoformat()}"  # the date written {where}'
        if stated
        else f'"{PLACEHOLDER}"  # the sheet states no date: write the day it was issued, YYYY-MM-DD'
    )
    return (
        "\n[source]  # the source every figure cites\n"
        f'source_id = "{source_id}"\n'
        'publisher = "Own spreadsheet"\n'
        f"title = {toml_string(title)}\n"
        f"published_on = {when}\n"
    )


_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}\.?\s+[A-Za-zäé]{3,}\.?\s+\d{4}|[A-Za-z]{3,}\.?\s+\d{1,2},\s+\d{4})\b"
)


def stated_date(title: str) -> date | None:
    """The first date written in a sheet's title lines ('as of 2026-03-31', 'Prepared 15 January 2026',
    'Stand 15.01.2026'), or None."""
    from dateutil import parser

    for match in _DATE.finditer(title):
        try:
            return parser.parse(match.group(1), dayfirst="." in match.group(1)).date()
        except (ValueError, OverflowError):
            continue
    return None


_AS_AT = re.compile(r"(?i)\b(as of|as at|per|stand|stand:|status)\s*:?\s*$")


def as_at_date(title: str) -> date | None:
    """The date a title says its figures stand at ('as of 2026-03-31', 'Stand 15.01.2026'), or None: a
    date after other words ('Prepared 15 January 2026') dates the plan, not the actuals."""
    from dateutil import parser

    for match in _DATE.finditer(title):
        if _AS_AT.search(title[: match.start()]):
            try:
                return parser.parse(match.group(1), dayfirst="." in match.group(1)).date()
            except (ValueError, OverflowError):
                continue
    return None


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
