"""The report to send (`impact report`, the dashboard's "Download report", the scheduled reports): one
self-contained HTML file, or a PDF printed from it by headless Chromium, with a numbered source for every
number.

Its place in the import rule (docs/architecture.md): plain Python like `pipelines/`, no framework (no
Streamlit, Dagster or Click: report/ruff.toml). It is the one package outside `dashboard/` that imports
the dashboard's pure chart builders (`dashboard.charts`, frame -> figure, no Streamlit) and nothing else of
`dashboard/`, so the CLI and the Dagster assets in `pipelines/` can write reports without importing
`dashboard/` themselves. The reads are its own (`report.reads`), over the documented views.
"""
