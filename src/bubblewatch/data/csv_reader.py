"""Reading user data files (CSV, gzip'd CSV, Parquet) into raw tables with line numbers.

Everything here raises :class:`~bubblewatch.errors.DataFileError` with the file, the 1-based
line (the header is line 1), the column, the offending value and what was expected. Cells are
read as text first and converted column by column, so a bad cell is reported exactly as it
appears in the file.

For Parquet files "line" counts as if the file were a CSV with a header: the first data row
is line 2.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

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
    """A file's cells as text (CSV) or typed values (Parquet), with each row's line number.

    Attributes
    ----------
    path : Path
        The file.
    frame : DataFrame
        One column per file column, named by :func:`normalise_column`; CSV cells are str.
    lines : ndarray of int
        1-based line of each row in the file (header = line 1).
    original : dict
        Normalised column name -> the name as written in the file.
    parquet : bool
        Whether the cells are typed (Parquet) rather than text.
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    original: dict[str, str]
    parquet: bool = False

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
        """A column's cells as stripped text (Parquet values are converted to text)."""
        s = self.frame[column]
        if self.parquet:
            return s.astype(object).map(lambda v: "" if _isna(v) else str(v)).astype(str)
        return s.astype(str).str.strip()

    # -- typed conversions ----------------------------------------------------------------
    def numbers(
        self,
        column: str,
        *,
        required: bool = False,
        what: str = "a number",
        blanks_ok_note: str = "",
    ) -> np.ndarray:
        """A column as float64; blank cells are NaN unless ``required``.

        Raises DataFileError on text, inf, or (when ``required``) a blank cell.
        """
        s = self.frame[column]
        if self.parquet and not (
            pd.api.types.is_numeric_dtype(s.dtype)
            or s.dtype == object
            or pd.api.types.is_string_dtype(s.dtype)
        ):
            raise self.error(
                "wrong column type",
                column=column,
                value=str(s.dtype),
                expected=f"a numeric column ({what})",
            )
        if self.parquet and pd.api.types.is_bool_dtype(s.dtype):
            raise self.error(
                "wrong column type", column=column, value=str(s.dtype), expected="a numeric column"
            )
        if self.parquet and pd.api.types.is_numeric_dtype(s.dtype):
            values = s.to_numpy(dtype=float, na_value=np.nan)
            blank = np.isnan(values)
            raw = s
        else:
            if self.parquet:
                raise self.error(
                    "wrong column type",
                    column=column,
                    value=str(s.dtype),
                    expected=f"a numeric column ({what}); store numbers as float or int in Parquet",
                )
            raw = s.astype(str).str.strip()
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
                value=str(raw.iloc[i]) if not self.parquet else float(values[i]),
                expected=f"{what} (finite)",
            )
        if required and blank.any():
            i = int(np.argmax(blank))
            raise self.error(
                "missing value",
                row=i,
                column=column,
                value="",
                expected=f"{what}; '{self.original.get(column, column)}' is required on every row"
                + blanks_ok_note,
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
            if self.parquet and s.dtype == object:
                raw = s.map(
                    lambda v: "" if _isna(v) else str(v)[:10] if hasattr(v, "isoformat") else str(v)
                ).astype(str)
            if fmt == "%Y-%m-%d":
                cleaned = raw.str.slice(0, 10).where(raw.str.match(_ISO_DATE), "")
            else:
                cleaned = raw
            parsed = pd.DatetimeIndex(pd.to_datetime(cleaned, format=fmt, errors="coerce"))
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
            expected="a UTF-8 encoded file (re-save it as UTF-8)",
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
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
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
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0].rstrip("\r"))))
    if len(header) != frame.shape[1]:  # pragma: no cover - pandas and csv agree on a header
        header = [str(c) for c in frame.columns]
    return _finish(path, frame, header, parquet=False)


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
    frame = frame.copy()
    frame.columns = pd.Index(names)
    lines = np.arange(len(frame), dtype=np.int64) + 2
    if not parquet and len(frame):
        empty = (frame == "").all(axis=1).to_numpy()
        if empty.any():
            frame = frame.loc[~empty].reset_index(drop=True)
            lines = lines[~empty]
    if len(frame) == 0:
        raise DataFileError(
            path,
            "no data rows",
            line=2,
            expected="at least one row of data after the header",
        )
    return RawTable(path=path, frame=frame, lines=lines, original=original, parquet=parquet)
