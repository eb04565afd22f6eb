"""Contagion: cross-market reaction tables aligned by calendars and time zones, rolling correlations.

Reaction alignment
------------------
An event happens on session ``D`` of the event market (by default the US, close 16:00
New York). Each member of the universe is put in a market by its symbol (built-in table
:data:`MARKETS`, by suffix such as ``.KS`` or by index name such as ``KOSPI``; override with
``markets=``). Its *reaction session* is

* the same session ``D`` when it trades in the event's market (US names on the US session);
* otherwise the first session of its own calendar that *opens* at or after the event
  market's close on ``D``: for Asian markets the next Asian session, for European markets
  the next European session, for crypto (UTC daily bars) the UTC day after the US close,
  i.e. about the 24 h after it.

Sessions are the dates present in each member's own data (no external holiday calendar), so
a holiday in one market simply moves its reaction to the next session it traded. A reaction
session that is not a trading weekday of its market (a Saturday or Sunday outside crypto) is
used but **flagged** (``off_day``, with a note): it usually means the file's dates are shifted
(e.g. a UTC conversion moved Asian sessions one day early) and the row should not be trusted. The return
is close-to-close from the member's previous session; its z-score divides it by the standard
deviation of the member's previous 63 session returns (mean removed).

References
----------
.. [1] Forbes, K. J. & Rigobon, R. (2002). No contagion, only interdependence: measuring stock
       market comovements. *Journal of Finance*, 57(5), 2223-2261.
.. [2] Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced
       from a small sample. *Metron*, 1, 3-32.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market.sessions import session_of
from bubblewatch.results import Result, make_metadata
from bubblewatch.series import price_series
from bubblewatch.validation import (
    ArrayLike,
    Bool,
    Date,
    Frame,
    Integer,
    MappingOf,
    Options,
    Real,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "MARKETS",
    "Market",
    "ReactionTable",
    "RollingCorrelation",
    "market_of",
    "reaction_table",
    "rolling_correlation",
]


@dataclasses.dataclass(frozen=True)
class Market:
    """An exchange's time zone and regular session hours (local time)."""

    code: str
    name: str
    tz: str
    open: _dt.time
    close: _dt.time
    #: trading weekdays (Monday = 0); crypto trades every day
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)

    def trades_on(self, day: pd.Timestamp) -> bool:
        """Whether ``day`` is a trading weekday of this market (holidays are not known)."""
        return int(day.day_of_week) in self.weekdays

    def open_utc(self, day: pd.Timestamp) -> pd.Timestamp:
        return pd.Timestamp(
            _dt.datetime.combine(day.date(), self.open, ZoneInfo(self.tz))
        ).tz_convert("UTC")

    def close_utc(self, day: pd.Timestamp) -> pd.Timestamp:
        if self.close == _dt.time(0, 0):  # 24:00
            return pd.Timestamp(
                _dt.datetime.combine(day.date(), self.close, ZoneInfo(self.tz))
            ).tz_convert("UTC") + pd.Timedelta(days=1)
        return pd.Timestamp(
            _dt.datetime.combine(day.date(), self.close, ZoneInfo(self.tz))
        ).tz_convert("UTC")


def _t(h: int, m: int = 0) -> _dt.time:
    return _dt.time(h, m)


#: built-in market table: code -> Market (regular hours, local time; crypto = UTC days)
MARKETS: dict[str, Market] = {
    "US": Market("US", "United States", "America/New_York", _t(9, 30), _t(16)),
    "KR": Market("KR", "Korea", "Asia/Seoul", _t(9), _t(15, 30)),
    "JP": Market("JP", "Japan", "Asia/Tokyo", _t(9), _t(15, 30)),
    "CN": Market("CN", "China (Shanghai/Shenzhen)", "Asia/Shanghai", _t(9, 30), _t(15)),
    "TW": Market("TW", "Taiwan", "Asia/Taipei", _t(9), _t(13, 30)),
    "HK": Market("HK", "Hong Kong", "Asia/Hong_Kong", _t(9, 30), _t(16)),
    "UK": Market("UK", "London", "Europe/London", _t(8), _t(16, 30)),
    "EU": Market("EU", "Continental Europe (Xetra/Euronext)", "Europe/Berlin", _t(9), _t(17, 30)),
    "CRYPTO": Market("CRYPTO", "Crypto (UTC days)", "UTC", _t(0), _t(0), tuple(range(7))),
}

