"""Parsing fundamentals files: one company figure per row.

Columns (case-insensitive): ``symbol, period_end, metric, value`` required;
``fiscal_period`` (``FY2026Q3``), ``unit`` (``USD``, ``USD/share``, ``shares``), ``source``,
``note``, ``form`` (``10-Q``/``10-K``) and ``filed`` (filing date) optional. Without
``form``/``filed`` columns both are read from a source text that says e.g. ``10-Q filed
2025-11-19``. Without a ``unit`` column the unit of a known metric is USD, USD/share or
shares (:data:`~bubblewatch.data.schema.FUNDAMENTAL_METRICS`).

Refused (nothing written): a duplicate (symbol, period_end, metric) or (symbol,
fiscal_period, metric); an unknown unit (``USD millions`` included: values are in units);
a unit that does not fit a known metric; a zero or negative share count; a negative capex
(stored as a positive outflow); a fiscal period not written ``FY2026Q3``/``2025Q3``.

Kept with a warning (``warning`` column and the import report): diluted EPS that differs
from net income / diluted weighted shares by more than 5% and more than half a cent (the
rounding of a reported EPS).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, check_unique, source_of
from bubblewatch.data.schema import CURRENCIES, DEFAULT_UNITS, FUNDAMENTAL_METRICS

__all__ = ["EPS_TOLERANCE", "eps_warnings", "parse_fundamentals", "unit_problem"]

#: EPS vs net income / diluted shares: relative tolerance and absolute rounding slack (USD)
EPS_TOLERANCE = (0.05, 0.005)
_FILED = re.compile(r"\b(10-[QK])(?:/A)?\b[^;|]*?\bfiled (\d{4}-\d{2}-\d{2})")
_FISCAL = re.compile(r"^(FY)?\d{4}Q[1-4]$")
_UNITS_TEXT = "USD (or another currency code), USD/share, shares"


def unit_problem(metric: str, unit: str) -> str | None:
    """Why ``unit`` is not acceptable for ``metric`` (None when it is).

    >>> unit_problem("revenue", "USD") is None
    True
    >>> print(unit_problem("revenue", "USD millions"))
    unknown unit (expected one of USD (or another currency code), USD/share, shares; values in units, not thousands or millions)
    >>> print(unit_problem("eps_diluted", "USD"))
    unit USD does not fit metric 'eps_diluted' (expected a currency per share, e.g. USD/share)
    """
    if unit in CURRENCIES:
        kind = "currency"
    elif unit.endswith("/share") and unit[: -len("/share")] in CURRENCIES:
        kind = "per_share"
    elif unit == "shares":
        kind = "shares"
    else:
        return (
            f"unknown unit (expected one of {_UNITS_TEXT}; values in units, not thousands or "
            "millions)"
        )
    want = FUNDAMENTAL_METRICS.get(metric)
    if want is not None and want != kind:
        what = {
            "currency": "a currency, e.g. USD",
            "per_share": "a currency per share, e.g. USD/share",
            "shares": "shares",
        }[want]
        return f"unit {unit} does not fit metric '{metric}' (expected {what})"
    return None


def _default_unit(metric: str) -> str:
    return DEFAULT_UNITS.get(FUNDAMENTAL_METRICS.get(metric, ""), "")


def eps_warnings(df: pd.DataFrame) -> pd.Series:
    """Per row: the EPS check's warning text (eps_diluted rows whose quarter has net income and
    diluted weighted shares), else None. ``df`` has symbol, period_end, metric, value."""
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    wide = df.pivot_table(
        index=["symbol", "period_end"], columns="metric", values="value", aggfunc="last"
    )
    need = {"eps_diluted", "net_income", "shares_diluted_weighted"}
    if not need <= set(wide.columns):
        return out
    w = wide.dropna(subset=list(need))
    w = w[w["shares_diluted_weighted"] > 0]
    implied = w["net_income"] / w["shares_diluted_weighted"]
    gap = (w["eps_diluted"] - implied).abs()
    rel, slack = EPS_TOLERANCE
    bad = (gap > rel * implied.abs()) & (gap > slack)
    for (sym, pe), imp in implied[bad].items():
        eps = w.loc[(sym, pe), "eps_diluted"]
        mask = (df["symbol"] == sym) & (df["period_end"] == pe) & (df["metric"] == "eps_diluted")
        out[mask] = (
            f"EPS {eps:g} differs from net income / diluted shares = {imp:.4f} by "
            f"{abs(eps / imp - 1) * 100 if imp else float('inf'):.1f}% (more than 5% and USD 0.005)"
        )
    return out


def parse_fundamentals(raw: RawTable, spec: FileSpec) -> Parsed:
    cols = set(raw.frame.columns)
    period = raw.dates("period_end")
    sym = raw.text("symbol").str.upper()
    metric = raw.text("metric")
    for col, s in (("symbol", sym), ("metric", metric)):
        empty = (s == "").to_numpy()
        if empty.any():
            i = int(np.argmax(empty))
            raise raw.error(
                "missing value",
                row=i,
                column=col,
                value=raw.cell(col, i),
                expected=f"a {col} on every row",
            )
    value = raw.numbers("value", what="a number (in units, e.g. USD, not millions) or blank")
    n = len(raw.frame)

    def optional(column: str) -> pd.Series:
        return raw.text(column).copy() if column in cols else pd.Series([""] * n)

    fiscal, unit, source, note = (optional(c) for c in ("fiscal_period", "unit", "source", "note"))

    for i in range(n):
        fp = fiscal.iloc[i]
        if fp and not _FISCAL.match(fp):
            raise raw.error(
                "unreadable fiscal period",
                row=i,
                column="fiscal_period",
                value=fp,
                expected="the company's fiscal quarter written FY2026Q3 (or 2025Q3)",
            )
        m = metric.iloc[i]
        u = unit.iloc[i] or _default_unit(m)
        if not u:
            raise raw.error(
                "missing unit",
                row=i,
                column="unit" if "unit" in cols else "metric",
                value=unit.iloc[i] if "unit" in cols else m,
                expected=f"a unit for metric '{m}' ({_UNITS_TEXT})",
            )
        problem = unit_problem(m, u)
        if problem:
            raise raw.error(problem, row=i, column="unit", value=u)
        unit.iloc[i] = u
        v = value[i]
        if u == "shares" and np.isfinite(v) and v <= 0:
            raise raw.error(
                "non-positive share count",
                row=i,
                column="value",
                value=raw.text("value").iloc[i],
                expected=f"a number of shares > 0 for metric '{m}'",
            )
        if m == "capex" and np.isfinite(v) and v < 0:
            raise raw.error(
                "negative capex",
                row=i,
                column="value",
                value=raw.text("value").iloc[i],
                expected="capex as a positive outflow (purchases of property and equipment); "
                "flip the sign",
            )

    check_unique(
        raw,
        pd.DataFrame({"symbol": sym.to_numpy(), "period_end": period, "metric": metric.to_numpy()}),
        "metric",
        "symbol, period_end and metric",
    )
    has_fp = (fiscal != "").to_numpy()
    if has_fp.any():
        check_unique(
            raw.subset(has_fp),
            pd.DataFrame(
                {
                    "symbol": sym[has_fp].to_numpy(),
                    "fiscal_period": fiscal[has_fp].to_numpy(),
                    "metric": metric[has_fp].to_numpy(),
                }
            ),
            "fiscal_period",
            "symbol, fiscal_period and metric",
        )

    if "form" in cols or "filed" in cols:
        form = optional("form")
        filed = (
            _optional_dates(raw, "filed")
            if "filed" in cols
            else pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
        )
    else:
        found = source.str.extract(_FILED)
        form = found[0].fillna("")
        filed = pd.to_datetime(found[1], errors="coerce")
    src = source.where(source != "", source_of(spec.path))
    df = pd.DataFrame(
        {
            "symbol": sym.to_numpy(dtype=object),
            "fiscal_period": fiscal.replace("", None).to_numpy(dtype=object),
            "period_end": period,
            "metric": metric.to_numpy(dtype=object),
            "value": value,
            "unit": unit.to_numpy(dtype=object),
            "form": form.str.upper().replace("", None).to_numpy(dtype=object),
            "filed": pd.DatetimeIndex(filed),
            "source": src.to_numpy(dtype=object),
            "note": note.replace("", None).to_numpy(dtype=object),
        }
    )
    df["warning"] = eps_warnings(df)
    warnings = [
        f"{spec.path.name}, line {int(raw.lines[i])}: {df['symbol'].iloc[i]} "
        f"{df['fiscal_period'].iloc[i] or df['period_end'].iloc[i].date()}: {w} (row kept with the warning)"
        for i, w in enumerate(df["warning"])
        if w
    ]
    return Parsed(spec, "fundamentals", None, {"fundamentals": df}, warnings)


def _optional_dates(raw: RawTable, column: str) -> pd.Series:
    """A date column whose blank cells are allowed (NaT); other cells must parse."""
    text = raw.text(column)
    keep = (text != "").to_numpy()
    out = pd.Series([pd.NaT] * len(text), dtype="datetime64[ns]")
    if keep.any():
        out[keep] = raw.subset(keep).dates(column).to_numpy()
    return out
