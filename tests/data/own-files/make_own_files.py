"""Writes the two spreadsheets a new user brings (issue 23's walk): a quarterly regional budget in EUR
thousands as .xlsx (region column, scenario column, quarters as columns, a total row, a custom region) and the
same kind of sheet as German Excel writes a CSV (a title line above a `;` header, decimal commas, cp1252).
Run `python tests/data/own-files/make_own_files.py` to rewrite them; the files are committed."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
REGIONS = ["Germany", "France", "Austria", "Nordics"]  # Nordics: a custom region (regions.csv)
BUDGET = {
    "Germany": [1200, 1250, 1300, 1400],
    "France": [900, 950, 940, 1010],
    "Austria": [300, 310, 320, 330],
    "Nordics": [410, 420, 430, 450],
}
ACTUAL = {
    "Germany": [1180, 1290, 1240],
    "France": [915, 930, 955],
    "Austria": [290, 318, 305],
    "Nordics": [400, 436, 425],
}


def budget_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Budget"
    ws.append(["Revenue budget by region 2026 (EUR thousands)"])
    ws.append(["Prepared by Finance, 15 January 2026"])
    ws.append([])
    ws.append(["Region", "Scenario", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"])
    for region in REGIONS:
        ws.append([region, "Budget", *BUDGET[region]])
        ws.append([region, "Actual", *ACTUAL[region]])
    ws.append(["Total", "Budget", *[sum(BUDGET[r][q] for r in REGIONS) for q in range(4)]])
    ws.append(["Total", "Actual", *[sum(ACTUAL[r][q] for r in REGIONS) for q in range(3)]])
    book.save(path)


def semicolon_csv(path: Path) -> None:
    lines = [
        "Umsatzplanung Österreich, Deutschland, Frankreich 2026 (Tsd. €)",
        "Land;Szenario;Q1 2026;Q2 2026;Q3 2026;Q4 2026",
    ]
    for region, name in (("Germany", "DE"), ("Austria", "AT"), ("France", "FR")):
        b = ";".join(f"{v * 1.05:.1f}".replace(".", ",") for v in BUDGET[region])
        a = ";".join(f"{v * 1.02:.1f}".replace(".", ",") for v in ACTUAL[region])
        lines += [f"{name};Budget;{b}", f"{name};Ist;{a};"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


if __name__ == "__main__":
    budget_xlsx(HERE / "regional-budget-2026.xlsx")
    semicolon_csv(HERE / "umsatzplanung-2026.csv")
    (HERE / "regions.csv").write_text(
        "code,name,parent,aliases,made_of\nNORDICS,Nordics,EUR,Nordic countries,\n"
        "CORE4,Core markets,EUR,,DE;FR;AT;NORDICS\n",
        encoding="utf-8",
    )
