"""2000 vs now: the NASDAQ Composite of 1995-2002 beside the AI complex of 2023-now.

Each column is one series over its period; each cell is computed from that series (its source
named) or from the CAPE / holdings given:

* peak date: the highest close of the period (for a series still at its high, the last date);
* run-up: the close at the peak over the close three calendar years earlier, minus one;
* GSADF and episode at the peak: the status's PSY signal on the peak date (the sample of the
  last five years, wild-bootstrap critical values): GSADF, its 95% critical value, and the
  length of the run of sessions with BSADF above its critical value ending on the peak;
* the largest positive DS LPPLS confidence (either status scale) over the six months up to
  the peak, on end dates every ``lppls_step`` sessions, with its date;
* CAPE (Shiller, S&P 500) of the peak's month and its percentile in the history up to then,
  and the highest CAPE of the twelve months up to the peak;
* top-10 weight: of the S&P 500 (SPY holdings, the snapshot nearest before the peak) where
  holdings exist for the period, else "no holdings in the data";
* drawdown so far: the last close over the peak, minus one, after N sessions; and 2000's
  drawdown at the same N sessions after its peak.

The chart aligns the paths on their peaks: sessions from the peak on the x axis, the close in
percent of the peak's on the y axis.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, ConvergenceWarning, InputError
from bubblewatch.results import Result, jsonable, make_metadata
from bubblewatch.series import iso_date
from bubblewatch.status.explosive import psy_signal
from bubblewatch.status.params import DEFAULT_PARAMS, StatusParams
from bubblewatch.status.valuation_signal import cape_reading
from bubblewatch.validation import Anything, Instance, Integer, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["Column", "Compare2000", "compare_2000", "period_column"]

#: the periods compared
THEN = ("1995-01-01", "2002-12-31")
NOW_START = "2023-01-01"

_ROWS = (
    ("peak_date", "peak date"),
    ("run_up_3y", "run-up over the 3 years before the peak"),
    ("gsadf", "GSADF at the peak (95% critical value)"),
    ("episode_sessions", "explosive episode at the peak, sessions"),
    ("lppls_max", "largest positive LPPLS confidence, 6 months to the peak"),
    ("cape", "CAPE of the peak's month (percentile)"),
    ("cape_max_12m", "highest CAPE of the 12 months to the peak"),
    ("top10_weight", "top-10 weight of the S&P 500"),
    ("drawdown_now", "drawdown so far (sessions after the peak)"),
    ("drawdown_2000_same", "2000's drawdown at the same sessions after its peak"),
)


@dataclasses.dataclass(frozen=True)
class Column:
    """One compared series: its cells (value + source) and its path around the peak."""

    label: str
    source: str
    cells: Mapping[str, Mapping[str, Any]]
    path: pd.Series
    peak: pd.Timestamp


def _cell(value: Any, source: str, text: str | None = None) -> dict[str, Any]:
    return {"value": value, "source": source, "text": text}


def _lppls_max(
    close: pd.Series, peak: pd.Timestamp, params: StatusParams, step: int
) -> tuple[float, Any, str]:
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    cut = close[close.index <= peak]
    start = peak - pd.DateOffset(months=6)
    best, when, scale = math.nan, None, ""
    for sc in params.scales:
        if len(cut) < sc.window_max:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ind = lppls_confidence(
                cut,
                window_max=sc.window_max,
                window_min=sc.window_min,
                window_step=sc.window_step,
                start=start,
                end_step=step,
            ).indicator
        if len(ind) and not (ind["pos"].max() <= best):
            best, when, scale = float(ind["pos"].max()), ind["pos"].idxmax(), sc.name
    return best, when, scale


def _lppls_cell(
    cells: dict[str, Any], s: pd.Series, peak: pd.Timestamp, params: StatusParams, step: int
) -> None:
    try:
        best, when, scale = _lppls_max(s, peak, params, step)
        cells["lppls_max"] = _cell(
            best,
            f"lppls confidence, {scale} scale, end dates every {step} sessions",
            f"{best:.0%} on {when.date()} ({scale} scale)"
            if when is not None
            else "insufficient data",
        )
    except BubblewatchError as exc:
        cells["lppls_max"] = _cell(None, "lppls confidence", str(exc))


def _top10(holdings: pd.DataFrame | None, peak: pd.Timestamp) -> dict[str, Any]:
    from bubblewatch.valuation.concentration import concentration

    if holdings is None or holdings.empty:
        return _cell(None, "", "no holdings in the data")
    dates = pd.to_datetime(holdings["as_of"])
    before = dates[dates <= peak]
    if before.empty:
        return _cell(None, "", "no holdings in the data before the peak")
    day = before.max()
    snap = holdings[dates == day]
    res = concentration(snap, top_n=10, as_of=day)
    return _cell(
        res.top_weight / 100.0,
        f"SPY holdings of {day.date()} (bubblewatch valuation concentration --holdings {day.date()})",
    )


@validate_params(
    close=Anything("a Series of closes"),
    label=Text(),
    source=Text(),
    start=Anything("a date"),
    end=[None, Anything("a date")],
    cape=[None, Anything("a monthly CAPE Series")],
    holdings=[None, Anything("a holdings frame with as_of, symbol, weight")],
    params=Instance(StatusParams),
    lppls_step=Integer(min=1),
)
def period_column(
    close: pd.Series,
    *,
    label: str,
    source: str,
    start: Any,
    end: Any = None,
    cape: pd.Series | None = None,
    holdings: pd.DataFrame | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    lppls_step: int = 10,
) -> Column:
    """The cells of one series over ``start..end`` (see the module docstring)."""
    s = close.dropna().astype(float)
    s = s[s > 0]
    period = s[(s.index >= pd.Timestamp(start)) & ((s.index <= pd.Timestamp(end)) if end else True)]
    if period.empty:
        raise InputError(f"{label}: no closes between {start} and {end or 'the end'}")
    peak = pd.Timestamp(period.idxmax())
    cells: dict[str, dict[str, Any]] = {}
    cells["peak_date"] = _cell(peak, source)
    back = s[s.index <= peak - pd.DateOffset(years=3)]
    cells["run_up_3y"] = (
        _cell(float(s[peak] / back.iloc[-1] - 1.0), source)
        if len(back)
        else _cell(None, source, "less than 3 years of data before the peak")
    )
    sig = psy_signal(s[s.index <= peak], params.replace(gsadf_cv=True))
    psy_cmd = f"bubblewatch psy {label.split(' ')[0]} --as-of {peak.date()}"
    if sig.available:
        cells["gsadf"] = _cell(sig.gsadf, psy_cmd, f"{sig.gsadf:.2f} ({sig.gsadf_cv95:.2f})")
        cells["episode_sessions"] = _cell(
            sig.episode_length,
            psy_cmd,
            f"{sig.episode_length} (since {sig.episode_start.date()})"
            if sig.episode_start is not None
            else "0 (not explosive on the peak)",
        )
    else:
        cells["gsadf"] = _cell(None, psy_cmd, sig.note)
        cells["episode_sessions"] = _cell(None, psy_cmd, sig.note)
    if not params.lppls:
        cells["lppls_max"] = _cell(None, "lppls confidence", "not computed (lppls=False)")
    else:
        _lppls_cell(cells, s, peak, params, lppls_step)
    if cape is not None:
        c = cape.dropna()
        month = c[c.index <= peak]
        if len(month):
            m = pd.Timestamp(month.index[-1])
            value, _, pct, _ = cape_reading(c, m + pd.offsets.MonthBegin(1))
            cells["cape"] = _cell(
                value, f"Shiller CAPE {m:%Y-%m} (bubblewatch valuation cape --as-of {m.date()})",
                f"{value:.1f} ({pct:.0%})",
            )  # fmt: skip
            last12 = month[month.index > peak - pd.DateOffset(months=12)]
            top = last12.idxmax()
            cells["cape_max_12m"] = _cell(
                float(last12.max()), "Shiller CAPE", f"{last12.max():.1f} ({top:%Y-%m})"
            )
    cells.setdefault("cape", _cell(None, "", "no CAPE in the data"))
    cells.setdefault("cape_max_12m", _cell(None, "", "no CAPE in the data"))
    cells["top10_weight"] = _top10(holdings, peak)
    if end is not None:
        s = s[s.index <= pd.Timestamp(end)]
    after = s[s.index >= peak]
    n_after = len(after) - 1
    dd = float(after.iloc[-1] / after.iloc[0] - 1.0)
    cells["drawdown_now"] = _cell(
        dd,
        source,
        f"{dd:.1%} ({n_after} session{'' if n_after == 1 else 's'}, to {after.index[-1].date()})",
    )
    around = s[(s.index >= peak - pd.DateOffset(years=3))]
    pos = np.arange(len(around)) - int(around.index.get_loc(peak))
    path = pd.Series(around.to_numpy() / s[peak], index=pos, name=label)
    return Column(label, source, cells, path, peak)


@dataclasses.dataclass(frozen=True)
class Compare2000(Result):
    """2000 vs now: the table (rows = measures, columns = series) and the aligned paths."""

    then: Column
    now: tuple[Column, ...]
    notes: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return (self.then, *self.now)

    def _text(self, col: Column, key: str) -> str:
        c = col.cells.get(key)
        if c is None:
            return ""
        if c.get("text"):
            return str(c["text"])
        v = c["value"]
        if v is None:
            return "n/a"
        if isinstance(v, pd.Timestamp):
            return iso_date(v)
        if key in ("run_up_3y", "top10_weight"):
            return f"{v:.0%}"
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    def summary(self) -> str:
        w = max(len(r[1]) for r in _ROWS)
        head = " " * w + "  " + "  ".join(f"{c.label:<28}" for c in self.columns)
        lines = ["2000 vs now", head]
        for key, name in _ROWS:
            lines.append(
                f"{name:<{w}}  " + "  ".join(f"{self._text(c, key):<28}" for c in self.columns)
            )
        lines.append("sources: " + "; ".join(f"{c.label}: {c.source}" for c in self.columns))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {c.label: [self._text(c, k) for k, _ in _ROWS] for c in self.columns},
            index=pd.Index([n for _, n in _ROWS], name="measure"),
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        for c in self.columns:
            fig.add_trace(
                go.Scatter(
                    x=c.path.index,
                    y=100 * c.path.to_numpy(),
                    name=f"{c.label} (peak {c.peak.date()})",
                )
            )
        fig.add_vline(x=0, line_dash="dash")
        fig.update_layout(
            title="2000 vs now: paths aligned on their peaks",
            xaxis_title="sessions from the peak",
            yaxis_title="% of the peak's close",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for key, name in _ROWS:
            row = {"measure": key, "label": name}
            for c in self.columns:
                row[c.label] = jsonable(dict(c.cells.get(key, {})))
            rows.append(row)
        return {
            "columns": [
                {"label": c.label, "source": c.source, "peak": iso_date(c.peak)}
                for c in self.columns
            ],
            "rows": rows,
            "notes": list(self.notes),
            "paths": {
                c.label: {"sessions": c.path.index.tolist(), "fraction_of_peak": jsonable(c.path)}
                for c in self.columns
            },
        }


@validate_params(
    then=Anything("the NASDAQ Composite's closes (Series)"),
    now=Anything("a mapping label -> (closes, source)"),
    then_source=Text(),
    cape=[None, Anything("a monthly CAPE Series")],
    holdings=[None, Anything("a holdings frame")],
    params=Instance(StatusParams),
    lppls_step=Integer(min=1),
)
def compare_2000(
    then: pd.Series,
    now: Mapping[str, tuple[pd.Series, str]],
    *,
    then_source: str = "NASDAQ Composite",
    cape: pd.Series | None = None,
    holdings: pd.DataFrame | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    lppls_step: int = 10,
) -> Compare2000:
    """NASDAQ Composite 1995-2002 against each series of ``now`` from 2023 (see the module)."""
    col0 = period_column(
        then, label="NASDAQ 1995-2002", source=then_source, start=THEN[0], end=THEN[1],
        cape=cape, holdings=None, params=params, lppls_step=lppls_step,
    )  # fmt: skip
    cols = []
    notes = []
    for label, (series, source) in now.items():
        try:
            col = period_column(
                series, label=label, source=source, start=NOW_START, cape=cape,
                holdings=holdings, params=params, lppls_step=lppls_step,
            )  # fmt: skip
        except InputError as exc:
            notes.append(f"{label} left out: {exc}")
            continue
        n = int(col.path.index.max())
        same = col0.path[col0.path.index == n]
        cells = dict(col.cells)
        cells["drawdown_2000_same"] = (
            _cell(
                float(same.iloc[0] - 1.0),
                then_source,
                f"{float(same.iloc[0] - 1.0):.1%} ({n} session{'' if n == 1 else 's'})",
            )
            if len(same)
            else _cell(None, then_source, "beyond the 2000 path")
        )
        cols.append(dataclasses.replace(col, cells=cells))
    trough = col0.path[col0.path.index > 0]
    cells0 = dict(col0.cells)
    cells0["drawdown_2000_same"] = _cell(
        None, then_source,
        f"low {float(trough.min() - 1.0):.1%} after {int(trough.idxmin())} sessions" if len(trough) else "n/a",
    )  # fmt: skip
    col0 = dataclasses.replace(col0, cells=cells0)
    return Compare2000(
        metadata=make_metadata(
            {
                "then": list(THEN),
                "now_start": NOW_START,
                "lppls_step": lppls_step,
                **params.to_dict(),
            }
        ),
        then=col0,
        now=tuple(cols),
        notes=tuple(notes),
    )
