"""Critical values of the PSY statistics: Monte Carlo, wild bootstrap and a shipped table.

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

import dataclasses
import importlib.resources
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.detect.psy import _threads
from bubblewatch.errors import InputError
from bubblewatch.results import Result, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.detect.psy import PSYResult

__all__ = [
    "PSYCriticalValues",
    "bsadf_rule",
    "critical_values_for",
    "mc_critical_values",
    "simulate_statistics",
    "table_critical_values",
    "wb_critical_values",
]

LEVELS = (90, 95, 99)
_Q = np.array([0.90, 0.95, 0.99])
_RULES = ("psy", "pointwise", "familywise")
TABLE_FILE = "psy_cv.npz"


@dataclasses.dataclass(frozen=True)
class PSYCriticalValues(Result):
    """Critical values at 90/95/99% for ADF, SADF, GSADF and the BADF/BSADF sequences.

    ``adf``, ``sadf``, ``gsadf`` map a level (90, 95, 99) to a float; ``badf`` (pointwise)
    and ``bsadf`` (per ``rule``) are DataFrames with columns 90, 95, 99 indexed like the
    statistics' sequences.
    """

    method: str
    rule: str
    reps: int
    seed: int | None
    nobs: int
    min_window: int
    lags: int
    ic: str | None
    adf: Mapping[int, float]
    sadf: Mapping[int, float]
    gsadf: Mapping[int, float]
    badf: pd.DataFrame
    bsadf: pd.DataFrame

    def summary(self) -> str:
        lines = [
            f"PSY critical values ({self.method}, BSADF rule '{self.rule}', {self.reps} reps): "
            f"T={self.nobs}, min window {self.min_window}, lags {self.lags}",
            "         90%      95%      99%",
        ]
        for name in ("adf", "sadf", "gsadf"):
            d = getattr(self, name)
            lines.append(f"{name.upper():<6} {d[90]:8.4f} {d[95]:8.4f} {d[99]:8.4f}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        out = self.bsadf.add_prefix("bsadf_")
        return out.join(self.badf.add_prefix("badf_"))

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        for lv in LEVELS:
            fig.add_trace(go.Scatter(x=self.bsadf.index, y=self.bsadf[lv], name=f"BSADF {lv}%"))
        fig.update_layout(title=f"PSY BSADF critical values ({self.method}, rule {self.rule})")
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "rule": self.rule,
            "reps": self.reps,
            "seed": self.seed,
            "adf": {str(k): v for k, v in self.adf.items()},
            "sadf": {str(k): v for k, v in self.sadf.items()},
            "gsadf": {str(k): v for k, v in self.gsadf.items()},
            "bsadf": [
                {"date": i, **{str(lv): row[lv] for lv in LEVELS}}
                for i, row in self.bsadf.iterrows()
            ],
        }


def _streams(seed: int | None, reps: int) -> list[np.random.Generator]:
    return [
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(reps)
    ]


def _stats_of(Y: np.ndarray, min_window: int, K: int, ic: int) -> dict[str, np.ndarray]:
    R, T = Y.shape
    n = T - min_window + 1
    badf = np.empty((R, n))
    bsadf = np.empty((R, n))
    nan_count = np.zeros(R, dtype=np.int64)
    _k.psy_many(np.ascontiguousarray(Y), min_window, K, ic, badf, bsadf, nan_count)
    return {"badf": badf, "bsadf": bsadf}


def _run_reps(
    make: Any, reps: int, T: int, min_window: int, K: int, ic: int, threads: int | None
) -> dict[str, np.ndarray]:
    """Build replications in chunks (``make(i)`` gives series i) and compute their sequences."""
    n = T - min_window + 1
    badf = np.empty((reps, n))
    bsadf = np.empty((reps, n))
    chunk = max(1, min(reps, 4_000_000 // max(T, 1)))
    with _threads(threads):
        for lo in range(0, reps, chunk):
            hi = min(reps, lo + chunk)
            Y = np.empty((hi - lo, T))
            for i in range(lo, hi):
                Y[i - lo] = make(i)
            r = _stats_of(Y, min_window, K, ic)
            badf[lo:hi] = r["badf"]
            bsadf[lo:hi] = r["bsadf"]
    return {"badf": badf, "bsadf": bsadf}


def _nan_quantile(a: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.nanquantile(a, _Q, axis=axis) if np.isnan(a).any() else np.quantile(a, _Q, axis=axis)


def bsadf_rule(
    badf: np.ndarray, bsadf: np.ndarray, rule: str = "psy", span: int | None = None
) -> np.ndarray:
    """BSADF critical values (n × 3, levels 90/95/99) from replications (reps × n).

    See the module docstring for the rules ``"psy"``, ``"pointwise"`` and ``"familywise"``.
    """
    if rule not in _RULES:
        raise InputError(f"rule must be one of {', '.join(_RULES)}; got {rule!r}")
    n = bsadf.shape[1]
    if rule == "psy":
        return _nan_quantile(np.fmax.accumulate(badf, axis=1)).T
    if rule == "pointwise":
        return _nan_quantile(bsadf).T
    span = n if span is None else int(span)
    if not 1 <= span <= n:
        raise InputError(
            f"span must be between 1 and {n} (the BSADF sequence's length); got {span}"
        )
    q = _nan_quantile(np.nanmax(bsadf[:, :span], axis=1))
    return np.tile(q, (n, 1))


def _assemble(
    sims: dict[str, np.ndarray],
    *,
    method: str,
    rule: str,
    span: int | None,
    reps: int,
    seed: int | None,
    T: int,
    min_window: int,
    K: int,
    ic: str | None,
    index: pd.Index | None,
) -> PSYCriticalValues:
    badf, bsadf = sims["badf"], sims["bsadf"]
    n = badf.shape[1]
    idx = index if index is not None else pd.RangeIndex(min_window - 1, T)
    if len(idx) != n:
        raise InputError(f"index has {len(idx)} labels; the BSADF sequence has {n}")
    adf = _nan_quantile(badf[:, -1])
    sadf = _nan_quantile(np.nanmax(badf, axis=1))
    gsadf = _nan_quantile(np.nanmax(bsadf, axis=1))
    cols = list(LEVELS)
    params = {
        "method": method,
        "rule": rule,
        "span": span,
        "reps": reps,
        "nobs": T,
        "min_window": min_window,
        "lags": K,
        "ic": ic,
    }
    return PSYCriticalValues(
        metadata=make_metadata(params, seed=seed),
        method=method,
        rule=rule,
        reps=reps,
        seed=seed,
        nobs=T,
        min_window=min_window,
        lags=K,
        ic=ic,
        adf=dict(zip(LEVELS, map(float, adf))),
        sadf=dict(zip(LEVELS, map(float, sadf))),
        gsadf=dict(zip(LEVELS, map(float, gsadf))),
        badf=pd.DataFrame(_nan_quantile(badf).T, index=idx, columns=cols),
        bsadf=pd.DataFrame(bsadf_rule(badf, bsadf, rule, span), index=idx, columns=cols),
    )


def _validate(
    T: int, min_window: int | None, lags: int, ic: str | None, max_lags: int | None, reps: int
) -> tuple[int, int, int]:
    from bubblewatch.detect.psy import _IC_CODES, _check_window

    if reps < 10:
        raise InputError(f"reps must be at least 10; got {reps}")
    ic_key = None if ic is None else str(ic).lower()
    if ic_key not in _IC_CODES:
        raise InputError(f"ic must be 'aic', 'bic' or None; got {ic!r}")
    K = int(lags) if ic_key is None else int(max_lags if max_lags is not None else lags)
    m = _check_window(T, min_window, K, f"lags={K}")
    return m, K, _IC_CODES[ic_key]


def simulate_statistics(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 2000,
    seed: int | None = 0,
    threads: int | None = None,
) -> dict[str, np.ndarray]:
    """BADF and BSADF sequences (reps × (T - min_window + 1)) of random walks (the PSY null)."""
    m, K, icc = _validate(T, min_window, lags, ic, max_lags, reps)
    gens = _streams(seed, reps)
    return _run_reps(lambda i: np.cumsum(gens[i].standard_normal(T)), reps, T, m, K, icc, threads)


def mc_critical_values(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 2000,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    threads: int | None = None,
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Monte Carlo critical values under the PSY null (driftless Gaussian random walk).

    Parameters
    ----------
    T : int
        Sample size.
    min_window, lags, ic, max_lags
        As in :func:`bubblewatch.detect.psy.psy`.
    reps : int
        Replications (2000 in PSY 2015).
    seed : int or None
        Seed of the replications' independent streams.
    rule : {"psy", "pointwise", "familywise"}
        BSADF rule; see the module docstring.
    span : int, optional
        Family-wise rule's span.
    threads : int, optional
        Numba threads (results do not depend on it).
    index : pandas.Index, optional
        Labels of the BSADF sequence (length ``T - min_window + 1``).

    Examples
    --------
    >>> cv = mc_critical_values(100, reps=50, seed=1)
    >>> cv.gsadf[95] > cv.sadf[95]
    True
    """
    m, K, _ = _validate(T, min_window, lags, ic, max_lags, reps)
    sims = simulate_statistics(
        T, min_window=m, lags=lags, ic=ic, max_lags=max_lags, reps=reps, seed=seed, threads=threads
    )
    return _assemble(
        sims,
        method="mc",
        rule=rule,
        span=span,
        reps=reps,
        seed=seed,
        T=T,
        min_window=m,
        K=K,
        ic=ic,
        index=index,
    )


