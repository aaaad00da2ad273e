"""IMPACT_REPORTS: the selections reported after each build (pipelines/settings.py `report_selections`)."""

from __future__ import annotations

import pytest

from pipelines.settings import ReportSelection, SettingError, Settings, report_selections


def test_selections_parse_with_spaces_and_optional_fields() -> None:
    text = (
        " entity=TikTok Shop, metric=gmv ; entity=TikTok,metric=revenue,region=US,period=2024,policy=latest;"
    )
    assert report_selections(text) == (
        ReportSelection("TikTok Shop", "gmv"),
        ReportSelection("TikTok", "revenue", "US", "2024", "latest"),
    )
    assert report_selections("") == ()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("entity=TikTok", "metric missing"),
        ("metric=gmv", "entity missing"),
        ("entity=TikTok,metric=gmv,colour=red", "'colour=red' is not key=value"),
        ("entity=TikTok,metric", "'metric' is not key=value"),
        ("entity=TikTok,metric=", "'metric=' is not key=value"),  # an empty value is no value
    ],
)
def test_a_bad_selection_names_itself_and_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(SettingError, match="IMPACT_REPORTS selection") as caught:
        report_selections(text)
    assert said in str(caught.value)


def test_settings_refuse_a_bad_selection_when_read() -> None:
    with pytest.raises(SettingError, match="metric missing"):
        Settings.from_env({"IMPACT_REPORTS": "entity=TikTok"})
    assert Settings.from_env({"IMPACT_REPORTS": "entity=A,metric=b"}).reports == "entity=A,metric=b"


def test_slug_is_a_file_name() -> None:
    assert ReportSelection("TikTok Shop", "gmv", "US", "2024-Q3").slug == "tiktok-shop-gmv-us-2024-q3"
    assert ReportSelection("A/B: C", "x").slug == "a-b--c-x"
