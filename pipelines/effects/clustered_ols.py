"""OLS with standard errors clustered by unit (CRV1 and CRV3), computed as pyfixest 0.60's `feols(...,
vcov={"CRV3": cluster})` computes them for a model without fixed effects, in numpy.

Why not pyfixest itself: importing it costs 2.5 CPU seconds (numba, formulaic, scipy.stats, matplotlib and its
report tables load with it) against milliseconds for the fits of a unit design; on a loaded machine that was
most of `impact effect`'s 13 s. The arithmetic is pyfixest's, step for step (`Feols._vcov_crv1`,
`Feols._vcov_crv3_fast`, `get_ssc`, `confint`, `wald_test`), and a test holds every coefficient, error,
interval and Wald statistic to pyfixest's within 1e-9 on the tests' designs. A design pyfixest would thin
(a column collinear with the others to its tolerance) is handed to pyfixest itself (`fit_clustered` returns
None), so its dropping rules stay its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLLINEARITY_TOLERANCE = (
    1e-10  # pyfixest's collin_tol: a Cholesky pivot of X'X below it marks a collinear column
)


@dataclass
class ClusteredOls:
    """A fitted OLS: `names` (k: "Intercept" first, then the terms), `beta` (k), `crv3` and `crv1` (k x k
    covariance matrices, pyfixest's small-sample factor (N - 1) / (N - k) x G / (G - 1) in both) and
    `clusters` (G, the t and F denominators' degrees of freedom are G - 1)."""

    names: list[str]
    beta: np.ndarray
    crv3: np.ndarray
    crv1: np.ndarray
    clusters: int

    def coef(self, term: str) -> float:
        """The coefficient of `term`."""
        return float(self.beta[self.names.index(term)])

    def se(self, term: str, vcov: str = "CRV3") -> float:
        """The standard error of `term` from the CRV3 (default) or CRV1 covariance."""
        i = self.names.index(term)
        return float(np.sqrt((self.crv3 if vcov == "CRV3" else self.crv1)[i, i]))

    def interval(self, term: str, alpha: float = 0.05) -> tuple[float, float]:
        """pyfixest's confint of `term`: estimate -/+ |t quantile alpha/2, G - 1 df| x CRV3 error."""
        from scipy.special import stdtrit  # what scipy.stats.t.ppf calls, without scipy.stats's import

        half = abs(float(stdtrit(self.clusters - 1, alpha / 2))) * self.se(term)
        return self.coef(term) - half, self.coef(term) + half

    def wald(self, terms: list[str]) -> float:
        """pyfixest's wald_test statistic (chi2 form, not divided by the restrictions) that every one of `terms`
        is zero, from the CRV3 covariance: b' pinv(V_b) b."""
        idx = [self.names.index(t) for t in terms]
        b = self.beta[idx]
        return float(b @ np.linalg.pinv(self.crv3[np.ix_(idx, idx)]) @ b)


def fit_clustered(y: np.ndarray, columns: dict[str, np.ndarray], cluster: np.ndarray) -> ClusteredOls | None:
    """OLS of `y` (N) on a constant and `columns` (name -> N values, in the model's order), errors clustered
    by `cluster` (N labels): CRV3 (the leave-one-cluster-out jackknife, centred on the full estimate) and CRV1.

    Returns None when X'X is not positive definite to pyfixest's collinearity tolerance (pyfixest would drop a
    column): the caller then fits with pyfixest. Raises ValueError on fewer than two clusters."""
    names = ["Intercept", *columns]
    x = np.column_stack([np.ones(len(y)), *columns.values()]).astype(np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, k = x.shape
    xtx = x.T @ x
    try:
        pivots = np.diag(np.linalg.cholesky(xtx)) ** 2
    except np.linalg.LinAlgError:
        return None
    if np.any(pivots < COLLINEARITY_TOLERANCE):
        return None
    groups, codes = np.unique(cluster, return_inverse=True)
    g = len(groups)
    if g < 2:
        raise ValueError(f"clustered errors need two clusters or more, got {g}")
    xty = x.T @ y
    beta = np.linalg.solve(xtx, xty)
    residual = y - x @ beta
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(g + 1))
    slices = [order[bounds[j] : bounds[j + 1]] for j in range(g)]
    # leave-one-cluster-out coefficients, as pyfixest's _vcov_crv3_fast: pinv(X'X - Xg'Xg)(X'y - Xg'yg)
    left_out = np.stack([xtx - x[s].T @ x[s] for s in slices])
    rhs = np.stack([xty - x[s].T @ y[s] for s in slices])
    jack = np.einsum("gij,gj->gi", np.linalg.pinv(left_out), rhs)
    centred = jack - beta
    factor = (n - 1) / (n - k) * g / (g - 1)  # pyfixest's get_ssc: k_adj and G_adj, no fixed effects
    scores = np.stack([(x[s] * residual[s, None]).sum(axis=0) for s in slices])
    bread = np.linalg.inv(xtx)
    return ClusteredOls(
        names=names,
        beta=beta,
        crv3=factor * (centred.T @ centred),
        crv1=factor * (bread @ (scores.T @ scores) @ bread),
        clusters=g,
    )


def from_pyfixest(fit, cluster: str) -> ClusteredOls:
    """The same record from a pyfixest Feols fitted with vcov={"CRV3": cluster} (the collinear designs'
    path); the fit's covariance is put back to CRV3 after CRV1 is read."""
    crv3 = np.array(fit._vcov, dtype=float)
    fit.vcov({"CRV1": cluster})
    crv1 = np.array(fit._vcov, dtype=float)
    fit.vcov({"CRV3": cluster})
    return ClusteredOls(
        names=list(fit.coef().index),
        beta=fit.coef().to_numpy(dtype=float),
        crv3=crv3,
        crv1=crv1,
        clusters=int(np.min(fit._G)),
    )
