"""The status of a group of assets: per-member status, breadth, equal- and cap-weighted baskets.

:func:`group_status` takes the members' prices (and, when known, fundamentals and shares),
computes the members' median trailing P/E on the as-of date, then each member's status with
that median, the breadth (share of members explosive -- PSY rejects now -- and share at the
``critical`` level), and the status of two baskets built from the members' adjusted closes:

* equal weight: every day, the mean simple return of the member equities that have a close
  that day and the session before (a return spanning a gap of more than five business days
  is left out); the index is 100 on the session before the first day with at least
  :data:`MIN_BASKET_MEMBERS` members' returns, and ends on the last day on which at least
  :data:`END_SHARE` (75%) of the members already started have a close (a tail carried by a
  few members whose data run longer would be another basket);
* cap weight (where shares are known): the same with weights close x shares outstanding in
  force (split-adjusted) on the session before, over the members with shares; members
  without shares are named.

:func:`ai_complex` lists the AI complex: the listed parties of the AI 2025-26 ledger
(``bubblewatch.episodes.ai2025``) plus the semiconductor index and the NASDAQ Composite,
mapped to store symbols, the missing ones named.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, InputError
from bubblewatch.results import Result, jsonable, make_metadata
from bubblewatch.status.asset import (
    LEVEL_COLOURS,
    AssetStatus,
    asset_status,
    parse_as_of,
    price_frame,
)
from bubblewatch.status.params import DEFAULT_PARAMS, LEVELS, StatusParams
from bubblewatch.status.valuation_signal import pe_reading
from bubblewatch.validation import (
    Anything,
    ArrayLike,
    Date,
    Instance,
    MappingOf,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "AI_INDICES",
    "MIN_BASKET_MEMBERS",
    "GroupMember",
    "GroupStatus",
    "ai_complex",
    "basket",
    "group_as_of",
    "group_status",
    "loop_figures",
    "pe_group_median",
]

#: a basket starts on the first day with at least this many members
MIN_BASKET_MEMBERS = 3
#: a basket ends on the last day when at least this share of its started members has a close
END_SHARE = 0.75
#: a member's return spanning more business days than this is left out of a basket
_MAX_RETURN_SPAN = 5
#: the AI complex's indices: label -> store names tried in order
AI_INDICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Semiconductor index (SOX)", ("SOX", "^SOX")),
    ("NASDAQ Composite", ("NASDAQ_COMPOSITE", "^IXIC")),
)


@dataclasses.dataclass(frozen=True)
class GroupMember:
    """A group member: its label (a ledger party), ticker and store symbol (None: missing)."""

    label: str
    ticker: str
    symbol: str | None
    kind: str = "equity"
    note: str = ""


def _store_symbol(ticker: str, available: set[str]) -> str | None:
    """The store name of ``ticker``: itself, its ``_LONG`` history, or a ``NAME_<ticker>`` file."""
    if ticker in available or f"{ticker}_LONG" in available:
        return ticker
    hits = sorted(s for s in available if s.endswith(f"_{ticker}"))
    return hits[0] if hits else None


@validate_params(available=Anything("an iterable of store symbols"))
def ai_complex(available: Iterable[str]) -> list[GroupMember]:
    """The AI complex's members mapped to the ``available`` store symbols.

    Examples
    --------
    >>> m = ai_complex({"NVDA", "ORCL_LONG", "SOFTBANK_9984.T", "SOX"})
    >>> [(x.ticker, x.symbol) for x in m if x.symbol][:3]
    [('NVDA', 'NVDA'), ('ORCL', 'ORCL'), ('9984.T', 'SOFTBANK_9984.T')]
    >>> next(x.note for x in m if x.ticker == "AMD")
    'not in the store'
    """
    from bubblewatch.episodes import ai2025

    have = set(available)
    parties = ai2025.ledger().parties
    out = []
    listed = parties[(parties["type"] == "listed") & parties["ticker"].astype(str).str.len().gt(0)]
    for name, row in listed.iterrows():
        t = str(row["ticker"])
        sym = _store_symbol(t, have)
        out.append(GroupMember(str(name), t, sym, "equity", "" if sym else "not in the store"))
    for label, names in AI_INDICES:
        sym = next(
            (n for n in names if n in have or any(s.startswith(f"{n}_") for s in have)), None
        )
        out.append(GroupMember(label, names[0], sym, "index", "" if sym else "not in the store"))
    return out


@validate_params(
    closes=MappingOf("a mapping symbol -> closes"),
    shares=[None, MappingOf("a mapping symbol -> shares outstanding")],
    name=Text(),
)
def basket(
    closes: Mapping[str, pd.Series],
    shares: Mapping[str, pd.Series] | None = None,
    *,
    name: str = "basket",
) -> pd.Series:
    """An index (100 on its first day) of the members' closes, equal- or cap-weighted.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3)
    >>> c = {k: pd.Series(v, index=idx) for k, v in
    ...      {"A": [1.0, 1.1, 1.21], "B": [2.0, 2.0, 2.0], "C": [1.0, 0.9, 0.9]}.items()}
    >>> basket(c).round(4).tolist()
    [100.0, 100.0, 103.3333]
    >>> basket(c).index[0].date().isoformat()
    '2024-01-01'
    """
    rets = {}
    for sym, s in closes.items():
        s = s.dropna()
        s = s[s > 0]
        if len(s) < 2:
            continue
        r = s.pct_change()
        span = np.array(
            [0] + [len(pd.bdate_range(a, b)) - 1 for a, b in zip(s.index[:-1], s.index[1:])]
        )
        r[span > _MAX_RETURN_SPAN] = np.nan
        rets[sym] = r
    if not rets:
        raise InputError(f"{name}: no member has two closes")
    R = pd.DataFrame(rets).sort_index()
    # the basket ends on the last day on which most members (END_SHARE of those already
    # started) still have a close: a tail carried by a few members is another basket
    have = pd.DataFrame({k: v.reindex(R.index) for k, v in closes.items() if k in rets}).notna()
    started = have.cummax().sum(axis=1)
    full = have.sum(axis=1) >= END_SHARE * started
    if full.any():
        R = R.loc[: full[full].index[-1]]
    if shares is not None:
        from bubblewatch.market.shares import shares_in_force

        caps = {}
        for sym in R.columns:
            if sym in shares:
                px = closes[sym].reindex(R.index)
                caps[sym] = px * shares_in_force(shares[sym], pd.DatetimeIndex(R.index))
        W = pd.DataFrame(caps).reindex(columns=R.columns).shift(1)
        W = W.where(R.notna())
        W = W.div(W.sum(axis=1), axis=0)
        n = W.notna().sum(axis=1)
        r = (R * W).sum(axis=1, min_count=1)
    else:
        n = R.notna().sum(axis=1)
        r = R.mean(axis=1)
    ok = n >= MIN_BASKET_MEMBERS
    if not ok.any():
        raise InputError(f"{name}: never {MIN_BASKET_MEMBERS} members with returns on the same day")
    pos = int(np.argmax(ok.to_numpy()))
    r = r.iloc[pos:].fillna(0.0)
    base = R.index[pos - 1] if pos > 0 else R.index[0]
    level = pd.concat([pd.Series([100.0], index=[base]), 100.0 * (1.0 + r).cumprod()])
    level = level[~level.index.duplicated(keep="first")]
    level.name = name
    return level


@dataclasses.dataclass(frozen=True)
class GroupStatus(Result):
    """A group's status (see :func:`group_status`)."""

    name: str
    as_of: pd.Timestamp
    members: tuple[AssetStatus, ...]
    labels: Mapping[str, str]
    missing: tuple[tuple[str, str], ...]
    breadth: Mapping[str, Any]
    pe_group_median: float
    equal_weight: AssetStatus | None
    cap_weight: AssetStatus | None
    basket_notes: tuple[str, ...]
    loop: Mapping[str, Any] | None
    params: StatusParams

    def summary(self) -> str:
        b = self.breadth
        lines = [
            f"{self.name} on {self.as_of.date()}: {b['n']} members; explosive "
            f"{b['share_explosive']:.0%}, critical {b['share_critical']:.0%}; levels "
            + ", ".join(f"{lv} {b['levels'][lv]}" for lv in LEVELS if b["levels"][lv])
        ]
        if math.isfinite(self.pe_group_median):
            lines.append(f"  median trailing P/E of the members: {self.pe_group_median:.1f}")
        for s in self.members:
            lines.append(f"  {self.labels.get(s.symbol, s.symbol):<28} {s.symbol:<22} {s.level}")
        for label, st in (
            ("equal-weight basket", self.equal_weight),
            ("cap-weight basket", self.cap_weight),
        ):
            if st is not None:
                lines.append(f"  {label:<28} {'':<22} {st.level}")
        for n in self.basket_notes:
            lines.append(f"  note: {n}")
        for label, why in self.missing:
            lines.append(f"  missing: {label} ({why})")
        if self.loop:
            lines.append(
                f"  capital loop ({self.loop['ledger']}): {self.loop['n_cycles']} cycles, "
                f"{self.loop['circular_share']:.0%} of gross flows can circulate"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for s in [*self.members, *(x for x in (self.equal_weight, self.cap_weight) if x)]:
            rows.append({"label": self.labels.get(s.symbol, s.symbol), **s.headline()})
        return pd.DataFrame(rows)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        df = self.to_frame()
        fig = go.Figure(
            go.Bar(
                x=df["label"],
                y=[LEVELS.index(v) for v in df["level"]],
                marker_color=[LEVEL_COLOURS[v] for v in df["level"]],
                text=df["level"],
            )
        )
        fig.update_layout(title=f"{self.name}: status per member on {self.as_of.date()}")
        fig.update_yaxes(tickvals=list(range(len(LEVELS))), ticktext=list(LEVELS))
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.name,
            "as_of": self.as_of.date().isoformat(),
            "breadth": jsonable(dict(self.breadth)),
            "pe_group_median": jsonable(self.pe_group_median),
            "members": [
                {"label": self.labels.get(s.symbol, s.symbol), **s.to_dict()} for s in self.members
            ],
            "missing": [{"label": a, "reason": b} for a, b in self.missing],
            "baskets": {
                "equal_weight": None if self.equal_weight is None else self.equal_weight.to_dict(),
                "cap_weight": None if self.cap_weight is None else self.cap_weight.to_dict(),
                "notes": list(self.basket_notes),
            },
            "loop": jsonable(self.loop),
            "params": self.params.to_dict(),
        }


