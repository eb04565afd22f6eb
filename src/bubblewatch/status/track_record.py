"""The track record: replay the status on long histories and count what followed each level.

The replay itself is :mod:`bubblewatch.status.replay`; this module holds the histories, the
outcomes, the Wilson intervals and the table.

The honesty check of the status. For each history of :data:`TRACK_HISTORIES` the status is
recomputed, with the data available on that day only, every ``stride`` (5) sessions from the
first day with enough data for PSY (``psy_min_sessions``); the LPPLS signal is recomputed
every ``lppls_stride`` sessions (20 by default: the whole replay would otherwise take far
more than ten minutes on two cores) and carried forward in between, never backward: a
status uses the last LPPLS reading dated on or before its date.

What followed a status dated *d*, within ``horizon`` (126) sessions:

* the log return from the close of *d* to the close ``horizon`` sessions later;
* whether the price fell at least ``crash`` (20%) below the close of *d* at some close of
  those sessions.

A date whose next ``horizon`` sessions cross a gap of the history (or run past its end) has
no outcome. For each level the table gives the days at that level, the median return, the
probability of the fall with its Wilson 95% interval, the unconditional base rate over all
replayed days, and a verdict: ``above the base rate`` when the interval lies above it,
``below`` when below, else ``no better than the base rate``. No weights are fitted.

Caveat: statuses five sessions apart share most of their 126-session outcome window, so the
days are not independent and the Wilson intervals (which assume they are) are too narrow;
``episodes`` counts the separate runs of each level to show how few independent cases there
are.

References
----------
.. [1] Wilson, E.B. (1927). Probable inference, the law of succession, and statistical
   inference. Journal of the American Statistical Association 22(158), 209-212.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.results import Result, jsonable, make_metadata
from bubblewatch.status.params import DEFAULT_PARAMS, LEVELS, StatusParams
from bubblewatch.validation import Anything, Instance, Integer, Real, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "TRACK_HISTORIES",
    "TrackRecord",
    "TrackSpec",
    "outcomes",
    "track_record",
    "track_table",
    "wilson_interval",
]

#: business days a forward window may step over between two sessions (more is a gap)
_MAX_STEP = 5


@dataclasses.dataclass(frozen=True)
class TrackSpec:
    """One replayed history: a label, the store symbol and the span of replayed dates."""

    label: str
    symbol: str
    start: str | None = None
    end: str | None = None


#: the histories of the issue: NASDAQ 1971-2020 and 2025-26, S&P 500 1927-2020, SOX
#: 1994-now, NVDA 2010-now, Bitcoin 2014-2020, gold and oil 2000-2020
TRACK_HISTORIES: tuple[TrackSpec, ...] = (
    TrackSpec("NASDAQ Composite 1971-2020", "NASDAQ_COMPOSITE", None, "2020-12-31"),
    TrackSpec("NASDAQ Composite 2025-26", "NASDAQ_COMPOSITE", "2025-08-25", None),
    TrackSpec("S&P 500 1927-2020", "SP500", None, "2020-12-31"),
    TrackSpec("SOX 1994-now", "SOX", None, None),
    TrackSpec("NVDA 2010-now", "NVDA", "2010-01-04", None),
    TrackSpec("Bitcoin 2014-2020", "BTC-USD", None, "2020-11-30"),
    TrackSpec("Gold 2000-2020", "GOLD_GC=F", None, "2020-12-31"),
    TrackSpec("WTI oil 2000-2020", "WTI_CL=F", None, "2020-12-31"),
)


@validate_params(k=Integer(min=0), n=Integer(min=0), z=Real(min=0, min_open=True))
def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (95% by default; NaN when n = 0).

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    """
    if k > n:
        raise InputError(f"wilson_interval: k={k} successes out of n={n} trials")
    if n == 0:
        return math.nan, math.nan
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


