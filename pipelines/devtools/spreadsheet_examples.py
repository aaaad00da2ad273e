"""Write the spreadsheet examples of data/examples/ (regenerate with `impact generate examples`).

Three datasets, each a file as analysts keep it plus its layout (docs/data-formats.md, "Spreadsheet layouts"):
- acme-fpa: a wide FP&A workbook, months as Excel date-time columns, Actual/Budget/Forecast rows, GBP
  thousands, expense lines written negative, a fiscal year starting in April, total rows and notes;
- earnings: an earnings table, consensus EPS and reported EPS side by side (CSV, negatives in parentheses);
- kpi: a monthly KPI sheet (year over month, two header rows) with an annual target phased to months by
  last year's profile;
and the accounting examples of pipelines/devtools/accounting_examples.py (a general-ledger extract, a Budget vs.
Actuals export).
The numbers are made up, deterministic (a seeded generator) and identical on every run.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from pipelines.devtools.accounting_examples import write_accounting_examples

ACCOUNTS = (
    ("Revenue", "Income", 5200.0),
    ("Cost of sales", "Expense", 3100.0),
    ("Operating expenses", "Expense", 1250.0),
)
UNITS = (("UK", 1.0), ("Ireland", 0.22))
FY2025_MONTHS = [date(2024 + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]
SEASON = (0.92, 0.95, 0.97, 0.96, 0.94, 0.98, 1.02, 1.08, 1.25, 0.9, 0.93, 1.1)


def write_examples(root: Path) -> list[Path]:
    """Write every example under root/datasets/; return the files written."""
    return [
        *_acme_fpa(root / "datasets" / "acme-fpa"),
        *_earnings(root / "datasets" / "earnings"),
        *_kpi(root / "datasets" / "kpi"),
        *write_accounting_examples(root),
    ]


def _book(path: Path) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(path)
    book.set_properties({"created": datetime(2025, 5, 1)})  # a fixed date: regenerating gives the same bytes
    return book


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _acme_fpa(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2025)
    path = folder / "acme-fpa-fy2025.xlsx"
    book = _book(path)
    ws = book.add_worksheet("P&L")
    bold, month_fmt = book.add_format({"bold": True}), book.add_format({"bold": True, "num_format": "mmm-yy"})
    money = book.add_format({"num_format": "#,##0.0;(#,##0.0)"})
    ws.write(0, 0, "Acme Retail plc: management accounts FY2025 (April 2024 - March 2025)", bold)
    ws.write(1, 0, "GBP thousands; expenses shown negative")
    for c, name in enumerate(("Account", "Business unit", "Line type", "Scenario")):
        ws.write(3, c, name, bold)
    for i, month in enumerate(FY2025_MONTHS):
        ws.write_datetime(3, 4 + i, datetime(month.year, month.month, 1), month_fmt)
    ws.write(3, 16, "FY2025 total", bold)
    r = 4
    for unit, size in UNITS:
        for account, line_type, base in ACCOUNTS:
            sign = -1 if line_type == "Expense" else 1
            budget = [round(base * size * s, 1) for s in SEASON]
            rows = {
                "Actual": [round(b * (1 + rng.uniform(-0.08, 0.05)), 1) for b in budget],
                "Budget": budget,
                "Forecast": [None] * 6 + [round(b * (1 + rng.uniform(-0.05, 0.03)), 1) for b in budget[6:]],
            }
            for scenario, values in rows.items():
                ws.write_row(r, 0, (account, unit, line_type, scenario))
                for i, v in enumerate(values):
                    if v is not None:
                        ws.write_number(r, 4 + i, sign * v, money)
                total = sign * sum(v for v in values if v is not None)
                ws.write_formula(r, 16, f"=SUM(E{r + 1}:P{r + 1})", money, round(total, 1))
                r += 1
        ws.write(r, 0, f"Total {unit}", bold)
        r += 2
    ws.write(r, 0, "Notes: Forecast is the 6+6 forecast of October 2024; actuals as closed on 30 April 2025.")
    book.close()
    return [
        path,
        _write(folder / "acme-fpa-fy2025.layout.toml", ACME_LAYOUT),
        _write(
            folder / "entities.csv",
            "entity,parent,fiscal_year_start_month,description\n"
            "Acme Retail,,4,Example UK retailer (fiscal year April-March)\n",
        ),
        _write(
            folder / "metrics.csv",
            "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
            "cost_of_sales,Cost of sales,money,true,false,false,Direct cost of goods sold (lower is better)\n"
            "operating_expenses,Operating expenses,money,true,false,false,Overheads (lower is better)\n",
        ),
    ]


ACME_LAYOUT = """\
# Acme Retail's FP&A workbook: one row per account, business unit and scenario; months as columns.
files = ["acme-fpa-fy2025.xlsx"]
shape = "wide"
sheet = "P&L"
skip_rows = 3                        # title, subtitle, blank row
header_rows = 1                      # Account ... Scenario, then Excel dates (Apr-24 ... Mar-25)
ignore_columns = ["FY2025 total"]    # the sheet's own total: the warehouse adds months up itself
skip_when = { column = "Account", matches = "(?i)^total" }
stop_at = "(?i)^notes"
scale = "thousands"                  # values are GBP thousands
sign = { column = "Line type", flip = ["Expense"] }   # expenses are written negative

