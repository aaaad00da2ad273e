"""A business named in the address works on every page (issue 16, found by a new-user trial: the Impact page
refused `?entity=Illustrative Marketplace`): by its id (the name the figures use), its label, or loosely written
(`illustrative-marketplace`), in a fresh session as a shared link opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.devtools.operator_demo import ENTITY

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = ["scorecard", "trends", "events", "impact", "evidence"]


@pytest.mark.parametrize("given", [ENTITY, "illustrative-marketplace"])
@pytest.mark.parametrize("page", PAGES)
def test_the_business_in_the_address_is_shown(demo_build, monkeypatch, page, given):
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(demo_build["warehouse"]))
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page(f"app_pages/{page}.py")
    at.query_params["entity"] = given
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    key = "impact_entity" if page == "impact" else "entity"
    assert at.sidebar.selectbox(key=key).value == ENTITY
