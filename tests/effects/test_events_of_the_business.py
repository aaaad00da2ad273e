"""The effect estimators and the narrative see only the events that concern the series' business, each event
once (issue 16, 4d and fault 7): on the demo warehouse the case study's Indonesian events (EV01, EV02, about
TikTok Shop) kept Indonesia out of the Thai ban's controls (controls were MY, PH, SG); on the case study the
news brief's copies of events were counted as other events."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.devtools.operator_demo import BAN, ENTITY
from pipelines.effects import reads
from pipelines.effects.assess import assess_effect, explain_period
from pipelines.effects.ranking import SHOWN_EVENTS


def test_events_of_another_business_do_not_shape_the_demo(demo_build):
    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        assert reads.related_events(con, "ID")["event_id"].to_list() == ["EV01", "EV02"]
        assert reads.related_events(con, "ID", entity=ENTITY).is_empty()
        report = assess_effect(con, BAN.event_id, "gmv", "TH", entity=ENTITY)
    assert "ID" in report.counterfactual.controls and "ID" in report.did.controls


def test_the_demo_narrative_has_its_four_parts(demo_build):
    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        story = explain_period(con, ENTITY, "gmv", "TH", "2024-09")
    parts = dict(story.parts)
    assert list(parts) == ["The miss", "The streak", "The events", "The estimate"]
    assert "below the projection of USD" in parts["The miss"] and "2024-09" in parts["The miss"]
    assert "run of 8 [" in parts["The streak"] and "from 2024-05 to 2024-12" in parts["The streak"]
    assert (
        "One event in a related jurisdiction" in parts["The events"]
        and "banned in Thailand" in parts["The events"]
    )
    assert "95% interval" in parts["The estimate"] and "%" in parts["The estimate"]
    assert story.text.startswith("The miss: ") and "\n\nThe estimate: " in story.text


def test_the_case_study_narrative_names_the_events_that_matter_once(case_warehouse):
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        story = explain_period(con, "TikTok Shop", "gmv", "US", "2024")
    parts = dict(story.parts)
    events = parts["The events"]
    # ranked: US events first, those inside 2024 before later ones, a law before a litigation step
    assert events.count("(US, ") == SHOWN_EVENTS and "; and " in events and " more (" in events
    first = events.split("first: ")[1]
    assert first.startswith("President Biden signs PAFACA, the sell-or-ban law (US, 2024-04-24) [")
    # the law, reported twice (EV05 and the brief's BRE05), is named once and cites both sources
    markers = first.split(") ", 1)[1].split(";")[0]
    cited = {c.marker: c.source_id for c in story.citations}
    assert {cited[int(m)] for m in markers.strip("[]").split("][")} == {
        "justia-built2invest-2024-04-24",
        "brief-2024-11-tw-wsj",
    }
    assert "BRE05" not in events and "US 'sell or ban' law signed" not in events
    assert "2024 is" not in parts["The streak"] and "on its own" in parts["The streak"]


def test_a_real_event_is_never_measured_on_another_business(demo_build):
    """EV07 (Canada orders TikTok's wind-up) has no TikTok GMV in Canada; the illustrative marketplace has.
    Before: the CLI and the Impact page measured the real event on the made-up series (-3.1%, "the interval
    excludes zero"); now both refuse and say why."""
    import pytest

    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        for entity in (None, ENTITY):
            with pytest.raises(LookupError, match="not measured on another's figures"):
                assess_effect(con, "EV07", "gmv", "CA", entity=entity)
        assert assess_effect(con, BAN.event_id, "gmv", "TH").entity == ENTITY  # its own business's series


def test_the_thai_ban_is_recovered_by_synthetic_control(demo_build):
    """The generator removes 60% of Thailand's orders from 2024-06-10: the headline synthetic control finds it,
    ranks Thailand first of its placebos and says that 13 donors cannot give p < 0.05."""
    from pipelines.effects.synthetic_control import SyntheticControlEstimate

    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        report = assess_effect(con, BAN.event_id, "gmv", BAN.country)
    sc = report.synthetic_control
    assert report.headline == "synthetic_control" and isinstance(sc, SyntheticControlEstimate), sc
    assert abs(sc.relative_effect.estimate + BAN.share) <= 0.05, sc.relative_effect
    assert sc.rank == 1 and sc.p_value == 1 / sc.units
    assert sum(sc.weights.values()) == pytest.approx(1) and BAN.country not in sc.weights
    if sc.units - 1 < 19:
        assert any("cannot reach 0.05" in n for n in sc.notes)
