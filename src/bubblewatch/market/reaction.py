"""Cross-market reaction tables aligned by calendars and time zones (:func:`reaction_table`).

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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market.exchanges import MARKETS, market_of
from bubblewatch.market.sessions import closes_of, session_of
from bubblewatch.results import Result, make_metadata
from bubblewatch.series import iso_date
from bubblewatch.validation import Date, Integer, MappingOf, Options, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["ReactionTable", "reaction_table"]


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
            pd.DatetimeIndex(closes_of(universe[event_symbol], event_symbol).index),
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
        c = closes_of(data, sym)
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
                "date": iso_date(ts),
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
