"""Normalisation rules: partial dates, periods, units, FX rates and regions, as pure functions.

Import from the modules (`pipelines.normalise.dates`, ...); every error is a `pipelines.normalise.errors.InputError`.
"""
