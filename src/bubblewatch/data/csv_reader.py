"""Reading user data files (CSV, gzip'd CSV, Parquet) into raw tables with line numbers.

Everything here raises :class:`~bubblewatch.errors.DataFileError` with the file, the 1-based
line (the header is line 1), the column, the offending value and what was expected. The CSV
parser types the clean numeric columns in one pass; a column holding text is converted cell by
cell to find the bad one, and a bad value is always quoted exactly as written in the file (the
file is re-read as text on that error path only). The file's bytes are handed to the parser
as they are (checked as UTF-8 chunk by chunk, never copied into one Python string).

Layouts users have that are read as they come: a trailing comma on every line (an empty last
column), FRED's ``observation_date`` header, yfinance ``download()`` files (three header lines
``Price`` / ``Ticker`` / ``Date``: read as a panel), Parquet decimal columns (as floats) and
time-zone-aware timestamps (see :meth:`RawTable.dates`). UTF-16 files and special files
(FIFOs, devices) are refused with a message that says how to convert.

For Parquet files "line" counts as if the file were a CSV with a header: the first data row
is line 2.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.raw_table import BLANKS, DATE_MAX, DATE_MIN, RawTable
from bubblewatch.errors import DataFileError, InputError

__all__ = [
    "BLANKS",
    "DATE_MAX",
    "DATE_MIN",
    "SUPPORTED_SUFFIXES",
    "RawTable",
    "check_regular_file",
    "is_data_file",
    "normalise_column",
    "read_raw_table",
]

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")

_ALIASES = {
    "adjusted_close": "adj_close",
    "adjclose": "adj_close",
    "adj._close": "adj_close",
    "shares_outstanding": "shares",
    "observation_date": "date",  # FRED's CSV download
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
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
_TEXT = re.compile(rb"\S")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
_UTF8_CHUNK = 1 << 20


def is_data_file(path: Path) -> bool:
    """True when ``path`` has a suffix the importer reads (.csv, .csv.gz, .parquet, .pq)."""
    name = path.name.lower()
    return any(name.endswith(s) for s in SUPPORTED_SUFFIXES)


def normalise_column(name: object) -> str:
    """``"Adj Close"`` -> ``"adj_close"``: lower case, spaces and hyphens as underscores."""
    key = re.sub(r"[\s\-]+", "_", str(name).strip().strip('"').strip().lower())
    return _ALIASES.get(key, key)


def check_regular_file(path: Path) -> None:
    """Refuse what is not a readable regular file (a FIFO would hang the read, ``/dev/zero``
    would never end), following symbolic links.

    Raises
    ------
    DataFileError
        Naming what the path is (a dangling link, a FIFO, a device, a folder).
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise DataFileError(
                path,
                f"broken symbolic link (to {path.readlink()}, which does not exist)",
                expected="a link to an existing file; fix or remove the link",
            ) from None
        raise DataFileError(path, "no such file") from None
    except OSError as exc:
        raise DataFileError(path, f"cannot read file ({exc.strerror})") from None
    if stat.S_ISREG(st.st_mode):
        return
    what = next((label for test, label in _FILE_TYPES if test(st.st_mode)), "not a regular file")
    raise DataFileError(
        path,
        f"not a regular file: {what}",
        expected="a .csv, .csv.gz or .parquet file; copy the data into a file first",
    )


