"""Reading user data files (CSV, gzip'd CSV, Parquet) into raw tables with line numbers.

Everything here raises :class:`~bubblewatch.errors.DataFileError` with the file, the 1-based
line (the header is line 1), the column, the offending value and what was expected. The CSV
parser types the clean numeric columns in one pass; a column holding text is converted cell by
cell to find the bad one, and a bad value is always quoted exactly as written in the file (the
file is re-read as text on that error path only).

For Parquet files "line" counts as if the file were a CSV with a header: the first data row
is line 2.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataFileError, InputError

__all__ = [
    "BLANKS",
    "DATE_MAX",
    "DATE_MIN",
    "SUPPORTED_SUFFIXES",
    "RawTable",
    "is_data_file",
    "normalise_column",
    "read_raw_table",
]

#: cell texts read as "no value" (FRED writes ``.`` for a missing observation)
BLANKS = ("", ".", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")
#: accepted date range (GDPPOT carries CBO projections to 2036)
DATE_MIN = pd.Timestamp("1800-01-01")
DATE_MAX = pd.Timestamp("2100-12-31")
SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")

_ALIASES = {
    "adjusted_close": "adj_close",
    "adjclose": "adj_close",
    "adj._close": "adj_close",
    "shares_outstanding": "shares",
}
#: columns always read as text (codes like 005930 must keep their leading zeros)
TEXT_COLUMNS = frozenset(
    {
        "date",
        "as_of",
        "period_end",
        "month",
        "index",
        "ticker",
        "symbol",
        "name",
        "metric",
        "currency",
        "form",
        "filed",
        "identifier",
        "sedol",
        "sector",
        "local_currency",
    }
)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00(?:\.0+)?)?\s*$")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def is_data_file(path: Path) -> bool:
    """True when ``path`` has a suffix the importer reads (.csv, .csv.gz, .parquet, .pq)."""
    name = path.name.lower()
    return any(name.endswith(s) for s in SUPPORTED_SUFFIXES)


def normalise_column(name: object) -> str:
    """``"Adj Close"`` -> ``"adj_close"``: lower case, spaces and hyphens as underscores."""
    key = re.sub(r"[\s\-]+", "_", str(name).strip().strip('"').strip().lower())
    return _ALIASES.get(key, key)


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
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    original: dict[str, str]
    parquet: bool = False
    text_frame: Callable[[], pd.DataFrame] | None = None
    rows: np.ndarray | None = None
    _text_cache: dict[str, pd.DataFrame] = field(default_factory=dict)

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

    def text(self, column: str) -> pd.Series:
        """A column's cells as stripped text; blank cells are ``""``."""
        s = self.frame[column]
        if self.parquet:
            return s.astype(object).map(lambda v: "" if _isna(v) else str(v)).astype(str)
        if pd.api.types.is_numeric_dtype(s.dtype) and self.text_frame is not None:
            if "full" not in self._text_cache:
                self._text_cache["full"] = self.text_frame()
            full = self._text_cache["full"][column]
            if self.rows is not None:
                full = full.iloc[self.rows]
            return full.reset_index(drop=True).astype(str).str.strip()
        return s.fillna("").astype(str).str.strip()

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
                value=float(values[i]) if self.parquet else self.text(column).iloc[i],
                expected=f"{what}, finite",
            )
        if required and blank.any():
            i = int(np.argmax(blank))
            raise self.error(
                "missing value",
                row=i,
                column=column,
                value="",
                expected=f"{what}; '{self.original.get(column, column)}' is required on every row",
            )
        return values

    def dates(self, column: str, *, fmt: str = "%Y-%m-%d") -> pd.DatetimeIndex:
        """A column as dates (``YYYY-MM-DD``, or ``fmt``); every cell must parse and be in range."""
        s = self.frame[column]
        if self.parquet and pd.api.types.is_datetime64_any_dtype(s.dtype):
            parsed = pd.DatetimeIndex(s)
            if parsed.tz is not None:
                parsed = parsed.tz_localize(None)
            parsed = parsed.normalize()
            raw = pd.Series(parsed.astype(str), index=s.index)
        else:
            raw = self.text(column)
            parsed = pd.DatetimeIndex(pd.to_datetime(raw, format=fmt, errors="coerce"))
            failed = np.asarray(parsed.isna())
            if failed.any() and fmt == "%Y-%m-%d":
                # also accept "YYYY-MM-DD 00:00:00" (midnight timestamps written as text)
                retry = raw[failed]
                ok = retry.str.match(_ISO_DATE)
                if ok.any():
                    fixed = pd.to_datetime(
                        retry.where(ok, "").str.slice(0, 10), format=fmt, errors="coerce"
                    )
                    vals = parsed.to_numpy().copy()
                    vals[failed] = fixed.to_numpy()
                    parsed = pd.DatetimeIndex(vals)
        bad = np.asarray(parsed.isna())
        if bad.any():
            i = int(np.argmax(bad))
            value = raw.iloc[i]
            m = _ISO_DATE.match(str(value))
            if value == "":
                raise self.error(
                    "missing date", row=i, column=column, value="", expected=_date_expect(fmt)
                )
            if m and not (1800 <= int(m.group(1)) <= 2100):
                raise self.error(
                    "date out of range",
                    row=i,
                    column=column,
                    value=value,
                    expected="a date between 1800-01-01 and 2100-12-31",
                )
            raise self.error(
                "unparsable date", row=i, column=column, value=value, expected=_date_expect(fmt)
            )
        out = (parsed < DATE_MIN) | (parsed > DATE_MAX)
        if out.any():
            i = int(np.argmax(np.asarray(out)))
            raise self.error(
                "date out of range",
                row=i,
                column=column,
                value=raw.iloc[i],
                expected="a date between 1800-01-01 and 2100-12-31",
            )
        return parsed