_SUFFIXES = {
    ".KS": "KR",
    ".KQ": "KR",
    ".T": "JP",
    ".SZ": "CN",
    ".SS": "CN",
    ".TW": "TW",
    ".TWO": "TW",
    ".HK": "HK",
    ".L": "UK",
    ".DE": "EU",
    ".F": "EU",
    ".PA": "EU",
    ".AS": "EU",
    ".MI": "EU",
    ".SW": "EU",
    ".MC": "EU",
}
_NAMES = {
    "KOSPI": "KR",
    "KS11": "KR",
    "KOSDAQ": "KR",
    "NIKKEI": "JP",
    "N225": "JP",
    "TOPIX": "JP",
    "SSE": "CN",
    "SHANGHAI": "CN",
    "CSI300": "CN",
    "SHENZHEN": "CN",
    "TAIEX": "TW",
    "TWII": "TW",
    "HANG_SENG": "HK",
    "HANGSENG": "HK",
    "HSI": "HK",
    "FTSE": "UK",
    "DAX": "EU",
    "STOXX": "EU",
    "CAC": "EU",
    "AEX": "EU",
    "BTC": "CRYPTO",
    "ETH": "CRYPTO",
    "BITCOIN": "CRYPTO",
}


@validate_params(
    symbol=Text(),
)
def market_of(symbol: str) -> str:
    """Market code of a symbol from its suffix or index name (default ``"US"``).

    Examples
    --------
    >>> [market_of(s) for s in ["SK_HYNIX_000660.KS", "KOSPI", "BTC-USD", "TSMC_2330.TW", "NVDA"]]
    ['KR', 'KR', 'CRYPTO', 'TW', 'US']
    """
    up = str(symbol).upper()
    for suf, code in sorted(_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if up.endswith(suf):
            return code
    if up.endswith("-USD") or up.endswith("USDT"):
        return "CRYPTO"
    for name, code in _NAMES.items():
        if name in up:
            return code
    return "US"


def _closes(x: pd.Series | pd.DataFrame, name: str) -> pd.Series:
    if isinstance(x, pd.DataFrame):
        if "close" not in x.columns:
            raise InputError(f"{name}: a price frame needs a 'close' column")
        x = x["close"]
    s = price_series(x, what=name, positive=True, dates=True)
    s.index = s.index.normalize()
    return s


# --------------------------------------------------------------------------- reaction table
@dataclasses.dataclass(frozen=True)
class ReactionTable(Result):
    """Cross-market reactions to an event (see :func:`reaction_table`)."""

    event_date: pd.Timestamp
    event_symbol: str | None
    event_market: str
    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.event_date,
            "event_symbol": self.event_symbol,
            "event_market": self.event_market,
            "rows": self.rows.reset_index().to_dict(orient="records"),
        }

    @property
    def flagged(self) -> pd.DataFrame:
        """Rows whose reaction (or previous) session is not a trading weekday of their market."""
        return self.rows.loc[self.rows["off_day"].astype(bool)]

    def summary(self) -> str:
        head = (
            f"Reactions to {self.event_symbol or 'the event'} on {self.event_date.date()} "
            f"({self.event_market} close), sorted by return:"
        )
        lines = [head]
        for sym, r in self.rows.iterrows():
            if pd.isna(r["return"]):
                lines.append(f"  {sym:<24} {r['market']:<7} {r['note']}")
                continue
            z = "" if pd.isna(r["z"]) else f" z {r['z']:+.2f}"
            flag = f"  FLAG: {r['note']}" if r["off_day"] else ""
            lines.append(
                f"  {sym:<24} {r['market']:<7} {100 * r['return']:+7.2f}%{z}  "
                f"session {pd.Timestamp(r['session']).date()} ({r['lag']}){flag}"
            )
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        rows = self.rows.dropna(subset=["return"])
        fig = go.Figure(
            go.Bar(
                x=100 * rows["return"].to_numpy(float),
                y=list(rows.index),
                orientation="h",
                text=[f"{lag}" for lag in rows["lag"]],
                marker={
                    "color": np.where(rows["return"].to_numpy(float) < 0, "crimson", "seagreen")
                },
            )
        )
        fig.update_layout(
            title=f"Reactions to {self.event_symbol or 'the event'} on {self.event_date.date()}",
            xaxis_title="return, %",
            yaxis={"autorange": "reversed"},
        )
        return fig


