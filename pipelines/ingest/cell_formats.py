"""Spreadsheet cells as they show: an Excel number format is part of the cell's value.

A person reads a workbook through its formats, and so does the loader:

| format | cell holds | read as | why |
|---|---|---|---|
| `0.0%`, `0%`, `0.00%` | 0.734297 | `73.4297%` (73.4297 for a `%` unit; refused for others) | shown as 73.4 % |
| `#,##0,` (one trailing comma per thousand) | 1234567 | 1234.567 | shown as 1,235: the sheet is in thousands |
| `#,##0,,"M"` | 2500000 | 2.5 | shown as 3M: in millions |
| `[$€-407] #,##0.00`, `#,##0 "€"`, `£#,##0` | 5 | `€5` (the currency is checked against the unit) | shown as € 5 |
| `mmm-yy`, `mmmm yyyy`, `yyyy-mm` | 2024-04-15 | `2024-04` | shown as Apr-24: a month |
| `yyyy` | 2024-04-15 | `2024` | shown as 2024: a year |
| `General`, `0.00`, `#,##0`, `dd/mm/yyyy` | as stored | as stored | the format shows the value itself |

Only the format section that applies to the value is read (`positive;negative;zero;text`). A dollar sign
names no currency by itself (US, Canadian, Australian ... dollars share it), so it is not checked; `[$USD]`
and the other symbols are. Precision is kept: 0.734297 under `0.0%` reads 73.4297, not the rounded 73.4.

Pure functions, no I/O: `shown(value, number_format)` -> `Shown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

GENERAL = "general"
# currency symbols a format may show, each naming one currency (or one of a known few: ¥ is JPY or CNY);
# the unit check is pipelines/normalise/numbers.py (SYMBOLS)
CURRENCY_SYMBOLS = ("€", "£", "¥", "₹", "₺", "₴", "₽", "₩", "₫", "₱", "฿")
_QUOTED = re.compile(r'"([^"]*)"')
_BRACKET = re.compile(r"\[([^\]]*)\]")
_ESCAPED = re.compile(r"\\(.)")
_SPACING = re.compile(r"[_*].")  # _x leaves the width of x, *x repeats x: layout, not content
_ISO_CODE = re.compile(r"^\$([A-Z]{3})(?:-[0-9A-Fa-f]+)?$")
_LOCALE_SYMBOL = re.compile(r"^\$(.+?)(?:-[0-9A-Fa-f]+)?$")
_DIGIT = "0#?"


@dataclass(frozen=True)
class Shown:
    """A cell as its format shows it: `value` scaled as shown (a number, or a period label for a date shown as
    a month or a year), with the `prefix` (a currency) and `suffix` ('%') the format writes around it."""

    value: object
    prefix: str = ""
    suffix: str = ""

    def written(self) -> str | None:
        """The cell as text a figures file would hold: `73.4297%`, `€5`, `USD 5`, `1234.567`, `2024-04`."""
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None if v is None else str(v)
        text = str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
        return f"{self.prefix}{text}{self.suffix}"


def describe(number_format: str) -> str:
    """What a format does to the value, for a load note: 'a percent', 'in thousands', 'a month' ..."""
    section, _ = _plain(_section(number_format, 1.0))
    if "%" in section:
        return "a percent"
    scaling = _scaling_commas(section)
    if scaling:
        return {1: "in thousands", 2: "in millions"}.get(scaling, f"in 1e{3 * scaling}")
    low = section.lower()
    if "y" in low and "d" not in low:
        return "a month" if "m" in low else "a year"
    return "a currency"


def shown(value: object, number_format: str | None) -> Shown:
    """`value` (a cell's stored number, date-time or text) as `number_format` shows it."""
    fmt = (number_format or "").strip()
    if (
        not fmt
        or fmt.lower() == GENERAL
        or isinstance(value, bool)
        or value is None
        or isinstance(value, str)
    ):
        return Shown(value)
    if isinstance(value, datetime | date):
        return Shown(_date_as_shown(value, fmt))
    if not isinstance(value, int | float):
        return Shown(value)
    section = _section(fmt, float(value))
    plain, currency = _plain(section)
    percents = plain.count("%")
    scaling = _scaling_commas(plain)
    if not percents and not scaling and not currency:
        return Shown(value)
    number = _decimal(value)
    if number is None:
        return Shown(value)
    number = number * (Decimal(100) ** percents) / (Decimal(1000) ** scaling)
    return Shown(_number(number), currency, "%" if percents else "")


def _decimal(value: float | int) -> Decimal | None:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(number: Decimal) -> float | int:
    """The shortest float (or int) that is the decimal result: 0.734297 x 100 = 73.4297, not 73.42970000000001."""
    as_float = float(number)
    return int(as_float) if as_float.is_integer() and abs(as_float) < 1e15 else as_float


def _section(fmt: str, value: float) -> str:
    """The part of `positive;negative;zero;text` that formats `value` (semicolons in quotes are text). A
    section that shows no number (`0%;-`: negatives as a dash) leaves the value as the first section reads it."""
    parts, current, quoted = [], [], False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    chosen = parts[0]
    if value < 0 and len(parts) > 1:
        chosen = parts[1]
    elif value == 0 and len(parts) > 2:
        chosen = parts[2]
    shows_number = any(ch in _DIGIT for ch in _plain(chosen)[0])
    return chosen if shows_number else parts[0]


def _plain(section: str) -> tuple[str, str]:
    """The section without literal text, colours, conditions and spacing; and the currency it shows
    ('€', or 'USD ' for an ISO code) when it names one that is not a bare dollar sign."""
    currency = ""
    for inner in _BRACKET.findall(section):
        if m := _ISO_CODE.match(inner):
            currency = f"{m[1]} "
        elif (m := _LOCALE_SYMBOL.match(inner)) and m[1] in CURRENCY_SYMBOLS:
            currency = m[1]
    literals = "".join(_QUOTED.findall(section)) + "".join(_ESCAPED.findall(section))
    plain = _SPACING.sub("", _ESCAPED.sub("", _QUOTED.sub("", _BRACKET.sub("", section))))
    if not currency:
        currency = next((s for s in CURRENCY_SYMBOLS if s in literals or s in plain), "")
    return plain, currency


def _scaling_commas(plain: str) -> int:
    """Commas after the last digit placeholder of the number ('#,##0,' -> 1, '0.0,,' -> 2): each divides the
    shown value by 1,000. A comma between placeholders groups thousands and changes nothing."""
    digits = [i for i, ch in enumerate(plain) if ch in _DIGIT]
    if not digits:
        return 0
    tail = plain[digits[-1] + 1 :]
    run = len(tail) - len(tail.lstrip(","))
    return run


def _date_as_shown(value: date, fmt: str) -> object:
    """A date shown as a month ('mmm-yy') or a year ('yyyy') is that period's label; any format showing the
    day or the time keeps the date-time."""
    plain = _SPACING.sub("", _ESCAPED.sub("", _QUOTED.sub("", _BRACKET.sub("", _section(fmt, 1.0))))).lower()
    if any(t in plain for t in ("d", "h", "s")) or not any(t in plain for t in ("y", "e")):
        return value
    if "m" in plain:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}"
