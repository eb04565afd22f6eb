"""Stress scenarios on a deals ledger and the valuation-financing spiral they set off.

Scenarios (combinable):

* ``shock=X, honour=f``: party X pays only a fraction ``f`` of what it still owes under the
  ledger (every standing, not completed deal from X);
* ``markdown=k``: private valuations (``value_kind == "private"``) are marked down by ``k``;
* ``rate_bp=N``: rates move by ``N`` basis points; each party's extra interest bill
  (``debt x N / 10,000``, with debt from the parties table plus its ledger borrowing) is a
  loss of annual income (a cut, ``N < 0``, is a relief and sets off no spiral).

The spiral (the articles' loop run backwards, DIGEST S2-13): a party that loses annual
revenue loses market value at its current multiple, ``d_i = lost revenue_i / base_i``
(``base_i`` = annual revenue from the parties table; where there is none and ``proxy_base``
is on, the party's annualised ledger revenue, an upper bound flagged ``base = "ledger"``);
lower value means less equity and debt capacity, so it cuts its own outstanding purchases and
investments by ``pass_through x d_i``. Financing it no longer receives opens a funding gap
``g_i`` (lost annual financing / what it pays out each year) that cuts its spending one for
one. That cuts its counterparties' inflows, and so on. With ``c`` the fraction of each party's
outgoing flows not honoured::

    c(0)   = shock
    c(k+1) = max(c(0), min(1, pass_through * d(c(k)) + g(c(k))))
    d(c)   = min(1, (A_rev^T c) / base + markdown + rate drag)
    g(c)   = min(1, (A_fin^T c) / annual outflows)

where ``A[j, i]`` is the annualised USD ``j`` still owes ``i`` (amount / horizon; deals without
a horizon use ``default_horizon``; completed deals owe nothing more). ``c`` rises
monotonically to the least fixed point above the shock; every round is reported. All
matrices are ``scipy.sparse``.

Outputs per party: total inflow lost, backlog at risk (multi-year contracted revenue lost),
revenue at risk (per year), financing at risk, value drop, and the implied market-value loss
``d_i x value_i`` (= the lost annual revenue times the party's value/revenue multiple; NaN
where the ledger has no value figure).

Model limits: linear pass-through, no new deals, no price effects on chip supply; the size of
the spiral depends on ``pass_through`` (1 = purchases fall in proportion to value).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bubblewatch.errors import InputError, NotFoundError
from bubblewatch.network.ledger import COMMITMENT_KINDS, FINANCING_KINDS, REVENUE_KINDS, Ledger
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, Bool, Instance, Integer, Real, Text, validate_params

__all__ = ["LedgerStress", "StressResult", "stress_ledger"]


@dataclasses.dataclass(frozen=True)
class LedgerStress(Result):
    """Losses per party and the spiral's rounds (see :func:`stress_ledger`).

    Attributes
    ----------
    scenario : dict
        The scenario's parameters.
    parties : pandas.DataFrame
        Per party: ``cut`` (share of own outgoing flows not honoured), ``loss_usd``,
        ``backlog_at_risk_usd``, ``revenue_at_risk_usd`` (per year), ``financing_at_risk_usd``,
        ``value_drop``, ``value_usd``, ``multiple``, ``value_loss_usd``, ``direct_loss_usd``
        (round 1), ``base`` (``revenue`` or ``ledger`` proxy).
    rounds : pandas.DataFrame
        Per round: flows lost (USD, cumulative and new), implied value loss, parties cutting.
    converged : bool
    """

    scenario: dict[str, Any]
    parties: pd.DataFrame
    rounds: pd.DataFrame
    converged: bool

    @property
    def total_loss_usd(self) -> float:
        return float(self.parties["loss_usd"].sum())

    @property
    def direct_loss_usd(self) -> float:
        return float(self.parties["direct_loss_usd"].sum())

    def summary(self) -> str:
        sc = self.scenario
        what = []
        if sc["shock"]:
            what.append(f"{', '.join(sc['shock'])} honours {sc['honour']:.0%} of its commitments")
        if sc["markdown"]:
            what.append(f"private valuations marked down {sc['markdown']:.0%}")
        if sc["rate_bp"]:
            what.append(f"rates {sc['rate_bp']:+g} bp")
        lines = [
            f"Stress on {sc['ledger']!r}: " + ("; ".join(what) or "no shock"),
            f"Flows lost: USD {self.direct_loss_usd / 1e9:,.1f}B directly, "
            f"USD {self.total_loss_usd / 1e9:,.1f}B after the spiral "
            f"({len(self.rounds)} round(s){'' if self.converged else ', NOT converged'}; "
            f"pass-through {sc['pass_through']:g})",
        ]
        if (self.parties["base"] == "ledger").any():
            lines.append(
                "  (value drops marked base=ledger are measured against the party's ledger "
                "revenue, for want of a revenue figure: an upper bound)"
            )
        rounds = list(self.rounds.itertuples())
        shown = rounds if len(rounds) <= 10 else [*rounds[:8], rounds[-1]]
        for r in shown:
            if len(rounds) > 10 and r is rounds[-1]:
                lines.append("  ...")
            lines.append(
                f"  round {r.round}: +USD {r.new_loss_usd / 1e9:,.2f}B flows lost, "
                f"{r.parties_cutting} parties cutting, implied value loss "
                f"USD {r.value_loss_usd / 1e9:,.1f}B"
            )
        df = self.parties.loc[self.parties["loss_usd"] > 0].sort_values("loss_usd", ascending=False)
        if not df.empty:
            show = df[
                [
                    "loss_usd",
                    "backlog_at_risk_usd",
                    "revenue_at_risk_usd",
                    "value_drop",
                    "value_loss_usd",
                    "cut",
                    "base",
                ]
            ].copy()
            for c in ("loss_usd", "backlog_at_risk_usd", "revenue_at_risk_usd", "value_loss_usd"):
                show[c] = (show[c] / 1e9).round(2)
            show = show.rename(columns=lambda c: c.replace("_usd", "_usd_bn"))
            lines.append(show.head(20).to_string())
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.parties.copy()

    def plot(self) -> Any:
        from bubblewatch.network.figures import waterfall_figure

        labels = ["direct" if r == 1 else f"round {r}" for r in self.rounds["round"]]
        return waterfall_figure(
            labels,
            self.rounds["new_loss_usd"].tolist(),
            "Stress: flows lost by round of the valuation-financing spiral",
        )

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and math.isnan(v) else v

        return {
            "scenario": self.scenario,
            "direct_loss_usd": self.direct_loss_usd,
            "total_loss_usd": self.total_loss_usd,
            "converged": self.converged,
            "rounds": [{k: clean(v) for k, v in r.items()} for r in self.rounds.to_dict("records")],
            "parties": {
                str(p): {k: clean(v) for k, v in row.items()}
                for p, row in self.parties.to_dict("index").items()
            },
            "metadata": self.metadata.to_dict(),
        }


def _sparse(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int) -> sp.csr_matrix:
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
    shock=[None, Text(), ArrayLike(what="party names")],
    honour=Real(),
    markdown=Real(),
    rate_bp=Real(),
    pass_through=Real(),
    default_horizon=Real(),
    proxy_base=Bool(),
    max_rounds=Integer(min=1),
    tol=Real(min=0, min_open=True),
)
def stress_ledger(
    ledger: Ledger,
    *,
    shock: str | Sequence[str] | None = None,
    honour: float = 1.0,
    markdown: float = 0.0,
    rate_bp: float = 0.0,
    pass_through: float = 1.0,
    default_horizon: float = 5.0,
    proxy_base: bool = True,
    max_rounds: int = 200,
    tol: float = 1e-10,
) -> LedgerStress:
    """Run a stress scenario and the valuation-financing spiral on a ledger.

    Parameters
    ----------
    ledger : Ledger
    shock : str or list of str, optional
        Parties that honour only ``honour`` of what they owe.
    honour : float in [0, 1]
    markdown : float in [0, 1]
        Markdown of private valuations.
    rate_bp : float
        Rate move in basis points.
    pass_through : float >= 0
        Fraction of a value drop passed on as cuts to own purchases and investments.
    default_horizon : float > 0
        Years over which deals without a horizon are paid.
    proxy_base : bool
        For parties without a revenue figure, measure value drops against their annualised
        ledger revenue (an upper bound: the ledger holds only part of their business).
        With False such parties absorb their losses without passing them on, and their
        value drop is reported as unknown (NaN).
    max_rounds : int
    tol : float
        Stop when no cut rises by more than ``tol``.

    Returns
    -------
    LedgerStress

    Examples
    --------
    >>> from bubblewatch.episodes import ai2025
    >>> res = stress_ledger(ai2025.ledger(), shock="OpenAI", honour=0.4)
    >>> float(res.parties.loc["Oracle", "backlog_at_risk_usd"]) / 1e9  # 60% of USD 300B
    180.0
    """
    names = ledger.party_names
    n = len(names)
    idx = {nm: i for i, nm in enumerate(names)}
    shocked = [shock] if isinstance(shock, str) else list(shock or [])
    for s in shocked:
        if s not in idx:
            raise NotFoundError(f"party {s!r} is not in the ledger; known parties: {names}")
    for label, x, lo, hi in (
        ("honour", honour, 0.0, 1.0),
        ("markdown", markdown, 0.0, 1.0),
        ("pass_through", pass_through, 0.0, math.inf),
    ):
        if not (lo <= x <= hi):
            raise InputError(f"{label} must lie in [{lo}, {hi}], got {x}")
    if not default_horizon > 0:
        raise InputError("default_horizon must be > 0 years")
    if not math.isfinite(rate_bp):
        raise InputError("rate_bp must be finite")

    a = ledger.active()
    a = a.loc[(a["status"] != "completed") & a["value_usd"].notna()].copy()
    a["horizon"] = a["horizon_years"].fillna(default_horizon)
    r = a["from_party"].map(idx).to_numpy()
    c_ = a["to_party"].map(idx).to_numpy()
    v = a["value_usd"].to_numpy(float)
    ann = v / a["horizon"].to_numpy(float)
    kinds = a["kind"].to_numpy()
    is_rev = np.isin(kinds, list(REVENUE_KINDS))
    is_backlog = np.isin(kinds, list(COMMITMENT_KINDS))
    is_fin = np.isin(kinds, list(FINANCING_KINDS))
    A_tot = _sparse(r, c_, v, n)
    A_ann = _sparse(r, c_, ann, n)
    A_rev_ann = _sparse(r[is_rev], c_[is_rev], ann[is_rev], n)
    A_backlog = _sparse(r[is_backlog], c_[is_backlog], v[is_backlog], n)
    A_fin = _sparse(r[is_fin], c_[is_fin], v[is_fin], n)
    AT_tot = A_tot.T.tocsr()

    p = ledger.parties
    revenue = p["revenue_usd"].to_numpy(float)
    value = p["value_usd"].to_numpy(float)
    rev_in = np.asarray(A_rev_ann.sum(axis=0)).ravel()
    has_rev = np.isfinite(revenue) & (revenue > 0)
    if proxy_base:
        base = np.where(has_rev, revenue, rev_in)
        base_kind = np.where(has_rev, "revenue", np.where(rev_in > 0, "ledger", "none"))
    else:
        base = np.where(has_rev, revenue, 0.0)
        base_kind = np.where(has_rev, "revenue", "none")
    inv_base = np.divide(1.0, base, out=np.zeros(n), where=base > 0)
    out_ann = np.asarray(A_ann.sum(axis=1)).ravel()
    inv_out = np.divide(1.0, out_ann, out=np.zeros(n), where=out_ann > 0)
    A_fin_ann = _sparse(r[is_fin], c_[is_fin], ann[is_fin], n)
    AT_rev_ann, AT_fin_ann = A_rev_ann.T.tocsr(), A_fin_ann.T.tocsr()

    d_mark = np.where(p["value_kind"].to_numpy() == "private", markdown, 0.0)
    debt = np.nan_to_num(p["debt_usd"].to_numpy(float))
    borrowed = a.loc[a["kind"] == "debt"].groupby("to_party")["value_usd"].sum()
    for nm, x in borrowed.items():
        debt[idx[str(nm)]] += float(x)
    d_rate = np.maximum(0.0, debt * rate_bp / 1e4) * inv_base

    c0 = np.zeros(n)
    for s in shocked:
        c0[idx[s]] = 1.0 - honour
    has_out = out_ann > 0

    def value_drop(c: np.ndarray) -> np.ndarray:
        # lost annual revenue at the party's multiple, plus markdown and the interest drag
        return np.minimum(1.0, (AT_rev_ann @ c) * inv_base + d_mark + d_rate)

    def funding_gap(c: np.ndarray) -> np.ndarray:
        # financing not received, as a share of what the party pays out each year
        return np.minimum(1.0, (AT_fin_ann @ c) * inv_out)

    def step(c: np.ndarray) -> np.ndarray:
        cut = np.minimum(1.0, pass_through * value_drop(c) + funding_gap(c))
        return np.where(has_out, np.maximum(c0, cut), 0.0)

    def implied_value_loss(d: np.ndarray) -> float:
        return float(np.nansum(d * value))

    # round 1: the shock itself (plus the direct value effects of a markdown or rate move)
    c = np.where(has_out, c0, 0.0)
    direct_loss = AT_tot @ c
    rows = [
        {
            "round": 1,
            "loss_usd": float(direct_loss.sum()),
            "new_loss_usd": float(direct_loss.sum()),
            "value_loss_usd": implied_value_loss(value_drop(c)),
            "parties_cutting": int((c > 0).sum()),
        }
    ]
    converged = False
    for k in range(2, max_rounds + 2):
        nxt = step(c)
        if np.abs(nxt - c).max() <= tol:
            converged = True
            break
        c = nxt
        loss = float((AT_tot @ c).sum())
        rows.append(
            {
                "round": k,
                "loss_usd": loss,
                "new_loss_usd": loss - rows[-1]["loss_usd"],
                "value_loss_usd": implied_value_loss(value_drop(c)),
                "parties_cutting": int((c > 0).sum()),
            }
        )
    d = np.where(base > 0, value_drop(c), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple = np.where(
            has_rev & np.isfinite(value), value / np.where(has_rev, revenue, 1.0), np.nan
        )
    parties = pd.DataFrame(
        {
            "cut": c,
            "loss_usd": AT_tot @ c,
            "direct_loss_usd": direct_loss,
            "backlog_at_risk_usd": A_backlog.T @ c,
            "revenue_at_risk_usd": A_rev_ann.T @ c,
            "financing_at_risk_usd": A_fin.T @ c,
            "funding_gap": funding_gap(c),
            "value_drop": d,
            "value_usd": value,
            "multiple": multiple,
            "value_loss_usd": d * value,
            "base": base_kind,
        },
        index=pd.Index(names, name="party"),
    )
    scenario = {
        "ledger": ledger.name,
        "shock": shocked,
        "honour": honour,
        "markdown": markdown,
        "rate_bp": rate_bp,
        "pass_through": pass_through,
        "default_horizon": default_horizon,
        "proxy_base": proxy_base,
    }
    return LedgerStress(
        metadata=make_metadata(scenario),
        scenario=scenario,
        parties=parties,
        rounds=pd.DataFrame(rows),
        converged=converged,
    )


#: the old name (kept working): result classes are named for what they hold
StressResult = LedgerStress
