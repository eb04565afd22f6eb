"""Read and validate a deals ledger (deals CSV + parties CSV) into validated frames (the model is :class:`bubblewatch.network.ledger.Ledger`).

The format is documented in ``docs/network.md``. Every problem raises
:class:`~bubblewatch.errors.DataFileError` naming the file, the line (header = line 1),
the column and the offending value.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.data.ledger_schema import (
    CONDITIONALITY,
    DEAL_COLUMNS,
    KINDS,
    PARTY_COLUMNS,
    PARTY_TYPES,
    STATUSES,
)
from bubblewatch.errors import DataFileError

__all__ = [
    "default_parties_path",
    "read_deals",
    "read_ledger_frames",
    "read_liabilities",
    "read_outside_assets",
    "read_parties",
]

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_REQUIRED_DEALS = ("deal_id", "announced", "from_party", "to_party", "kind", "status", "source")
_NUMERIC_DEALS = ("amount_usd", "amount_low_usd", "amount_high_usd", "gw", "horizon_years")
_NUMERIC_PARTIES = ("revenue_usd", "value_usd", "cash_usd", "debt_usd")


def _read_csv(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    if not path.exists():
        raise DataFileError(path, "file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"not a readable CSV file ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    for col in required:
        if col not in df.columns:
            raise DataFileError(
                path, "missing column", line=1, column=col, expected=f"columns {list(columns)}"
            )
    unknown = [c for c in df.columns if c not in columns]
    if unknown:
        raise DataFileError(
            path, "unknown column", line=1, column=unknown[0], expected=f"one of {list(columns)}"
        )
    for col in columns:
        if col not in df.columns:
            df[col] = ""
    return df.apply(lambda s: s.str.strip()).loc[:, list(columns)]


def _number(path: Path, line: int, col: str, text: str, *, positive: bool = False) -> float:
    if text == "":
        return math.nan
    try:
        x = float(text.replace("_", ""))
    except ValueError:
        raise DataFileError(
            path, "not a number", line=line, column=col, value=text, expected="a plain number"
        ) from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise DataFileError(
            path,
            "out of range",
            line=line,
            column=col,
            value=text,
            expected="a positive number" if positive else "a number >= 0",
        )
    return x


def _option(
    path: Path,
    line: int,
    r: dict[str, str],
    col: str,
    allowed: tuple[str, ...],
    what: str,
    *,
    blank: bool = False,
    expected: str | None = None,
) -> None:
    """Refuse ``r[col]`` unless it is one of ``allowed`` (or blank, with ``blank=True``)."""
    if r[col] in allowed or (blank and r[col] == ""):
        return
    raise DataFileError(
        path,
        f"unknown {what}",
        line=line,
        column=col,
        value=r[col],
        expected=expected or f"one of {list(allowed)}",
    )


def _date(path: Path, line: int, r: dict[str, str], col: str) -> None:
    if not _DATE.match(r[col]):
        raise DataFileError(
            path,
            "bad date",
            line=line,
            column=col,
            value=r[col],
            expected="YYYY, YYYY-MM or YYYY-MM-DD",
        )


def _first(
    path: Path, seen: dict[str, int], r: dict[str, str], col: str, line: int, what: str
) -> None:
    """Refuse a repeated ``r[col]`` (naming its first line); remember it."""
    if r[col] in seen:
        raise DataFileError(
            path,
            f"duplicate {what} (first on line {seen[r[col]]})",
            line=line,
            column=col,
            value=r[col],
        )
    seen[r[col]] = line


def read_deals(path: str | Path) -> pd.DataFrame:
    """Read and validate a deals CSV (columns :data:`~bubblewatch.network.ledger.DEAL_COLUMNS`).

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first problem found.
    """
    path = Path(path)
    df = _read_csv(path, DEAL_COLUMNS, _REQUIRED_DEALS)
    if df.empty:
        raise DataFileError(path, "no deals in the file", expected="at least one row")
    seen: dict[str, int] = {}
    numbers: dict[str, list[float]] = {c: [] for c in _NUMERIC_DEALS}
    for i, row in enumerate(df.itertuples(index=False)):
        line = i + 2
        r = row._asdict()
        for col in ("deal_id", "from_party", "to_party", "kind", "status", "source"):
            if r[col] == "":
                raise DataFileError(path, "empty required field", line=line, column=col)
        _first(path, seen, r, "deal_id", line, "deal id")
        _date(path, line, r, "announced")
        if r["from_party"] == r["to_party"]:
            raise DataFileError(
                path, "a deal needs two different parties", line=line, column="to_party"
            )
        _option(path, line, r, "kind", KINDS, "kind")
        _option(path, line, r, "status", STATUSES, "status")
        _option(path, line, r, "conditionality", CONDITIONALITY, "conditionality", blank=True)
        vals = {
            c: _number(path, line, c, r[c], positive=c == "horizon_years") for c in _NUMERIC_DEALS
        }
        if not math.isnan(vals["amount_usd"]) and not (
            math.isnan(vals["amount_low_usd"]) and math.isnan(vals["amount_high_usd"])
        ):
            raise DataFileError(
                path,
                "give either a point amount or a low/high range, not both",
                line=line,
                column="amount_usd",
                value=r["amount_usd"],
            )
        if vals["amount_low_usd"] > vals["amount_high_usd"]:
            raise DataFileError(
                path,
                "low above high",
                line=line,
                column="amount_low_usd",
                value=r["amount_low_usd"],
                expected=f"<= amount_high_usd ({r['amount_high_usd']})",
            )
        if (r["status"] == "replaced") != (r["replaced_by"] != ""):
            raise DataFileError(
                path,
                "status 'replaced' needs replaced_by (and only it)",
                line=line,
                column="replaced_by",
                value=r["replaced_by"],
            )
        for c in _NUMERIC_DEALS:
            numbers[c].append(vals[c])
    for i, rb in enumerate(df["replaced_by"]):
        if rb and rb not in seen:
            raise DataFileError(
                path,
                "replaced_by names no deal in the file",
                line=i + 2,
                column="replaced_by",
                value=rb,
            )
    out = df.copy()
    for c in _NUMERIC_DEALS:
        out[c] = numbers[c]
    out["conditionality"] = out["conditionality"].replace("", "unknown")
    return out


def read_parties(path: str | Path) -> pd.DataFrame:
    """Read and validate a parties CSV (columns :data:`~bubblewatch.network.ledger.PARTY_COLUMNS`).

    Every figure must carry its as-of date and source (blank figures need neither).
    """
    path = Path(path)
    df = _read_csv(path, PARTY_COLUMNS, ("name", "type"))
    seen: dict[str, int] = {}
    numbers: dict[str, list[float]] = {c: [] for c in _NUMERIC_PARTIES}
    for i, row in enumerate(df.itertuples(index=False)):
        line = i + 2
        r = row._asdict()
        if r["name"] == "":
            raise DataFileError(path, "empty required field", line=line, column="name")
        _first(path, seen, r, "name", line, "party")
        _option(path, line, r, "type", PARTY_TYPES, "party type")
        _option(
            path,
            line,
            r,
            "value_kind",
            ("market", "private"),
            "value kind",
            blank=True,
            expected="market or private",
        )
        for c in _NUMERIC_PARTIES:
            x = _number(path, line, c, r[c])
            numbers[c].append(x)
            stem = c.removesuffix("_usd")
            if not math.isnan(x):
                for extra in (f"{stem}_as_of", f"{stem}_source"):
                    if r[extra] == "":
                        raise DataFileError(
                            path,
                            f"a {stem} figure needs its {extra.split('_', 1)[1]}",
                            line=line,
                            column=extra,
                        )
                _date(path, line, r, f"{stem}_as_of")
    out = df.copy()
    for c in _NUMERIC_PARTIES:
        out[c] = numbers[c]
    return out


def default_parties_path(deals_path: str | Path) -> Path | None:
    """The parties file beside a deals file: ``X_deals.csv`` -> ``X_parties.csv`` if it exists."""
    p = Path(deals_path)
    if p.name.endswith("_deals.csv"):
        cand = p.with_name(p.name.removesuffix("_deals.csv") + "_parties.csv")
        if cand.exists():
            return cand
    return None


def read_ledger_frames(
    deals_path: str | Path, parties_path: str | Path | None = None, *, name: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None, str]:
    """Read a ledger's deals CSV and its parties CSV (default: the ``_parties.csv`` sibling).

    Returns ``(deals, parties, name)``, validated, ready for
    :meth:`bubblewatch.network.ledger.Ledger.from_frames` (which adds parties named in
    deals but absent from the parties file, with blank figures).

    Raises
    ------
    DataFileError
        On any malformed row or field (file, line and column named).
    """
    deals = read_deals(deals_path)
    if parties_path is None:
        parties_path = default_parties_path(deals_path)
    parties = read_parties(parties_path) if parties_path is not None else None
    label = name or Path(deals_path).stem.removesuffix("_deals")
    return deals, parties, label


def _check_row_lengths(path: Path, columns: pd.Index) -> None:
    """Every data row has as many fields as the header (pandas pads short rows silently)."""
    data = path.read_bytes()
    if b'"' not in data:  # no quoting: count the commas of each line (fast)
        short = [
            (n, ln.count(b",") + 1)
            for n, ln in enumerate(data.split(b"\n"), start=1)
            if n > 1 and ln.strip() and ln.count(b",") + 1 < len(columns)
        ]
    else:
        with path.open(newline="", encoding="utf-8", errors="replace") as fh:
            short = [
                (n, len(fields))
                for n, fields in enumerate(csv.reader(fh), start=1)
                if n > 1 and fields and len(fields) < len(columns)
            ]
    if short:
        line, nfields = short[0]
        raise DataFileError(
            path,
            "missing field (the row is shorter than the header)",
            line=line,
            column=str(columns[nfields]).strip(),
            expected=f"{len(columns)} comma-separated fields, blank for no liability",
        )


def _amounts(path: Path, raw: pd.DataFrame) -> np.ndarray:
    """The matrix's amounts as floats (blank = 0). Columns the C reader parsed as numbers are
    checked at once; otherwise (text, ``1_000``, a bad amount) the file is read as text and
    the first bad cell in reading order is reported by :func:`_number`, as written."""
    cells = raw.iloc[:, 1:]
    if all(
        pd.api.types.is_float_dtype(t) or pd.api.types.is_integer_dtype(t) for t in cells.dtypes
    ):
        vals = cells.to_numpy(dtype=float)
        blank = np.isnan(vals)
        with np.errstate(invalid="ignore"):
            if not (~blank & (np.isinf(vals) | (vals < 0))).any():
                vals[blank] = 0.0
                return vals
    text = pd.read_csv(path, dtype=str, keep_default_na=False).iloc[:, 1:]
    text = text.apply(lambda c: c.str.strip())
    blank = (text == "").to_numpy()
    vals = np.empty(text.shape)
    for j, col in enumerate(text.columns):
        c = text[col]
        if c.str.contains("_", regex=False).any():
            c = c.str.replace("_", "", regex=False)
        vals[:, j] = pd.to_numeric(c, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~blank & (~np.isfinite(vals) | (vals < 0))
    if bad.any():
        r, k = (int(x) for x in np.unravel_index(int(np.argmax(bad)), bad.shape))
        _number(path, r + 2, str(text.columns[k]).strip(), str(text.iat[r, k]))
    vals[blank] = 0.0
    return vals


def read_liabilities(path: str | Path) -> pd.DataFrame:
    """Read a square liabilities matrix CSV: party names as header and first column, row owes
    column; a blank cell is no liability. Returns a float DataFrame whose index and columns
    are the names (header order).

    Raises
    ------
    DataFileError
        On a non-square table, names that do not match, or a bad amount.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found")
    try:  # names as text; amounts parsed by the C reader (a column with text stays text)
        raw = pd.read_csv(path, converters={0: str}, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"not a readable CSV file ({exc})") from exc
    if raw.shape[1] < 2:
        raise DataFileError(
            path, "no party columns", line=1, expected="a first column of names, then one per party"
        )
    _check_row_lengths(path, raw.columns)
    names = [str(c).strip() for c in raw.columns[1:]]
    if len(set(names)) != len(names):
        raise DataFileError(path, "duplicate party in the header", line=1)
    rows = [str(x).strip() for x in raw.iloc[:, 0]]
    first_col = str(raw.columns[0])
    if first_col.startswith("Unnamed:"):  # pandas' name for a blank header cell
        first_col = "first column"
    if len(rows) != len(names):
        raise DataFileError(
            path,
            f"the matrix is not square: {len(rows)} rows for {len(names)} columns",
            expected="one row per party named in the header",
        )
    known = set(names)
    for i, nm in enumerate(rows):
        if nm not in known:
            shown = ", ".join(names[:10]) + (
                f" ... ({len(names)} in all)" if len(names) > 10 else ""
            )
            raise DataFileError(
                path,
                "row party not in the header",
                line=i + 2,
                column=first_col,
                value=nm,
                expected=f"one of the header's parties: {shown}",
            )
    if len(set(rows)) != len(rows):
        raise DataFileError(path, "duplicate party in the first column")
    vals = _amounts(path, raw)
    df = pd.DataFrame(vals, index=rows, columns=names).loc[names, names]
    diagonal = np.flatnonzero(np.diag(df.to_numpy()) != 0)
    if diagonal.size:
        k = int(diagonal[0])
        nm = names[k]
        raise DataFileError(
            path,
            "a party cannot owe itself",
            line=rows.index(nm) + 2,
            column=nm,
            value=df.iat[k, k],
            expected="0 on the diagonal",
        )
    return df


def read_outside_assets(path: str | Path, names: list[str]) -> np.ndarray:
    """Read ``party,outside_assets`` and return the assets in the order of ``names``."""
    path = Path(path)
    df = _read_csv(path, ("party", "outside_assets"), ("party", "outside_assets"))
    out: dict[str, float] = {}
    for i, (p, x) in enumerate(zip(df["party"], df["outside_assets"])):
        if p not in names:
            raise DataFileError(
                path,
                "unknown party",
                line=i + 2,
                column="party",
                value=p,
                expected=f"one of {names}",
            )
        if p in out:
            raise DataFileError(path, "duplicate party", line=i + 2, column="party", value=p)
        v = _number(path, i + 2, "outside_assets", x)
        if math.isnan(v):
            raise DataFileError(path, "empty value", line=i + 2, column="outside_assets")
        out[p] = v
    missing = [n for n in names if n not in out]
    if missing:
        raise DataFileError(
            path, f"no outside assets for {missing}", column="party", expected="one row per party"
        )
    return np.array([out[n] for n in names])
