"""The LPPLS signal of the status: DS LPPLS confidence at two scales on the as-of date.

For each scale of :data:`~bubblewatch.status.params.LPPLS_SCALES` the windows ending on the
as-of date are fitted (:func:`~bubblewatch.detect.lppls_confidence.lppls_confidence`, FCO
filter, one end date): ``pos`` / ``neg`` are the shares of windows whose fit qualifies with
B < 0 (bubble) / B > 0 (anti-bubble), the FCO trust *filter* gives ``trust_filter_pos`` /
``trust_filter_neg``, and the critical times of the qualified fits give the 10/50/90%
quantiles as dates.

With ``trust`` the FCO's trust indicator is also computed by its residual bootstrap [1]_:
the qualified fit with the smallest relative error is refitted, its residuals are drawn with
replacement onto its curve over the scale's longest window, and the confidence is recomputed
on each of ``trust_reps`` synthetic series; the trust is the median of those confidences.

References
----------
.. [1] Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015).
   Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market bubble
   and crash. Journal of Investment Strategies 4(4), 77-95.
.. [2] Demirer, R., Demos, G., Gupta, R. & Sornette, D. (2019). On the predictability of
   stock market bubbles: evidence from LPPLS confidence multi-scale indicators.
   Quantitative Finance 19(5), 843-858.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, ConvergenceWarning
from bubblewatch.results import jsonable
from bubblewatch.status.params import LPPLSScale, StatusParams
from bubblewatch.validation import Bool, Instance, Integer, SeriesLike, validate_params

__all__ = ["LPPLSScaleSignal", "LPPLSSignal", "lppls_scale_signal", "lppls_signal"]

_NAN = math.nan


@dataclasses.dataclass(frozen=True)
class LPPLSScaleSignal:
    """DS LPPLS confidence at one scale on one date (see :func:`lppls_scale_signal`)."""

    scale: LPPLSScale
    available: bool
    note: str = ""
    date: pd.Timestamp | None = None
    pos: float = _NAN
    neg: float = _NAN
    trust_filter_pos: float = _NAN
    trust_filter_neg: float = _NAN
    trust_pos: float | None = None
    trust_neg: float | None = None
    n_windows: int = 0
    n_unconverged: int = 0
    tc_pos: tuple[pd.Timestamp | None, ...] = (None, None, None)
    tc_neg: tuple[pd.Timestamp | None, ...] = (None, None, None)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "scale": self.scale.name,
                "windows": self.scale.describe(),
                "date": self.date,
                "pos": self.pos,
                "neg": self.neg,
                "trust_filter_pos": self.trust_filter_pos,
                "trust_filter_neg": self.trust_filter_neg,
                "trust_pos": self.trust_pos,
                "trust_neg": self.trust_neg,
                "n_windows": self.n_windows,
                "n_unconverged": self.n_unconverged,
                "tc_pos": {"q10": self.tc_pos[0], "q50": self.tc_pos[1], "q90": self.tc_pos[2]},
                "tc_neg": {"q10": self.tc_neg[0], "q50": self.tc_neg[1], "q90": self.tc_neg[2]},
                "available": self.available,
                "note": self.note,
            }
        )


def _tc_quantiles(tc_days: np.ndarray, end: pd.Timestamp) -> tuple[pd.Timestamp | None, ...]:
    v = tc_days[np.isfinite(tc_days)]
    if v.size == 0:
        return (None, None, None)
    q = np.quantile(v, [0.1, 0.5, 0.9])
    return tuple(pd.Timestamp(end + pd.Timedelta(days=float(round(d)))) for d in q)


def _confidence(close: pd.Series, scale: LPPLSScale, fits: bool) -> Any:
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in n_unconverged
        return lppls_confidence(
            close,
            window_max=scale.window_max,
            window_min=scale.window_min,
            window_step=scale.window_step,
            start=close.index[-1],
            return_fits=fits,
        )


def _trust(
    close: pd.Series, scale: LPPLSScale, fits: pd.DataFrame, sign: float, reps: int, seed: int
) -> float:
    """The FCO trust by residual bootstrap for the qualified fits of ``sign`` (see module)."""
    from bubblewatch.detect.lppls import fit_lppls

    q = fits[fits["qualified_confidence"] & (fits["B_sign"] == sign)]
    if q.empty:
        return 0.0
    best = q.sort_values(["rel_error", "window"], kind="stable").iloc[0]
    window = close.iloc[-int(best["window"]) :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fit_lppls(window)
    resid = np.log(window.to_numpy()) - fit.fitted()
    span = close.iloc[-scale.window_max :]
    curve = fit.fitted(span.index)
    if not np.all(np.isfinite(curve)):
        return 0.0
    rng = np.random.default_rng(seed)
    vals = []
    col = "pos" if sign < 0 else "neg"
    for _ in range(reps):
        synth = pd.Series(np.exp(curve + rng.choice(resid, size=curve.shape[0])), index=span.index)
        try:
            vals.append(float(_confidence(synth, scale, False).indicator[col].iloc[-1]))
        except BubblewatchError:
            vals.append(0.0)
    return float(np.median(vals))


@validate_params(
    close=SeriesLike(),
    scale=Instance(LPPLSScale),
    trust=Bool(),
    trust_reps=Integer(min=1),
    seed=Integer(min=0),
)
def lppls_scale_signal(
    close: pd.Series,
    scale: LPPLSScale,
    *,
    trust: bool = False,
    trust_reps: int = 25,
    seed: int = 0,
) -> LPPLSScaleSignal:
    """DS LPPLS confidence of the windows of ``scale`` ending on the last date of ``close``.

    Parameters
    ----------
    close : pandas.Series
        Adjusted closes up to the as-of date (at least ``scale.window_max`` sessions).
    scale : LPPLSScale
        The windows (e.g. :data:`~bubblewatch.status.params.LONG_SCALE`).
    trust : bool
        Also compute the FCO trust indicator by residual bootstrap (``trust_reps`` series).
    seed : int
        Seed of the trust bootstrap.

    Returns
    -------
    LPPLSScaleSignal
        ``available`` False with "insufficient data: N sessions, needs M" when the
        history is shorter than the longest window.
    """
    s = close.dropna()
    n = len(s)
    if n < scale.window_max:
        return LPPLSScaleSignal(
            scale, False, f"insufficient data: {n} sessions, needs {scale.window_max}"
        )
    try:
        res = _confidence(s, scale, True)
    except BubblewatchError as exc:
        return LPPLSScaleSignal(scale, False, f"LPPLS cannot run: {exc}")
    row = res.indicator.iloc[-1]
    end = pd.Timestamp(res.indicator.index[-1])
    fits = res.fits
    assert fits is not None
    qual = fits["qualified_confidence"].to_numpy(bool)
    sign = fits["B_sign"].to_numpy(float)
    tc = fits["tc_days"].to_numpy(float)
    tpos = tneg = None
    if trust:
        tpos = _trust(s, scale, fits, -1.0, trust_reps, seed)
        tneg = _trust(s, scale, fits, 1.0, trust_reps, seed)
    return LPPLSScaleSignal(
        scale,
        True,
        date=end,
        pos=float(row["pos"]),
        neg=float(row["neg"]),
        trust_filter_pos=float(row.get("trust_pos", _NAN)),
        trust_filter_neg=float(row.get("trust_neg", _NAN)),
        trust_pos=tpos,
        trust_neg=tneg,
        n_windows=int(row["n_windows"]),
        n_unconverged=int(row["n_unconverged"]),
        tc_pos=_tc_quantiles(tc[qual & (sign < 0)], end),
        tc_neg=_tc_quantiles(tc[qual & (sign > 0)], end),
    )


@dataclasses.dataclass(frozen=True)
class LPPLSSignal:
    """The LPPLS signal over the status scales: the largest confidences and the scale that
    gave the larger of them (its tc quantiles are the headline ones)."""

    scales: tuple[LPPLSScaleSignal, ...]
    skipped: bool = False

    @property
    def available(self) -> bool:
        return any(s.available for s in self.scales)

    def _best(self, col: str) -> LPPLSScaleSignal | None:
        ok = [s for s in self.scales if s.available]
        if not ok:
            return None
        return max(ok, key=lambda s: (getattr(s, col), -s.scale.window_max))

    @property
    def pos(self) -> float:
        b = self._best("pos")
        return _NAN if b is None else b.pos

    @property
    def neg(self) -> float:
        b = self._best("neg")
        return _NAN if b is None else b.neg

    @property
    def headline(self) -> tuple[LPPLSScaleSignal | None, str]:
        """The deciding scale and sign: the larger of the best pos and the best neg."""
        bp, bn = self._best("pos"), self._best("neg")
        if bp is None or bn is None:
            return None, "pos"
        return (bp, "pos") if bp.pos >= bn.neg else (bn, "neg")

    @property
    def note(self) -> str:
        if self.skipped:
            return "LPPLS not computed (lppls=False)"
        return "; ".join(f"{s.scale.name}: {s.note}" for s in self.scales if s.note)

    def to_dict(self) -> dict[str, Any]:
        best, sign = self.headline
        tcs = (
            (None, None, None) if best is None else (best.tc_pos if sign == "pos" else best.tc_neg)
        )
        return jsonable(
            {
                "pos": self.pos,
                "neg": self.neg,
                "scale": None if best is None else best.scale.name,
                "tc_q10": tcs[0],
                "tc_q50": tcs[1],
                "tc_q90": tcs[2],
                "tc_sign": sign if best is not None else None,
                "by_scale": {s.scale.name: s.to_dict() for s in self.scales},
                "available": self.available,
                "note": self.note,
            }
        )


@validate_params(close=SeriesLike(), params=Instance(StatusParams))
def lppls_signal(close: pd.Series, params: StatusParams) -> LPPLSSignal:
    """:func:`lppls_scale_signal` at every scale of ``params`` (nothing when ``lppls`` is off)."""
    if not params.lppls:
        return LPPLSSignal(
            tuple(LPPLSScaleSignal(sc, False, "not computed") for sc in params.scales), True
        )
    return LPPLSSignal(
        tuple(
            lppls_scale_signal(
                close, sc, trust=params.trust, trust_reps=params.trust_reps, seed=params.cv_seed
            )
            for sc in params.scales
        )
    )
