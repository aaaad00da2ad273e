"""dataset.toml's `[policies] cutoff_days`: the cut-off policies a dataset asks for, and the refusals."""

from __future__ import annotations

import pytest

from pipelines.ingest.dataset_settings import SettingsError, read_settings


def settings(tmp_path, text: str):
    path = tmp_path / "dataset.toml"
    path.write_text(text)
    return read_settings(path)


def test_cutoff_days_are_read_sorted_and_unique(tmp_path):
    assert settings(tmp_path, "[policies]\ncutoff_days = [180, 90, 90]\n").cutoff_days == (90, 180)
    assert settings(tmp_path, "").cutoff_days == ()


@pytest.mark.parametrize("value", ["90", "[-1]", "[1.5]", "[true]", "[99999]", '["90"]'])
def test_bad_cutoff_days_are_refused_naming_the_setting(tmp_path, value):
    with pytest.raises(SettingsError, match="policies.cutoff_days"):
        settings(tmp_path, f"[policies]\ncutoff_days = {value}\n")


def test_unknown_policy_setting_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="unknown setting policies.cut_off"):
        settings(tmp_path, "[policies]\ncut_off = [90]\n")
