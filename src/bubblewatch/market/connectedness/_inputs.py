"""Checks of the data and parameters every connectedness model takes.

Bad input raises an :class:`~bubblewatch.errors.InputError` subclass that names the series,
the date and the value and says what to do; nothing is filled in or dropped silently (missing
values are dropped only on request, and the count is recorded).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError

__all__ = [
    "check_fraction",
    "check_positive_int",
    "check_tau",
    "label",
    "prepare_data",
]


def label(ix: Any) -> Any:
    """An index label as shown to people and in JSON (ISO date for timestamps)."""
    return ix.date().isoformat() if isinstance(ix, pd.Timestamp) else ix


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (InputError naming ``name`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_fraction(value: Any, name: str) -> float:
    """``value`` as a float strictly inside (0, 1)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number in (0, 1); got {value!r}") from None
    if not 0.0 < f < 1.0:
        raise InputError(f"{name} must lie strictly between 0 and 1; got {value!r}")
    return f


def check_tau(tau: Any, k: int | None = None) -> np.ndarray:
    """Quantile(s) strictly inside (0, 1): one for all equations or one per equation."""
    arr = np.atleast_1d(np.asarray(tau, dtype=object))
    vals = np.array([check_fraction(t, "tau (the quantile)") for t in arr], dtype=float)
    if k is not None:
        if len(vals) == 1:
            vals = np.full(k, vals[0])
        elif len(vals) != k:
            raise InputError(f"tau must be one quantile or one per series ({k}); got {len(vals)}")
    return vals


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_bool_dtype(col) or not (
            pd.api.types.is_numeric_dtype(col)
            or col.dtype == object
            or pd.api.types.is_string_dtype(col)
        ):
            raise InputError(
                f"series {c!r} is not numeric (dtype {col.dtype}); pass numbers (returns or "
                "volatilities), one column per series"
            )
        vals = pd.to_numeric(col, errors="coerce")
        bad = vals.isna() & col.notna()
        if bad.any():
            where = col.index[bad.to_numpy().argmax()]
            raise InputError(
                f"series {c!r} is not numeric: {col[where]!r} at {label(where)}; pass numbers "
                "(returns or volatilities), one column per series"
            )
        out[c] = vals.astype(float)
    return pd.DataFrame(out, index=df.index)


def _missing(df: pd.DataFrame, dropna: bool) -> tuple[pd.DataFrame, int]:
    arr = df.to_numpy()
    bad_rows = ~np.isfinite(arr).all(axis=1)
    if not bad_rows.any():
        return df, 0
    if dropna:
        return df.loc[~bad_rows], int(bad_rows.sum())
    parts = []
    for j, c in enumerate(df.columns):
        miss = ~np.isfinite(arr[:, j])
        if miss.any():
            first = label(df.index[int(miss.argmax())])
            parts.append(f"{c!r} ({int(miss.sum())}, first at {first})")
    raise InputError(
        "missing or non-finite values in " + ", ".join(parts) + f"; {int(bad_rows.sum())} of "
        f"{len(df)} dates are affected. Fill them yourself or drop those dates "
        "(dropna=True, --dropna on the command line); nothing is filled in silently"
    )


def _singular(df: pd.DataFrame) -> None:
    arr = df.to_numpy()
    names = [str(c) for c in df.columns]
    const = [n for n, v in zip(names, np.ptp(arr, axis=0)) if v == 0.0]
    if const:
        raise InputError(
            f"series {', '.join(map(repr, const))} is constant: the VAR's residual covariance is "
            "singular; drop it or use returns"
        )
    for i in range(arr.shape[1]):
        for j in range(i + 1, arr.shape[1]):
            if np.array_equal(arr[:, i], arr[:, j]):
                raise InputError(
                    f"series {names[i]!r} and {names[j]!r} are identical: the system is singular "
                    "(their shocks cannot be told apart); drop one of them"
                )
    z = (arr - arr.mean(axis=0)) / arr.std(axis=0)
    corr = z.T @ z / len(z)
    w, v = np.linalg.eigh(corr)
    if w[0] < 1e-10 * arr.shape[1]:
        load = np.abs(v[:, 0])
        involved = [names[i] for i in np.argsort(-load) if load[i] > 0.1]
        raise InputError(
            "the system is singular or nearly so: series "
            + ", ".join(map(repr, involved))
            + f" are (almost) an exact linear combination of each other (smallest eigenvalue of "
            f"their correlation matrix {w[0]:.2e}); drop one of them"
        )


def prepare_data(
    data: pd.DataFrame | np.ndarray,
    *,
    lags: int,
    min_obs: int | None = None,
    need: str = "",
    dropna: bool = False,
) -> tuple[pd.DataFrame, int]:
    """Validated float frame of the series and the number of dates dropped (``dropna``).

    Raises
    ------
    InputError
        Non-numeric columns, duplicate names, missing values (unless ``dropna``), a constant
        series, identical or collinear series, fewer than two series.
    InsufficientDataError
        Fewer than ``min_obs`` observations (``need`` says what needs them).
    """
    check_positive_int(lags, "lags")
    if isinstance(data, np.ndarray):
        arr = np.asarray(data)
        if arr.ndim != 2:
            raise InputError(f"data must be 2-D (observations x series); got shape {arr.shape}")
        data = pd.DataFrame(arr, columns=[f"y{i + 1}" for i in range(arr.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"data must be a DataFrame (one column per series); got {type(data).__name__}"
        )
    if data.shape[1] < 2:
        raise InputError(
            f"connectedness needs at least two series; got {[str(c) for c in data.columns]}"
        )
    dup = data.columns[data.columns.duplicated()]
    if len(dup):
        raise InputError(f"series name {dup[0]!r} appears twice; rename one of the columns")
    df = _numeric(data)
    df.columns = [str(c) for c in df.columns]
    df, dropped = _missing(df, dropna)
    floor = max(int(min_obs or 0), lags + 3)
    if len(df) < floor:
        what = need or f"a VAR({lags}) on {df.shape[1]} series"
        raise InsufficientDataError(
            f"{what} needs at least {floor} observations; got {len(df)}"
            + (f" (after dropping {dropped} dates with missing values)" if dropped else "")
        )
    _singular(df)
    return df, dropped