def _check_encoding(path: Path, data: bytes) -> None:
    """UTF-16 (a byte-order mark, or NUL bytes between ASCII) is named as such; otherwise the
    bytes must be UTF-8 (checked in chunks, without decoding the file into one string)."""
    head = data[:4096]
    bom = {b"\xff\xfe": "little-endian", b"\xfe\xff": "big-endian"}.get(head[:2])
    if bom is None and b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd):
            bom = "little-endian, no byte-order mark"
        elif even.count(0) > 0.9 * len(even):
            bom = "big-endian, no byte-order mark"
    if bom is not None:
        raise DataFileError(
            path,
            f"UTF-16 text ({bom})",
            line=1,
            expected="UTF-8 text; re-save the file as 'CSV UTF-8' (Excel) or convert it with "
            "iconv -f UTF-16 -t UTF-8 IN.csv > OUT.csv",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _UTF8_CHUNK):
            decoder.decode(view[start : start + _UTF8_CHUNK], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _decode_error(path, data)


def _decode_error(path: Path, data: bytes) -> None:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        fields = [f.strip().strip('"') for f in header.split(",")]
        idx = data.count(b",", line_start, start)
        column = fields[idx] if idx < len(fields) else None
        bad = data[start : start + (exc.end - exc.start)]
        raise DataFileError(
            path,
            "not UTF-8 text",
            line=line,
            column=column,
            value=bad,
            expected="UTF-8 text; re-save the file as UTF-8",
        ) from None


def _has_blank_line(data: bytes) -> bool:
    """Whether a blank line lies between two lines of text (searched in place: the file's
    bytes are never copied)."""
    start, end = 0, len(data)
    while start < end and data[start] in b"\r\n":
        start += 1
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    return _BLANK_LINE.search(data, start, end) is not None


def _first_lines(data: bytes, n: int) -> list[str]:
    """The first ``n`` non-blank lines, decoded (the BOM dropped)."""
    out: list[str] = []
    start = 0
    if data.startswith(codecs.BOM_UTF8):
        start = 3
    while len(out) < n and start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end].decode("utf-8").rstrip("\r")
        if line.strip() or out:
            out.append(line)
        start = end + 1
    return out


def read_raw_table(path: Path) -> RawTable:
    """Read ``path`` (CSV, ``.csv.gz`` or Parquet) into a :class:`RawTable`.

    Raises
    ------
    DataFileError
        Empty file, header only, non-UTF-8 or UTF-16 bytes, a row with the wrong number of
        fields, duplicate or blank column names, unreadable Parquet, a special file.
    """
    name = path.name.lower()
    if not name.endswith((".parquet", ".pq", ".csv", ".csv.gz")):
        raise InputError(f"{path}: unsupported file type (expected .csv, .csv.gz or .parquet)")
    check_regular_file(path)
    if name.endswith((".parquet", ".pq")):
        return _read_parquet(path)
    try:
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise DataFileError(path, f"cannot read file ({exc})") from exc
    _check_encoding(path, data)
    if _TEXT.search(data, len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0) is None:
        raise DataFileError(
            path,
            "empty file",
            expected="a header line such as date,open,high,low,close,adj_close,volume",
        )
    first_lines = _first_lines(data, 3)
    first = first_lines[0]
    header = next(csv.reader(io.StringIO(first)))
    if len(header) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in first:
                raise DataFileError(
                    path,
                    "not comma-separated",
                    line=1,
                    value=first,
                    expected=f"columns separated by commas, e.g. date,close; this header uses {label}",
                )
    if normalise_column(header[0]) == "price" and len(first_lines) == 3:
        yf = _read_yfinance(path, data, header, first_lines)
        if yf is not None:
            return yf
    trailing = len(header) > 1 and not header[-1].strip()
    if trailing:
        header = header[:-1]
    names, original = _check_header(path, header)
    text_cols = {h: str for h, n in zip(header, names, strict=True) if n in TEXT_COLUMNS}
    columns = [*names, "_trailing"] if trailing else names

    def read_text() -> pd.DataFrame:
        # error path only: the file is read again rather than its bytes kept (memory)
        again = path.read_bytes()
        if name.endswith(".gz"):
            again = gzip.decompress(again)
        frame = _read_csv(path, again, dtype=str, keep_default_na=False, na_filter=False)
        frame.columns = pd.Index(columns)
        return frame

    frame = _read_csv(path, data, dtype=text_cols, keep_default_na=False, na_values=list(BLANKS))
    frame.columns = pd.Index(columns)
    if trailing:
        _drop_trailing(path, frame, len(header))
    if not _has_blank_line(data) and not data[:1].isspace():
        lines = np.arange(len(frame), dtype=np.int64) + 2
    else:  # blank lines are skipped: count them so line numbers stay right
        all_lines = data.split(b"\n")
        blank = np.fromiter((not x.strip() for x in all_lines), bool, len(all_lines))
        lines = np.flatnonzero(~blank)[1:] + 1
    if len(lines) != len(frame):  # pragma: no cover - quoted newlines inside a cell
        lines = np.arange(len(frame), dtype=np.int64) + 2
    _require_rows(path, frame)
    raw = RawTable(path, frame, lines, original, parquet=False, text_frame=read_text)
    if trailing:
        raw.notes.append(f"{path}: every line ends with a comma; the empty last column was ignored")
    return raw