@validate_params(
    members=MappingOf("a mapping symbol -> prices"),
    as_of=Date(),
    fundamentals=[None, MappingOf()],
    shares=[None, MappingOf()],
    params=Instance(StatusParams),
    name=Text(),
    labels=[None, MappingOf()],
    kinds=[None, MappingOf()],
    missing=ArrayLike(what="a sequence of (label, reason) pairs"),
    cape=[None, SeriesLike()],
    loop=[None, MappingOf()],
)
def group_status(
    members: Mapping[str, Any],
    *,
    as_of: Any,
    fundamentals: Mapping[str, pd.DataFrame | None] | None = None,
    shares: Mapping[str, pd.Series | None] | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    name: str = "group",
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    missing: Sequence[tuple[str, str]] = (),
    cape: pd.Series | None = None,
    loop: Mapping[str, Any] | None = None,
) -> GroupStatus:
    """The status of every member of a group on ``as_of``, its breadth and its baskets.

    Parameters
    ----------
    members : mapping symbol -> prices
        Each member's prices as :func:`~bubblewatch.status.asset_status` takes them
        (a ResolvedHistory names its sources).
    as_of : date-like
    fundamentals, shares : mapping symbol -> frame / series, optional
        Fundamentals for the P/E (members without them say "no fundamentals") and shares
        outstanding for the cap-weighted basket.
    params : StatusParams
    name : str
        The group's name in the output.
    labels, kinds : mapping symbol -> str, optional
        Display names (ledger parties) and kinds (``index`` members get the CAPE and stay
        out of the baskets).
    missing : sequence of (label, reason)
        Members that could not be read (named in the output, never dropped silently).
    cape : Series, optional
        Monthly CAPE for index-level members.
    loop : mapping, optional
        The capital loop's figures shown beside the market ones.
    """
    when = parse_as_of(as_of)
    if not members:
        raise InputError(
            f"{name}: no member has prices; missing: {', '.join(m[0] for m in missing)}"
        )
    fundamentals = fundamentals or {}
    shares = shares or {}
    kinds = kinds or {}
    labels = dict(labels or {})
    median = pe_group_median(members, fundamentals, when)
    statuses = []
    gone = list(missing)
    for sym, prices in members.items():
        try:
            statuses.append(
                asset_status(
                    prices,
                    as_of=when,
                    fundamentals=fundamentals.get(sym),
                    params=params,
                    symbol=sym,
                    cape=cape if kinds.get(sym) == "index" else None,
                    group_pe_median=median,
                )
            )
        except BubblewatchError as exc:
            gone.append((labels.get(sym, sym), str(exc)))
    n = len(statuses)
    counts = {lv: sum(s.level == lv for s in statuses) for lv in LEVELS}
    breadth = {
        "n": n,
        "share_explosive": (sum(bool(s.psy.explosive) for s in statuses) / n) if n else math.nan,
        "share_critical": (counts["critical"] / n) if n else math.nan,
        "levels": counts,
    }
    equities = {s: p for s, p in members.items() if kinds.get(s, "equity") != "index"}
    closes = {s: price_frame(p)["close"] for s, p in equities.items()}
    closes = {s: c[c.index <= when] for s, c in closes.items()}
    notes: list[str] = []
    ew = cw = None
    bparams = params.replace(trust=False)
    try:
        ew = asset_status(
            basket(closes, name="equal-weight"),
            as_of=when,
            params=bparams,
            symbol=f"{name}:equal-weight",
        )
        notes.append(f"equal-weight basket of {len(closes)} equities: " + ", ".join(closes))
    except BubblewatchError as exc:
        notes.append(f"no equal-weight basket: {exc}")
    with_shares = {s: shares[s] for s in closes if shares.get(s) is not None}
    lacking = [s for s in closes if s not in with_shares]
    if len(with_shares) >= MIN_BASKET_MEMBERS:
        try:
            cw = asset_status(
                basket({s: closes[s] for s in with_shares}, with_shares, name="cap-weight"),  # type: ignore[arg-type]
                as_of=when,
                params=bparams,
                symbol=f"{name}:cap-weight",
            )
            notes.append(
                f"cap-weight basket of the {len(with_shares)} members with shares outstanding"
                + (f"; without shares: {', '.join(lacking)}" if lacking else "")
            )
        except BubblewatchError as exc:
            notes.append(f"no cap-weight basket: {exc}")
    else:
        notes.append(
            f"no cap-weight basket: shares outstanding known for {len(with_shares)} members "
            f"({', '.join(with_shares) or 'none'}), needs {MIN_BASKET_MEMBERS}"
        )
    return GroupStatus(
        metadata=make_metadata(
            {"group": name, "as_of": when.date().isoformat(), "members": list(members)},
            data_vintage=when.date().isoformat(),
            seed=params.cv_seed,
        ),
        name=name,
        as_of=when,
        members=tuple(statuses),
        labels=labels,
        missing=tuple(gone),
        breadth=breadth,
        pe_group_median=math.nan if median is None else median,
        equal_weight=ew,
        cap_weight=cw,
        basket_notes=tuple(notes),
        loop=loop,
        params=params,
    )


