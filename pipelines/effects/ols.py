"""The two small time-series regressions of the regional difference-in-differences (pipelines/effects/did.py),
computed as statsmodels 0.15's `OLS(y, X).fit()` computes them, in numpy: plain OLS errors, and Newey-West
(HAC, Bartlett kernel) errors as `fit(cov_type="HAC", cov_kwds={"maxlags": L}, use_t=True)` gives them.

Why not statsmodels itself: importing `statsmodels.regression.linear_model` costs a CPU second (pandas and
scipy.stats load with it) against microseconds for a regression of 30 periods on two columns, and it was over
half of `impact effect`'s CPU on a synthetic-control run. The arithmetic is statsmodels', step for step
(`pinv` of X for the parameters and the bread, `S_hac_simple` with Bartlett weights 1 - l / (L + 1), no
small-sample correction (statsmodels' HAC default), t with n - rank(X) degrees of freedom), and a test holds
every parameter, error, interval and p-value to statsmodels' within 1e-10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OlsFit:
    """`params` and `bse` (k each), `df_resid` (n - rank of X)."""

    params: np.ndarray
    bse: np.ndarray
    df_resid: int

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """k x 2 (lower, upper): params -/+ the t quantile 1 - alpha / 2 with df_resid degrees of freedom x bse."""
        half = t_quantile(1 - alpha / 2, self.df_resid) * self.bse
        return np.column_stack([self.params - half, self.params + half])

    def pvalues(self) -> np.ndarray:
        """Two-sided t-test p-values of params = 0 (k), nan where bse is 0 or nan (as statsmodels)."""
        from scipy.special import stdtr  # what scipy.stats.t.sf calls, without scipy.stats's import

        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * stdtr(self.df_resid, -np.abs(self.params / self.bse))


def t_quantile(q: float, df: float) -> float:
    """The t distribution's q quantile with df degrees of freedom (scipy.stats.t.ppf's own routine)."""
    from scipy.special import stdtrit

    return float(stdtrit(df, q))


def fit_ols(y: np.ndarray, x: np.ndarray, hac_lags: int | None = None) -> OlsFit:
    """OLS of y (n) on x (n x k, constant included by the caller): plain errors, or Newey-West errors with
    `hac_lags` lags (Bartlett weights) when given. Raises ValueError when x has no more rows than its rank."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    pinv_x = np.linalg.pinv(x, rcond=1e-15)
    params = pinv_x @ y
    bread = pinv_x @ pinv_x.T  # statsmodels' normalized_cov_params, (X'X)^-1
    residual = y - x @ params
    rank = int(np.linalg.matrix_rank(x))
    df_resid = len(y) - rank
    if df_resid <= 0:
        raise ValueError(f"OLS needs more observations ({len(y)}) than the design's rank ({rank})")
    if hac_lags is None:
        cov = bread * (residual @ residual / df_resid)
    else:
        scores = x * residual[:, None]
        meat = scores.T @ scores
        for lag in range(1, hac_lags + 1):
            s = scores[lag:].T @ scores[:-lag]
            meat += (1 - lag / (hac_lags + 1.0)) * (s + s.T)
        cov = bread @ meat @ bread.T
    return OlsFit(params=params, bse=np.sqrt(np.diag(cov)), df_resid=df_resid)
