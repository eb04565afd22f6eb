"""The deals ledger: who committed what to whom, and which way the money goes.

A :class:`Ledger` holds two tables (validated by :mod:`bubblewatch.data.ledger_io`):

* ``deals``: one row per deal or deal revision (columns :data:`DEAL_COLUMNS`);
* ``parties``: one row per party (columns :data:`PARTY_COLUMNS`).

Direction convention: ``from_party`` is always the party whose money (or value) moves,
``to_party`` the party that receives it. :data:`DIRECTIONS` says for each deal kind which
way cash goes *now* (at signing) and *later* (over the horizon), and who books revenue.
The loop analytics use the *gross* graph: one edge ``from -> to`` per active deal, weighted by
its headline USD amount (see :meth:`Ledger.flows`).

Amount convention: a deal has either a point ``amount_usd`` or a range
``amount_low_usd``/``amount_high_usd`` (either end may be blank). The value used by the
analytics (:meth:`Ledger.deal_values`) is the point, else the midpoint of the range, else
whichever end is given, else NaN (amount undisclosed; the edge still exists).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bubblewatch.data.ledger_schema import (
    COMMITMENT_KINDS,
    CONDITIONALITY,
    DEAL_COLUMNS,
    DIRECTIONS,
    FINANCING_KINDS,
    KINDS,
    PARTY_COLUMNS,
    PARTY_TYPES,
    REVENUE_KINDS,
    STATUSES,
    Direction,
)
from bubblewatch.errors import InputError

__all__ = [
    "COMMITMENT_KINDS",
    "CONDITIONALITY",
    "DEAL_COLUMNS",
    "DIRECTIONS",
    "FINANCING_KINDS",
    "KINDS",
    "PARTY_COLUMNS",
    "PARTY_TYPES",
    "REVENUE_KINDS",
    "STATUSES",
    "Direction",
    "Ledger",
]


@dataclasses.dataclass(frozen=True)
class Ledger:
    """A validated deals ledger (build it with :meth:`Ledger.from_frames` on the frames of
    :func:`bubblewatch.data.ledger_io.read_ledger_frames`
    or :meth:`from_frames`).

    Attributes
    ----------
    deals : pandas.DataFrame
        One row per deal (columns :data:`DEAL_COLUMNS`), indexed 0..n-1.
    parties : pandas.DataFrame
        One row per party (columns :data:`PARTY_COLUMNS`), indexed by ``name``. Every
        party named in ``deals`` appears here (missing ones are added with blank figures).
    name : str
        A label (e.g. ``"ai2025"``).

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": ["D1", "D2"], "from_party": ["A", "B"],
    ...     "to_party": ["B", "A"], "kind": ["equity_investment", "cloud_contract"],
    ...     "amount_usd": [10.0, 30.0], "status": ["announced", "announced"],
    ...     "source": ["S1", "S2"]})
    >>> led = Ledger.from_frames(deals)
    >>> led.flows()
      from_party to_party  amount_usd  n_deals
    0          A        B        10.0        1
    1          B        A        30.0        1
    """

    deals: pd.DataFrame
    parties: pd.DataFrame
    name: str = "ledger"

    @classmethod
    def from_frames(
        cls, deals: pd.DataFrame, parties: pd.DataFrame | None = None, name: str = "ledger"
    ) -> Ledger:
        """Build a ledger from in-memory tables, filling absent optional columns with blanks.

        Raises
        ------
        InputError
            When a required column is missing or a kind/status is unknown.
        """
        d = deals.copy().reset_index(drop=True)
        for col in ("deal_id", "from_party", "to_party", "kind", "status", "source"):
            if col not in d.columns:
                raise InputError(f"deals table lacks the required column {col!r}")
        for col in DEAL_COLUMNS:
            if col not in d.columns:
                d[col] = np.nan if col.endswith(("_usd", "gw", "years")) else ""
        for col in ("amount_usd", "amount_low_usd", "amount_high_usd", "gw", "horizon_years"):
            d[col] = pd.to_numeric(d[col], errors="raise").astype(float)
        for col in DEAL_COLUMNS:
            if not (col.endswith(("_usd", "gw", "years"))):
                d[col] = d[col].fillna("").astype(str)
        bad = sorted(set(d["kind"]) - set(KINDS))
        if bad:
            raise InputError(f"unknown deal kind(s) {bad}; expected one of {list(KINDS)}")
        bad = sorted(set(d["status"]) - set(STATUSES))
        if bad:
            raise InputError(f"unknown status(es) {bad}; expected one of {list(STATUSES)}")
        d = d.loc[:, list(DEAL_COLUMNS)]
        names = list(dict.fromkeys([*d["from_party"], *d["to_party"]]))
        if parties is None:
            p = pd.DataFrame({"name": names})
        else:
            p = parties.copy().reset_index(drop=parties.index.name != "name")
            if "name" not in p.columns:
                raise InputError("parties table lacks the required column 'name'")
            extra = [n for n in names if n not in set(p["name"])]
            if extra:
                p = pd.concat([p, pd.DataFrame({"name": extra})], ignore_index=True)
        for col in PARTY_COLUMNS:
            if col not in p.columns:
                p[col] = np.nan if col.endswith("_usd") else ""
        for col in ("revenue_usd", "value_usd", "cash_usd", "debt_usd"):
            p[col] = pd.to_numeric(p[col], errors="raise").astype(float)
        for col in PARTY_COLUMNS:
            if not col.endswith("_usd"):
                p[col] = p[col].fillna("").astype(str)
        p = p.loc[:, list(PARTY_COLUMNS)].set_index("name", drop=False)
        p.index.name = None
        return cls(deals=d, parties=p, name=name)

    # ------------------------------------------------------------------ views
    @property
    def party_names(self) -> list[str]:
        """Party names in table order (the node order of every matrix)."""
        return list(self.parties["name"])

    def deal_values(self) -> pd.Series:
        """USD value used for each deal: point, else midpoint of the range, else either end.

        NaN when no amount is disclosed (e.g. a GW-only deal).
        """
        d = self.deals
        lo, hi = d["amount_low_usd"], d["amount_high_usd"]
        mid = (lo + hi) / 2.0
        out = d["amount_usd"].copy()
        out = out.where(out.notna(), mid)
        out = out.where(out.notna(), lo)
        out = out.where(out.notna(), hi)
        return out.rename("value_usd")

    def active(self) -> pd.DataFrame:
        """Deals that stand (status not ``replaced``), with their ``value_usd``."""
        d = self.deals.assign(value_usd=self.deal_values())
        return d.loc[d["status"] != "replaced"].copy()

    def flows(self, kinds: frozenset[str] | set[str] | None = None) -> pd.DataFrame:
        """Gross flows between parties: active deals summed per ``from -> to`` pair.

        ``amount_usd`` is NaN when no deal on that edge discloses an amount.

        Parameters
        ----------
        kinds : set of str, optional
            Keep only these deal kinds (default: all).
        """
        a = self.active()
        if kinds is not None:
            a = a.loc[a["kind"].isin(kinds)]
        if a.empty:
            return pd.DataFrame(columns=["from_party", "to_party", "amount_usd", "n_deals"])
        g = a.groupby(["from_party", "to_party"], sort=False)["value_usd"]
        out = pd.DataFrame(
            {"amount_usd": g.sum(min_count=1), "n_deals": g.size().astype(int)}
        ).reset_index()
        return out

    def matrix(
        self, kinds: frozenset[str] | set[str] | None = None, *, unknown: float = 0.0
    ) -> sp.csr_matrix:
        """Sparse ``n x n`` matrix of gross flows (row pays column), in :attr:`party_names` order.

        Edges whose amount is undisclosed get ``unknown`` (default 0).
        """
        f = self.flows(kinds)
        idx = {n: i for i, n in enumerate(self.party_names)}
        n = len(idx)
        if f.empty:
            return sp.csr_matrix((n, n))
        rows = f["from_party"].map(idx).to_numpy()
        cols = f["to_party"].map(idx).to_numpy()
        vals = f["amount_usd"].fillna(unknown).to_numpy(dtype=float)
        return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))

    def sources(self) -> pd.Series:
        """The source of every deal, indexed by deal id."""
        return self.deals.set_index("deal_id")["source"]