@validate_params(
    close=Anything("a Series of closes"), horizon=Integer(min=1), crash=Real(min=0, max=1)
)
def outcomes(close: pd.Series, horizon: int = 126, crash: float = 0.20) -> pd.DataFrame:
    """What followed each date of ``close`` within ``horizon`` sessions (see the module).

    Columns ``fwd_return`` (log), ``fwd_min`` (lowest close over the close of the date,
    minus one) and ``fell`` (``fwd_min <= -crash``); NaN where the window runs past the end
    or crosses a gap of more than five business days.
    """
    c = close.astype(float).to_numpy()
    n = c.shape[0]
    idx = close.index
    step = np.zeros(n, dtype=bool)  # step[i]: the move from i-1 to i crosses a gap
    if n > 1:
        days = np.busday_count(
            idx[:-1].values.astype("datetime64[D]"), idx[1:].values.astype("datetime64[D]")
        )
        step[1:] = days > _MAX_STEP
    gaps = np.concatenate(([0], np.cumsum(step)))
    ret = np.full(n, np.nan)
    low = np.full(n, np.nan)
    last = n - horizon
    if last > 0:
        fwd_min = (
            pd.Series(c[::-1]).rolling(horizon, min_periods=horizon).min().to_numpy()[::-1]
        )  # fwd_min[j] = min(c[j .. j+horizon-1])
        i = np.arange(last)
        ok = gaps[i + horizon + 1] - gaps[i + 1] == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.log(c[i + horizon] / c[i])
        r[~np.isfinite(r)] = np.nan
        ret[i] = np.where(ok, r, np.nan)
        low[i] = np.where(ok, fwd_min[i + 1] / c[i] - 1.0, np.nan)
    out = pd.DataFrame({"fwd_return": ret, "fwd_min": low}, index=idx)
    out["fell"] = np.where(np.isfinite(low), low <= -crash, np.nan)
    return out


def _episodes(levels: pd.Series, level: str) -> int:
    hit = (levels == level).to_numpy()
    return int(np.sum(hit[1:] & ~hit[:-1]) + (1 if hit.size and hit[0] else 0))


