"""The DS LPPLS confidence indicator: the share of windows ending on a date whose LPPLS fit
qualifies as a bubble.

For each end date t2, LPPLS fits (:mod:`bubblewatch.detect.lppls`) are run on every window
from ``window_max`` observations down to ``window_min`` (step ``window_step``). With the
filter preset's Confidence filter:

- ``pos`` = (qualified fits with B < 0) / (all windows),
- ``neg`` = (qualified fits with B > 0) / (all windows),

and ``trust_pos``/``trust_neg`` likewise with the Trust filter (FCO's definition,
Sornette et al. [1]_, Demirer et al. [2]_). The denominator counts every window, including
fits that failed or did not converge (``n_unconverged`` says how many). The ``lppls`` package
divides instead by the number of fits of the same sign of B, which makes its indicator
jump to 1 when a single fit of that sign exists and qualifies.

The fits run in batch in numba, parallel over window lengths; each window length walks
its end dates in order and warm-starts from its previous optimum (besides a reduced
coarse grid), so the result is the same for any number of threads.

References
----------
.. [1] Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015).
   Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market bubble
   and crash. Journal of Investment Strategies, 4(4), 77-95.
.. [2] Demirer, R., Demos, G., Gupta, R. & Sornette, D. (2019). On the predictability of
   stock market bubbles: evidence from LPPLS confidence multi-scale indicators.
   Quantitative Finance, 19(5), 843-858.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch import progress
from bubblewatch.detect import _lppls_kernels as _k
from bubblewatch.detect.lppls_inputs import _fmt, _from_ordinal, _grid_offsets, _ordinals, _prepare
from bubblewatch.detect.lppls_model import (
    MIN_OBSERVATIONS,
    LPPLSBounds,
    LPPLSFilter,
    SearchGrid,
    oscillations_damping,
    resolve_filters,
)
from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import (
    Bool,
    Date,
    Instance,
    Integer,
    MappingOf,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["CONFIDENCE_GRID", "FAST_CONFIDENCE_GRID", "LPPLSConfidence", "lppls_confidence"]

#: the batch grid: a single fit's grid with one polish less and a looser tolerance; every
#: window first polishes from the previous end date's optimum (warm start), and a grid
#: polish still more than 10% above the window's best SSE after 10 evaluations gives up
CONFIDENCE_GRID = SearchGrid(
    n_tc=16, n_m=6, n_omega=48, n_sub=48, n_polish=3, max_iter=60, ftol=1e-10, abort_after=10
)
#: a coarser, about twice as fast grid (more windows stop in a local optimum; see the
#: benchmark)
FAST_CONFIDENCE_GRID = SearchGrid(
    n_tc=8, n_m=4, n_omega=24, n_sub=48, n_polish=2, max_iter=60, ftol=1e-10
)


@dataclasses.dataclass(frozen=True)
class LPPLSConfidence(Result):
    """LPPLS confidence indicators (see :func:`lppls_confidence`).

    Attributes
    ----------
    indicator : pandas.DataFrame
        Indexed by end date: ``pos``, ``neg``, ``n_windows``, ``n_unconverged`` and, when the
        preset has a Trust filter, ``trust_pos``, ``trust_neg``; plus ``price``.
    fits : pandas.DataFrame or None
        One row per (end date, window) when requested.
    """

    indicator: pd.DataFrame
    fits: pd.DataFrame | None
    n_fits: int

    def summary(self) -> str:
        ind = self.indicator
        if ind.empty:
            return "LPPLS confidence: no end dates"
        last = ind.iloc[-1]
        peak = ind["pos"].idxmax()
        return (
            f"LPPLS confidence {_fmt(ind.index[0])}..{_fmt(ind.index[-1])}: {len(ind)} end dates, "
            f"{self.n_fits} fits ({int(ind['n_unconverged'].sum())} not converged)\n"
            f"  last: pos = {last['pos']:.3f}, neg = {last['neg']:.3f}\n"
            f"  highest pos = {ind['pos'].max():.3f} on {_fmt(peak)}"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.indicator.copy()

    def plot(self) -> go.Figure:
        from plotly.subplots import make_subplots

        ind = self.indicator
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4])
        fig.add_scatter(
            x=ind.index,
            y=ind["price"],
            name="price",
            line={"color": "black", "width": 1},
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=ind.index,
            y=ind["pos"],
            name="confidence (bubble, B<0)",
            line={"color": "firebrick"},
            row=2,
            col=1,
        )
        fig.add_scatter(
            x=ind.index,
            y=ind["neg"],
            name="confidence (anti-bubble, B>0)",
            line={"color": "seagreen"},
            row=2,
            col=1,
        )
        fig.update_yaxes(type="log", title_text="price", row=1, col=1)
        fig.update_yaxes(range=[0, 1], title_text="share of windows", row=2, col=1)
        fig.update_layout(title="DS LPPLS confidence indicator")
        return fig

    def to_dict(self) -> dict[str, Any]:
        cols = [
            c
            for c in ("pos", "neg", "trust_pos", "trust_neg", "n_windows", "n_unconverged")
            if c in self.indicator
        ]
        return {
            "n_fits": self.n_fits,
            "indicator": [
                {"date": d, **{c: row[c] for c in cols}} for d, row in self.indicator.iterrows()
            ],
            "metadata": self.metadata.to_dict(),
        }


@validate_params(
    series=SeriesLike(frame=True, what="a pandas Series of prices indexed by date"),
    window_max=Integer(min=1),
    window_min=Integer(min=1),
    window_step=Integer(min=1),
    end_step=Integer(min=1),
    start=[None, Date()],
    end=[None, Date()],
    filters=[Text(), Instance(LPPLSFilter), MappingOf("a mapping role -> LPPLSFilter")],
    bounds=[None, Instance(LPPLSBounds)],
    grid=[None, Instance(SearchGrid)],
    warm_start=Bool(),
    return_fits=Bool(),
)
def lppls_confidence(
    series: pd.Series,
    *,
    window_max: int = 504,
    window_min: int = 30,
    window_step: int = 5,
    end_step: int = 1,
    start: Any = None,
    end: Any = None,
    filters: str | LPPLSFilter | Mapping[str, LPPLSFilter] = "fco",
    bounds: LPPLSBounds | None = None,
    grid: SearchGrid | None = None,
    warm_start: bool = True,
    return_fits: bool = False,
) -> LPPLSConfidence:
    """DS LPPLS confidence (and trust) indicators over end dates.

    Parameters
    ----------
    series : pandas.Series
        Prices (> 0) indexed by date.
    window_max, window_min, window_step : int
        Window lengths in observations: ``window_max, window_max - window_step, ...``
        down to ``window_min`` (included when the steps land on it).
    end_step : int
        Distance in observations between consecutive end dates; the last date of the
        series (or ``end``) is always an end date.
    start, end : date-like, optional
        First and last end date (the windows reach back before ``start``).
    filters : str, LPPLSFilter or mapping
        ``"fco"`` (Confidence + Trust), ``"lppls"`` or custom filters.
    bounds : LPPLSBounds, optional
        Search box (default :class:`LPPLSBounds()`; the far regions are not used here).
    grid : SearchGrid, optional
        Grid per window (default :data:`CONFIDENCE_GRID`; :data:`FAST_CONFIDENCE_GRID` is
        about twice as fast and less often global).
    warm_start : bool
        Also polish from the previous end date's optimum of the same window length.
    return_fits : bool
        Keep every fit in :attr:`LPPLSConfidence.fits`.

    Raises
    ------
    InputError
        Bad window arguments or non-positive prices.
    InsufficientDataError
        Fewer observations than ``window_max`` before the last end date, or a window with
        no price variation.
    """
    for name, v in (
        ("window_max", window_max),
        ("window_min", window_min),
        ("window_step", window_step),
        ("end_step", end_step),
    ):
        if int(v) != v or v < 1:
            raise InputError(f"lppls_confidence: {name} must be a positive integer, got {v!r}")
    if window_min > window_max:
        raise InputError(
            f"lppls_confidence: window_min ({window_min}) > window_max ({window_max}); "
            "window_min must be at most window_max"
        )
    if window_min < MIN_OBSERVATIONS:
        raise InputError(
            f"lppls_confidence: window_min must be >= {MIN_OBSERVATIONS}, got {window_min}"
        )
    bounds = bounds or LPPLSBounds()
    grid = grid or CONFIDENCE_GRID
    filt = resolve_filters(filters)
    s = _prepare(series, None, end, "lppls_confidence")
    try:
        start = None if start is None else pd.Timestamp(start)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"lppls_confidence: cannot read the date {start!r}; use YYYY-MM-DD"
        ) from exc
    n = len(s)
    if n < window_max:
        rng = f"{_fmt(s.index[0])}..{_fmt(s.index[-1])}" if n else "(empty)"
        raise InsufficientDataError(
            f"lppls_confidence: the series {rng} has {n} observations; the largest window "
            f"needs window_max = {window_max} (lower window_max or supply more data)"
        )
    first_end = window_max - 1
    if start is not None:
        first_end = max(
            first_end,
            int(np.searchsorted(s.index.to_numpy(), np.datetime64(pd.Timestamp(start)), "left")),
        )
    if first_end > n - 1:
        raise InsufficientDataError(
            f"lppls_confidence: no end date from {start} on has {window_max} observations "
            f"before it (series ends {_fmt(s.index[-1])})"
        )
    ends = np.arange(n - 1, first_end - 1, -end_step)[::-1].astype(np.int64)
    lengths = np.arange(window_max, window_min - 1, -window_step).astype(np.int64)
    y = np.log(s.to_numpy())
    t = _ordinals(s.index)
    # a window with no variation: the smallest window is the one that can be flat
    flat = pd.Series(y).rolling(int(lengths.min())).apply(np.ptp, raw=True).to_numpy()
    bad = np.flatnonzero(flat[ends] == 0)
    if bad.size:
        e = int(ends[bad[0]])
        w = int(lengths.min())
        raise InsufficientDataError(
            f"lppls_confidence: window {_fmt(s.index[e - w + 1])}..{_fmt(s.index[e])} "
            f"({w} observations) has no price variation; an LPPLS fit needs a moving price"
        )
    box = bounds.boxes(_grid_offsets(0), grid.ftol)[0]
    box_rel = np.array([bounds.tc_lo, bounds.tc_hi, *box[2:9], box[10], grid.max_oscillations])
    out = np.empty((lengths.size, ends.size, _k.N_OUT))
    state = np.full((lengths.size, 3), np.nan)  # the warm start carried across blocks
    # one kernel call, or ~20 blocks of end dates when someone watches the progress (the
    # warm start is carried across blocks, so the fits are the same)
    block = ends.size if not progress.listening() else max(1, -(-ends.size // 20))
    for lo in range(0, ends.size, block):
        hi = min(ends.size, lo + block)
        part = np.empty((lengths.size, hi - lo, _k.N_OUT))
        _k.fit_windows(
            t, y, ends[lo:hi], lengths, box_rel, grid.as_array(), bool(warm_start), part, state
        )
        out[:, lo:hi] = part
        progress.step("end dates", hi, ends.size)

    # assemble (vectorised over all fits)
    E, W = np.meshgrid(ends, lengths)  # shape (n_len, n_end)
    i0 = E - W + 1
    t1 = t[i0]
    t2 = t[E]
    span = t2 - t1
    tau = out[..., _k.OUT_TAU]
    m = out[..., _k.OUT_M]
    om = out[..., _k.OUT_OMEGA]
    Bs = out[..., _k.OUT_B]  # scaled-time B: same sign as in days; D is unit-free
    Cs = np.hypot(out[..., _k.OUT_C1], out[..., _k.OUT_C2])
    sse = out[..., _k.OUT_SSE]
    ok = np.isfinite(sse)
    converged = ok & (out[..., _k.OUT_STATUS] == _k.STATUS_CONVERGED)
    tc_days = (tau - 1.0) * span
    osc, D = oscillations_damping(tc_days, span, m, om, Bs, Cs)
    rel = out[..., _k.OUT_RELERR]
    n_windows = lengths.size
    ind = pd.DataFrame(index=pd.DatetimeIndex(s.index[ends], name="date"))
    ind["price"] = s.to_numpy()[ends]
    quals: dict[str, np.ndarray] = {}
    for role, f in filt.items():
        c = f.conditions(
            tc_days=tc_days, span=span, m=m, omega=om, oscillations=osc, damping=D, rel_error=rel
        )
        q: np.ndarray = converged.copy()  # a fit that did not converge never qualifies
        for cond in c.values():
            q &= cond
        quals[role] = q
        prefix = "" if role == "confidence" else f"{role}_"
        ind[f"{prefix}pos"] = (q & (Bs < 0)).sum(axis=0) / n_windows
        ind[f"{prefix}neg"] = (q & (Bs > 0)).sum(axis=0) / n_windows
    ind["n_windows"] = n_windows
    ind["n_unconverged"] = (~converged).sum(axis=0)
    fits = None
    if return_fits:
        tc_abs = t2 + tc_days
        fits = pd.DataFrame(
            {
                "end": np.repeat(s.index[ends].to_numpy()[None, :], lengths.size, axis=0).ravel(),
                "window": W.ravel(),
                "start": s.index[i0.ravel()],
                "tc": [_from_ordinal(v) for v in tc_abs.ravel()],
                "tc_days": tc_days.ravel(),
                "m": m.ravel(),
                "omega": om.ravel(),
                "B_sign": np.sign(Bs).ravel(),
                "sse": sse.ravel(),
                "oscillations": osc.ravel(),
                "damping": D.ravel(),
                "rel_error": rel.ravel(),
                "converged": converged.ravel(),
                **{f"qualified_{k}": v.ravel() for k, v in quals.items()},
            }
        )
    md = make_metadata(
        {
            "window_max": window_max,
            "window_min": window_min,
            "window_step": window_step,
            "end_step": end_step,
            "start": start,
            "end": end,
            "filters": {k: v.name for k, v in filt.items()},
            "bounds": dataclasses.asdict(bounds),
            "grid": dataclasses.asdict(grid),
            "warm_start": warm_start,
            "time_unit": "windows in observations; tc in calendar days",
        },
        data=s,
    )
    if math.isnan(float(ind["pos"].sum())):  # pragma: no cover - defensive
        raise InputError("lppls_confidence: internal NaN in the indicator")
    return LPPLSConfidence(
        metadata=md, indicator=ind, fits=fits, n_fits=int(lengths.size * ends.size)
    )
