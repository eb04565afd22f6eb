"""DebtRank (Battiston et al. 2012) and differential DebtRank (Bardoscia et al. 2015).

Party ``i`` holds an exposure ``A[i, j]`` to party ``j`` (what ``i`` loses if ``j`` is wiped
out) and equity ``E[i]``. The leverage matrix ``Lambda[i, j] = A[i, j] / E[i]`` says how
much of ``i``'s equity a unit of distress of ``j`` destroys. Distress ``h[i] in [0, 1]`` is the
fraction of ``i``'s equity lost.

* DebtRank [1]_: impact ``W = min(1, Lambda)``; a distressed party propagates its distress
  once, then goes inactive: ``h_i(t) = min(1, h_i(t-1) + sum_{j distressed} W_ij h_j(t-1))``.
  DebtRank ``R = sum_j v_j h_j(T) - sum_j v_j h_j(1)`` with economic weights ``v``.
* Single-hit DebtRank as R's NetworkRiskMeasures computes it [3]_ (``contagion(...,
  method = "debtrank", single.hit = TRUE)``): the same propagate-once rule, but the impact
  matrix is **not** capped (``W = Lambda``); only the distress is (``h <= 1``, and a node
  passes on at most its capped distress). Where an exposure exceeds the holder's equity
  (``Lambda_ij > 1``) a small distress of ``j`` hurts ``i`` more than under [1]_: a 10% hit
  to a party that a neighbour is exposed to for twice its equity costs the neighbour 20% of
  its equity here, 10% in [1]_. When the shocked party defaults (``h = 1``) both agree.
* Differential DebtRank [2]_: every round propagates the *increments* of distress,
  ``h_i(t+1) = min(1, h_i(t) + sum_j Lambda_ij (h_j(t) - h_j(t-1)))``, until they vanish;
  without the propagate-once rule it counts reverberations along cycles (so it is >= DebtRank).
  NetworkRiskMeasures' default (``single.hit = FALSE``) is this variant.

Both run on ``scipy.sparse`` matrices (cost per round ~ number of exposures).

References
----------
.. [1] Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank:
   too central to fail? Financial networks, the FED and systemic risk. Scientific Reports 2, 541.
.. [2] Bardoscia, M., Battiston, S., Caccioli, F. & Caldarelli, G. (2015). DebtRank: a
   microscopic foundation for shock propagation. PLoS ONE 10(6), e0130406.
.. [3] Cinelli, C. & Silva, T. C. NetworkRiskMeasures: risk measures for (financial)
   networks. R package, version 0.1.7 (CRAN), function ``contagion``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bubblewatch.errors import ConvergenceWarning, InputError
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import ArrayLike, Bool, Integer, MappingOf, Real, Text, validate_params

__all__ = ["VARIANTS", "DebtRank", "DebtRankResult", "debtrank", "leverage_matrix"]

#: the DebtRank variants and what they are, in words
VARIANTS = {
    "battiston": "DebtRank (Battiston et al. 2012: impact capped at 1, propagate once)",
    "single_hit": "single-hit DebtRank as in R NetworkRiskMeasures (distress capped, impact not)",
    "differential": "differential DebtRank (Bardoscia et al. 2015)",
}


@dataclasses.dataclass(frozen=True)
class DebtRank(Result):
    """Distress after the cascade.

    Attributes
    ----------
    names : tuple of str
    initial : numpy.ndarray
        Distress ``h(1)`` (the shock).
    distress : numpy.ndarray
        Final distress ``h(T)``.
    path : numpy.ndarray, shape (rounds + 1, n)
        ``h`` after every round (row 0 = the shock).
    debtrank : float
        ``R = sum v h(T) - sum v h(1)``: the value-weighted distress the shock caused.
    equity_loss : float
        Total equity lost, ``sum h(T) E`` (same units as the exposures).
    differential : bool
        True for the Bardoscia et al. (2015) variant.
    converged : bool
    variant : str
        ``"battiston"``, ``"single_hit"`` or ``"differential"`` (see :data:`VARIANTS`).
    """

    names: tuple[str, ...]
    initial: np.ndarray
    distress: np.ndarray
    path: np.ndarray
    debtrank: float
    equity_loss: float
    differential: bool
    converged: bool
    variant: str = "battiston"

    @property
    def rounds(self) -> int:
        return int(self.path.shape[0] - 1)

    def summary(self) -> str:
        kind = VARIANTS.get(self.variant, self.variant)
        top = self.to_frame().sort_values("distress", ascending=False).head(10)
        lines = [
            f"{kind}: R = {self.debtrank:.4f} after {self.rounds} "
            f"round{'' if self.rounds == 1 else 's'}; equity lost {self.equity_loss:,.4g}"
            f"{'' if self.converged else ' (NOT converged)'}",
            "  distress (share of equity lost), largest first:",
        ]
        lines += [
            f"  {name:<16} {100 * r.initial:6.1f}% -> {100 * r.distress:6.1f}%"
            for name, r in top.iterrows()
        ]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"initial": self.initial, "distress": self.distress},
            index=pd.Index(self.names, name="party"),
        )

    def plot(self) -> Any:
        import plotly.graph_objects as go

        from bubblewatch.chart_style import MAX_LINES, color

        order = np.argsort(-np.asarray(self.distress), kind="stable")[:MAX_LINES]
        fig = go.Figure()
        for i, j in enumerate(order):
            fig.add_scatter(
                y=100 * self.path[:, j],
                mode="lines+markers",
                name=self.names[j],
                line={"color": color(i)},
            )
        shown = (
            ""
            if len(self.names) <= MAX_LINES
            else f" (the {MAX_LINES} most distressed of {len(self.names)})"
        )
        fig.update_layout(
            title=f"Distress by round{shown}",
            xaxis_title="round of the cascade (0 = the shock)",
            yaxis_title="distress (% of equity lost)",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "debtrank": self.debtrank,
            "equity_loss": self.equity_loss,
            "differential": self.differential,
            "variant": self.variant,
            "converged": self.converged,
            "rounds": self.rounds,
            "distress": dict(zip(self.names, self.distress.tolist())),
            "initial": dict(zip(self.names, self.initial.tolist())),
            "metadata": self.metadata.to_dict(),
        }


@validate_params(
    exposures=ArrayLike(sparse=True, what="an exposures matrix"),
    equity=ArrayLike(what="one equity per party"),
)
def leverage_matrix(exposures: Any, equity: Sequence[float] | np.ndarray) -> sp.csr_matrix:
    """``Lambda[i, j] = exposures[i, j] / equity[i]`` as a sparse matrix.

    Raises
    ------
    InputError
        On a non-square matrix, negative exposures or non-positive equity.
    """
    A = sp.csr_matrix(
        exposures.to_numpy(float) if isinstance(exposures, pd.DataFrame) else exposures,
        dtype=float,
    )
    E = np.asarray(equity, dtype=float).ravel()
    if A.shape[0] != A.shape[1] or A.shape[0] != E.size:
        raise InputError(f"exposures {A.shape} and equity ({E.size},) do not match")
    if A.nnz and (not np.all(np.isfinite(A.data)) or A.data.min() < 0):
        raise InputError("exposures must be finite and >= 0")
    if not np.all(np.isfinite(E)) or (E <= 0).any():
        raise InputError("equity must be finite and > 0 for every party")
    return sp.csr_matrix(sp.diags(1.0 / E) @ A)


@validate_params(
    exposures=ArrayLike(sparse=True, what="an exposures matrix"),
    equity=ArrayLike(what="one equity per party"),
    shock=[
        ArrayLike(what="one initial distress per party"),
        MappingOf("a mapping party -> distress"),
    ],
    value=[None, ArrayLike(what="one weight per party")],
    differential=Bool(),
    variant=[None, Text()],
    names=[None, ArrayLike(what="party names")],
    tol=Real(min=0, min_open=True),
    max_rounds=Integer(min=1),
)
def debtrank(
    exposures: Any,
    equity: Sequence[float] | np.ndarray,
    shock: Sequence[float] | np.ndarray | Mapping[str, float],
    *,
    value: Sequence[float] | np.ndarray | None = None,
    differential: bool = False,
    variant: str | None = None,
    names: Sequence[str] | None = None,
    tol: float = 1e-14,
    max_rounds: int = 10_000,
) -> DebtRank:
    """Run DebtRank or differential DebtRank from an initial distress.

    Parameters
    ----------
    exposures : array-like or sparse, shape (n, n)
        ``exposures[i, j]``: what ``i`` loses if ``j`` is wiped out.
    equity : array-like, shape (n,)
        Equity of each party (> 0).
    shock : array-like (n,) or mapping name -> h
        Initial distress in [0, 1].
    value : array-like, optional
        Economic weights ``v`` for ``R`` (default: equity shares ``E / sum E``).
    differential : bool
        Use Bardoscia et al. (2015) instead of Battiston et al. (2012) (the same as
        ``variant="differential"``).
    variant : {"battiston", "single_hit", "differential"}, optional
        ``"battiston"`` (default): Battiston et al. (2012), impact ``min(1, Lambda)``;
        ``"single_hit"``: the propagate-once rule with the uncapped impact ``Lambda`` and the
        distress capped at 1, as R's NetworkRiskMeasures ``contagion(..., single.hit = TRUE)``;
        ``"differential"``: Bardoscia et al. (2015).
    names : sequence of str, optional
    tol : float
        Differential variant: stop when no distress increases by more than ``tol``.
    max_rounds : int

    Returns
    -------
    DebtRank

    Examples
    --------
    Two parties each exposed to the other for half their equity; A loses 20%:

    >>> A = [[0, 5], [5, 0]]
    >>> debtrank(A, [10, 10], [0.2, 0]).distress.round(6).tolist()
    [0.25, 0.1]
    >>> debtrank(A, [10, 10], [0.2, 0], differential=True).distress.round(6).tolist()
    [0.266667, 0.133333]

    An exposure of twice the holder's equity: capped impact (Battiston) vs capped distress
    (single hit, as NetworkRiskMeasures):

    >>> debtrank([[0, 20], [0, 0]], [10, 10], [0.1, 0.1]).distress.round(6).tolist()
    [0.2, 0.1]
    >>> debtrank([[0, 20], [0, 0]], [10, 10], [0.1, 0.1], variant="single_hit").distress.round(6)
    array([0.3, 0.1])
    """
    if variant is None:
        variant = "differential" if differential else "battiston"
    if variant not in VARIANTS:
        raise InputError(
            f"variant={variant!r} is not a DebtRank variant; allowed: {', '.join(VARIANTS)}"
        )
    if differential and variant != "differential":
        raise InputError(f"differential=True contradicts variant={variant!r}: give one of them")
    differential = variant == "differential"
    Lam = leverage_matrix(exposures, equity)
    E = np.asarray(equity, dtype=float).ravel()
    n = E.size
    if names is None and isinstance(exposures, pd.DataFrame):
        names = [str(c) for c in exposures.index]
    labels = tuple(str(x) for x in (names if names is not None else range(n)))
    if len(labels) != n:
        raise InputError(f"{len(labels)} names for {n} parties")
    if isinstance(shock, Mapping):
        pos = {nm: i for i, nm in enumerate(labels)}
        h0 = np.zeros(n)
        for k, x in shock.items():
            if k not in pos:
                raise InputError(f"shock names unknown party {k!r}")
            h0[pos[k]] = float(x)
    else:
        h0 = np.asarray(shock, dtype=float).ravel()
    if h0.shape != (n,) or not np.all(np.isfinite(h0)) or (h0 < 0).any() or (h0 > 1).any():
        raise InputError("shock must give every party a distress in [0, 1]")
    v = E / E.sum() if value is None else np.asarray(value, dtype=float).ravel()
    if v.shape != (n,):
        raise InputError("value must have one weight per party")
    h = h0.copy()
    path = [h.copy()]
    converged = False
    if differential:
        prev = np.zeros(n)
        for _ in range(max_rounds):
            nxt = np.minimum(1.0, h + Lam @ (h - prev))
            path.append(nxt)
            if np.abs(nxt - h).max() <= tol:
                converged = True
                h = nxt
                break
            prev, h = h, nxt
    else:
        W = Lam.copy()
        if variant == "battiston":
            W.data = np.minimum(W.data, 1.0)
        state = np.where(h > 0, 1, 0)  # 0 undistressed, 1 distressed, 2 inactive
        for _ in range(n + 1):
            active = state == 1
            if not active.any():
                converged = True
                break
            h = np.minimum(1.0, h + W @ np.where(active, h, 0.0))
            state = np.where(active, 2, np.where((state == 0) & (h > 0), 1, state))
            path.append(h.copy())
        else:  # pragma: no cover - cannot happen: each party is active at most once
            converged = True
    if not converged:
        warnings.warn(
            f"differential DebtRank did not converge in {max_rounds} rounds",
            ConvergenceWarning,
            stacklevel=2,
        )
    R = float(v @ h - v @ h0)
    meta = make_metadata({"variant": variant, "differential": differential, "n": n, "tol": tol})
    return DebtRank(
        metadata=meta,
        names=labels,
        initial=frozen_array(h0),
        distress=frozen_array(h),
        path=frozen_array(np.vstack(path)),
        debtrank=R,
        equity_loss=float(h @ E),
        differential=differential,
        converged=converged,
        variant=variant,
    )


#: the old name (kept working): result classes are named for what they hold
DebtRankResult = DebtRank
