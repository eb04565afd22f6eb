"""A file's cells with their line numbers, and the typed conversions the parsers use.

Every conversion raises :class:`~bubblewatch.errors.DataFileError` naming the file, the 1-based
line (the header is line 1), the column, the cell exactly as written (``null``, ``NaN``, a
long cell cut to 80 characters) and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.errors import DataFileError

__all__ = ["BLANKS", "DATE_MAX", "DATE_MIN", "RawTable"]

#: cell texts read as "no value" (FRED writes ``.`` for a missing observation, Yahoo ``null``)
BLANKS = ("", ".", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")
#: accepted date range (GDPPOT carries CBO projections to 2036)
DATE_MIN = pd.Timestamp("1800-01-01")
DATE_MAX = pd.Timestamp("2100-12-31")
DATE_RANGE = "a date between 1800-01-01 and 2100-12-31"

#: ``YYYY-MM-DD``, optionally with a time of day and a UTC offset
_ISO_DATE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
OFFSET_NOTE = (
    "dates carry a time and a UTC offset (e.g. {example!r}); the calendar date as written, "
    "the exchange's local date, was kept and the time dropped"
)


@dataclass
class RawTable:
    """A file's cells (typed where the CSV parser could, text otherwise) with line numbers.

    Attributes
    ----------
    path : Path
        The file.
    frame : DataFrame
        One column per file column, named by :func:`normalise_column`. Numeric columns
        that parsed cleanly are float/int; others hold text (blank cells are NaN).
    lines : ndarray of int
        1-based line of each row in the file (header = line 1).
    original : dict
        Normalised column name -> the name as written in the file.
    parquet : bool
        Whether the cells come from a Parquet file (typed).
    text_frame : callable, optional
        Reads the whole file as text (used to quote a bad cell exactly as written).
    rows : ndarray of int, optional
        Positions of ``frame``'s rows in the text frame (after :meth:`subset`).
    notes : list of str
        What the reader did that the user should know (dropped offsets, a converted layout).
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    original: dict[str, str]
    parquet: bool = False
    text_frame: Callable[[], pd.DataFrame] | None = None
    rows: np.ndarray | None = None
    _text_cache: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def subset(self, keep: np.ndarray) -> RawTable:
        """The rows where ``keep`` is True (line numbers and raw text follow)."""
        base = self.rows if self.rows is not None else np.arange(len(self.frame))
        return RawTable(
            self.path,
            self.frame.loc[keep].reset_index(drop=True),
            self.lines[keep],
            self.original,
            self.parquet,
            self.text_frame,
            base[keep],
            self._text_cache,
            self.notes,
        )

    def error(
        self,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> DataFileError:
        """A DataFileError for positional ``row`` (0-based in ``frame``) and ``column``."""
        line = None if row is None else int(self.lines[row])
        col = None if column is None else self.original.get(column, column)
        return DataFileError(
            self.path, problem, line=line, column=col, value=value, expected=expected
        )

    def refuse_first(self, bad: np.ndarray, problem: str, column: str, expected: str) -> None:
        """Raise :meth:`error` for the first row where ``bad`` is True, quoting its cell as
        written (no-op when no row is bad)."""
        bad = np.asarray(bad, dtype=bool)
        if bad.any():
            i = int(np.argmax(bad))
            raise self.error(
                problem, row=i, column=column, value=self.cell(column, i), expected=expected
            )

    def _full_text(self, column: str) -> pd.Series | None:
        if self.text_frame is None:
            return None
        if "full" not in self._text_cache:
            self._text_cache["full"] = self.text_frame()
        full = self._text_cache["full"][column]
        if self.rows is not None:
            full = full.iloc[self.rows]
        return full.reset_index(drop=True).astype(str).str.strip()

    def text(self, column: str) -> pd.Series:
        """A column's cells as stripped text; blank cells are ``""``."""
        s = self.frame[column]
        if self.parquet:
            return s.astype(object).map(lambda v: "" if _isna(v) else str(v)).astype(str)
        if pd.api.types.is_numeric_dtype(s.dtype):
            full = self._full_text(column)
            if full is not None:
                return full
        return s.fillna("").astype(str).str.strip()

    def cell(self, column: str, row: int) -> str:
        """One cell exactly as written (stripped): ``null``, ``NaN`` or ``.`` stay what they
        were (messages quote this, never an empty string for a cell that held text)."""
        if self.parquet:
            v = self.frame[column].iloc[row]
            if v is None or v is pd.NA:
                return "null"
            return "NaN" if _isna(v) else str(v)
        full = self._full_text(column)
        if full is not None:
            return str(full.iloc[row])
        v = self.frame[column].iloc[row]
        return "" if _isna(v) else str(v).strip()

    def blank(self, column: str) -> np.ndarray:
        """Where a column's cells are blank (empty, ``null``, ``NaN``, ``.`` ...); no checks."""
        s = self.frame[column]
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            return np.isnan(s.to_numpy(dtype=float, na_value=np.nan))
        if self.parquet:
            return np.asarray(s.isna())
        return s.fillna("").astype(str).str.strip().isin(BLANKS).to_numpy()

    # -- typed conversions ----------------------------------------------------------------
    def numbers(
        self,
        column: str,
        *,
        required: bool = False,
        what: str = "a number",
    ) -> np.ndarray:
        """A column as float64; blank cells are NaN unless ``required``.

        Raises DataFileError on text, inf, or (when ``required``) a blank cell.
        """
        s = self.frame[column]
        if pd.api.types.is_bool_dtype(s.dtype) or (
            self.parquet and not pd.api.types.is_numeric_dtype(s.dtype)
        ):
            raise self.error(
                "wrong column type",
                column=column,
                value=str(s.dtype),
                expected=f"a numeric column ({what})",
            )
        if pd.api.types.is_numeric_dtype(s.dtype):
            values = s.to_numpy(dtype=float, na_value=np.nan)
            blank = np.isnan(values)
        else:
            raw = s.fillna("").astype(str).str.strip()
            blank_mask = raw.isin(BLANKS)
            values = pd.to_numeric(raw.mask(blank_mask, None), errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
            blank = blank_mask.to_numpy()
            bad = np.isnan(values) & ~blank
            if bad.any():
                i = int(np.argmax(bad))
                raise self.error(
                    "not a number", row=i, column=column, value=raw.iloc[i], expected=what
                )
        inf = np.isinf(values)
        if inf.any():
            i = int(np.argmax(inf))
            raise self.error(
                "not a finite number",
                row=i,
                column=column,
                value=float(values[i]) if self.parquet else self.cell(column, i),
                expected=f"{what}, finite",
            )
        if required and blank.any():
            i = int(np.argmax(blank))
            raise self.error(
                "missing value",
                row=i,
                column=column,
                value=self.cell(column, i),
                expected=f"{what}; '{self.original.get(column, column)}' is required on every row",
            )
        return values

    def dates(self, column: str, *, fmt: str = "%Y-%m-%d") -> pd.DatetimeIndex:
        """A column as dates (``YYYY-MM-DD``, or ``fmt``); every cell must parse and be in range.

        ``YYYY-MM-DD HH:MM:SS`` at midnight is a date; a time with a UTC offset
        (``2025-01-02 00:00:00-05:00``, yfinance's ``history().to_csv()``) keeps the calendar
        date as written -- the exchange's local date -- and says so in :attr:`notes`.
        Time-zone-aware Parquet timestamps get the same treatment (the date in their own zone).
        """
        s = self.frame[column]
        if self.parquet and pd.api.types.is_datetime64_any_dtype(s.dtype):
            parsed = pd.DatetimeIndex(s)
            if parsed.tz is not None:
                example = str(parsed[0]) if len(parsed) else ""
                parsed = parsed.tz_localize(None)
                self._note(OFFSET_NOTE.format(example=example))
            raw = pd.Series(parsed.astype(str), index=s.index)
            day = parsed.normalize()
            if (day != parsed).any():
                self._note("timestamps carry a time of day; only the date was kept")
            parsed = day
        else:
            raw = self.text(column)
            parsed = pd.DatetimeIndex(pd.to_datetime(raw, format=fmt, errors="coerce"))
            failed = np.asarray(parsed.isna())
            if failed.any() and fmt == "%Y-%m-%d":
                parsed = self._retry_timestamps(raw, parsed, failed)
        bad = np.asarray(parsed.isna())
        if bad.any():
            i = int(np.argmax(bad))
            value = self.cell(column, i)
            m = _ISO_DATE.match(str(value))
            if value in BLANKS:
                raise self.error(
                    "missing date", row=i, column=column, value=value, expected=_date_expect(fmt)
                )
            if m and not (1800 <= int(m.group(1)) <= 2100):
                raise self.error(
                    "date out of range", row=i, column=column, value=value, expected=DATE_RANGE
                )
            if m and m.group(4) is not None and m.group(8) is None:
                raise self.error(
                    "a time of day without a UTC offset",
                    row=i,
                    column=column,
                    value=value,
                    expected="daily data: a date YYYY-MM-DD (a time is accepted at midnight, "
                    "or with its UTC offset, e.g. 2025-01-02 00:00:00-05:00)",
                )
            raise self.error(
                "unparsable date", row=i, column=column, value=value, expected=_date_expect(fmt)
            )
        out = (parsed < DATE_MIN) | (parsed > DATE_MAX)
        if out.any():
            i = int(np.argmax(np.asarray(out)))
            raise self.error(
                "date out of range", row=i, column=column, value=raw.iloc[i], expected=DATE_RANGE
            )
        return parsed

    def _retry_timestamps(
        self, raw: pd.Series, parsed: pd.DatetimeIndex, failed: np.ndarray
    ) -> pd.DatetimeIndex:
        """Dates written as timestamps: midnight (any zone), or any time with a UTC offset."""
        retry = raw[failed]
        parts = retry.str.extract(_ISO_DATE)
        hms = parts[[3, 4, 5, 6]].fillna("0")
        midnight = (hms.apply(pd.to_numeric, errors="coerce").fillna(1) == 0).all(axis=1)
        offset = parts[7].notna()
        ok = parts[0].notna() & (midnight | offset)
        if not ok.any():
            return parsed
        fixed = pd.to_datetime(
            retry.where(ok, "").str.strip().str.slice(0, 10), format="%Y-%m-%d", errors="coerce"
        )
        vals = parsed.to_numpy().copy()
        vals[failed] = fixed.to_numpy()
        if (ok & offset).any():
            example = str(retry[ok & offset].iloc[0]).strip()
            self._note(OFFSET_NOTE.format(example=example))
        return pd.DatetimeIndex(vals)

    def _note(self, note: str) -> None:
        text = f"{self.path}: {note}"
        if text not in self.notes:
            self.notes.append(text)


def _date_expect(fmt: str) -> str:
    return "an ISO date YYYY-MM-DD" if fmt == "%Y-%m-%d" else f"a date in the form {fmt}"


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
