"""The estimation window (all periods each side up to the next event; the event's own period is after it unless
the event falls on its last day; user ranges) and the donor pool in the open (regions of the treated region's
level, not only siblings; each one left out listed with its reason)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.effects.donors import donor_pool
from pipelines.effects.periods import period_index
from pipelines.effects.windows import choose_window, first_affected

YEARS = [period_index(date(y, 1, 1), "year") for y in range(2000, 2021)]


def year(y: int) -> int:
    return period_index(date(y, 1, 1), "year")


@pytest.mark.parametrize(
    ("day", "grain", "first"),
    [
        (date(2024, 6, 10), "month", date(2024, 6, 1)),  # inside the month: the month is after the event
        (date(2024, 6, 30), "month", date(2024, 7, 1)),  # on its last day: the next month is the first after
        (date(1988, 12, 31), "year", date(1989, 1, 1)),
        (date(1989, 1, 1), "year", date(1989, 1, 1)),
        (date(2024, 3, 31), "quarter", date(2024, 4, 1)),
    ],
)
def test_the_first_period_after_an_event(day, grain, first):
    assert first_affected(day, grain) == period_index(first, grain)


def test_default_window_is_every_period_up_to_the_neighbouring_events():
    alone = choose_window(date(2010, 1, 1), "year", YEARS)
    assert (alone.pre, alone.post) == ((year(2000), year(2009)), (year(2010), year(2020)))
    assert alone.text == "2000-2009 (10 years before), 2010-2020 (11 years after)"
    others = pl.DataFrame(
        {"date": [date(2004, 7, 1), date(2015, 3, 1)], "date_end": [None, None]},
        schema={"date": pl.Date, "date_end": pl.Date},
    )
    bounded = choose_window(date(2010, 1, 1), "year", YEARS, others)
    # 2004 belongs to the earlier event's after; 2015 to the next event's
    assert (bounded.pre, bounded.post) == ((year(2004), year(2009)), (year(2010), year(2014)))


def test_user_windows_and_their_refusals():
    w = choose_window(date(2010, 1, 1), "year", YEARS, pre="2003..2009", post="2012..2016")
    assert (
        w.to_dict()["pre"] == "2003..2009" and w.to_dict()["post"] == "2012..2016" and w.chosen_by == "user"
    )
    assert w.side(year(2011)) is None and w.side(year(2012)) == "post"  # a post window that starts later
    with pytest.raises(ValueError, match="end the pre window at 2009"):
        choose_window(date(2010, 1, 1), "year", YEARS, pre="2003..2010")
    with pytest.raises(ValueError, match="start it at 2010"):
        choose_window(date(2010, 1, 1), "year", YEARS, post="2008..2012")
    with pytest.raises(ValueError, match="--pre 'soon'"):
        choose_window(date(2010, 1, 1), "year", YEARS, pre="soon")


REGIONS = pl.DataFrame(
    [
        ("WORLD", "Global", "world", 0, "WORLD"),
        ("NAM", "North America", "region", 1, "WORLD/NAM"),
        ("US", "United States", "country", 2, "WORLD/NAM/US"),
        ("CA", "Canada", "country", 2, "WORLD/NAM/CA"),
        ("EUR", "Europe", "region", 1, "WORLD/EUR"),
        ("DE", "Germany", "country", 2, "WORLD/EUR/DE"),
        ("FR", "France", "country", 2, "WORLD/EUR/FR"),
        ("IT", "Italy", "country", 2, "WORLD/EUR/IT"),
        ("ES", "Spain", "country", 2, "WORLD/EUR/ES"),
        ("JP", "Japan", "country", 1, "WORLD/JP"),
    ],
    schema=["region_code", "name", "level", "depth", "path"],
    orient="row",
)


def test_donors_are_every_region_of_the_level_with_reasons_for_the_rest():
    window = choose_window(date(2010, 1, 1), "year", YEARS)
    full = set(YEARS)
    available = {"DE": full, "US": full, "JP": full, "FR": full - {year(2005)}, "IT": full, "NAM": full}
    events = pl.DataFrame(
        [
            ("EV1", date(2012, 5, 1), None, "IT", "Italian decree"),
            ("EV0", date(2010, 1, 1), None, "DE", "the event"),
        ],
        schema=["event_id", "date", "date_end", "jurisdiction", "title"],
        orient="row",
    )
    pool = donor_pool(REGIONS, events.filter(pl.col("event_id") != "EV0"), available, "DE", window, full)
    # the USA and Japan are donors for Germany (not only its European siblings); Japan sits at another depth
    assert pool.donors == ["JP", "US"]
    reasons = {r["region_code"]: r["reason"] for r in pool.left_out}
    assert reasons["FR"].startswith("no figure for 2005")
    assert reasons["IT"].startswith("event EV1 (2012-05-01, IT: Italian decree)")
    assert "NAM" not in reasons and "ES" not in reasons and pool.without_figures == 2  # ES and CA: no series
    chosen = donor_pool(REGIONS, events, available, "DE", window, full, include=("NAM",), exclude=("US",))
    assert chosen.donors == ["JP", "NAM"] and {"region_code": "US", "name": "United States",
                                               "reason": "left out by you (--exclude)"} in chosen.left_out  # fmt: skip
    named = donor_pool(REGIONS, events, available, "DE", window, full, controls=["FR", "JP", "CA"])
    assert named.donors == ["JP"] and {r["region_code"] for r in named.left_out} == {"FR", "CA"}
