"""The deals-ledger format: the vocabulary of deal kinds, statuses, party types and columns.

This is the format's definition (like :mod:`bubblewatch.data.schema` for the store): the
reader (:mod:`bubblewatch.data.ledger_io`) validates files against it and the model
(:mod:`bubblewatch.network.ledger`) builds on it. :data:`DIRECTIONS` says for each deal kind
which way cash goes *now* (at signing) and *later* (over the horizon), and who books revenue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

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
]


@dataclasses.dataclass(frozen=True)
class Direction:
    """Which way money moves for a deal kind, relative to ``from_party -> to_party``.

    Attributes
    ----------
    now : {"forward", "none"}
        Cash (or, for warrants, value) moving at signing.
    later : {"forward", "reverse", "none"}
        Cash moving over the horizon: ``forward`` (payments from -> to, e.g. a cloud bill),
        ``reverse`` (repayment to -> from, e.g. a loan).
    revenue : {"to", "none"}
        Whether the payments are revenue (and backlog) of ``to_party``.
    cash : bool
        False when nothing is paid in cash (a warrant transfers equity value).
    """

    now: Literal["forward", "none"]
    later: Literal["forward", "reverse", "none"]
    revenue: Literal["to", "none"]
    cash: bool = True


#: deal kinds and their money direction (``from_party`` pays / gives, ``to_party`` receives)
DIRECTIONS: Mapping[str, Direction] = {
    # investor -> investee: cash now; returns are dividends / value, not revenue
    "equity_investment": Direction(now="forward", later="none", revenue="none"),
    # buyer -> vendor: nothing (or a prepayment) now, payments later = vendor's revenue
    "purchase_commitment": Direction(now="none", later="forward", revenue="to"),
    # customer -> cloud provider: payments over the contract = provider's revenue / backlog
    "cloud_contract": Direction(now="none", later="forward", revenue="to"),
    # buyer -> chip supplier: payments on delivery = supplier's revenue
    "chip_supply": Direction(now="none", later="forward", revenue="to"),
    # grantor -> holder: equity value now (no cash); vests against later purchases
    "warrant": Direction(now="forward", later="none", revenue="none", cash=False),
    # lender -> borrower: cash now, repaid (to -> from) later
    "debt": Direction(now="forward", later="reverse", revenue="none"),
    # partner -> joint venture: capital contributed over the build-out
    "jv_capital": Direction(now="forward", later="none", revenue="none"),
    # licensee -> licensor: fee = licensor's revenue
    "licence": Direction(now="forward", later="none", revenue="to"),
}
KINDS: tuple[str, ...] = tuple(DIRECTIONS)
#: kinds whose payments are the receiver's revenue and backlog
REVENUE_KINDS: frozenset[str] = frozenset(k for k, d in DIRECTIONS.items() if d.revenue == "to")
#: kinds that are future payment obligations of ``from_party`` (its commitments)
COMMITMENT_KINDS: frozenset[str] = frozenset(
    {"purchase_commitment", "cloud_contract", "chip_supply"}
)
#: kinds by which ``from_party`` finances ``to_party``
FINANCING_KINDS: frozenset[str] = frozenset({"equity_investment", "warrant", "debt", "jv_capital"})
STATUSES: tuple[str, ...] = ("announced", "revised", "replaced", "completed")
CONDITIONALITY: tuple[str, ...] = ("binding", "LOI", "conditional", "talks", "unknown")
PARTY_TYPES: tuple[str, ...] = (
    "listed",
    "private",
    "jv",
    "spv",
    "government",
    "investors",
)

DEAL_COLUMNS: tuple[str, ...] = (
    "deal_id",
    "announced",
    "from_party",
    "to_party",
    "kind",
    "amount_usd",
    "amount_low_usd",
    "amount_high_usd",
    "gw",
    "horizon_years",
    "conditionality",
    "status",
    "replaced_by",
    "source",
    "notes",
)
PARTY_COLUMNS: tuple[str, ...] = (
    "name",
    "ticker",
    "type",
    "revenue_usd",
    "revenue_as_of",
    "revenue_source",
    "value_usd",
    "value_kind",
    "value_as_of",
    "value_source",
    "cash_usd",
    "cash_as_of",
    "cash_source",
    "debt_usd",
    "debt_as_of",
    "debt_source",
    "notes",
)
