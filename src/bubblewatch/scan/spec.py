"""What a scan computes (its spec and parameter hash) and on what (series and fingerprints).

Every result row is keyed by ``(symbol, fingerprint, param_hash)``:

* the **fingerprint** of a series is the SHA-256 of its dates (int64 nanoseconds) and
  values (float64, little-endian) after the cut at ``as_of``: the same data give the same
  fingerprint on any machine, and one changed or added value gives another;
* the **parameter hash** is the SHA-256 of the spec's canonical JSON: the scan format, the
  bubblewatch version, ``as_of`` and every analysis with its parameters. The scheduler,
  the number of workers and the time limit are not in it (they do not change the numbers).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch import __version__
from bubblewatch.errors import InputError
from bubblewatch.scan.analyses import Analysis, Columns
from bubblewatch.scan.series_row import KEY_COLUMNS, RUN_COLUMNS, SERIES_COLUMNS
from bubblewatch.validation import ArrayLike, validate_params

__all__ = ["SCAN_FORMAT", "ScanSpec", "SeriesInput", "fingerprint"]

#: bump when the meaning of a stored column changes (old results then stop matching)
SCAN_FORMAT = 1


@validate_params(
    dates=ArrayLike(what="dates"),
    values=ArrayLike(what="values"),
    volume=[None, ArrayLike(what="volumes")],
)
def fingerprint(dates: np.ndarray, values: np.ndarray, volume: np.ndarray | None = None) -> str:
    """Hex SHA-256 (first 16 characters) of a series' dates and values (and volumes).

    Examples
    --------
    >>> d = pd.to_datetime(["2025-01-02", "2025-01-03"]).to_numpy()
    >>> fingerprint(d, np.array([1.0, 2.0])) == fingerprint(d, np.array([1.0, 2.0]))
    True
    >>> fingerprint(d, np.array([1.0, 2.0])) == fingerprint(d, np.array([1.0, 2.5]))
    False
    """
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(dates, dtype="datetime64[ns]").view("<i8").tobytes())
    h.update(b"|")
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    if volume is not None:
        h.update(b"|volume|")
        h.update(np.ascontiguousarray(volume, dtype="<f8").tobytes())
    return h.hexdigest()[:16]


@dataclasses.dataclass(frozen=True)
class SeriesInput:
    """One series as sent to a worker: plain arrays (cheap to pickle), and its key."""

    symbol: str
    dates: np.ndarray
    values: np.ndarray
    fingerprint: str
    volume: np.ndarray | None = None
    #: keyword inputs of the analyses beyond prices (the status' ``fundamentals``, ``cape``)
    extras: dict[str, Any] | None = None


@dataclasses.dataclass(frozen=True)
class ScanSpec:
    """The analyses to run and the date they are run at (``as_of``: every series is cut to
    the data dated on or before it; None keeps each series whole)."""

    analyses: tuple[Analysis, ...]
    as_of: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        if not self.analyses:
            raise InputError("a scan needs at least one analysis")
        names = [a.name for a in self.analyses]
        if len(set(names)) != len(names):
            raise InputError(f"each analysis may be named once; got {', '.join(names)}")

    def to_dict(self) -> dict[str, Any]:
        """The canonical description hashed into :attr:`param_hash`."""
        return {
            "format": SCAN_FORMAT,
            "version": __version__,
            "as_of": None if self.as_of is None else self.as_of.date().isoformat(),
            "analyses": [{"name": a.name, **a.parameters()} for a in self.analyses],
        }

    @property
    def param_hash(self) -> str:
        doc = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(doc.encode()).hexdigest()[:16]

    def columns(self) -> Columns:
        """Every column of a row, in order: keys, series, analyses, run."""
        cols: list[tuple[str, str]] = [*KEY_COLUMNS, *SERIES_COLUMNS]
        for a in self.analyses:
            cols.extend(a.columns())
        cols.extend(RUN_COLUMNS)
        return tuple(cols)


def _extras_digest(extras: Mapping[str, Any]) -> bytes:
    """Bytes that change with any value of ``extras`` (frames and series hashed by pandas)."""
    h = hashlib.sha256()
    for key in sorted(extras):
        v = extras[key]
        h.update(key.encode() + b"=")
        if isinstance(v, pd.DataFrame | pd.Series):
            cols = list(v.columns) if isinstance(v, pd.DataFrame) else [v.name]
            h.update(repr(cols).encode())
            h.update(pd.util.hash_pandas_object(v, index=True).to_numpy().tobytes())
        else:
            h.update(repr(v).encode())
    return h.digest()


def prepare_inputs(
    series: Mapping[str, Any] | Iterable[tuple[str, Any]],
    as_of: pd.Timestamp | None = None,
    extras: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[SeriesInput]:
    """Turn ``{symbol: prices}`` into :class:`SeriesInput` (cut at ``as_of``, fingerprinted).

    ``prices`` is a Series of closes, or a frame with ``close`` (or ``adj_close``, preferred
    where it has values) and optionally ``volume``; ``extras[symbol]`` holds the analyses'
    other inputs for that series (hashed into its fingerprint). Raises :class:`~bubblewatch.errors.InputError` for an empty input, a repeated symbol or a
    series without a date index; problems inside a series (gaps, non-positive prices, too
    few observations) are left to the row of that series.
    """
    items: Sequence[tuple[str, Any]] = (
        list(series.items()) if isinstance(series, Mapping) else list(series)
    )
    if not items:
        raise InputError("nothing to scan: no series given")
    names = [str(sym) for sym, _ in items]
    seen: set[str] = set()
    dup = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if dup:
        raise InputError(f"each symbol may appear once; repeated: {', '.join(dup)}")
    out = []
    for sym, y in items:
        vol = None
        if isinstance(y, pd.DataFrame):
            col = "adj_close" if "adj_close" in y and y["adj_close"].notna().any() else "close"
            if col not in y:
                raise InputError(
                    f"{sym}: a price frame needs a 'close' (or 'adj_close') column; got "
                    + ", ".join(map(str, y.columns))
                )
            if "volume" in y and y["volume"].notna().any():
                vol = y["volume"]
            y = y[col]
        s = y if isinstance(y, pd.Series) else pd.Series(y)
        if not isinstance(s.index, pd.DatetimeIndex):
            try:
                s = pd.Series(s.to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(s.index)))
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"{sym}: the series needs a date index ({type(s.index).__name__} given)"
                ) from exc
        if s.index.tz is not None:
            s = s.tz_localize(None)
        if as_of is not None:
            s = s[s.index <= as_of]
        dates = s.index.to_numpy(dtype="datetime64[ns]")
        values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        volume = None
        if vol is not None:
            volume = pd.to_numeric(vol, errors="coerce").reindex(s.index).to_numpy(dtype=float)
        fp = fingerprint(dates, values, volume)
        ex = dict((extras or {}).get(str(sym)) or {}) or None
        if ex:
            fp = hashlib.sha256(fp.encode() + _extras_digest(ex)).hexdigest()[:16]
        out.append(SeriesInput(str(sym), dates, values, fp, volume, ex))
    return out
