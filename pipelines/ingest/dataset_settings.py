"""A dataset's settings file, `dataset.toml` beside its data files (read with tomllib), documented in
docs/data-formats.md#dataset-settings:

```toml
[numbers]                       # how the dataset's text files write numbers
decimal_mark = ","              # "." or ","
thousands_separator = "."       # ",", ".", " ", "'" or "" (optional: default the other mark, a space or ')

[files."figures-2023.csv".numbers]   # one file written differently (a file-level override)
decimal_mark = "."

[entities]                      # defaults for every entity the dataset declares nothing for
fiscal_year_start_month = 10
region = "US"                   # the region of figures whose region column is empty

[policies]
cutoff_days = [90]              # extra expectation policies: what was expected N days before the period
                                # ended (policy 'days_before_end_90'), for this dataset's expectations

[periods]
bare_quarter_labels = "fiscal"  # what '2021-Q1' / 'Q4 2021' mean on an entity whose fiscal year does not
                                # start in January: "fiscal" (FY2021-Q1) or "calendar" (CY2021-Q1);
                                # without it such labels are refused
[files."gl-2024.csv"]           # lines of one file that share a figure's key are parts to add (a general-
combine = "sum"                 # ledger extract's department lines); without it each such line is refused.
                                # For every file of the dataset: combine = "sum" at the top of the file
```

`read_settings(path)` returns `DatasetSettings`; a file that is not valid TOML or has an unknown key or value
raises `SettingsError` naming the key (the dataset then loads with no settings, and the file is reported).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.limits import LimitExceeded, load_toml
from pipelines.normalise.numbers import DECIMAL_MARKS, THOUSANDS_SEPARATORS, NumberConvention

FILE_NAME = "dataset.toml"
BARE_LABELS = ("fiscal", "calendar")
_KEYS = {"numbers", "files", "entities", "periods", "policies", "combine"}
MAX_CUTOFF_DAYS = 3660  # ten years: a cut-off further back is a typing error
COMBINE_RULES = ("sum",)  # pipelines/ingest/combine.py


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the key and what is accepted."""


@dataclass(frozen=True)
class DatasetSettings:
    numbers: NumberConvention | None = None
    file_numbers: dict[str, NumberConvention] = field(default_factory=dict)  # file name -> convention
    fiscal_year_start_month: int | None = None
    region: str | None = None
    bare_quarter_labels: str | None = None  # 'fiscal' | 'calendar' | None (refuse)
    cutoff_days: tuple[int, ...] = ()  # [policies] cutoff_days: one policy 'days_before_end_N' each
    combine: str | None = None  # 'sum': lines sharing a figure's key are added (pipelines/ingest/combine.py)
    file_combine: dict[str, str] = field(default_factory=dict)  # file name -> its own combine rule

    def combine_for(self, file_name: str) -> str | None:
        """How lines of one file that share a figure's key are treated: its own rule, else the dataset's."""
        return self.file_combine.get(Path(file_name).name, self.combine)

    def numbers_for(self, file_name: str) -> NumberConvention | None:
        """The declared convention of one file (its own override, else the dataset's), or None."""
        return self.file_numbers.get(Path(file_name).name, self.numbers)


NO_SETTINGS = DatasetSettings()


def read_settings(path: Path) -> DatasetSettings:
    try:
        data = load_toml(path.read_text(encoding="utf-8"), path.name)
    except LimitExceeded as exc:
        raise SettingsError(str(exc)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"not valid TOML: {exc}") from None
    _only(data, _KEYS, "")
    files = data.get("files", {})
    if not isinstance(files, dict):
        raise SettingsError("[files] must be a table of file names")
    entities = _table(data, "entities", {"fiscal_year_start_month", "region"})
    periods = _table(data, "periods", {"bare_quarter_labels"})
    month = entities.get("fiscal_year_start_month")
    if month is not None and (not isinstance(month, int) or not 1 <= month <= 12):
        raise SettingsError(f"entities.fiscal_year_start_month must be a month number 1-12, got {month!r}")
    region = entities.get("region")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        raise SettingsError(f"entities.region must be a region code or name, got {region!r}")
    cutoffs = _table(data, "policies", {"cutoff_days"}).get("cutoff_days", [])
    if not isinstance(cutoffs, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_CUTOFF_DAYS for n in cutoffs
    ):
        raise SettingsError(
            f"policies.cutoff_days must be a list of whole days 0-{MAX_CUTOFF_DAYS} (e.g. [90]), got {cutoffs!r}"
        )
    bare = periods.get("bare_quarter_labels")
    if bare is not None and bare not in BARE_LABELS:
        raise SettingsError(f"periods.bare_quarter_labels must be 'fiscal' or 'calendar', got {bare!r}")
    return DatasetSettings(
        numbers=_convention(data, "numbers"),
        file_numbers={
            name: conv
            for name, table in files.items()
            if (
                conv := _convention(
                    _only(table, {"numbers", "combine"}, f"files.{name}."), "numbers", f"files.{name}."
                )
            )
        },
        combine=_combine(data.get("combine"), "combine"),
        file_combine={
            name: rule
            for name, table in files.items()
            if (rule := _combine(table.get("combine"), f"files.{name}.combine"))
        },
        fiscal_year_start_month=month,
        region=region.strip() if region else None,
        bare_quarter_labels=bare,
        cutoff_days=tuple(sorted(set(cutoffs))),
    )


def _combine(value: object, key: str) -> str | None:
    if value is None:
        return None
    if value not in COMBINE_RULES:
        raise SettingsError(
            f"{key} must be {' or '.join(repr(r) for r in COMBINE_RULES)} (add the lines that share a "
            f"figure's key), got {value!r}"
        )
    return str(value)


def _only(table: object, keys: set[str], prefix: str) -> dict:
    if not isinstance(table, dict):
        raise SettingsError(f"{prefix.rstrip('.') or 'the file'} must be a table")
    unknown = sorted(set(table) - keys)
    if unknown:
        raise SettingsError(f"unknown setting {prefix}{unknown[0]}; known here: {', '.join(sorted(keys))}")
    return table


def _table(data: dict, name: str, keys: set[str]) -> dict:
    return _only(data.get(name, {}), keys, f"{name}.")


def _convention(data: dict, name: str, prefix: str = "") -> NumberConvention | None:
    table = _table(data, name, {"decimal_mark", "thousands_separator"}) if name in data else None
    if not table:
        return None
    mark, sep = table.get("decimal_mark"), table.get("thousands_separator")
    if mark not in DECIMAL_MARKS:
        raise SettingsError(f"{prefix}{name}.decimal_mark must be '.' or ',', got {mark!r}")
    if sep is not None and (sep not in THOUSANDS_SEPARATORS or sep == mark):
        choices = ", ".join(repr(s) for s in THOUSANDS_SEPARATORS if s != mark)
        raise SettingsError(f"{prefix}{name}.thousands_separator must be one of {choices}, got {sep!r}")
    return NumberConvention(mark, sep, "declared")
