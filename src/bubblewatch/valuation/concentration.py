"""Index concentration from holdings: top-N weight, Herfindahl index, effective N, group share.

Rule (stated in every result): weights are aggregated by **company** by default, so share
classes of one issuer count once (GOOG + GOOGL as Alphabet, BRK.A + BRK.B, FOX + FOXA,
NWS + NWSA); pass ``by="line"`` to count each share line separately. Cash, futures and
other non-equity lines (currency lines such as ``US DOLLAR``, ``CASH_USD``, index futures,
CVRs and lines without an exchange ticker) are excluded, and the remaining equity weights
are renormalised to sum to 100% (the weight excluded is reported).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Metadata, Result, make_metadata
from bubblewatch.validation import Anything, Date, Frame, Integer, MappingOf, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "MAGNIFICENT_7",
    "SHARE_CLASSES",
    "Concentration",
    "ConcentrationHistory",
    "ConcentrationResult",
    "concentration",
    "concentration_history",
    "equity_lines",
    "parse_group",
]

#: the "Magnificent 7" (DIGEST S2-4, S2-8, S3-2); GOOG is folded into GOOGL by company
MAGNIFICENT_7: tuple[str, ...] = ("AAPL", "MSFT", "GOOGL", "GOOG", "AMZN", "NVDA", "META", "TSLA")

#: share classes of one issuer, mapped to the line that names the company
SHARE_CLASSES: Mapping[str, str] = {
    "GOOG": "GOOGL",
    "BRK.A": "BRK.B",
    "FOX": "FOXA",
    "NWS": "NWSA",
}

_TICKER = re.compile(r"^[A-Z][A-Z0-9]{0,5}([./-][A-Z0-9]{1,3})?$")
_NON_EQUITY_NAME = re.compile(
    r"^(?:U\.?S\.? DOLLARS?|CASH\b.*|.*\bFUTURES?\b.*|.*\bFUT\b.*|.*\bE-?MINI\b.*|.*\bCVR\b.*|"
    r"CONTRA\b.*|.*\bMONEY MARKET\b.*|.*\bTREASURY BILLS?\b.*|.*\bSWAP\b.*)$",
    re.IGNORECASE,
)


@validate_params(
    holdings=Frame("a holdings DataFrame"),
)
def equity_lines(holdings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split holdings into equity lines and excluded (cash, futures, non-equity) lines.

    Parameters
    ----------
    holdings : DataFrame
        Columns ``symbol``, ``weight`` (percent) and optionally ``name``.

    Returns
    -------
    (equity, excluded) : tuple of DataFrame

    Examples
    --------
    >>> h = pd.DataFrame({"symbol": ["AAPL", "-", "ESZ5"], "name": ["APPLE INC", "US DOLLAR",
    ...                   "S&P500 EMINI DEC25"], "weight": [7.0, 0.2, 0.1]})
    >>> eq, ex = equity_lines(h)
    >>> list(eq["symbol"]), list(ex["symbol"])
    (['AAPL'], ['-', 'ESZ5'])
    """
    _check_holdings(holdings)
    sym = holdings["symbol"].astype("string").fillna("").str.strip().str.upper()
    name = (
        holdings["name"].astype("string").fillna("")
        if "name" in holdings.columns
        else pd.Series("", index=holdings.index, dtype="string")
    )
    ok_ticker = sym.str.match(_TICKER).fillna(False).astype(bool)
    non_equity_name = name.str.contains(_NON_EQUITY_NAME).fillna(False).astype(bool)
    cash_symbol = sym.str.startswith("CASH").fillna(False).astype(bool)
    keep = ok_ticker & ~non_equity_name & ~cash_symbol
    out = holdings.assign(symbol=sym)
    return out[keep.to_numpy()].copy(), out[~keep.to_numpy()].copy()


@validate_params(
    spec=Text(),
)
def parse_group(spec: str) -> tuple[str, tuple[str, ...]]:
    """Parse a group given as ``NAME=T1,T2,...``.

    Examples
    --------
    >>> parse_group("AI=NVDA, AVGO,amd")
    ('AI', ('NVDA', 'AVGO', 'AMD'))
    """
    if "=" not in spec:
        raise InputError(
            f"group {spec!r}: expected NAME=TICKER,TICKER,... (e.g. MAG7=AAPL,MSFT)",
            parameter="group",
        )
    name, _, tickers = spec.partition("=")
    syms = tuple(t.strip().upper() for t in tickers.split(",") if t.strip())
    if not name.strip() or not syms:
        raise InputError(
            f"group {spec!r}: name and at least one ticker are required", parameter="group"
        )
    return name.strip(), syms