def _ps_fit(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    dy = np.diff(y)
    rows = np.arange(k, dy.shape[0])
    X = np.column_stack([np.ones(rows.shape[0])] + [dy[rows - j] for j in range(1, k + 1)])
    beta, *_ = np.linalg.lstsq(X, dy[rows], rcond=None)
    return beta[1:], dy[rows] - X @ beta


def wb_critical_values(
    y: Any,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 500,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    variant: str = "hlst",
    threads: int | None = None,
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Wild-bootstrap critical values for the series ``y`` (see the module docstring).

    Parameters
    ----------
    y : array-like
        The series the statistics were computed on (after any log).
    variant : {"hlst", "ps"}
        Harvey, Leybourne, Sollis & Taylor (2016) or Phillips & Shi (2020).
    Other parameters
        As in :func:`mc_critical_values`.
    """
    from scipy.signal import lfilter, lfiltic

    arr = np.asarray(y, dtype=float)
    T = arr.shape[0]
    m, K, icc = _validate(T, min_window, lags, ic, max_lags, reps)
    gens = _streams(seed, reps)
    dy = np.diff(arr)
    if variant == "hlst":

        def make(i: int) -> np.ndarray:
            out = np.empty(T)
            out[0] = 0.0
            np.cumsum(gens[i].standard_normal(T - 1) * dy, out=out[1:])
            return out

    elif variant == "ps":
        k = K
        phi, resid = _ps_fit(arr, k)
        a = np.concatenate(([1.0], -phi))
        zi = lfiltic([1.0], a, dy[k - 1 :: -1][:k]) if k else None

        def make(i: int) -> np.ndarray:
            g = gens[i]
            draw = resid[g.integers(0, resid.shape[0], size=T - 1 - k)] * g.standard_normal(
                T - 1 - k
            )
            dyb = np.empty(T - 1)
            dyb[:k] = dy[:k]
            if k:
                dyb[k:], _ = lfilter([1.0], a, draw, zi=zi)
            else:
                dyb[:] = draw
            out = np.empty(T)
            out[0] = arr[0]
            out[1:] = arr[0] + np.cumsum(dyb)
            return out

    else:
        raise InputError(f"variant must be 'hlst' or 'ps'; got {variant!r}")
    sims = _run_reps(make, reps, T, m, K, icc, threads)
    return _assemble(
        sims,
        method=f"wb-{variant}",
        rule=rule,
        span=span,
        reps=reps,
        seed=seed,
        T=T,
        min_window=m,
        K=K,
        ic=ic,
        index=index,
    )


@dataclasses.dataclass(frozen=True)
class _Table:
    grid: np.ndarray
    min_window: np.ndarray
    reps: int
    seed: int
    adf: np.ndarray
    sadf: np.ndarray
    gsadf: np.ndarray
    curves: dict[str, list[np.ndarray]]


_TABLE: list[_Table] = []


def load_table() -> _Table:
    """The shipped Monte Carlo table (cached after the first call)."""
    if not _TABLE:
        ref = importlib.resources.files("bubblewatch.detect") / "tables" / TABLE_FILE
        with importlib.resources.as_file(ref) as path, np.load(path) as z:
            offsets = z["offsets"]
            curves = {
                key: [z[key][offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
                for key in ("badf", "bsadf_psy", "bsadf_pointwise")
            }
            _TABLE.append(
                _Table(
                    grid=z["grid"],
                    min_window=z["min_window"],
                    reps=int(z["reps"]),
                    seed=int(z["seed"]),
                    adf=z["adf"],
                    sadf=z["sadf"],
                    gsadf=z["gsadf"],
                    curves=curves,
                )
            )
    return _TABLE[0]


def table_critical_values(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    rule: str = "psy",
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Critical values from the shipped table (lag 0, default window; no simulation).

    Examples
    --------
    >>> round(table_critical_values(400).gsadf[95], 2) > 1.5
    True
    """
    from bubblewatch.detect.psy import default_min_window

    if lags != 0:
        raise InputError(f"the shipped table is for lag 0 only; got lags={lags}: use method='mc'")
    m = default_min_window(T)
    if min_window is not None and int(min_window) != m:
        raise InputError(
            f"the shipped table uses the default min window ({m} for T={T}); got {min_window}: "
            "use method='mc'"
        )
    if rule not in ("psy", "pointwise"):
        raise InputError(
            f"the shipped table has the rules 'psy' and 'pointwise'; got {rule!r}: use method='mc'"
        )
    tab = load_table()
    grid = tab.grid.astype(float)
    n = T - m + 1
    u = np.linspace(0.0, 1.0, n)
    lt = math.log(T)
    lg = np.log(grid)
    if T <= grid[0] or T >= grid[-1]:
        j = 0 if T <= grid[0] else len(grid) - 1
        pairs = [(j, 1.0)]
        how = "exact" if T == grid[j] else "nearest"
        method = f"table (T={int(grid[j])}{'' if how == 'exact' else ', nearest grid point'})"
    else:
        hi = int(np.searchsorted(grid, T))
        if grid[hi] == T:
            pairs = [(hi, 1.0)]
            method = f"table (T={T})"
        else:
            w = (lt - lg[hi - 1]) / (lg[hi] - lg[hi - 1])
            pairs = [(hi - 1, 1.0 - w), (hi, w)]
            method = f"table (interpolated between T={int(grid[hi - 1])} and T={int(grid[hi])})"

    def curve(key: str) -> np.ndarray:
        out = np.zeros((n, 3))
        for j, w in pairs:
            c = tab.curves[key][j]
            ug = np.linspace(0.0, 1.0, c.shape[0])
            out += w * np.column_stack([np.interp(u, ug, c[:, q]) for q in range(3)])
        return out

    def scalar(arr: np.ndarray) -> dict[int, float]:
        v = sum(w * arr[j] for j, w in pairs)
        return dict(zip(LEVELS, map(float, v)))

    idx = index if index is not None else pd.RangeIndex(m - 1, T)
    if len(idx) != n:
        raise InputError(f"index has {len(idx)} labels; the BSADF sequence has {n}")
    cols = list(LEVELS)
    params = {"method": method, "rule": rule, "nobs": T, "min_window": m, "lags": 0}
    return PSYCriticalValues(
        metadata=make_metadata(params, seed=tab.seed),
        method=method,
        rule=rule,
        reps=tab.reps,
        seed=tab.seed,
        nobs=T,
        min_window=m,
        lags=0,
        ic=None,
        adf=scalar(tab.adf),
        sadf=scalar(tab.sadf),
        gsadf=scalar(tab.gsadf),
        badf=pd.DataFrame(curve("badf"), index=idx, columns=cols),
        bsadf=pd.DataFrame(curve(f"bsadf_{rule}"), index=idx, columns=cols),
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
    default window, rule psy/pointwise), else Monte Carlo."""
    from bubblewatch.detect.psy import default_min_window

    T = result.nobs
    if method == "auto":
        fits = (
            result.lags == 0
            and result.ic is None
            and result.min_window == default_min_window(T)
            and rule in ("psy", "pointwise")
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
