"""The analyses a scan runs on each series: PSY, LPPLS at the status' scales, the status.

An analysis is a small picklable object with a ``name``, the typed ``columns`` it fills,
the ``parameters()`` that define its numbers (hashed into the scan's parameter hash) and a
``run(prices, checkpoint, context)`` that returns its values for one series; ``context``
is shared by the analyses of one series (the volumes, the status' other inputs, the
scan's date, and the status' result, which the LPPLS analysis reuses: the status runs
first). :func:`bubblewatch.scan.series_row.run_series` runs them on one series and turns
every fault into the row's outcome; ``checkpoint(stage)`` enforces the time limit
between stages.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078.
.. [2] Harvey, D.I., Leybourne, S.J., Sollis, R. & Taylor, A.M.R. (2016). Tests for explosive
   financial bubbles in the presence of non-stationary volatility. Journal of Empirical
   Finance 38, 548-574.
.. [3] Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015).
   Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market bubble
   and crash. Journal of Investment Strategies 4(4), 77-95.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.status.params import DEFAULT_PARAMS, LPPLS_SCALES, LPPLSScale, StatusParams

__all__ = ["Analysis", "LPPLSAnalysis", "PSYAnalysis", "StatusAnalysis"]

#: (name, type) pairs; types: float64, int64, bool, string, timestamp
Columns = tuple[tuple[str, str], ...]
Checkpoint = Callable[[str], None]
#: what the analyses of one series share: ``symbol``, ``volume`` (a Series or None),
#: ``extras`` (other inputs: the status' ``fundamentals`` and ``cape``), ``as_of`` (the
#: scan's date or None) and the results an analysis leaves for the next (``status``)
Context = dict[str, Any]


class Analysis(Protocol):
    """What the scan needs of an analysis (see the module docstring)."""

    @property
    def name(self) -> str: ...

    def columns(self) -> Columns: ...

    def parameters(self) -> dict[str, Any]: ...

    def run(
        self, prices: pd.Series, checkpoint: Checkpoint, context: Context
    ) -> dict[str, Any]: ...


class PartialResult(Exception):
    """An analysis finished with parts missing: ``values`` plus (kind, stage, message)."""

    def __init__(self, values: dict[str, Any], problems: list[tuple[str, str, str]]) -> None:
        self.values, self.problems = values, problems
        super().__init__("; ".join(m for *_, m in problems))


def _wb_pvalue(res: Any, reps: int, seed: int) -> float | None:
    """Wild-bootstrap p-value of a PSY result's GSADF (see :class:`PSYAnalysis`)."""
    from bubblewatch.detect.psy_bootstrap import bootstrap_bsadf

    if not np.isfinite(res.gsadf):
        return None
    T, m = res.nobs, res.min_window
    draws = bootstrap_bsadf(
        res.y.to_numpy(), np.arange(m - 1, T), min_window=m, lags=res.lags, reps=reps, seed=seed
    )
    null = np.nanmax(draws, axis=1)
    return float((1 + np.count_nonzero(null >= res.gsadf)) / (reps + 1))


