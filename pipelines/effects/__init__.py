"""Event impact: windows around events, controls, counterfactuals and cited narratives.

Pure functions (no Dagster, no Streamlit): `did`, `counterfactual`, `narrative`; `queries` reads the warehouse;
`cli` exposes `impact effect` and `impact explain`. See docs/event-impact.md.
"""