[periods]
fiscal_year_start_month = 4

[fields]
entity = { value = "Acme Retail" }
metric = { column = "Account", map = { "Revenue" = "revenue", "Cost of sales" = "cost_of_sales", "Operating expenses" = "operating_expenses" } }
region = { column = "Business unit", map = { "UK" = "GB", "Ireland" = "IE" } }
kind = { column = "Scenario", map = { "Actual" = "actual", "Budget" = "budget", "Forecast" = "projection" } }
unit = { value = "GBP" }
as_of = { column = "Scenario", map = { "Actual" = "2025-04-30", "Budget" = "2024-03-15", "Forecast" = "2024-10-15" } }
source_id = { value = "acme-fpa-fy2025" }

[source]
source_id = "acme-fpa-fy2025"
publisher = "Acme Retail FP&A"
title = "Management accounts FY2025"
published_on = "2025-04-30"
reliability = "internal"
"""

COMPANIES = (
    ("NWT", "Northwind Traders", 1.10),
    ("CTS", "Contoso Systems", 2.35),
    ("FAB", "Fabrikam Labs", -0.04),
)


def _earnings(folder: Path) -> list[Path]:
    rng = random.Random(24)
    path = folder / "earnings-2024.csv"
    folder.mkdir(parents=True, exist_ok=True)
    reported = {1: "04-25", 2: "07-25", 3: "10-24", 4: "01-30"}
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "Symbol",
                "Company",
                "Fiscal quarter",
                "Earnings date",
                "EPS Estimate",
                "Reported EPS",
                "Surprise(%)",
            ]
        )
        for symbol, company, eps in COMPANIES:
            for q in range(1, 5):
                estimate = round(eps * (1 + 0.03 * q), 2)
                actual = round(estimate + rng.uniform(-0.12, 0.15), 2)
                year = 2025 if q == 4 else 2024
                surprise = f"{(actual - estimate) / abs(estimate) * 100:+.2f}" if estimate else ""
                out.writerow(
                    [
                        symbol,
                        company,
                        f"Q{q} 2024",
                        f"{year}-{reported[q]}",
                        _paren(estimate),
                        _paren(actual),
                        surprise,
                    ]
                )
    return [
        path,
        _write(folder / "earnings-2024.layout.toml", EARNINGS_LAYOUT),
        _write(
            folder / "metrics.csv",
            "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
            "eps,Earnings per share,money,false,true,true,Diluted earnings per share\n",
        ),
    ]


def _paren(value: float) -> str:
    return f"({abs(value):.2f})" if value < 0 else f"{value:.2f}"


EARNINGS_LAYOUT = """\
# An earnings table as exported from a market-data site: consensus and reported EPS on one row.
shape = "side_by_side"
ignore_columns = ["Symbol", "Surprise(%)"]   # the surprise is recomputed by the warehouse