@dataclasses.dataclass(frozen=True)
class PSYAnalysis:
    """PSY GSADF/BSADF of the (log) prices over the whole series, with its critical values,
    episodes and the GSADF p-value (see :mod:`bubblewatch.detect.psy_pvalue`).

    ``explosive`` compares GSADF with the ``level`` critical value (as ``bubblewatch psy``
    does). ``gsadf_pvalue`` comes, with ``pvalue="table"``, from the tabulated null of
    homoskedastic random walks (:mod:`bubblewatch.detect.psy_pvalue`; at the margin, within
    Monte Carlo error of 1 - level, it can disagree with ``explosive``); with
    ``pvalue="wb"`` from the wild bootstrap of the series itself (Harvey, Leybourne, Sollis
    & Taylor 2016: ``pvalue_reps`` replications, seed ``seed``), which keeps its size under
    volatility clustering at ``pvalue_reps`` times the cost of the test:
    ``(1 + #{GSADF* >= GSADF}) / (pvalue_reps + 1)``.
    """

    lags: int = 0
    log: bool = True
    level: int = 95
    min_obs: int = 60
    cv_method: str = "auto"
    reps: int = 500
    seed: int = 0
    pvalue: str = "table"
    pvalue_reps: int = 199
    name: str = "psy"

    def __post_init__(self) -> None:
        if self.level not in (90, 95, 99):
            raise InputError(f"level must be 90, 95 or 99; got {self.level!r}")
        if int(self.min_obs) != self.min_obs or self.min_obs < 10:
            raise InputError(f"min_obs must be an integer of at least 10; got {self.min_obs!r}")
        if self.pvalue not in ("table", "wb"):
            raise InputError(f"pvalue must be 'table' or 'wb'; got {self.pvalue!r}")
        if int(self.pvalue_reps) != self.pvalue_reps or self.pvalue_reps < 19:
            raise InputError(
                f"pvalue_reps must be an integer of at least 19; got {self.pvalue_reps!r}"
            )

    def columns(self) -> Columns:
        return (
            ("gsadf", "float64"),
            ("cv_gsadf", "float64"),
            ("gsadf_pvalue", "float64"),
            ("explosive", "bool"),
            ("bsadf_last", "float64"),
            ("cv_bsadf_last", "float64"),
            ("explosive_now", "bool"),
            ("episodes", "int64"),
            ("last_start", "timestamp"),
            ("last_peak", "timestamp"),
            ("last_end", "timestamp"),
            ("ongoing", "bool"),
            ("psy_error", "string"),
        )

    def parameters(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "name"}

    def run(self, prices: pd.Series, checkpoint: Checkpoint, context: Context) -> dict[str, Any]:
        from bubblewatch.detect.psy import default_min_window, psy
        from bubblewatch.detect.psy_critical import critical_values
        from bubblewatch.detect.psy_pvalue import gsadf_pvalue

        n = int(prices.shape[0])
        if n < self.min_obs:
            raise InsufficientDataError(f"{n} observations; the scan needs at least {self.min_obs}")
        res = psy(prices, lags=self.lags, log=self.log)
        cv = critical_values(res, method=self.cv_method, reps=self.reps, seed=self.seed)
        lv = self.level
        row: dict[str, Any] = {
            "gsadf": res.gsadf,
            "cv_gsadf": float(cv.gsadf[lv]),
            "explosive": bool(res.gsadf > cv.gsadf[lv]),
            "bsadf_last": float(res.bsadf.iloc[-1]),
            "cv_bsadf_last": float(np.asarray(cv.bsadf[lv])[-1]),
        }
        if self.pvalue == "wb":
            checkpoint("psy p-value (wild bootstrap)")
            row["gsadf_pvalue"] = _wb_pvalue(res, self.pvalue_reps, self.seed)
        elif res.lags == 0 and res.min_window == default_min_window(n):
            row["gsadf_pvalue"] = gsadf_pvalue(res.gsadf, n)
        row["explosive_now"] = bool(row["bsadf_last"] > row["cv_bsadf_last"])
        eps = res.episodes(lv, cv=cv)
        row["episodes"] = int(eps.shape[0])
        row["ongoing"] = False
        if eps.shape[0]:
            last = eps.iloc[-1]
            row["last_start"], row["last_peak"] = last["start"], last["peak"]
            row["last_end"], row["ongoing"] = last["end"], bool(last["ongoing"])
        return row


_LPPLS_FIELDS: Columns = (
    ("pos", "float64"),
    ("neg", "float64"),
    ("n_windows", "int64"),
    ("n_unconverged", "int64"),
    ("tc_q10", "timestamp"),
    ("tc_q50", "timestamp"),
    ("tc_q90", "timestamp"),
    ("error", "string"),
)


@dataclasses.dataclass(frozen=True)
class LPPLSAnalysis:
    """DS LPPLS confidence at the series' last date at each scale of the status
    (:data:`bubblewatch.status.params.LPPLS_SCALES`), computed by the status' own
    :func:`~bubblewatch.status.lppls_signal.lppls_scale_signal`: ``pos`` and ``neg`` (the
    shares of the scale's windows whose fit qualifies with B < 0 and B > 0, FCO filter),
    ``n_windows``, ``n_unconverged`` and the 10/50/90% quantiles of the critical time of the
    qualified B < 0 fits, as dates.

    Columns are ``lppls_<scale>_<field>``; a scale whose largest window is longer than the
    series is ``insufficient`` (the other scales are still computed). When the status runs
    on the same series it has computed the same signals: they are taken from it.
    """

    scales: tuple[LPPLSScale, ...] = LPPLS_SCALES
    name: str = "lppls"

    def __post_init__(self) -> None:
        if not self.scales:
            raise InputError("LPPLS needs at least one scale")
        names = [s.name for s in self.scales]
        if len(set(names)) != len(names):
            raise InputError(f"LPPLS scale names must differ; got {names}")

    def columns(self) -> Columns:
        return tuple((f"lppls_{s.name}_{f}", t) for s in self.scales for f, t in _LPPLS_FIELDS)

    def parameters(self) -> dict[str, Any]:
        return {"scales": [dataclasses.asdict(s) for s in self.scales]}

    def run(self, prices: pd.Series, checkpoint: Checkpoint, context: Context) -> dict[str, Any]:
        from bubblewatch.status.lppls_signal import lppls_scale_signal

        status = context.get("status")
        done = {}
        if status is not None and status.params.lppls and not status.params.trust:
            done = {sig.scale: sig for sig in status.signals.lppls.scales}
        row: dict[str, Any] = {}
        problems: list[tuple[str, str, str]] = []
        for sc in self.scales:
            checkpoint(f"lppls[{sc.name}]")
            pre = f"lppls_{sc.name}_"
            sig = done.get(sc) or lppls_scale_signal(prices, sc)
            if not sig.available:
                row[pre + "error"] = sig.note
                kind = "insufficient" if sig.note.startswith("insufficient data") else "error"
                problems.append((kind, f"lppls[{sc.name}]", sig.note))
                continue
            row[pre + "pos"], row[pre + "neg"] = sig.pos, sig.neg
            row[pre + "n_windows"], row[pre + "n_unconverged"] = sig.n_windows, sig.n_unconverged
            for q, v in zip(("tc_q10", "tc_q50", "tc_q90"), sig.tc_pos, strict=True):
                row[pre + q] = v
        if problems:
            raise PartialResult(row, problems)
        return row