@validate_params(
    universe=MappingOf("a mapping symbol -> closes or price frame"),
    date=Date(),
    event_symbol=[None, Text()],
    event_market=[None, Text()],
    markets=[None, MappingOf("a mapping symbol -> market code")],
    z_window=Integer(min=5),
    sort_by=Options("return", "z"),
)
def reaction_table(
    universe: Mapping[str, pd.Series | pd.DataFrame],
    date: Any,
    *,
    event_symbol: str | None = None,
    event_market: str | None = None,
    markets: Mapping[str, str] | None = None,
    z_window: int = 63,
    sort_by: str = "return",
) -> ReactionTable:
    """Returns and z-scores of every member of ``universe`` on its reaction session to an event.

    Parameters
    ----------
    universe : mapping of symbol -> closes (Series) or price frame (``close`` column)
        The members, each on its own calendar. The event symbol may be included.
    date : date-like
        The event session (in the event market's calendar). When ``event_symbol`` is in the
        universe, a date that is not one of its sessions raises, naming the sessions around it.
    event_symbol : str, optional
        The symbol whose move is the event (its market is the event market).
    event_market : str, optional
        Market code of the event (default: the event symbol's market, else ``"US"``).
    markets : mapping, optional
        Overrides of the symbol -> market code table (codes of :data:`MARKETS`).
    z_window : int
        Sessions of trailing returns for the z-score (default 63).
    sort_by : {"return", "z"}
        Sort key (ascending: the largest falls first).

    Returns
    -------
    ReactionTable
        One row per member: market, reaction session, previous session, lag (text),
        lag_days (calendar days from the event date), return, z, ``off_day`` (True when the
        reaction or previous session is not a trading weekday of the member's market: a
        shifted file; the row is kept but flagged) and a note when no reaction session is in
        the data or the row is flagged.
    """
    if not universe:
        raise InputError("the universe is empty: give at least one symbol")
    markets = dict(markets or {})
    code_of = {s: markets.get(s, market_of(s)) for s in universe}
    for s, c in code_of.items():
        if c not in MARKETS:
            raise InputError(f"{s}: unknown market code {c!r}; use one of {', '.join(MARKETS)}")
    ev_code = (
        event_market
        or (code_of.get(event_symbol) if event_symbol else None)
        or (market_of(event_symbol) if event_symbol else "US")
    )
    if ev_code not in MARKETS:
        raise InputError(f"unknown event market {ev_code!r}; use one of {', '.join(MARKETS)}")
    ev_market = MARKETS[ev_code]
    try:
        ts = pd.Timestamp(date).normalize()
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the event date {date!r}; use YYYY-MM-DD") from exc
    if event_symbol is not None and event_symbol in universe:
        ts = session_of(
            pd.DatetimeIndex(_closes(universe[event_symbol], event_symbol).index),
            ts,
            symbol=event_symbol,
        )
    event_close = ev_market.close_utc(ts)
    if z_window < 5:
        raise InputError("z_window must be at least 5 sessions")

    records = []
    for sym, data in universe.items():
        code = code_of[sym]
        mk = MARKETS[code]
        c = _closes(data, sym)
        rec: dict[str, Any] = {
            "symbol": sym,
            "market": code,
            "session": pd.NaT,
            "previous": pd.NaT,
            "lag": "",
            "lag_days": np.nan,
            "return": np.nan,
            "z": np.nan,
            "off_day": False,
            "note": "",
        }
        idx = pd.DatetimeIndex(c.index)
        if code == ev_code:
            pos = int(idx.searchsorted(ts))
            if pos >= len(idx) or idx[pos] != ts:
                rec["note"] = f"no {ts.date()} session in its data" + (
                    f" ({idx[0].date()}..{idx[-1].date()})" if len(idx) else ""
                )
                records.append(rec)
                continue
            rec["lag"] = "same session"
        else:
            opens = np.array([mk.open_utc(d).value for d in idx], dtype=np.int64)
            pos = int(np.searchsorted(opens, event_close.value, side="left"))
            if pos >= len(idx):
                rec["note"] = f"no session after the {ts.date()} {ev_code} close in its data" + (
                    f" (ends {idx[-1].date()})" if len(idx) else ""
                )
                records.append(rec)
                continue
            if code == "CRYPTO":
                rec["lag"] = f"UTC day {idx[pos].date()} (24 h after the {ev_code} close)"
            else:
                nth = (
                    "next session"
                    if idx[pos] - ts <= pd.Timedelta(days=4)
                    else "first later session"
                )
                rec["lag"] = f"{nth} ({mk.name})"
        if pos == 0:
            rec["note"] = f"no session before {idx[0].date()} for a return"
            records.append(rec)
            continue
        r = np.log(c.to_numpy())
        rets = np.diff(r)  # rets[i-1] is the return of session i
        ret = float(c.iloc[pos] / c.iloc[pos - 1] - 1.0)
        prev = rets[max(0, pos - 1 - z_window) : pos - 1]
        simple_prev = np.expm1(prev)
        z = np.nan
        if len(simple_prev) >= max(5, z_window // 3):
            sd = float(np.std(simple_prev, ddof=1))
            if sd > 0:
                z = (ret - float(np.mean(simple_prev))) / sd
        rec.update(
            session=pd.Timestamp(idx[pos]),
            previous=pd.Timestamp(idx[pos - 1]),
            lag_days=int((idx[pos] - ts).days),
            **{"return": ret, "z": z},
        )
        off = [d for d in (idx[pos], idx[pos - 1]) if not mk.trades_on(pd.Timestamp(d))]
        if off:
            rec["off_day"] = True
            rec["note"] = (
                f"{', '.join(f'{d.date()} is a {d.day_name()}' for d in off)}: not a trading "
                f"day in {mk.name}; the data's dates may be shifted (check its source)"
            )
        records.append(rec)
    if sort_by not in ("return", "z"):
        raise InputError("sort_by must be 'return' or 'z'")
    rows = pd.DataFrame.from_records(records).set_index("symbol")
    rows = rows.sort_values(sort_by, na_position="last", kind="stable")
    return ReactionTable(
        metadata=make_metadata(
            {
                "date": ts.date().isoformat(),
                "event_symbol": event_symbol,
                "event_market": ev_code,
                "z_window": z_window,
                "members": list(universe),
            }
        ),
        event_date=ts,
        event_symbol=event_symbol,
        event_market=ev_code,
        rows=rows,
    )


# --------------------------------------------------------------------------- rolling correlation
@dataclasses.dataclass(frozen=True)
class RollingCorrelation(Result):
    """Rolling correlation of a pair with regime-change flags (see :func:`rolling_correlation`)."""

    pair: tuple[str, str]
    window: int
    correlation: pd.Series
    fisher_z: pd.Series
    regime_change: pd.Series
    changes: tuple[pd.Timestamp, ...]
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "correlation": self.correlation,
                "fisher_z": self.fisher_z,
                "regime_change": self.regime_change,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.correlation.dropna()
        return {
            "pair": list(self.pair),
            "window": self.window,
            "alpha": self.alpha,
            "last": float(c.iloc[-1]) if len(c) else None,
            "mean": float(c.mean()) if len(c) else None,
            "changes": list(self.changes),
            "correlation": [{"date": d, "correlation": float(v)} for d, v in c.items()],
        }

    def summary(self) -> str:
        c = self.correlation.dropna()
        if c.empty:
            return f"{self.pair[0]}-{self.pair[1]}: no full window"
        ch = ", ".join(str(d.date()) for d in self.changes[-8:]) or "none"
        return (
            f"{self.pair[0]}-{self.pair[1]} rolling {self.window}-session correlation: last "
            f"{c.iloc[-1]:+.2f} ({c.index[-1].date()}), mean {c.mean():+.2f}, range "
            f"{c.min():+.2f}..{c.max():+.2f}; regime changes (Fisher test, alpha {self.alpha}): {ch}"
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(
            go.Scatter(
                x=self.correlation.index,
                y=self.correlation.to_numpy(),
                name=f"{self.pair[0]} vs {self.pair[1]}",
            )
        )
        for d in self.changes:
            fig.add_vline(x=d, line={"dash": "dot", "color": "grey"})
        fig.update_layout(
            title=f"{self.pair[0]} vs {self.pair[1]}: rolling correlation ({self.window} sessions; "
            "dotted: regime changes)",
            yaxis={"range": [-1, 1], "title": "correlation of daily log returns", "dtick": 0.5},
            xaxis={"title": "last date of the window"},
            showlegend=True,
        )
        return fig


@validate_params(
    a=[SeriesLike(what="closes (a pandas Series)"), Frame("a price frame")],
    b=[SeriesLike(what="closes (a pandas Series)"), Frame("a price frame")],
    window=Integer(min=10),
    names=[None, ArrayLike(what="two names")],
    returns=Bool(),
    alpha=Real(min=0, max=1, min_open=True, max_open=True),
    min_change=Real(min=0),
)
def rolling_correlation(
    a: pd.Series | pd.DataFrame,
    b: pd.Series | pd.DataFrame,
    window: int = 63,
    *,
    names: Sequence[str] | None = None,
    returns: bool = True,
    alpha: float = 0.01,
    min_change: float = 0.3,
) -> RollingCorrelation:
    """Rolling correlation of two series with regime-change flags.

    The two series are aligned on their common dates first (so a 7-day crypto series is
    read on the equity calendar, its weekend moves falling into Monday's return), then turned
    into log returns (``returns=True``) or used as given. A *regime change* is flagged at t
    when the correlation of the window ending at t differs from that of the previous,
    non-overlapping window (ending at t - window) by a two-sided Fisher z-test at level
    ``alpha`` [2]_ *and* by at least ``min_change`` in correlation (a material change: with
    overlapping daily tests, significance alone flags too often); ``changes`` keeps the first
    date of each run of flags.

    References
    ----------
    .. [1] Forbes & Rigobon (2002), *Journal of Finance* 57(5), 2223-2261.
    .. [2] Fisher (1921), *Metron* 1, 3-32.
    """
    from statistics import NormalDist

    na, nb = (
        list(names)
        if names is not None
        else [getattr(a, "name", None) or "a", getattr(b, "name", None) or "b"]
    )
    sa, sb = (
        _closes(a, str(na)) if returns else _raw(a),
        _closes(b, str(nb)) if returns else _raw(b),
    )
    df = pd.concat([sa.rename("a"), sb.rename("b")], axis=1, join="inner").dropna()
    if returns:
        df = np.log(df).diff().dropna()
    if window < 10:
        raise InputError("window must be at least 10 observations")
    if not 0.0 < alpha < 1.0:
        raise InputError(f"alpha must be in (0, 1); got {alpha!r}")
    if len(df) < 2 * window:
        raise InsufficientDataError(
            f"{na} and {nb} share {len(df)} aligned observations"
            + (f" ({df.index[0].date()}..{df.index[-1].date()})" if len(df) else "")
            + f"; a {window}-session rolling correlation with regime tests needs at least {2 * window}"
        )
    x, y = df["a"], df["b"]
    mx, my = x.rolling(window).mean(), y.rolling(window).mean()
    cov = (x * y).rolling(window).mean() - mx * my
    vx = (x * x).rolling(window).mean() - mx * mx
    vy = (y * y).rolling(window).mean() - my * my
    denom = np.sqrt((vx * vy).clip(lower=0))
    corr = (cov / denom.where(denom > 0)).clip(-1.0, 1.0)
    corr.name = "correlation"
    zc = np.arctanh(corr.clip(-0.999999, 0.999999))
    fz = (zc - zc.shift(window)) / np.sqrt(2.0 / (window - 3))
    crit = NormalDist().inv_cdf(1 - alpha / 2)
    flag = (fz.abs() > crit) & fz.notna() & ((corr - corr.shift(window)).abs() >= min_change)
    flag.name = "regime_change"
    starts = flag & ~flag.shift(1, fill_value=False)
    return RollingCorrelation(
        metadata=make_metadata(
            {
                "pair": [na, nb],
                "window": window,
                "returns": returns,
                "alpha": alpha,
                "min_change": min_change,
            },
            data=df,
        ),
        pair=(str(na), str(nb)),
        window=int(window),
        correlation=corr,
        fisher_z=fz.rename("fisher_z"),
        regime_change=flag,
        changes=tuple(pd.Timestamp(d) for d in flag.index[starts.to_numpy()]),
        alpha=alpha,
    )


def _raw(x: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(x, pd.DataFrame):
        x = x["close"]
    s = pd.to_numeric(x, errors="coerce").astype(float).dropna()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index)).tz_localize(None).normalize()
    return s[~s.index.duplicated(keep="last")].sort_index()
