"""Free cash flow and capex intensity of a group of companies, quarter by quarter.

Companies close their fiscal quarters on different days (NVDA late January, Oracle end of
November, Apple the last Saturday of December); each fiscal quarter is paired with the
calendar quarter whose last day is nearest to its period end
(:func:`~bubblewatch.valuation.quarters.calendar_quarter`), and the pairing is stated with
every group figure. A group total counts only when every company has the quarter; otherwise
the missing companies are named and the total is flagged incomplete.

* free cash flow = operating cash flow - capital expenditure (``capex`` is stored as a
  positive outflow: purchases of property and equipment) [1]_;
* capex intensity = capex / operating cash flow and capex / revenue (fractions).

The cash side of the AI capital loop: the hyperscalers (:data:`HYPERSCALERS`) pay for the
data centres out of operating cash flow; an intensity near or above 1 means the build-out
absorbs all the cash the business generates.

References
----------
.. [1] Damodaran, A. (2012). *Investment Valuation*, 3rd ed., ch. 14 (free cash flow to the
       firm and to equity). Wiley.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, MappingOf, Text, validate_params
from bubblewatch.valuation.quarters import calendar_quarter, check_group, parse_quarter

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "HYPERSCALERS",
    "MAG7_COMPANIES",
    "CapexIntensity",
    "FreeCashFlow",
    "capex_intensity",
    "free_cash_flow",
    "quarterly_table",
]

#: the cloud builders whose capex the articles describe (S1-7, S2-4, S2-5)
HYPERSCALERS: tuple[str, ...] = ("MSFT", "GOOGL", "AMZN", "META", "ORCL")
#: the Magnificent 7 as companies (one ticker each; Alphabet's figures are company-wide)
MAG7_COMPANIES: tuple[str, ...] = ("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA")


def _quarter_range(
    start: str | None, end: str | None, quarters: Sequence[str] | None
) -> tuple[pd.Period | None, pd.Period | None, set[pd.Period] | None]:
    a = parse_quarter(start, "start") if start is not None else None
    b = parse_quarter(end, "end") if end is not None else None
    if a is not None and b is not None and b < a:
        raise InputError(f"end quarter {b} is before start quarter {a}")
    qs = {parse_quarter(q, "quarters") for q in quarters} if quarters is not None else None
    return a, b, qs


@validate_params(
    fundamentals=MappingOf("a mapping symbol -> fundamentals frame"),
    metrics=ArrayLike(what="metric names"),
    start=[None, Text()],
    end=[None, Text()],
    quarters=[None, ArrayLike(what="calendar quarters (YYYYQn strings)")],
)
def quarterly_table(
    fundamentals: Mapping[str, pd.DataFrame],
    metrics: Sequence[str],
    *,
    start: str | None = None,
    end: str | None = None,
    quarters: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per (company, calendar quarter): ``symbol, quarter, fiscal_period, period_end``
    and one column per metric (NaN when the company did not report it)."""
    group = check_group(fundamentals)
    a, b, qs = _quarter_range(start, end, quarters)
    rows = []
    for sym, df in group.items():
        wide = df.pivot_table(index="period_end", columns="metric", values="value", aggfunc="last")
        fp = df.dropna(subset=["fiscal_period"]).groupby("period_end")["fiscal_period"].first()
        for pe, r in wide.iterrows():
            q = calendar_quarter(pe)
            if (
                (a is not None and q < a)
                or (b is not None and q > b)
                or (qs is not None and q not in qs)
            ):
                continue
            rows.append(
                {
                    "symbol": sym,
                    "quarter": str(q),
                    "fiscal_period": fp.get(pe, None),
                    "period_end": pd.Timestamp(pe),
                    **{m: float(r[m]) if m in r.index else np.nan for m in metrics},
                }
            )
    out = pd.DataFrame(rows, columns=["symbol", "quarter", "fiscal_period", "period_end", *metrics])
    dup = out.duplicated(["symbol", "quarter"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        raise InputError(
            f"{r['symbol']}: two fiscal quarters pair with calendar quarter {r['quarter']} "
            f"({', '.join(str(d.date()) for d in out[dup & (out['symbol'] == r['symbol'])]['period_end'])})"
        )
    if out.empty:
        span = f"{a or '...'}..{b or '...'}" if qs is None else ", ".join(sorted(map(str, qs)))
        raise InsufficientDataError(f"no quarters of {', '.join(group)} in {span}")
    return out.sort_values(["quarter", "symbol"]).reset_index(drop=True)


def _totals(
    table: pd.DataFrame, symbols: Sequence[str], needed: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per-quarter sums (only complete quarters count) and the pairing text per quarter."""
    rows, pairing = [], {}
    for q, g in table.groupby("quarter", sort=True):
        ok = g.dropna(subset=list(needed))
        missing = [s for s in symbols if s not in set(ok["symbol"])]
        sums = {
            m: float(ok[m].sum())
            for m in table.columns
            if m not in ("symbol", "quarter", "fiscal_period", "period_end")
        }
        rows.append(
            {
                "quarter": q,
                "companies": len(ok),
                "complete": not missing,
                "missing": ", ".join(missing),
                **sums,
            }
        )
        pairing[str(q)] = ", ".join(
            f"{r.symbol} {r.fiscal_period or ''} (ended {r.period_end.date()})".replace("  ", " ")
            for r in g.itertuples()
        )
    return pd.DataFrame(rows).set_index("quarter"), pairing


def _flag(total: pd.Series) -> str:
    """`` INCOMPLETE (missing ...)`` for a group total some company lacks, else ``""``."""
    return "" if total["complete"] else f" INCOMPLETE (missing {total['missing']})"


@dataclasses.dataclass(frozen=True)
class FreeCashFlow(Result):
    """Free cash flow (operating cash flow - capex) per company and quarter, and the group's."""

    symbols: tuple[str, ...]
    table: pd.DataFrame
    totals: pd.DataFrame
    pairing: Mapping[str, str]
    first: str
    last: str
    change: float
    currency: str = "USD"

    def summary(self) -> str:
        lines = [
            f"Free cash flow = operating cash flow - capex, {', '.join(self.symbols)} ({self.currency})"
        ]
        for q, r in self.totals.iterrows():
            lines.append(
                f"  {q}: OCF {r['operating_cash_flow'] / 1e9:,.2f} bn - capex "
                f"{r['capex'] / 1e9:,.2f} bn = FCF {r['free_cash_flow'] / 1e9:,.2f} bn{_flag(r)}"
            )
        if np.isfinite(self.change):
            lines.append(f"  change {self.first} -> {self.last}: {self.change * 100:+.1f}%")
        lines.append("  pairing (calendar quarter <- fiscal quarters):")
        lines.extend(f"    {q}: {p}" for q, p in self.pairing.items())
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        for sym, g in self.table.groupby("symbol"):
            fig.add_trace(go.Bar(x=g["quarter"], y=g["free_cash_flow"] / 1e9, name=str(sym)))
        fig.update_layout(
            barmode="relative", title="Free cash flow by quarter", yaxis_title=f"{self.currency} bn"
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbols": list(self.symbols),
            "currency": self.currency,
            "definition": "free_cash_flow = operating_cash_flow - capex",
            "first": self.first,
            "last": self.last,
            "change": self.change,
            "totals": self.totals.reset_index().to_dict(orient="records"),
            "pairing": dict(self.pairing),
            "rows": self.table.to_dict(orient="records"),
        }


def _change(totals: pd.DataFrame, column: str) -> tuple[str, str, float]:
    first, last = str(totals.index[0]), str(totals.index[-1])
    a, b = totals.iloc[0], totals.iloc[-1]
    ok = bool(a["complete"] and b["complete"]) and len(totals) > 1 and a[column] != 0
    return first, last, float(b[column] / a[column] - 1) if ok else float("nan")


@validate_params(
    fundamentals=MappingOf("a mapping symbol -> fundamentals frame"),
    start=[None, Text()],
    end=[None, Text()],
    quarters=[None, ArrayLike(what="calendar quarters (YYYYQn strings)")],
)
def free_cash_flow(
    fundamentals: Mapping[str, pd.DataFrame],
    *,
    start: str | None = None,
    end: str | None = None,
    quarters: Sequence[str] | None = None,
) -> FreeCashFlow:
    """Free cash flow of each company and of the group per calendar quarter.

    Parameters
    ----------
    fundamentals : mapping symbol -> long frame
        ``operating_cash_flow`` and ``capex`` rows per quarter (``Store.fundamentals``).
    start, end : str, optional
        Calendar quarters ``YYYYQn`` (inclusive).
    quarters : sequence of str, optional
        Only these calendar quarters (e.g. ``["2024Q4", "2025Q2"]``).

    Returns
    -------
    FreeCashFlow
        ``change`` = last complete quarter total / first - 1 (fraction; NaN when either is
        incomplete).

    Examples
    --------
    >>> f = pd.DataFrame({"period_end": ["2024-12-31"] * 2 + ["2025-06-30"] * 2,
    ...     "metric": ["operating_cash_flow", "capex"] * 2, "value": [10.0, 4.0, 9.0, 6.0]})
    >>> r = free_cash_flow({"X": f}, quarters=["2024Q4", "2025Q2"])
    >>> r.totals["free_cash_flow"].tolist(), round(r.change, 2)
    ([6.0, 3.0], -0.5)
    """
    table = quarterly_table(
        fundamentals, ["operating_cash_flow", "capex"], start=start, end=end, quarters=quarters
    )
    table["free_cash_flow"] = table["operating_cash_flow"] - table["capex"]
    symbols = tuple(str(s) for s in fundamentals)
    totals, pairing = _totals(table, symbols, ["operating_cash_flow", "capex"])
    first, last, change = _change(totals, "free_cash_flow")
    return FreeCashFlow(
        metadata=make_metadata(
            {"symbols": list(symbols), "start": start, "end": end, "quarters": quarters},
            data_vintage=table["period_end"].max().date().isoformat(),
        ),
        symbols=symbols,
        table=table,
        totals=totals,
        pairing=pairing,
        first=first,
        last=last,
        change=change,
    )


@dataclasses.dataclass(frozen=True)
class CapexIntensity(Result):
    """Capex / operating cash flow and capex / revenue per company, quarter and in total."""

    symbols: tuple[str, ...]
    table: pd.DataFrame
    totals: pd.DataFrame
    pairing: Mapping[str, str]
    total_capex: float
    total_capex_to_ocf: float
    total_capex_to_revenue: float
    quarters_counted: tuple[str, ...]
    currency: str = "USD"

    def summary(self) -> str:
        lines = [
            f"Capex intensity of {', '.join(self.symbols)} (capex / operating cash flow, capex / revenue)"
        ]
        for q, r in self.totals.iterrows():
            lines.append(
                f"  {q}: capex {r['capex'] / 1e9:,.1f} bn {self.currency} = "
                f"{r['capex_to_ocf'] * 100:.0f}% of OCF, {r['capex_to_revenue'] * 100:.0f}% of "
                f"revenue{_flag(r)}"
            )
        if self.quarters_counted:
            lines.append(
                f"  total {self.quarters_counted[0]}..{self.quarters_counted[-1]} "
                f"({len(self.quarters_counted)} complete quarters): capex "
                f"{self.total_capex / 1e9:,.1f} bn = {self.total_capex_to_ocf * 100:.0f}% of OCF, "
                f"{self.total_capex_to_revenue * 100:.0f}% of revenue"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        for sym, g in self.table.groupby("symbol"):
            fig.add_trace(
                go.Scatter(x=g["quarter"], y=g["capex_to_ocf"], name=str(sym), mode="lines+markers")
            )
        fig.add_trace(
            go.Scatter(
                x=list(self.totals.index),
                y=self.totals["capex_to_ocf"],
                name="all",
                line={"width": 4},
            )
        )
        fig.update_layout(
            title="Capex / operating cash flow", yaxis_title="fraction", yaxis_tickformat=".0%"
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbols": list(self.symbols),
            "currency": self.currency,
            "definition": "capex_to_ocf = capex / operating_cash_flow; capex_to_revenue = capex / revenue (fractions)",
            "total": {
                "quarters": list(self.quarters_counted),
                "capex": self.total_capex,
                "capex_to_ocf": self.total_capex_to_ocf,
                "capex_to_revenue": self.total_capex_to_revenue,
            },
            "totals": self.totals.reset_index().to_dict(orient="records"),
            "pairing": dict(self.pairing),
            "rows": self.table.to_dict(orient="records"),
        }


@validate_params(
    fundamentals=MappingOf("a mapping symbol -> fundamentals frame"),
    start=[None, Text()],
    end=[None, Text()],
)
def capex_intensity(
    fundamentals: Mapping[str, pd.DataFrame],
    *,
    start: str | None = None,
    end: str | None = None,
) -> CapexIntensity:
    """Capex / operating cash flow and capex / revenue per company and calendar quarter,
    the group's per quarter, and the total over the complete quarters.

    Examples
    --------
    >>> f = pd.DataFrame({"period_end": ["2025-06-30"] * 3,
    ...     "metric": ["operating_cash_flow", "capex", "revenue"], "value": [10.0, 6.0, 20.0]})
    >>> r = capex_intensity({"X": f})
    >>> r.total_capex_to_ocf, r.total_capex_to_revenue
    (0.6, 0.3)
    """
    metrics = ["capex", "operating_cash_flow", "revenue"]
    table = quarterly_table(fundamentals, metrics, start=start, end=end)
    table["capex_to_ocf"] = table["capex"] / table["operating_cash_flow"].where(
        table["operating_cash_flow"] > 0
    )
    table["capex_to_revenue"] = table["capex"] / table["revenue"].where(table["revenue"] > 0)
    symbols = tuple(str(s) for s in fundamentals)
    totals, pairing = _totals(
        table[["symbol", "quarter", "fiscal_period", "period_end", *metrics]], symbols, metrics
    )
    totals["capex_to_ocf"] = totals["capex"] / totals["operating_cash_flow"]
    totals["capex_to_revenue"] = totals["capex"] / totals["revenue"]
    done = totals[totals["complete"]]
    cap, ocf, rev = (float(done[c].sum()) for c in metrics)
    return CapexIntensity(
        metadata=make_metadata(
            {"symbols": list(symbols), "start": start, "end": end},
            data_vintage=table["period_end"].max().date().isoformat(),
        ),
        symbols=symbols,
        table=table,
        totals=totals,
        pairing=pairing,
        total_capex=cap,
        total_capex_to_ocf=cap / ocf if ocf > 0 else float("nan"),
        total_capex_to_revenue=cap / rev if rev > 0 else float("nan"),
        quarters_counted=tuple(str(q) for q in done.index),
    )
