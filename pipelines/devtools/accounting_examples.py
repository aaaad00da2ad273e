"""Write the accounting examples of data/examples/ (with the spreadsheet examples: `impact generate examples`).

Two datasets, files as accounting systems export them (docs/data-formats.md, "Files from accounting and ERP
systems"):
- tailspin-gl: a general-ledger extract, one line per cost centre, account, scenario and month, read long
  with `combine = "sum"` (the cost-centre lines of an account-month are parts of its figure);
- wingtip-bva: a Budget vs. Actuals export as QuickBooks writes it, months over groups of four columns
  (Actual, Budget, over Budget, % of Budget), indented accounts, section and total rows, % of Budget cells
  holding fractions under a percent format; read with `shape = "column_groups"`, its over Budget and % of
  Budget columns reconciled with the warehouse.
The numbers are made up, deterministic (a seeded generator) and identical on every run.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import xlsxwriter

GL_ACCOUNTS = (  # account, name, metric, monthly budget per cost centre (GBP)
    ("4000", "Revenue", "revenue", {"Retail": 84000.0, "Online": 36000.0}),
    ("6000", "Salaries", "salaries", {"Retail": 21000.0, "Online": 9500.0, "Head office": 14000.0}),
    ("6100", "Rent", "rent", {"Retail": 6500.0, "Head office": 2500.0}),
)
GL_MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]
BVA_ACCOUNTS = (  # section, account as the export writes it, metric, monthly budget (USD)
    ("Income", "4000 Sales", "revenue", 120000.0),
    ("Income", "4100 Shipping income", "shipping_income", 6000.0),
    ("Cost of Goods Sold", "5000 Cost of goods sold", "cost_of_goods_sold", 66000.0),
    ("Expenses", "6000 Salaries", "salaries", 24000.0),
    ("Expenses", "6100 Rent", "rent", 7000.0),
)
BVA_MONTHS = ("Jan 2024", "Feb 2024", "Mar 2024")
METRICS = (
    "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
    "salaries,Salaries,money,true,false,false,Payroll expense (lower is better)\n"
    "rent,Rent,money,true,false,false,Premises rent (lower is better)\n"
)


def write_accounting_examples(root: Path) -> list[Path]:
    """Write both examples under root/datasets/; return the files written."""
    return [*_gl(root / "datasets" / "tailspin-gl"), *_bva(root / "datasets" / "wingtip-bva")]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _gl(folder: Path) -> list[Path]:
    rng = random.Random(2024)
    lines = ["Posting date,Period,Company,Cost centre,Scenario,Account,Account name,Amount,Currency"]
    for month in GL_MONTHS:
        posted = f"{month}-28"
        for code, name, _, centres in GL_ACCOUNTS:
            for centre, budget in centres.items():
                actual = round(budget * (1 + rng.uniform(-0.07, 0.06)), 2)
                lines.append(
                    f"{posted},{month},Tailspin Toys UK,{centre},Actual,{code},{name},{actual:.2f},GBP"
                )
                lines.append(
                    f"{posted},{month},Tailspin Toys UK,{centre},Budget,{code},{name},{budget:.2f},GBP"
                )
    return [
        _write(folder / "gl-2024-h1.csv", "\n".join(lines) + "\n"),
        _write(folder / "gl-2024-h1.layout.toml", GL_LAYOUT),
        _write(folder / "metrics.csv", METRICS),
    ]


GL_LAYOUT = """\
# Tailspin Toys' general-ledger extract: one line per cost centre, account, scenario and month. The cost
# centres' lines of one account and month are parts of its figure: combine = "sum" adds them (loads counts
# the lines added in rows_combined); without it each such line would be refused, naming the others.
files = ["gl-2024-h1.csv"]
shape = "long"
combine = "sum"

[fields]
entity = { value = "Tailspin Toys" }
metric = { column = "Account", map = { "4000" = "revenue", "6000" = "salaries", "6100" = "rent" } }
region = { value = "GB" }
period = { column = "Period" }
kind = { column = "Scenario", map = { "Actual" = "actual", "Budget" = "budget" } }
value = { column = "Amount" }
unit = { column = "Currency" }
as_of = { column = "Scenario", map = { "Actual" = "2024-07-15", "Budget" = "2023-12-01" } }
source_id = { value = "tailspin-gl" }

