"""A ledger's transactions as accounting packages export them (Xero's Account Transactions, Sage, NetSuite):
one line per posting, by posting date, with the amount in a Debit or a Credit column. `period = { column =
"Date", grain = "month" }` reads each date as its month, `negate = true` counts the Debit column negatively,
and `combine = "sum"` adds a month's lines into its figure. Before, a posting date was a day's figure (31
days never tile a month: no comparison) and a credit note in the Debit column could only be read as more sales."""

from __future__ import annotations

import textwrap
from datetime import date

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.ingest.layouts.engine import at_grain
from pipelines.ingest.layouts.spec import LayoutError, load_layout
from pipelines.warehouse.build import build

TRANSACTIONS = """\
Date,Source,Description,Account,Account Type,Debit,Credit,Running Balance
2024-01-03,Receivable Invoice,INV-001,Sales,Revenue,,600.00,600.00
2024-01-17,Receivable Invoice,INV-002,Sales,Revenue,,550.00,1150.00
2024-01-25,Credit Note,CN-001,Sales,Revenue,120.00,,1030.00
2024-01-05,Spend Money,Rent Jan,Rent,Expense,300.00,,300.00
2024-01-30,Receive Money,Rent refund,Rent,Expense,,20.00,280.00
2024-02-02,Receivable Invoice,INV-003,Sales,Revenue,,"1,100.00",2130.00
"""

LAYOUT = """\
shape = "side_by_side"
combine = "sum"
sign = { column = "Account Type", flip = ["Expense"] }
[fields]
entity = { value = "Co" }
metric = { column = "Account", map = { "Sales" = "revenue", "Rent" = "rent" } }
region = { value = "GB" }
period = { column = "Date", grain = "month" }
unit = { value = "GBP" }
source_id = { value = "xero" }
[[values]]
column = "Credit"
kind = "actual"
as_of = { value = "2024-03-05" }
[[values]]
column = "Debit"
kind = "actual"
as_of = { value = "2024-03-05" }
negate = true
[source]
source_id = "xero"
publisher = "Xero Account Transactions export"
published_on = "2024-03-05"
reliability = "internal"
"""


def test_transactions_by_posting_date_add_up_per_month_debits_negative(tmp_path):
    d = tmp_path / "data" / "datasets" / "co"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\nplan,Plan,2023-12-01,internal\n"
    )
    (d / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "rent,Rent,money,true,false,false,Expense\n"
    )
    (d / "figures.csv").write_text(
        "entity,metric,region,period,kind,value,unit,as_of,source_id\n"
        "Co,revenue,GB,2024-01,budget,1000,GBP,2023-12-01,plan\n"
        "Co,revenue,GB,2024-02,budget,1000,GBP,2023-12-01,plan\n"
        "Co,rent,GB,2024-01,budget,300,GBP,2023-12-01,plan\n"
    )
    (d / "account-transactions.csv").write_text(TRANSACTIONS)
    (d / "account-transactions.layout.toml").write_text(LAYOUT)
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    con = duckdb.connect(str(path), read_only=True)
    rows = con.sql(
        "select metric, period, actual, variance, favourable from actual_vs_expectation "
        "where policy = 'latest' order by metric, period"
    ).fetchall()
    assert rows == [
        ("rent", "2024-01", 280.0, -20.0, True),  # 300 paid, 20 refunded: under budget
        ("revenue", "2024-01", 1030.0, 30.0, True),  # 600 + 550 - a 120 credit note
        ("revenue", "2024-02", 1100.0, 100.0, True),
    ]
    assert con.sql(
        "select rows_in, rows_loaded, rows_rejected, rows_combined from loads where file like '%transactions.csv'"
    ).fetchall() == [(6, 3, 0, 3)]


def test_at_grain_reads_dates_only():
    assert at_grain("2024-01-15", "month") == "2024-01"
    assert at_grain("2024-11-30 00:00:00", "quarter") == "2024-Q4"
    assert at_grain("2024-05-02", "year") == "2024"
    assert (
        at_grain("02/01/2024", "month") == "02/01/2024"
    )  # left for the period check to refuse, never guessed
    assert at_grain(None, "month") is None


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('entity = { value = "Co", grain = "month" }', "only fields.period takes a grain"),
        ('period = { column = "Date", grain = "week" }', "one of month, quarter, year"),
    ],
)
def test_a_grain_elsewhere_is_a_layout_error(tmp_path, extra, words):
    text = textwrap.dedent(f"""\
        shape = "long"
        [fields]
        {extra}
        """)
    path = tmp_path / "x.layout.toml"
    path.write_text(text)
    with pytest.raises(LayoutError, match=words):
        load_layout(path)