def _check_holdings(holdings: pd.DataFrame) -> None:
    if not isinstance(holdings, pd.DataFrame):
        raise InputError("holdings must be a DataFrame with columns symbol and weight")
    missing = {"symbol", "weight"} - set(holdings.columns)
    if missing:
        raise InputError(
            f"holdings lack column(s) {sorted(missing)}; expected symbol, weight (percent), name"
        )


@dataclasses.dataclass(frozen=True)
class Concentration(Result):
    """Concentration of one holdings snapshot (weights in percent of the equity lines).

    Attributes
    ----------
    as_of : pandas.Timestamp or None
    by : str
        ``"company"`` (share classes merged) or ``"line"``.
    top_n : int
    top_weight : float
        Weight of the ``top_n`` largest companies (lines), percent.
    hhi : float
        Herfindahl-Hirschman index, sum of squared weight fractions (0..1).
    effective_n : float
        ``1 / hhi``, the number of equal-weight holdings with the same HHI.
    group_weight : dict
        Weight of each named group, percent.
    excluded_weight : float
        Weight of the excluded non-equity lines, percent of the fund.
    weights : pandas.Series
        Equity weights by company (line), percent, largest first.
    rule : str
        The aggregation and exclusion rule in words.
    group_absent : dict
        Members of each group that the snapshot does not hold (counted as 0, and named).
    """

    as_of: pd.Timestamp | None
    by: str
    top_n: int
    top_weight: float
    hhi: float
    effective_n: float
    group_weight: Mapping[str, float]
    group_members: Mapping[str, tuple[str, ...]]
    excluded_weight: float
    excluded_lines: tuple[str, ...]
    n_holdings: int
    weights: pd.Series
    rule: str
    group_absent: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        when = self.as_of.date().isoformat() if self.as_of is not None else "n/a"
        lines = [
            f"Concentration {when} (by {self.by}; {self.n_holdings} holdings)",
            f"  top {self.top_n} weight : {self.top_weight:.2f}%",
            f"  HHI             : {self.hhi:.4f}  (effective N {self.effective_n:.1f})",
        ]
        for k, v in self.group_weight.items():
            absent = self.group_absent.get(k, ())
            note = f"  (not held: {', '.join(absent)})" if absent else ""
            lines.append(f"  {k:<15} : {v:.2f}%{note}")
        lines.append(
            f"  excluded        : {self.excluded_weight:.3f}% ({len(self.excluded_lines)} lines)"
        )
        lines.append(f"  rule: {self.rule}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Equity weights (fractions), largest first, with their running sum."""
        w = self.weights / 100.0
        return pd.DataFrame(
            {"weight": w.to_numpy(), "cumulative": w.cumsum().to_numpy()},
            index=pd.Index(w.index, name=self.by),
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        top = self.weights.head(max(self.top_n, 10))
        fig = go.Figure(go.Bar(x=list(top.index), y=top.to_numpy(), name="weight %"))
        when = self.as_of.date().isoformat() if self.as_of is not None else ""
        fig.update_layout(
            title=f"Largest holdings {when}: top {self.top_n} = {self.top_weight:.1f}%",
            yaxis_title="weight (% of the equity lines)",
            xaxis_title="company" if self.by == "company" else "holding line",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        """Weights as fractions (of the equity lines; ``excluded_weight`` of the fund)."""
        return {
            "as_of": self.as_of,
            "by": self.by,
            "top_n": self.top_n,
            f"top{self.top_n}_weight": self.top_weight / 100.0,
            "top10_weight": float(self.weights.head(10).sum()) / 100.0,
            "hhi": self.hhi,
            "effective_n": self.effective_n,
            "group_weight": {k: v / 100.0 for k, v in self.group_weight.items()},
            "group_members": {k: list(v) for k, v in self.group_members.items()},
            "group_absent": {k: list(v) for k, v in self.group_absent.items()},
            "excluded_weight": self.excluded_weight / 100.0,
            "excluded_lines": list(self.excluded_lines),
            "n_holdings": self.n_holdings,
            "top": {k: float(v) / 100.0 for k, v in self.weights.head(self.top_n).items()},
            "rule": self.rule,
        }


@validate_params(
    holdings=Anything("a holdings DataFrame with columns symbol and weight (checked in the body)"),
    top_n=Integer(),
    groups=[None, MappingOf("a mapping group name -> tickers")],
    by=Text(),
    share_classes=MappingOf("a mapping share class -> primary line"),
    as_of=[None, Date()],
)
def concentration(
    holdings: pd.DataFrame,
    *,
    top_n: int = 10,
    groups: Mapping[str, Sequence[str]] | None = None,
    by: str = "company",
    share_classes: Mapping[str, str] = SHARE_CLASSES,
    as_of: pd.Timestamp | str | None = None,
) -> Concentration:
    """Concentration measures of one holdings snapshot.

    Parameters
    ----------
    holdings : DataFrame
        Columns ``symbol``, ``weight`` (percent of the fund) and optionally ``name``.
    top_n : int
        Number of largest holdings summed in ``top_weight``.
    groups : mapping of str to sequence of str, optional
        Named groups of tickers; default ``{"Magnificent 7": MAGNIFICENT_7}``.
    by : {"company", "line"}
        Merge share classes of one issuer (``share_classes``) or count every line.
    share_classes : mapping
        Share-class line -> company line.
    as_of : date, optional
        Holdings date (default ``holdings.attrs["as_of"]`` when set).

    Returns
    -------
    Concentration

    Notes
    -----
    With weight fractions :math:`w_i` (summing to one), :math:`HHI = \\sum_i w_i^2` and the
    effective number of holdings is :math:`1/HHI` [1]_ [2]_.

    References
    ----------
    .. [1] Hirschman, A. O. (1964). The paternity of an index. American Economic Review 54(5).
    .. [2] Adelman, M. A. (1969). Comment on the "H" concentration measure as a
       numbers-equivalent. Review of Economics and Statistics 51(1), 99-101.

    Examples
    --------
    >>> h = pd.DataFrame({"symbol": ["A", "B", "GOOGL", "GOOG", "-"],
    ...                   "weight": [40.0, 20.0, 15.0, 15.0, 10.0]})
    >>> r = concentration(h, top_n=2, groups={"G": ["GOOGL", "GOOG"]})
    >>> round(r.top_weight, 4), round(r.group_weight["G"], 4), round(r.effective_n, 3)
    (77.7778, 33.3333, 2.793)
    """
    _check_holdings(holdings)
    if by not in ("company", "line"):
        raise InputError(f"by={by!r}: choose 'company' (share classes merged) or 'line'")
    if not isinstance(top_n, int | np.integer) or top_n < 1:
        raise InputError(f"top_n={top_n!r}: must be a positive integer")
    weights_raw = pd.to_numeric(holdings["weight"], errors="coerce")
    if weights_raw.isna().any():
        bad = holdings.loc[weights_raw.isna(), "symbol"].tolist()[:5]
        raise InputError(
            f"holdings have non-numeric weights for {bad}; weights must be numbers (percent)"
        )
    negative = weights_raw < 0
    if negative.any():
        i = int(np.argmax(negative.to_numpy()))
        raise InputError(
            f"negative weight {float(weights_raw.iloc[i]):g} for "
            f"{holdings['symbol'].iloc[i]}; weights are percent of the fund, >= 0",
            parameter="holdings",
        )
    eq, ex = equity_lines(holdings.assign(weight=weights_raw))
    zero = eq["weight"] == 0  # listed with the excluded lines, never dropped silently
    ex = pd.concat([ex, eq[zero].assign(reason="zero weight")], ignore_index=True)
    eq = eq[~zero]
    if eq.empty:
        raise InsufficientDataError("holdings have no equity lines with positive weight")
    key = eq["symbol"].map(lambda s: share_classes.get(s, s)) if by == "company" else eq["symbol"]
    agg = eq.groupby(key.to_numpy())["weight"].sum()
    total = float(agg.sum())
    w = (agg / total * 100.0).sort_values(ascending=False, kind="mergesort")
    frac = w.to_numpy() / 100.0
    hhi = float(np.sum(frac**2))
    if groups is None:
        groups = {"Magnificent 7": MAGNIFICENT_7}
    gw: dict[str, float] = {}
    gm: dict[str, tuple[str, ...]] = {}
    ga: dict[str, tuple[str, ...]] = {}
    for name, members in groups.items():
        mem = {m.upper() for m in members}
        if by == "company":
            mem = {share_classes.get(m, m) for m in mem}
        present = tuple(sorted(m for m in mem if m in w.index))
        gm[name] = present
        ga[name] = tuple(sorted(mem - set(present)))
        gw[name] = float(w[list(present)].sum()) if present else 0.0
    when = pd.Timestamp(as_of) if as_of is not None else holdings.attrs.get("as_of")
    names = ex["name"] if "name" in ex.columns else pd.Series([""] * len(ex), index=ex.index)
    reasons = (
        ex["reason"] if "reason" in ex.columns else pd.Series([None] * len(ex), index=ex.index)
    )
    excl_desc = tuple(
        f"{s or '?'} ({r if isinstance(r, str) else n})"
        if (isinstance(r, str) or (isinstance(n, str) and n))
        else str(s)
        for s, n, r in zip(ex["symbol"], names, reasons)
    )
    merged = ", ".join(f"{a}+{b}" for a, b in share_classes.items()) if by == "company" else ""
    rule = (
        "companies: share classes merged (" + merged + ")"
        if by == "company"
        else "share lines counted separately"
    ) + "; cash, futures and non-equity lines excluded; equity weights renormalised to 100%"
    return Concentration(
        metadata=make_metadata(
            {"top_n": int(top_n), "by": by, "groups": {k: list(v) for k, v in groups.items()}},
            data_vintage=when.date().isoformat() if isinstance(when, pd.Timestamp) else None,
        ),
        as_of=pd.Timestamp(when) if when is not None else None,
        by=by,
        top_n=int(top_n),
        top_weight=float(w.head(int(top_n)).sum()),
        hhi=hhi,
        effective_n=1.0 / hhi,
        group_weight=gw,
        group_members=gm,
        excluded_weight=float(ex["weight"].sum()),
        excluded_lines=excl_desc,
        n_holdings=len(w),
        weights=w,
        group_absent=ga,
        rule=rule,
    )


@dataclasses.dataclass(frozen=True)
class ConcentrationHistory(Result):
    """Concentration at each holdings date (one :class:`Concentration` per date)."""

    snapshots: tuple[Concentration, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per holdings date; weights as fractions of the equity lines."""
        rows = []
        for s in self.snapshots:
            row = {
                "as_of": s.as_of,
                "top_weight": s.top_weight / 100.0,
                "hhi": s.hhi,
                "effective_n": s.effective_n,
            }
            row.update({f"group:{k}": v / 100.0 for k, v in s.group_weight.items()})
            rows.append(row)
        return pd.DataFrame(rows).set_index("as_of")

    def summary(self) -> str:
        lines = ["Concentration history (weights in % of the equity lines)"]
        for s in self.snapshots:
            groups = "".join(f", {k} {v:.2f}%" for k, v in s.group_weight.items())
            when = s.as_of.date().isoformat() if s.as_of is not None else "n/a"
            lines.append(
                f"  {when}: top {s.top_n} {s.top_weight:.2f}%, HHI {s.hhi:.4f} "
                f"(effective N {s.effective_n:.1f}){groups}"
            )
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        df = self.to_frame()
        fig = go.Figure()
        n = self.snapshots[0].top_n if self.snapshots else 10
        fig.add_trace(
            go.Scatter(x=df.index, y=100 * df["top_weight"], mode="lines+markers", name=f"top {n}")
        )
        for c in df.columns:
            if c.startswith("group:"):
                fig.add_trace(
                    go.Scatter(x=df.index, y=100 * df[c], mode="lines+markers", name=c[6:])
                )
        fig.update_layout(
            title="Index concentration (% of equity weight)",
            yaxis_title="weight (% of the equity lines)",
            xaxis_title="holdings date",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {"snapshots": [s.to_dict() for s in self.snapshots]}


@validate_params(
    snapshots=MappingOf("a mapping date -> holdings frame"),
)
def concentration_history(
    snapshots: Mapping[Any, pd.DataFrame], **kwargs: Any
) -> ConcentrationHistory:
    """:func:`concentration` at each date of ``snapshots`` (date -> holdings frame)."""
    if not snapshots:
        raise InsufficientDataError("no holdings snapshots given")
    res = tuple(
        concentration(df, as_of=pd.Timestamp(d), **kwargs)
        for d, df in sorted(snapshots.items(), key=lambda kv: pd.Timestamp(kv[0]))
    )
    meta: Metadata = make_metadata(kwargs, data_vintage=res[-1].metadata.data_vintage)
    return ConcentrationHistory(metadata=meta, snapshots=res)


#: the old name (kept working): result classes are named for what they hold
ConcentrationResult = Concentration