def _drop_trailing(path: Path, frame: pd.DataFrame, ncols: int) -> None:
    """A header ending in a comma: the last column must be empty on every row (then it is
    dropped in place), else it is a column without a name."""
    last = frame["_trailing"]
    filled = last.notna().to_numpy()
    if filled.any():
        raise DataFileError(
            path,
            "blank column name",
            line=1,
            value=f"column {ncols + 1}",
            expected="a name for every column (the last column holds values but no name)",
        )
    del frame["_trailing"]


def _read_yfinance(
    path: Path, data: bytes, header: list[str], first_lines: list[str]
) -> RawTable | None:
    """yfinance ``download().to_csv()``: lines ``Price,Close,...`` / ``Ticker,NVDA,...`` /
    ``Date,,...`` then data; read as a long panel ``date, ticker, close, ...``."""
    tick_line = next(csv.reader(io.StringIO(first_lines[1])))
    date_line = next(csv.reader(io.StringIO(first_lines[2])))
    if normalise_column(tick_line[0]) != "ticker" or normalise_column(date_line[0]) != "date":
        return None
    fields = header[1:]
    tickers = [t.strip().upper() for t in tick_line[1:]]
    if len(tickers) != len(fields) or not all(tickers):
        raise DataFileError(
            path,
            "a yfinance download() file with a ticker line that does not match the fields",
            line=2,
            value=first_lines[1],
            expected=f"one ticker under each of the {len(fields)} fields of line 1",
        )
    frame = _read_csv(
        path, data, header=None, skiprows=3, dtype=str, keep_default_na=False, na_filter=False
    )
    if frame.shape[1] != len(header):
        raise DataFileError(
            path,
            "wrong number of fields",
            line=4,
            value=frame.shape[1],
            expected=f"{len(header)} comma-separated fields like the header",
        )
    parts = []
    original = {"date": date_line[0], "ticker": tick_line[0]}
    for t in dict.fromkeys(tickers):
        cols: dict[str, pd.Series] = {}
        for i, (f, tk) in enumerate(zip(fields, tickers, strict=True)):
            if tk != t:
                continue
            key = normalise_column(f)
            if key in cols or not key:
                raise DataFileError(
                    path,
                    "duplicate column" if key else "blank column name",
                    line=1,
                    column=f,
                    expected="each field once per ticker",
                )
            cols[key] = frame.iloc[:, i + 1]
            original[key] = f
        parts.append(pd.DataFrame({"date": frame.iloc[:, 0], "ticker": t, **cols}))
    long = pd.concat(parts, ignore_index=True).fillna("")
    lines = np.tile(np.arange(len(frame), dtype=np.int64) + 4, len(parts))
    tickers_seen = list(dict.fromkeys(tickers))
    note = (
        f"{path}: a yfinance download() file (header lines Price, Ticker, Date): read as a panel "
        f"of {len(tickers_seen)} ticker(s) ({', '.join(tickers_seen[:10])}"
        f"{' ...' if len(tickers_seen) > 10 else ''})"
    )
    return RawTable(path, long, lines, original, parquet=False, notes=[note])


def _read_csv(path: Path, data: bytes, **kw: Any) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.BytesIO(data), skip_blank_lines=True, engine="c", encoding="utf-8", **kw
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
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        decimals = [f.name for f in table.schema if pa.types.is_decimal(f.type)]
        for name in decimals:
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, table.column(i).cast(pa.float64()))
        frame = table.to_pandas()
    except Exception as exc:  # pyarrow raises many types for a bad file
        raise DataFileError(
            path, f"not a readable Parquet file ({type(exc).__name__}: {exc})"
        ) from None
    if isinstance(frame.index, pd.DatetimeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    raw = _finish(path, frame, [str(c) for c in frame.columns], parquet=True)
    if decimals:
        raw.notes.append(
            f"{path}: decimal column(s) {', '.join(decimals)} read as binary floats "
            "(about 15 significant digits)"
        )
    return raw


def _require_rows(path: Path, frame: pd.DataFrame) -> None:
    if len(frame) == 0:
        raise DataFileError(
            path, "no data rows", line=2, expected="at least one row of data after the header"
        )


def _finish(path: Path, frame: pd.DataFrame, header: list[str], *, parquet: bool) -> RawTable:
    names, original = _check_header(path, header)
    frame = frame.copy()
    frame.columns = pd.Index(names)
    _require_rows(path, frame)
    lines = np.arange(len(frame), dtype=np.int64) + 2
    return RawTable(path=path, frame=frame, lines=lines, original=original, parquet=parquet)
