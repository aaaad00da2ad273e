"""A business named in the address works on every page (issue 16, found by a new-user trial: the Impact page
refused `?entity=Illustrative Marketplace`): by its id (the name the figures use), its label, or loosely written
(`illustrative-marketplace`), in a fresh session as a shared link opens it."""

from __future__ import annotations

import pytest

from pipelines.devtools.operator_demo import ENTITY

PAGES = ["scorecard", "trends", "events", "impact", "evidence"]


@pytest.mark.parametrize("given", [ENTITY, "illustrative-marketplace"])
@pytest.mark.parametrize("page", PAGES)
def test_the_business_in_the_address_is_shown(demo_build, dashboard, page, given):
    at = dashboard(demo_build["warehouse"], f"app_pages/{page}.py", entity=given)
    assert not at.warning, [w.value for w in at.warning]
    key = "impact_entity" if page == "impact" else "entity"
    assert at.sidebar.selectbox(key=key).value == ENTITY
