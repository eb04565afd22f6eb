"""Critical values of the PSY statistics: Monte Carlo, wild bootstrap and a shipped table.

The result and the BSADF rules are in :mod:`~bubblewatch.detect.psy_cv`, the simulations in
:mod:`~bubblewatch.detect.psy_simulation`, the table in :mod:`~bubblewatch.detect.psy_table`;
this module chooses among them for a result (:func:`critical_values_for`) and re-exports them.

Monte Carlo (``method="mc"``)
    The PSY null is a driftless random walk ``y_t = y_{t-1} + e_t``, ``e_t ~ N(0, 1)``
    (the ``d·T^{-η}`` drift of PSY (2015) vanishes asymptotically and exuber omits it too);
    each replication is tested with the same window and lags (fixed or chosen by AIC/BIC)
    as the data, so critical values exist for any lag.
Wild bootstrap (``method="wb"``)
    ``variant="hlst"`` (Harvey, Leybourne, Sollis & Taylor 2016): ``y*_t = Σ_{i<=t} w_i Δy_i``
    with ``w_i ~ N(0, 1)``, robust to non-stationary volatility. ``variant="ps"`` (Phillips &
    Shi 2020): fit ``Δy_t = a + Σ φ_j Δy_{t-j} + e_t`` (``lags`` lags), then
    ``Δy*_t = Σ φ_j Δy*_{t-j} + w_t·ê_{r_t}`` with ``r_t`` drawn uniformly from the residuals
    and ``w_t ~ N(0, 1)``, started at the first observed differences; no drift is imposed.
Table (``method="table"``)
    Monte Carlo values shipped in ``detect/tables/psy_cv.npz`` (lag 0, default window,
    2000 replications, streams seeded ``20151 + T``, T in {50, 100, 200, 400, 800, 1600,
    3200}), made by ``scripts/make_psy_cv_table.py``. For other T the curves are read at the
    same relative position in the BSADF sequence and interpolated linearly in log T; outside
    the grid the nearest end of the grid is used (the method string says which).

Reproducibility: replication ``i`` draws from its own stream ``SeedSequence(seed).spawn``;
replications are computed independently (numba, parallel) and the quantiles are taken
afterwards in a fixed order, so the values are bit-identical for any thread count.

BSADF critical-value rules (``rule``):

* ``"psy"`` (default): at each date, the quantile over replications of the running maximum
  of BADF up to that date, i.e. the SADF critical value for the sample up to that date —
  PSY (2015, eq. 8) and exuber's Monte Carlo rule;
* ``"pointwise"``: the quantile over replications of BSADF at that date;
* ``"familywise"`` (Phillips & Shi 2020; psymonitor's ``cvPSYwmboot``): the quantile of the
  maximum of BSADF over the first ``span`` dates of the sequence, constant over the sample;
  controls the probability of any false alarm in ``span`` observations (default span: the
  whole sequence, which gives the GSADF critical value).

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078.
.. [2] Harvey, D.I., Leybourne, S.J., Sollis, R. & Taylor, A.M.R. (2016). Tests for explosive
   financial bubbles in the presence of non-stationary volatility. Journal of Empirical
   Finance 38, 548-574.
.. [3] Phillips, P.C.B. & Shi, S. (2020). Real time monitoring of asset markets: bubbles and
   crises. Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bubblewatch.detect.psy_cv import LEVELS, PSYCriticalValues, bsadf_rule
from bubblewatch.detect.psy_setup import default_min_window
from bubblewatch.detect.psy_simulation import (
    mc_critical_values,
    simulate_statistics,
    wb_critical_values,
)
from bubblewatch.detect.psy_table import TABLE_FILE, load_table, table_critical_values
from bubblewatch.errors import InputError
from bubblewatch.validation import Anything, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.detect.psy import PSYResult

__all__ = [
    "LEVELS",
    "TABLE_FILE",
    "PSYCriticalValues",
    "bsadf_rule",
    "critical_values_for",
    "load_table",
    "mc_critical_values",
    "simulate_statistics",
    "table_critical_values",
    "wb_critical_values",
]


@validate_params(
    result=Anything("a PSYResult (from psy())"),
    method=Options("auto", "mc", "wb", "table"),
    reps=Integer(min=10),
    seed=[None, Integer(min=0)],
    rule=Options("psy", "pointwise", "familywise"),
    span=[None, Integer(min=1)],
    variant=Options("hlst", "ps"),
    threads=[None, Integer(min=1)],
)
def critical_values_for(
    result: PSYResult,
    *,
    method: str = "auto",
    reps: int = 2000,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    variant: str = "hlst",
    threads: int | None = None,
) -> PSYCriticalValues:
    """Critical values matching a :class:`~bubblewatch.detect.psy.PSYResult` (its T, window,
    lags and index). ``method="auto"`` uses the table when it applies (lag 0, no IC,
    default window, rule psy/pointwise, T within or above the table's grid), else Monte
    Carlo."""
    T = result.nobs
    if method == "auto":
        fits = (
            result.lags == 0
            and result.ic is None
            and result.min_window == default_min_window(T)
            and rule in ("psy", "pointwise")
            and T >= int(load_table().grid[0])  # below the table: simulate for this T
        )
        method = "table" if fits else "mc"
    lags = result.lags if result.ic is None else 0
    max_lags = result.lags if result.ic else None
    if method == "table":
        if result.ic is not None:
            raise InputError("the shipped table is for a fixed lag 0; use method='mc'")
        return table_critical_values(
            T, min_window=result.min_window, lags=result.lags, rule=rule, index=result.bsadf.index
        )
    if method == "mc":
        return mc_critical_values(
            T,
            min_window=result.min_window,
            reps=reps,
            seed=seed,
            rule=rule,
            span=span,
            threads=threads,
            index=result.bsadf.index,
            lags=lags,
            ic=result.ic,
            max_lags=max_lags,
        )
    if method == "wb":
        return wb_critical_values(
            result.y.to_numpy(),
            min_window=result.min_window,
            reps=reps,
            seed=seed,
            rule=rule,
            span=span,
            variant=variant,
            threads=threads,
            index=result.bsadf.index,
            lags=lags,
            ic=result.ic,
            max_lags=max_lags,
        )
    raise InputError(f"method must be 'auto', 'mc', 'wb' or 'table'; got {method!r}")