_STATUS_COLUMNS: Columns = (
    ("status_level", "string"),
    ("status_reasons", "string"),
    ("status_psy_bsadf", "float64"),
    ("status_psy_cv95", "float64"),
    ("status_psy_explosive", "bool"),
    ("status_psy_episode_start", "timestamp"),
    ("status_ret_1y", "float64"),
    ("status_ma200_z", "float64"),
    ("status_drawdown", "float64"),
    ("status_vol_percentile", "float64"),
    ("status_volume_z", "float64"),
    ("status_notes", "string"),
    ("status_error", "string"),
)


@dataclasses.dataclass(frozen=True)
class StatusAnalysis:
    """The bubble status of the series on its last date (or the scan's ``as_of``):
    :func:`bubblewatch.status.asset_status` on the closes (and volumes, when given), with the
    status' parameters, on the scan's ``as_of`` (or the series' last date). The series'
    ``extras`` give it what ``bubblewatch status`` gives it: ``fundamentals`` (the
    point-in-time P/E; without them the valuation signal says "no fundamentals") and
    ``cape`` for index-level series (:func:`bubblewatch.data.scan_inputs.store_universe`
    reads both from the store).

    Columns: ``status_level``, ``status_reasons`` (the level's reasons as JSON: condition,
    value, threshold, the command that recomputes it), the decisive numbers (robust PSY
    BSADF and its 95% critical value, whether it is explosive and since when, 1-year log
    return, distance above the 200-session average in standard deviations, drawdown,
    volatility percentile, volume z-score) and the status' notes (e.g. a stale end).
    """

    params: StatusParams = DEFAULT_PARAMS
    name: str = "status"
    #: runs before the other analyses of a series, so that ``lppls`` can reuse its signals
    order: int = -1

    def columns(self) -> Columns:
        return _STATUS_COLUMNS

    def parameters(self) -> dict[str, Any]:
        return self.params.to_dict()

    def run(self, prices: pd.Series, checkpoint: Checkpoint, context: Context) -> dict[str, Any]:
        import json

        from bubblewatch.results import jsonable
        from bubblewatch.status import asset_status

        frame = pd.DataFrame({"close": prices, "volume": context.get("volume")})
        extras = context.get("extras") or {}
        as_of = context.get("as_of")
        st = asset_status(
            frame,
            as_of=prices.index[-1] if as_of is None else as_of,
            symbol=str(prices.name),
            params=self.params,
            fundamentals=extras.get("fundamentals"),
            cape=extras.get("cape"),
        )
        context["status"] = st
        sig = st.signals
        return {
            "status_level": st.level,
            "status_reasons": json.dumps(jsonable([r.to_dict() for r in st.reasons])),
            "status_psy_bsadf": sig.psy.bsadf,
            "status_psy_cv95": sig.psy.cv95,
            "status_psy_explosive": sig.psy.explosive if sig.psy.available else None,
            "status_psy_episode_start": sig.psy.episode_start,
            "status_ret_1y": sig.momentum.ret_1y,
            "status_ma200_z": sig.momentum.ma200_z,
            "status_drawdown": sig.stress.drawdown,
            "status_vol_percentile": sig.stress.vol_percentile,
            "status_volume_z": sig.stress.volume_z,
            "status_notes": "; ".join(st.notes) or None,
        }
