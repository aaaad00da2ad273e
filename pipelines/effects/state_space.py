"""The structural time-series fit behind the counterfactual (pipelines/effects/counterfactual.py): statsmodels'
UnobservedComponents fitted on the pre-period, and the joint distribution of the hidden post-period."""

from __future__ import annotations

import warnings

import numpy as np
from statsmodels.tsa.statespace.structural import UnobservedComponents

from pipelines.effects.results import Refusal


def fit_pre_period(y: np.ndarray, X: np.ndarray | None, n_pre: int, season_length: int | None, trend: bool):
    """Fit on the first `n_pre` values of `y` (controls `X` as regressors, standardised on the pre-period),
    then run forward with the post-period hidden.

    Returns (post-period forecast mean, its covariance, in-sample one-step fits, their variances, burn-in
    periods), in the series' units; or a Refusal when the pre-period is constant or the fit fails."""
    mu, sd = y[:n_pre].mean(), y[:n_pre].std(ddof=1)
    if not np.isfinite(sd) or sd == 0:
        return Refusal("counterfactual", "the pre-event series is constant, so there is nothing to model")
    z = (y - mu) / sd
    Xz = None
    if X is not None:
        x_sd = X[:n_pre].std(axis=0, ddof=1)
        keep = x_sd > 0
        Xz = ((X - X[:n_pre].mean(axis=0)) / np.where(keep, x_sd, 1))[:, keep] if keep.any() else None
    spec = {
        "level": "lltrend" if trend else "llevel",
        "seasonal": season_length,
        "mle_regression": False,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; a failed fit is caught below
        pre_model = UnobservedComponents(z[:n_pre], exog=None if Xz is None else Xz[:n_pre], **spec)
        params = pre_model.fit(disp=False, maxiter=200).params
        hidden = z.copy()
        hidden[n_pre:] = np.nan
        full = UnobservedComponents(hidden, exog=Xz, **spec)
        filtered = full.filter(params)
    mean, cov = _forecast_moments(full, filtered, n_pre, len(y))
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        return Refusal("counterfactual", "the model could not be fitted to this series (numerical failure)")
    fitted = filtered.forecasts[0, :n_pre] * sd + mu
    fitted_var = filtered.forecasts_error_cov[0, 0, :n_pre] * sd**2
    burn = max(filtered.loglikelihood_burn, pre_model.k_states)
    return mean * sd + mu, cov * sd**2, fitted, fitted_var, burn


def _forecast_moments(model, filtered, n_pre, n):
    """Joint distribution of the hidden post-period observations given the pre-period."""
    design = _time_varying(model.ssm["design"])
    transition = _time_varying(model.ssm["transition"])[:, :, 0]
    obs_var = _time_varying(model.ssm["obs_cov"])[0, 0, 0]
    h = n - n_pre

    def z_at(t):
        return design[0, :, t if design.shape[2] > 1 else 0]

    mean = filtered.forecasts[0, n_pre:n].copy()
    cov = np.zeros((h, h))
    for i in range(h):
        state_cov = filtered.predicted_state_cov[:, :, n_pre + i]  # Cov(state at n_pre+i | pre-period)
        carried = state_cov @ z_at(n_pre + i)
        for j in range(i, h):
            cov[i, j] = z_at(n_pre + j) @ carried
            carried = transition @ carried
        cov[i, i] += obs_var
    cov = np.triu(cov) + np.triu(cov, 1).T
    return mean, cov


def _time_varying(matrix) -> np.ndarray:
    """System matrices come back 2-d when time-invariant, 3-d (last axis = time) otherwise."""
    matrix = np.asarray(matrix)
    return matrix[:, :, None] if matrix.ndim == 2 else matrix