@validate_params(
    members=MappingOf("a mapping symbol -> prices"),
    fundamentals=MappingOf("a mapping symbol -> fundamentals frame or None"),
    when=Date(),
)
def pe_group_median(
    members: Mapping[str, Any],
    fundamentals: Mapping[str, pd.DataFrame | None],
    when: Any,
) -> float | None:
    """The median point-in-time trailing P/E of the members on ``when`` (positive P/Es
    only; None with fewer than two), the group median :func:`asset_status` compares with."""
    when = parse_as_of(when)
    pes = []
    for sym, prices in members.items():
        close = price_frame(prices)["close"]
        pe, *_ = pe_reading(fundamentals.get(sym), close, when, sym)
        if math.isfinite(pe) and pe > 0:
            pes.append(pe)
    return float(np.median(pes)) if len(pes) >= 2 else None


@validate_params(last_dates=Anything("the members' last dates"))
def group_as_of(last_dates: Sequence[Any]) -> pd.Timestamp:
    """The default date of a group status: the latest date up to which at least
    :data:`END_SHARE` of the members have data (the others are then flagged stale).

    >>> group_as_of(pd.to_datetime(["2026-02-27"] * 3 + ["2026-08-20"])).date()
    datetime.date(2026, 2, 27)
    """
    ends = sorted((pd.Timestamp(d) for d in last_dates), reverse=True)
    if not ends:
        raise InputError("no member has data")
    return ends[math.ceil(END_SHARE * len(ends)) - 1]


@validate_params()
def loop_figures() -> dict[str, Any]:
    """The AI ledger's loop figures shown beside the market ones (cycles, circulation, cover)."""
    from bubblewatch.episodes import ai2025
    from bubblewatch.network.loops import loop_analysis

    res = loop_analysis(ai2025.ledger())
    cover = res.cover
    return {
        "ledger": "ai2025",
        "n_cycles": len(res.cycles),
        "largest_cycles": [list(c.parties) for c in res.cycles[:5]],
        "gross_usd": res.gross_usd,
        "circular_share": res.circular_share,
        "commitment_cover": [
            {"party": str(party), "committed_usd": r.committed_usd, "cover": r.cover}
            for party, r in zip(cover.index, cover.itertuples(index=False))
        ],
        "command": "bubblewatch network show",
    }