[source]
source_id = "tailspin-gl"
publisher = "Tailspin Toys finance (general-ledger extract)"
published_on = "2024-07-15"
reliability = "internal"
"""


def _bva(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2023)
    path = folder / "bva-2024-q1.xlsx"
    book = xlsxwriter.Workbook(path)
    book.set_properties({"created": datetime(2024, 4, 12)})  # a fixed date: regenerating gives the same bytes
    ws = book.add_worksheet("Budget vs. Actuals")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00;-#,##0.00"})
    percent = book.add_format({"num_format": "0.00%"})  # the export's fractions, shown as percents
    ws.write(0, 0, "Wingtip Toys", bold)
    ws.write(1, 0, "Budget vs. Actuals: FY2024 Budget - P&L")
    ws.write(2, 0, "January - March, 2024")
    columns = ("Actual", "Budget", "over Budget", "% of Budget")
    for g, month in enumerate((*BVA_MONTHS, "Total")):
        ws.write(4, 1 + 4 * g, month, bold)
        ws.write_row(5, 1 + 4 * g, columns, bold)
    r, totals = 6, {}
    for section in dict.fromkeys(s for s, *_ in BVA_ACCOUNTS):
        ws.write(r, 0, section, bold)
        r += 1
        lines = []
        for _, account, _, budget in (a for a in BVA_ACCOUNTS if a[0] == section):
            actuals = [round(budget * (1 + rng.uniform(-0.08, 0.07)), 2) for _ in BVA_MONTHS]
            lines.append(
                [*((a, budget) for a in actuals), (round(sum(actuals), 2), budget * len(BVA_MONTHS))]
            )
            ws.write(
                r, 0, f"   {account}"
            )  # accounts indented under their section, as the export writes them
            _group_cells(ws, r, lines[-1], money, percent)
            r += 1
        totals[section] = _sums(lines)
        ws.write(r, 0, f"Total {section}", bold)
        _group_cells(ws, r, totals[section], money, percent)
        r += 1
        if section == "Cost of Goods Sold":
            ws.write(r, 0, "Gross Profit", bold)
            _group_cells(ws, r, _sums([totals["Income"], totals[section]], (1, -1)), money, percent)
            r += 1
    ws.write(r, 0, "Net Income", bold)
    net = _sums([totals["Income"], totals["Cost of Goods Sold"], totals["Expenses"]], (1, -1, -1))
    _group_cells(ws, r, net, money, percent)
    ws.write(r + 2, 0, "Friday, Apr 12, 2024 09:20:20 AM GMT-8 - Accrual Basis")
    book.close()
    return [
        path,
        _write(folder / "bva-2024-q1.layout.toml", BVA_LAYOUT),
        _write(
            folder / "metrics.csv",
            METRICS
            + "shipping_income,Shipping income,money,true,true,false,Shipping charged to customers\n"
            + "cost_of_goods_sold,Cost of goods sold,money,true,false,false,Direct cost of sales (lower is better)\n",
        ),
    ]


def _group_cells(ws, r: int, pairs: list[tuple[float, float]], money, percent) -> None:
    for g, (actual, budget) in enumerate(pairs):
        c = 1 + 4 * g
        ws.write_number(r, c, actual, money)
        ws.write_number(r, c + 1, budget, money)
        ws.write_number(r, c + 2, round(actual - budget, 2), money)
        if budget:
            ws.write_number(r, c + 3, round(actual / budget, 4), percent)  # 1.0526 shows 105.26%


def _sums(
    lines: list[list[tuple[float, float]]], signs: tuple[int, ...] | None = None
) -> list[tuple[float, float]]:
    """Per group, the (actual, budget) of several lines added (with signs: income less costs)."""
    signs = signs or (1,) * len(lines)
    return [
        (round(sum(s * line[g][0] for s, line in zip(signs, lines, strict=True)), 2),
         round(sum(s * line[g][1] for s, line in zip(signs, lines, strict=True)), 2))
        for g in range(len(lines[0]))
    ]  # fmt: skip


BVA_LAYOUT = """\
# Wingtip Toys' Budget vs. Actuals export (QuickBooks style): one layout for the whole file. The upper header
# row names each month once over its group of four columns; the lower one what each column holds. The export's
# own over Budget and % of Budget are not figures: they are kept in export_values and checked against the
# warehouse's variance and attainment (the export_reconciliation view; impact run prints the count).
files = ["bva-2024-q1.xlsx"]
shape = "column_groups"
sheet = "Budget vs. Actuals"
skip_rows = 4                              # company, report, date range, blank row
header_rows = 2                            # months over groups, then Actual | Budget | over Budget | % of Budget
header_names = { A = "Account" }           # the account column has no header
stop_at = "(?i)accrual basis"
skip_when = { column = "Account", matches = "(?i)^(income|cost of goods sold|expenses|total |gross profit|net )" }
ignore_groups = ["Total"]                  # the quarter's total: the warehouse adds the months up itself

[groups]
"Actual" = { kind = "actual", as_of = { value = "2024-04-12" } }
"Budget" = { kind = "budget", as_of = { value = "2023-12-15" } }
"over Budget" = { reconcile = "variance" }         # actual - budget
"% of Budget" = { reconcile = "attainment_pct" }   # actual / budget x 100 (cells formatted 0.00%)

[fields]
entity = { value = "Wingtip Toys" }
metric = { column = "Account", map = { "4000 Sales" = "revenue", "4100 Shipping income" = "shipping_income", "5000 Cost of goods sold" = "cost_of_goods_sold", "6000 Salaries" = "salaries", "6100 Rent" = "rent" } }
region = { value = "US" }
unit = { value = "USD" }
source_id = { value = "wingtip-bva" }

[source]
source_id = "wingtip-bva"
publisher = "Wingtip Toys (QuickBooks Budget vs. Actuals export)"
published_on = "2024-04-12"
reliability = "internal"
"""
