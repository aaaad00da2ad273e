"""Normalisation rules: partial dates, periods, units, FX rates and regions, as pure functions."""

from pipelines.normalise.dates import DateError, PartialDate, parse_partial_date
from pipelines.normalise.fx import FxError, FxRate, FxTable, monthly_rates
from pipelines.normalise.periods import Period, PeriodError, parse_period
from pipelines.normalise.regions import (
    RegionError,
    RegionResolver,
    build_regions,
    load_reference_regions,
)
from pipelines.normalise.units import Unit, UnitError, parse_unit

__all__ = [
    "DateError",
    "FxError",
    "FxRate",
    "FxTable",
    "PartialDate",
    "Period",
    "PeriodError",
    "RegionError",
    "RegionResolver",
    "Unit",
    "UnitError",
    "build_regions",
    "load_reference_regions",
    "monthly_rates",
    "parse_partial_date",
    "parse_period",
    "parse_unit",
]
