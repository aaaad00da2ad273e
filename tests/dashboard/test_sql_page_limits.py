"""Issue 28, fault 15 on the SQL page: an 800-deep CASE (under the 20,000-character limit) showed "This app has
encountered an error" (a RecursionError); now it is a one-line refusal naming the limit, and the page goes on."""

from __future__ import annotations

DEEP_CASE = "select " + "case when 1=1 then " * 800 + "1" + " end" * 800


def test_a_deeply_nested_query_is_refused_on_the_sql_page(case_warehouse, dashboard):
    at = dashboard(case_warehouse, "app_pages/sql.py", sql=DEEP_CASE)
    at.button(key="run").click().run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    refused = [e.value for e in at.error if e.value.startswith("Refused")]
    assert refused and "nested too deeply" in refused[0] and "\n" not in refused[0], refused