def _date_expect(fmt: str) -> str:
    return "an ISO date YYYY-MM-DD" if fmt == "%Y-%m-%d" else f"a date in the form {fmt}"


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        fields = [f.strip().strip('"') for f in header.split(",")]
        idx = data.count(b",", line_start, start)
        column = fields[idx] if idx < len(fields) else None
        bad = data[start : exc.end]
        raise DataFileError(
            path,
            "not UTF-8 text",
            line=line,
            column=column,
            value=bad,
            expected="UTF-8 text; re-save the file as UTF-8",
        ) from None


def read_raw_table(path: Path) -> RawTable:
    """Read ``path`` (CSV, ``.csv.gz`` or Parquet) into a :class:`RawTable`.

    Raises
    ------
    DataFileError
        Empty file, header only, non-UTF-8 bytes, a row with the wrong number of fields,
        duplicate or blank column names, unreadable Parquet.
    """
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return _read_parquet(path)
    if not name.endswith((".csv", ".csv.gz")):
        raise InputError(f"{path}: unsupported file type (expected .csv, .csv.gz or .parquet)")
    try:
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise DataFileError(path, f"cannot read file ({exc})") from exc
    text = _decode(path, data)
    if not text.strip():
        raise DataFileError(
            path,
            "empty file",
            expected="a header line such as date,open,high,low,close,adj_close,volume",
        )
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    header = next(csv.reader(io.StringIO(first)))
    if len(header) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in first:
                raise DataFileError(
                    path,
                    "not comma-separated",
                    line=1,
                    value=first[:80],
                    expected=f"columns separated by commas, e.g. date,close; this header uses {label}",
                )
    names, original = _check_header(path, header)
    text_cols = {h: str for h, n in zip(header, names, strict=True) if n in TEXT_COLUMNS}

    def read_text() -> pd.DataFrame:
        frame = _read_csv(path, text, dtype=str, keep_default_na=False, na_filter=False)
        frame.columns = pd.Index(names)
        return frame

    frame = _read_csv(path, text, dtype=text_cols, keep_default_na=False, na_values=list(BLANKS))
    frame.columns = pd.Index(names)
    if _BLANK_LINE.search(text.strip("\r\n")) is None and not text[:1].isspace():
        lines = np.arange(len(frame), dtype=np.int64) + 2
    else:  # blank lines are skipped: count them so line numbers stay right
        all_lines = text.split("\n")
        blank = np.fromiter((not x.strip() for x in all_lines), bool, len(all_lines))
        lines = np.flatnonzero(~blank)[1:] + 1
    if len(lines) != len(frame):  # pragma: no cover - quoted newlines inside a cell
        lines = np.arange(len(frame), dtype=np.int64) + 2
    if len(frame) == 0:
        raise DataFileError(
            path,
            "no data rows",
            line=2,
            expected="at least one row of data after the header",
        )
    return RawTable(path, frame, lines, original, parquet=False, text_frame=read_text)


def _read_csv(path: Path, text: str, **kw: Any) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), skip_blank_lines=True, engine="c", **kw)
    except pd.errors.ParserError as exc:
        m = _PARSER_LINE.search(str(exc))
        if m:
            raise DataFileError(
                path,
                "wrong number of fields",
                line=int(m.group(2)),
                value=int(m.group(3)),
                expected=f"{m.group(1)} comma-separated fields like the header",
            ) from None
        raise DataFileError(path, f"not a readable CSV file ({exc})") from None
    except pd.errors.EmptyDataError:
        raise DataFileError(path, "empty file", expected="a header line") from None


def _check_header(path: Path, header: list[str]) -> tuple[list[str], dict[str, str]]:
    names: list[str] = []
    original: dict[str, str] = {}
    for i, col in enumerate(header):
        if not col.strip():
            raise DataFileError(
                path,
                "blank column name",
                line=1,
                value=f"column {i + 1}",
                expected="a name for every column",
            )
        key = normalise_column(col)
        if key in original:
            raise DataFileError(
                path, "duplicate column", line=1, column=col, expected="each column name once"
            )
        original[key] = col
        names.append(key)
    return names, original


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a bad file
        raise DataFileError(
            path, f"not a readable Parquet file ({type(exc).__name__}: {exc})"
        ) from None
    if isinstance(frame.index, pd.DatetimeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    return _finish(path, frame, [str(c) for c in frame.columns], parquet=True)


def _finish(path: Path, frame: pd.DataFrame, header: list[str], *, parquet: bool) -> RawTable:
    names, original = _check_header(path, header)
    frame = frame.copy()
    frame.columns = pd.Index(names)
    if len(frame) == 0:
        raise DataFileError(
            path,
            "no data rows",
            line=2,
            expected="at least one row of data after the header",
        )
    lines = np.arange(len(frame), dtype=np.int64) + 2
    return RawTable(path=path, frame=frame, lines=lines, original=original, parquet=parquet)