@validate_params(
    replays=Anything("a mapping label -> replay frame joined with its outcomes"),
    crash=Real(min=0, max=1),
)
def track_table(replays: Mapping[str, pd.DataFrame], crash: float = 0.20) -> pd.DataFrame:
    """Per level (and ``all``): days, episodes, median forward return, probability of the
    fall with its Wilson interval, the base rate and the verdict (see the module)."""
    frames = [df.assign(history=label) for label, df in replays.items() if len(df)]
    if not frames:
        raise InputError("track_table: no replayed dates")
    allrows = pd.concat(frames)
    have = allrows[allrows["fell"].notna()]
    base_k, base_n = int(have["fell"].astype(bool).sum()), len(have)
    base = base_k / base_n if base_n else math.nan
    rows = []
    for level in (*LEVELS, "all"):
        sub = allrows if level == "all" else allrows[allrows["level"] == level]
        out = sub[sub["fell"].notna()]
        k, n = int(out["fell"].astype(bool).sum()), len(out)
        lo, hi = wilson_interval(k, n)
        p = k / n if n else math.nan
        if level == "all" or n == 0:
            verdict = "" if level == "all" else "no dates with an outcome"
        elif lo > base:
            verdict = "above the base rate"
        elif hi < base:
            verdict = "below the base rate"
        else:
            verdict = "no better than the base rate"
        eps = sum(_episodes(df["level"], level) for df in frames) if level != "all" else math.nan
        rows.append(
            {
                "level": level,
                "days": len(sub),
                "episodes": eps,
                "with_outcome": n,
                "median_return": float(out["fwd_return"].median()) if n else math.nan,
                "p_fall": p,
                "p_fall_lo": lo,
                "p_fall_hi": hi,
                "base_rate": base,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows).set_index("level")


@dataclasses.dataclass(frozen=True)
class TrackRecord(Result):
    """The replayed statuses, their outcomes and the table per level (see the module)."""

    table: pd.DataFrame
    by_history: Mapping[str, pd.DataFrame]
    replays: Mapping[str, pd.DataFrame]
    spans: Mapping[str, str]
    stride: int
    lppls_stride: int
    horizon: int
    crash: float
    params: StatusParams
    seconds: float

    def summary(self) -> str:
        lines = [
            f"Track record: {int(self.table.loc['all', 'days'])} replayed days over "
            f"{len(self.replays)} histories (every {self.stride} sessions, LPPLS every "
            f"{self.lppls_stride}); outcome within {self.horizon} sessions: a fall of "
            f"{self.crash:.0%} below the day's close",
        ]
        for lv, r in self.table.iterrows():
            if not r["days"]:
                continue
            lines.append(
                f"  {lv:<10} {int(r['days']):6d} days  median return {_p(r['median_return'])}  "
                f"P(fall) {_p(r['p_fall'])} [{_p(r['p_fall_lo'])}, {_p(r['p_fall_hi'])}]  "
                f"base {_p(r['base_rate'])}  {r['verdict']}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index()

    def to_markdown(self) -> str:
        """The per-level table in Markdown (for the docs)."""
        lines = [
            f"| level | days | episodes | median {self.horizon}-session log return | "
            f"P(fall {self.crash:.0%}) | 95% interval | base rate | verdict |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for lv, r in self.table.iterrows():
            if not r["days"]:
                continue
            eps = "" if lv == "all" else str(int(r["episodes"]))
            lines.append(
                f"| {lv} | {int(r['days'])} | {eps} | {_p(r['median_return'])} | "
                f"{_p(r['p_fall'])} | {_p(r['p_fall_lo'])}-{_p(r['p_fall_hi'])} | "
                f"{_p(r['base_rate'])} | {r['verdict']} |"
            )
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        t = self.table.drop(index="all")
        t = t[t["with_outcome"] > 0]
        fig = go.Figure(
            go.Bar(
                x=list(t.index),
                y=t["p_fall"],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": t["p_fall_hi"] - t["p_fall"],
                    "arrayminus": t["p_fall"] - t["p_fall_lo"],
                },
                name="P(fall)",
            )
        )
        fig.add_hline(y=float(self.table.loc["all", "p_fall"]), line_dash="dash",
                      annotation_text="base rate")  # fmt: skip
        fig.update_layout(
            title=f"Probability of a {self.crash:.0%} fall within {self.horizon} sessions, by level",
            yaxis_tickformat=".0%",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": jsonable(self.table.reset_index()),
            "by_history": {k: jsonable(v.reset_index()) for k, v in self.by_history.items()},
            "spans": dict(self.spans),
            "stride": self.stride,
            "lppls_stride": self.lppls_stride,
            "horizon": self.horizon,
            "crash": self.crash,
            "params": self.params.to_dict(),
            "seconds": self.seconds,
            "caveat": "statuses 5 sessions apart share most of their outcome window: the days "
            "are not independent and the Wilson intervals are too narrow (see 'episodes')",
        }


def _p(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.1%}"


@validate_params(
    replays=Anything("a mapping label -> (replay frame, closes)"),
    spans=[None, Anything("a mapping label -> span text")],
    params=Instance(StatusParams),
    stride=Integer(min=1),
    lppls_stride=Integer(min=1),
    horizon=Integer(min=1),
    crash=Real(min=0, max=1),
    seconds=Real(min=0),
)
def track_record(
    replays: Mapping[str, tuple[pd.DataFrame, pd.Series]],
    *,
    spans: Mapping[str, str] | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    stride: int = 5,
    lppls_stride: int = 20,
    horizon: int = 126,
    crash: float = 0.20,
    seconds: float = 0.0,
) -> TrackRecord:
    """Join each replay (:func:`replay`) with its :func:`outcomes` and build the table."""
    t0 = time.perf_counter()
    joined = {}
    for label, (rep, close) in replays.items():
        out = outcomes(close, horizon, crash)
        joined[label] = rep.join(out, how="left")
    table = track_table(joined, crash)
    by = {label: track_table({label: df}, crash) for label, df in joined.items() if len(df)}
    return TrackRecord(
        metadata=make_metadata(
            {
                "stride": stride,
                "lppls_stride": lppls_stride,
                "horizon": horizon,
                "crash": crash,
                **params.to_dict(),
            },
            seed=params.cv_seed,
        ),
        table=table,
        by_history=by,
        replays=joined,
        spans=dict(spans or {}),
        stride=stride,
        lppls_stride=lppls_stride,
        horizon=horizon,
        crash=crash,
        params=params,
        seconds=seconds + (time.perf_counter() - t0),
    )
