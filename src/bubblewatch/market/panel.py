"""Several price or value series on their common dates, optionally as log returns.

The spillover table, the report's market section and the CLI all need the same step: put
series that trade on different calendars side by side on the dates they share (an inner
join: no filling), and, for prices, take daily log returns. Doing it here keeps the policy in
one place: duplicated names, an empty intersection and non-positive prices for log returns
raise :class:`~bubblewatch.errors.InputError` naming the series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.validation import Anything, Bool, Options, validate_params

__all__ = ["aligned_panel"]


@validate_params(
    series=Anything(
        "a mapping of name -> Series or a sequence of Series/DataFrames (checked below)"
    ),
    log_returns=Bool(),
    join=Options("inner", "outer"),
)
def aligned_panel(
    series: Mapping[str, pd.Series] | Sequence[pd.Series | pd.DataFrame],
    *,
    log_returns: bool = False,
    join: str = "inner",
) -> pd.DataFrame:
    """One column per series on the dates all of them have, or their log returns.

    Parameters
    ----------
    series : mapping of name -> Series, or a sequence of Series / DataFrames
        The inputs (each indexed by date). Frames contribute every column; series their
        name (the mapping's key when given).
    log_returns : bool
        Return ``log(x_t / x_{t-1})`` on consecutive common dates (every value must be > 0).
    join : {"inner", "outer"}
        ``"inner"``: the dates every series has (rows with a missing value dropped);
        ``"outer"``: every date (gaps stay missing, for the analysis to name them), the log
        returns taken per series on its own dates.

    Returns
    -------
    pandas.DataFrame
        Sorted by date.

    Examples
    --------
    >>> a = pd.Series([1.0, 2.0, 4.0], index=pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06"]))
    >>> b = pd.Series([10.0, 20.0], index=pd.to_datetime(["2025-01-03", "2025-01-06"]))
    >>> aligned_panel({"a": a, "b": b}).to_dict("list")
    {'a': [2.0, 4.0], 'b': [10.0, 20.0]}
    >>> aligned_panel({"a": a, "b": b}, log_returns=True).round(4).to_dict("list")
    {'a': [0.6931], 'b': [0.6931]}
    """
    frames: list[pd.DataFrame] = []
    if isinstance(series, Mapping):
        for name, s in series.items():
            frames.append(pd.Series(s, copy=False).astype(float).rename(name).to_frame())
    else:
        for s in series:
            frames.append(s.to_frame() if isinstance(s, pd.Series) else s)
    if not frames:
        raise InputError("no series given: pass at least one", parameter="series")
    names = [c for f in frames for c in f.columns]
    dup = sorted({str(n) for n in names if names.count(n) > 1})
    if dup:
        raise InputError(
            f"series name {dup[0]!r} appears twice among the inputs", parameter="series"
        )
    if join not in ("inner", "outer"):
        raise InputError(f"join={join!r}: use 'inner' or 'outer'", parameter="join")
    df = pd.concat(frames, axis=1, join=join) if len(frames) > 1 else frames[0].copy()  # type: ignore[call-overload]
    df = df.sort_index()
    if join == "inner":
        df = df.dropna()
    if df.empty:
        raise InputError(
            f"the series {', '.join(map(str, names))} share no common date: nothing to align",
            parameter="series",
        )
    if not log_returns:
        return df
    nonpos = [str(c) for c in df.columns if (df[c] <= 0).any()]
    if nonpos:
        raise InputError(
            f"log returns need positive values; {nonpos[0]!r} has values <= 0",
            parameter="returns",
        )
    if join == "inner":
        return np.log(df).diff().iloc[1:]
    out = pd.concat({c: np.log(df[c].dropna()).diff() for c in df.columns}, axis=1)
    return out.iloc[1:]
