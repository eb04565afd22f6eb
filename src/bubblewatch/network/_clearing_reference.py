"""Plain dense references for the clearing and DebtRank solvers (tests and benchmarks only).

* :func:`clearing_dense_iteration`: Picard iteration ``p <- min(pbar, alpha e + beta Pi^T p)``
  (defaulters) from ``p = pbar`` on dense matrices; converges down to the greatest clearing
  vector (Eisenberg-Noe [1]_, Lemma 3).
* :func:`clearing_lp`: the greatest Eisenberg-Noe clearing vector as the linear programme
  ``max sum p  s.t.  p <= pbar,  p - Pi^T p <= e,  p >= 0`` [1]_ (Lemma 4), solved by HiGHS.
* :func:`debtrank_dense`: DebtRank recursions on a dense impact matrix.

References
----------
.. [1] Eisenberg, L. & Noe, T. H. (2001). Systemic risk in financial systems. Management
   Science 47(2), 236-249.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

__all__ = ["clearing_dense_iteration", "clearing_lp", "debtrank_dense", "lp_vertex_resolve"]


def _dense_pi(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pbar = L.sum(axis=1)
    inv = np.divide(1.0, pbar, out=np.zeros_like(pbar), where=pbar > 0)
    return L * inv[:, None], pbar


def clearing_dense_iteration(
    L: np.ndarray,
    e: np.ndarray,
    alpha: float = 1.0,
    beta: float = 1.0,
    tol: float = 1e-15,
    max_iter: int = 1_000_000,
) -> tuple[np.ndarray, int]:
    """Greatest clearing vector by dense fixed-point iteration; returns ``(p, iterations)``."""
    L = np.asarray(L, dtype=float)
    Pi, pbar = _dense_pi(L)
    PiT = np.ascontiguousarray(Pi.T)
    p = pbar.copy()
    scale = max(1.0, float(pbar.max()))
    # solvent within rounding, as the solver decides (a ring that exactly pays itself must not
    # default on a 4e-16 shortfall: the Rogers-Veraart discount would then cascade)
    solvent_at = pbar - 1e-12 * np.maximum(1.0, pbar)
    for k in range(1, max_iter + 1):
        v = e + PiT @ p
        nxt = np.where(v >= solvent_at, pbar, np.minimum(pbar, alpha * e + beta * (PiT @ p)))
        if np.abs(nxt - p).max() <= tol * scale:
            return nxt, k
        p = nxt
    return p, max_iter


def clearing_lp(L: np.ndarray | sp.spmatrix, e: np.ndarray, *, polish: bool = False) -> np.ndarray:
    """Greatest Eisenberg-Noe clearing vector from the linear programme (HiGHS).

    With ``polish=True`` the LP's optimal vertex is re-solved exactly: the parties the LP
    leaves short of ``pbar`` are taken as defaulters and their payments solved from the
    vertex's linear system (removes the solver's feasibility tolerance, ~1e-8 at 10^4 nodes).
    """
    Ls = sp.csr_matrix(L, dtype=float)
    pbar = np.asarray(Ls.sum(axis=1)).ravel()
    inv = np.divide(1.0, pbar, out=np.zeros_like(pbar), where=pbar > 0)
    Pi = sp.diags(inv) @ Ls
    n = Ls.shape[0]
    A = sp.identity(n, format="csr") - Pi.T
    res = linprog(
        c=-np.ones(n),
        A_ub=A,
        b_ub=np.asarray(e, dtype=float),
        bounds=list(zip(np.zeros(n), pbar)),
        method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if not res.success:  # pragma: no cover
        raise RuntimeError(res.message)
    x = np.asarray(res.x)
    return lp_vertex_resolve(Ls, e, x) if polish else x


def lp_vertex_resolve(L: np.ndarray | sp.spmatrix, e: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Re-solve the LP's optimal vertex exactly: parties short of ``pbar`` in ``x`` default,
    their payments come from the vertex's linear system (GMRES + refinement)."""
    from scipy.sparse.linalg import gmres

    Ls = sp.csr_matrix(L, dtype=float)
    pbar = np.asarray(Ls.sum(axis=1)).ravel()
    inv = np.divide(1.0, pbar, out=np.zeros_like(pbar), where=pbar > 0)
    PiT = sp.csr_matrix((sp.diags(inv) @ Ls).T)
    D = x < pbar - 1e-7 * max(1.0, float(pbar.max()))
    idx, rest = np.flatnonzero(D), np.flatnonzero(~D)
    out = pbar.copy()
    if len(idx):
        M = sp.identity(len(idx), format="csc") - PiT[idx][:, idx].tocsc()
        rhs = e[idx] + PiT[idx][:, rest] @ pbar[rest]
        y, _ = gmres(M, rhs, x0=x[idx], rtol=1e-15, atol=1e-15, restart=100, maxiter=10_000)
        for _ in range(2):  # iterative refinement
            dy, _ = gmres(M, rhs - M @ y, rtol=1e-15, atol=1e-16, restart=100, maxiter=10_000)
            y = y + dy
        out[idx] = y
    return out


def debtrank_dense(
    W: np.ndarray, h0: np.ndarray, *, differential: bool = False, max_iter: int = 100_000
) -> np.ndarray:
    """Final distress ``h`` of DebtRank on a dense matrix ``W[i, j]`` (impact of j on i:
    ``min(1, Lambda)`` for DebtRank, ``Lambda`` for the differential variant).

    ``differential=False``: Battiston et al. (2012), each node propagates once.
    ``differential=True``: Bardoscia et al. (2015), increments propagate until convergence.
    """
    W = np.asarray(W, dtype=float)
    h = np.asarray(h0, dtype=float).copy()
    if differential:
        prev = np.zeros_like(h)
        for _ in range(max_iter):
            nxt = np.minimum(1.0, h + W @ (h - prev))
            if np.abs(nxt - h).max() <= 1e-15:
                return nxt
            prev, h = h, nxt
        return h
    state = np.where(h > 0, 1, 0)  # 0 undistressed, 1 distressed, 2 inactive
    for _ in range(len(h) + 1):
        active = state == 1
        if not active.any():
            break
        h = np.minimum(1.0, h + W @ np.where(active, h, 0.0))
        state = np.where(active, 2, np.where((state == 0) & (h > 0), 1, state))
    return h