[fields]
entity = { column = "Company" }
metric = { value = "eps" }
region = { value = "WORLD" }
period = { column = "Fiscal quarter" }
unit = { value = "USD" }
source_id = { value = "earnings-export-2025-02" }

[[values]]
column = "EPS Estimate"
kind = "consensus"
as_of = { column = "Earnings date" }   # the consensus as it stood on the report date

[[values]]
column = "Reported EPS"
kind = "actual"
as_of = { column = "Earnings date" }

[source]
source_id = "earnings-export-2025-02"
publisher = "Market-data export (example)"
published_on = "2025-02-01"
reliability = "analyst_consensus"
"""

KPIS = (("Orders", "count k", 410.0), ("Revenue", "USD m", 36.0))
KPI_SEASON = (0.8, 0.82, 0.95, 0.97, 1.0, 0.98, 0.96, 0.99, 1.02, 1.05, 1.3, 1.5)


def _kpi(folder: Path) -> list[Path]:
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kpi-2024.xlsx"
    book = _book(path)
    ws = book.add_worksheet("KPIs")
    bold = book.add_format({"bold": True, "align": "center"})
    ws.write(0, 0, "Northwind Mobile: monthly KPIs", bold)
    for c, name in enumerate(("KPI", "Scenario", "Unit")):
        ws.write(2, c, name, bold)
    for y, year in enumerate((2023, 2024)):
        ws.merge_range(2, 3 + 12 * y, 2, 14 + 12 * y, str(year), bold)
        for m in range(12):
            ws.write(3, 3 + 12 * y + m, date(year, m + 1, 1).strftime("%b"), bold)
    ws.write(2, 27, "FY2024", bold)
    r = 4
    for kpi, unit, base in KPIS:
        actual = [round(base * s * (1 + rng.uniform(-0.06, 0.06)), 1) for s in KPI_SEASON]
        actual += [round(base * 1.12 * s * (1 + rng.uniform(-0.08, 0.04)), 1) for s in KPI_SEASON]
        ws.write_row(r, 0, (kpi, "Actual", unit))
        ws.write_row(r, 3, actual)
        ws.write_row(r + 1, 0, (kpi, "Target", unit))
        ws.write_number(r + 1, 27, round(sum(actual[:12]) * 1.15, 0))
        r += 2
    book.close()
    return [
        path,
        _write(folder / "kpi-2024.layout.toml", KPI_LAYOUT),
        _write(
            folder / "entities.csv",
            "entity,parent,fiscal_year_start_month,description\n"
            "Northwind Mobile,,1,Example mobile retailer (calendar fiscal year)\n",
        ),
    ]


KPI_LAYOUT = """\
# Northwind Mobile's KPI sheet: actuals by month (a year row over a month row), one annual target per KPI,
# phased to months by last year's monthly profile.
shape = "wide"
sheet = "KPIs"
skip_rows = 2
header_rows = 2                      # '2023' (merged over its months) over 'Jan' ... 'Dec'

[fields]
entity = { value = "Northwind Mobile" }
metric = { column = "KPI", map = { "Orders" = "orders", "Revenue" = "revenue" } }
region = { value = "US" }
kind = { column = "Scenario", map = { "Actual" = "actual", "Target" = "target" } }
unit = { column = "Unit" }
as_of = { column = "Scenario", map = { "Actual" = "2025-01-15", "Target" = "2023-12-01" } }
source_id = { value = "northwind-kpi-2024" }

[phase]
kinds = ["target"]
profile = "last_year"                # 2024's monthly targets follow 2023's monthly actuals

[source]
source_id = "northwind-kpi-2024"
publisher = "Northwind Mobile planning team"
published_on = "2025-01-15"
reliability = "internal"
"""
