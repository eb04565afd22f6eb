"""The bubble status of one asset on one date: :func:`asset_status` -> :class:`AssetStatus`.

Every signal uses data dated on or before ``as_of`` only: the prices are cut at that date
first, and nothing afterwards looks further. A status computed from a store truncated at
``as_of`` is therefore the same, bit for bit, as one computed from the full store
(``tests/status/test_no_lookahead.py``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, jsonable, make_metadata
from bubblewatch.status.explosive import PSYSignal, psy_sample, psy_signal
from bubblewatch.status.lppls_signal import LPPLSSignal, lppls_signal
from bubblewatch.status.market_signals import momentum_signal, stress_signal
from bubblewatch.status.params import DEFAULT_PARAMS, StatusParams
from bubblewatch.status.rule import Commands, Reason, Signals, decide, share_text
from bubblewatch.status.valuation_signal import valuation_signal
from bubblewatch.validation import (
    Anything,
    Date,
    Frame,
    Instance,
    Real,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.data.resolve import ResolvedHistory

__all__ = ["LEVEL_COLOURS", "AssetStatus", "asset_status", "parse_as_of", "price_frame"]

#: badge colours of the levels (report, dashboard)
LEVEL_COLOURS = {
    "calm": "#2e7d32",
    "heating": "#f9a825",
    "explosive": "#ef6c00",
    "critical": "#c62828",
    "bursting": "#6a1b9a",
}


@validate_params(as_of=Date())
def parse_as_of(as_of: Any) -> pd.Timestamp:
    """``as_of`` as a normalised Timestamp, or an InputError saying how to write it."""
    try:
        when = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise InputError(f"as_of: cannot read the date {as_of!r}; use YYYY-MM-DD") from exc
    if pd.isna(when):
        raise InputError(f"as_of: cannot read the date {as_of!r}; use YYYY-MM-DD")
    return when.normalize()


@validate_params(prices=Anything("a Series, a DataFrame or a ResolvedHistory"))
def price_frame(prices: Any) -> pd.DataFrame:
    """``prices`` (a Series of closes, a frame with ``close`` [and ``volume``], or a
    :class:`~bubblewatch.data.resolve.ResolvedHistory`) as a validated close/volume frame."""
    if hasattr(prices, "frame") and hasattr(prices, "describe"):
        df = prices.frame()
    elif isinstance(prices, pd.Series):
        df = pd.DataFrame({"close": prices.astype(float)})
    elif isinstance(prices, pd.DataFrame):
        col = (
            "adj_close" if "adj_close" in prices and prices["adj_close"].notna().any() else "close"
        )
        if col not in prices:
            raise InputError(
                "prices must have a 'close' (or 'adj_close') column; got columns "
                + ", ".join(map(str, prices.columns))
            )
        df = pd.DataFrame({"close": prices[col].astype(float)})
        if "volume" in prices:
            df["volume"] = prices["volume"].astype(float)
    else:
        raise InputError(
            f"prices must be a pandas Series or DataFrame indexed by date; got {type(prices).__name__}"
        )
    if not isinstance(df.index, pd.DatetimeIndex):
        raise InputError("prices must be indexed by dates (a DatetimeIndex)")
    if df.index.has_duplicates:
        dup = df.index[df.index.duplicated()][0]
        raise InputError(f"prices have the date {dup.date()} twice; give each date once")
    if "volume" not in df:
        df["volume"] = np.nan
    return df.sort_index()


@dataclasses.dataclass(frozen=True)
class AssetStatus(Result):
    """The status of one asset on one date (see :func:`asset_status`).

    Attributes
    ----------
    symbol : str
    as_of : pandas.Timestamp
        The date asked for.
    data_date : pandas.Timestamp
        The last session used (on or before ``as_of``).
    level : str
        ``calm``, ``heating``, ``explosive``, ``critical`` or ``bursting``.
    reasons : tuple of Reason
        The conditions that put the asset at its level, with values, thresholds and the
        command recomputing each value.
    signals : Signals
        ``psy``, ``lppls``, ``valuation``, ``momentum``, ``stress``.
    params : StatusParams
    series : dict or None
        How the series was built (:meth:`ResolvedHistory.to_dict`), when known.
    stale_business_days : int
        Business days between ``data_date`` and ``as_of``.
    notes : tuple of str
        Staleness, gaps in the history, unavailable signals.
    """

    symbol: str
    as_of: pd.Timestamp
    data_date: pd.Timestamp
    level: str
    reasons: tuple[Reason, ...]
    signals: Signals
    params: StatusParams
    series: dict[str, Any] | None
    stale_business_days: int
    notes: tuple[str, ...]
    close: pd.Series = dataclasses.field(repr=False, compare=False)

    @property
    def psy(self) -> PSYSignal:
        return self.signals.psy

    @property
    def lppls(self) -> LPPLSSignal:
        return self.signals.lppls

    def summary(self) -> str:
        lines = [
            f"{self.symbol} on {self.as_of.date()}: {self.level.upper()}"
            + (f" (data to {self.data_date.date()})" if self.data_date != self.as_of else "")
        ]
        for r in self.reasons:
            lines.append(f"  - {r.condition}: {r.value_text()} vs {r.threshold_text()}")
            lines.append(f"      recompute: {r.command}")
        p, lp, mo, st, va = (
            self.signals.psy,
            self.signals.lppls,
            self.signals.momentum,
            self.signals.stress,
            self.signals.valuation,
        )
        if p.available:
            lines.append(
                f"  PSY: BSADF {p.bsadf:.2f} vs 95% cv {p.cv95:.2f} ({p.method}); GSADF "
                f"{p.gsadf:.2f}"
                + (f" vs {p.gsadf_cv95:.2f}" if np.isfinite(p.gsadf_cv95) else "")
                + f"; sample {p.sample_start.date()}..{p.sample_end.date()} ({p.nobs} sessions)"  # type: ignore[union-attr]
            )
        else:
            lines.append(f"  PSY: {p.note}")
        for s in lp.scales:
            if s.available:
                trust = (
                    f", trust {share_text(s.trust_pos)}/{share_text(s.trust_neg)}"
                    if s.trust_pos is not None
                    else ""
                )
                lines.append(
                    f"  LPPLS {s.scale.describe()}: confidence {share_text(s.pos)} (bubble) / "
                    f"{share_text(s.neg)} (anti-bubble){trust}"
                    + (f"; tc median {s.tc_pos[1].date()}" if s.tc_pos[1] is not None else "")
                )
            else:
                lines.append(f"  LPPLS {s.scale.name}: {s.note}")
        lines.append(
            f"  momentum: 1y {_pct(mo.ret_1y)} (percentile {_pct(mo.ret_1y_percentile, 0)}), "
            f"3y {_pct(mo.ret_3y)} (percentile {_pct(mo.ret_3y_percentile, 0)}), "
            f"200-session MA z {_num(mo.ma200_z)}"
        )
        lines.append(
            f"  stress: drawdown {_pct(st.drawdown)} from {st.peak_date.date() if st.peak_date is not None else 'n/a'}, "
            f"21-session volatility {_pct(st.vol, 0)} (percentile {_pct(st.vol_percentile, 0)}), "
            f"volume z {_num(st.volume_z)}"
        )
        val = [f"P/E {_num(va.pe, 1)}"]
        if np.isfinite(va.pe_group_median):
            val.append(f"group median {_num(va.pe_group_median, 1)}")
        if np.isfinite(va.cape):
            val.append(f"CAPE {va.cape:.1f} (percentile {_pct(va.cape_percentile, 0)})")
        lines.append("  valuation: " + ", ".join(val) + (f" ({va.note})" if va.note else ""))
        if self.series is not None:
            lines.append(f"  series: {self.series.get('description', '')}")
        for n in self.notes:
            lines.append(f"  note: {n}")
        return "\n".join(lines)

    def headline(self) -> dict[str, Any]:
        """The numbers a one-row summary shows (fractions; NaN when unknown): level, BSADF
        and its 95% critical value, the LPPLS confidences, the 1-year return, the drawdown,
        the P/E and the first reason."""
        s = self.signals
        return {
            "symbol": self.symbol,
            "level": self.level,
            "bsadf": s.psy.bsadf,
            "cv95": s.psy.cv95,
            "lppls_pos": s.lppls.pos,
            "lppls_neg": s.lppls.neg,
            "ret_1y": s.momentum.ret_1y,
            "drawdown": s.stress.drawdown,
            "pe": s.valuation.pe,
            "why": self.reasons[0].condition if self.reasons else "",
        }

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for name, d in self._signals_dict().items():
            for k, v in d.items():
                if not isinstance(v, dict | list):
                    rows.append({"signal": name, "field": k, "value": v})
        return pd.DataFrame(rows, columns=["signal", "field", "value"])

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        sample = psy_sample(self.close, self.params)
        fig = go.Figure(go.Scatter(x=sample.index, y=sample.to_numpy(), name=self.symbol))
        p = self.signals.psy
        if p.available and p.episode_start is not None:
            fig.add_vrect(
                x0=p.episode_start, x1=self.data_date, fillcolor="red", opacity=0.15, line_width=0
            )
        fig.update_yaxes(type="log")
        fig.update_layout(
            title=f"{self.symbol} on {self.as_of.date()}: {self.level}",
            title_font_color=LEVEL_COLOURS[self.level],
        )
        return fig

    def _signals_dict(self) -> dict[str, dict[str, Any]]:
        s = self.signals
        return {
            "psy": s.psy.to_dict(),
            "lppls": s.lppls.to_dict(),
            "valuation": s.valuation.to_dict(),
            "momentum": s.momentum.to_dict(),
            "stress": s.stress.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "as_of": self.as_of.date().isoformat(),
            "level": self.level,
            "reasons": [r.to_dict() for r in self.reasons],
            "signals": self._signals_dict(),
            "params": self.params.to_dict(),
            "data": jsonable(
                {
                    "date": self.data_date,
                    "stale_business_days": self.stale_business_days,
                    "series": self.series,
                }
            ),
            "notes": list(self.notes),
        }


def _pct(v: float, digits: int = 1) -> str:
    return f"{v:.{digits}%}" if v is not None and np.isfinite(v) else "n/a"


def _num(v: float, digits: int = 2) -> str:
    return f"{v:.{digits}f}" if v is not None and np.isfinite(v) else "n/a"


@validate_params(
    prices=Anything("a Series, a DataFrame or a ResolvedHistory (checked by price_frame)"),
    as_of=Date(),
    fundamentals=[None, Frame(what="a fundamentals frame (Store.fundamentals)")],
    params=Instance(StatusParams),
    symbol=[None, Text(empty=False)],
    cape=[None, SeriesLike(what="a monthly CAPE series")],
    group_pe_median=[None, Real()],
    history=[None, Anything("a ResolvedHistory")],
    lppls=[None, Instance(LPPLSSignal)],
)
def asset_status(
    prices: Any,
    *,
    as_of: Any,
    fundamentals: pd.DataFrame | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    symbol: str | None = None,
    cape: pd.Series | None = None,
    group_pe_median: float | None = None,
    history: ResolvedHistory | None = None,
    lppls: LPPLSSignal | None = None,
) -> AssetStatus:
    """The bubble status of one asset on ``as_of``, from data dated on or before it only.

    Parameters
    ----------
    prices : Series, DataFrame or ResolvedHistory
        Adjusted closes (a Series), or a frame with ``close``/``adj_close`` and optionally
        ``volume``, indexed by date; or the :class:`~bubblewatch.data.resolve.ResolvedHistory`
        of a store symbol (its sources are then named in the output).
    as_of : date-like
        The date of the status; the last session on or before it is used, and the status
        says how many business days older than ``as_of`` that session is.
    fundamentals : DataFrame, optional
        The company's long fundamentals frame (``Store.fundamentals(symbol)``) for the
        point-in-time trailing P/E; without it the valuation says "no fundamentals".
    params : StatusParams
        Sample, critical values, LPPLS scales and the thresholds of the rule.
    symbol : str, optional
        Name used in the output and the commands (default: the series' name).
    cape : Series, optional
        Monthly CAPE (``SHILLER_CAPE``) for index-level assets.
    group_pe_median : float, optional
        The median trailing P/E of the asset's group on ``as_of`` (see :func:`group_status`).
    history : ResolvedHistory, optional
        Provenance of ``prices`` when they are given as a Series or frame.
    lppls : LPPLSSignal, optional
        An LPPLS signal computed on an earlier date (on or before ``as_of``), used instead of
        computing it: the track record's coarser LPPLS stride. Its date is in the output.

    Returns
    -------
    AssetStatus

    Raises
    ------
    InputError
        Unreadable ``as_of`` or malformed prices.
    InsufficientDataError
        No close on or before ``as_of``. (A signal lacking data does not raise: it says
        "insufficient data: N sessions, needs M" and the others are still computed.)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> idx = pd.bdate_range("2015-01-01", periods=1600)
    >>> px = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 1600))), index=idx)
    >>> st = asset_status(px, as_of=idx[-1], symbol="RW", params=DEFAULT_PARAMS.replace(
    ...     lppls=False, gsadf_cv=False))
    >>> st.level in ("calm", "heating", "explosive"), st.signals.psy.nobs
    (True, 1306)
    """
    when = parse_as_of(as_of)
    if lppls is not None and any(s.date is not None and s.date > when for s in lppls.scales):
        raise InputError("lppls: the LPPLS signal given is dated after as_of (look-ahead)")
    frame = price_frame(prices)
    if history is None and hasattr(prices, "until"):
        history = prices
    name = (
        symbol
        or (history.name if history is not None else None)
        or str(getattr(prices, "name", None) or "series")
    )
    cut = frame[frame.index <= when]
    close = cut["close"].dropna()
    if close.empty:
        first = frame.index[0].date() if len(frame) else "never"
        raise InsufficientDataError(
            f"{name}: no close on or before {when.date()} (the series starts {first})"
        )
    data_date = pd.Timestamp(close.index[-1])
    stale = max(0, len(pd.bdate_range(data_date, when)) - 1)
    notes: list[str] = []
    if stale > params.stale_business_days:
        notes.append(
            f"stale: the series ends {data_date.date()}, {stale} business days before "
            f"{when.date()}; every signal is as of {data_date.date()}"
        )
    series = None
    if history is not None:
        h = history.until(when)
        series = h.to_dict()
        notes.extend(g.describe() for g in h.gaps)
    stress = stress_signal(close, cut["volume"], params)
    peak = (
        stress.peak_date
        if np.isfinite(stress.drawdown) and stress.drawdown <= -params.burst_drawdown
        else None
    )
    signals = Signals(
        psy=psy_signal(close, params, peak=peak),
        lppls=lppls_signal(close, params) if lppls is None else lppls,
        valuation=valuation_signal(
            close,
            data_date,
            symbol=name,
            fundamentals=fundamentals,
            cape=cape,
            group_pe_median=group_pe_median,
        ),
        momentum=momentum_signal(close, params),
        stress=stress,
    )
    for label, sig in (("PSY", signals.psy), ("LPPLS", signals.lppls)):
        if not sig.available:
            notes.append(f"{label}: {sig.note}")
    level, reasons = decide(signals, Commands(name, data_date, params), params)
    return AssetStatus(
        metadata=make_metadata(
            {"symbol": name, "as_of": when.date().isoformat(), **params.to_dict()},
            data_vintage=data_date.date().isoformat(),
            seed=params.cv_seed,
        ),
        symbol=name,
        as_of=when,
        data_date=data_date,
        level=level,
        reasons=reasons,
        signals=signals,
        params=params,
        series=series,
        stale_business_days=stale,
        notes=tuple(notes),
        close=close,
    )
