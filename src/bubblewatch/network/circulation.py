"""How much of a flow network goes round in circles: maximum circulation, Hodge
decomposition and the Finn cycling index (pure functions on sparse matrices).

``W[i, j] >= 0`` is the gross flow from ``i`` to ``j``.

* :func:`max_circulation`: the largest flow ``0 <= f <= W`` conserved at every node (inflow =
  outflow), a linear programme solved by HiGHS. Its total over edges is the part of the gross
  flows that could go around loops; ``total / W.sum()`` is the circular share (the part that
  bilateral/multilateral netting could cancel, cf. compression [3]_).
* :func:`hodge_decomposition`: the net flows ``y_ij = W_ij - W_ji`` split by least squares into
  a gradient part ``s_i - s_j`` (flows running downhill from financiers to sinks) and a
  cyclic remainder (curl + harmonic) [1]_.
* :func:`finn_cycling_index`: the fraction of each node's throughflow that returns to it
  (Finn 1976 [2]_): with ``G[i, j] = W[i, j] / T_i`` (``T_i`` = throughflow, imbalances
  treated as boundary flows) the cycling fraction ``(n_ii - 1) / n_ii`` of ``N = (I - G)^-1``
  equals the probability that a unit leaving ``i`` comes back; the network index weights it
  by throughflow.

References
----------
.. [1] Jiang, X., Lim, L.-H., Yao, Y. & Ye, Y. (2011). Statistical ranking and combinatorial
   Hodge theory. Mathematical Programming 127, 203-244.
.. [2] Finn, J. T. (1976). Measures of ecosystem structure and function derived from analysis
   of flows. Journal of Theoretical Biology 56, 363-380.
.. [3] D'Errico, M. & Roukny, T. (2021). Compressing over-the-counter markets. Operations
   Research 69(6), 1660-1679.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.optimize import linprog
from scipy.sparse.csgraph import breadth_first_order

from bubblewatch.errors import BubblewatchError, InputError
from bubblewatch.validation import ArrayLike, validate_params

__all__ = [
    "Hodge",
    "finn_cycling_index",
    "hodge_decomposition",
    "max_circulation",
]


def _check(W: sp.spmatrix | np.ndarray) -> sp.csr_matrix:
    M = sp.csr_matrix(W, dtype=float)
    if M.shape[0] != M.shape[1]:
        raise InputError(f"the flow matrix must be square, got {M.shape}")
    if M.nnz and (not np.all(np.isfinite(M.data)) or M.data.min() < 0):
        raise InputError("flows must be finite and >= 0 (replace undisclosed amounts first)")
    M.setdiag(0.0)
    M.eliminate_zeros()
    return M


@validate_params(
    W=ArrayLike(sparse=True, what="a flow matrix"),
)
def max_circulation(W: sp.spmatrix | np.ndarray) -> tuple[sp.csr_matrix, float]:
    """Largest circulation inside the capacities ``W``; returns ``(flows, total)``.

    Examples
    --------
    A 3-cycle of 5, 3 and 4 carries at most 3 on each edge:

    >>> W = np.array([[0, 5, 0], [0, 0, 3], [4, 0, 0]], dtype=float)
    >>> f, total = max_circulation(W)
    >>> total
    9.0
    """
    M = _check(W)
    n = M.shape[0]
    C = M.tocoo()
    m = C.nnz
    if m == 0:
        return sp.csr_matrix((n, n)), 0.0
    rows = np.concatenate([C.row, C.col])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    vals = np.concatenate([np.ones(m), -np.ones(m)])
    B = sp.csr_matrix((vals, (rows, cols)), shape=(n, m))
    scale = float(C.data.max())
    res = linprog(
        c=-np.ones(m),
        A_eq=B,
        b_eq=np.zeros(n),
        bounds=np.column_stack([np.zeros(m), C.data / scale]),
        method="highs",
    )
    if not res.success:  # pragma: no cover - the zero flow is always feasible
        raise BubblewatchError(f"maximum-circulation LP failed: {res.message}")
    f = np.clip(np.asarray(res.x) * scale, 0.0, C.data)
    f[f < 1e-12 * scale] = 0.0
    F = sp.csr_matrix((f, (C.row, C.col)), shape=(n, n))
    F.eliminate_zeros()
    return F, float(f.sum())


@dataclasses.dataclass(frozen=True)
class Hodge:
    """Hodge split of net flows: ``potential`` per node, gradient and cyclic shares of
    ``||y||^2`` (they add up to 1)."""

    potential: np.ndarray
    gradient_share: float
    cyclic_share: float
    net_flow_norm: float


@validate_params(
    W=ArrayLike(sparse=True, what="a flow matrix"),
)
def hodge_decomposition(W: sp.spmatrix | np.ndarray) -> Hodge:
    """Least-squares Hodge decomposition of the net flows of ``W``.

    Examples
    --------
    A pure 3-cycle is all cyclic; a chain is all gradient:

    >>> hodge_decomposition(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0.]])).cyclic_share
    1.0
    >>> round(hodge_decomposition(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0.]])).gradient_share, 12)
    1.0
    """
    M = _check(W)
    n = M.shape[0]
    net = sp.triu(M - M.T, k=1).tocoo()
    keep = np.abs(net.data) > 0
    i, j, y = net.row[keep], net.col[keep], net.data[keep]
    if y.size == 0:
        return Hodge(np.zeros(n), float("nan"), float("nan"), 0.0)
    m = y.size
    # gradient flow on edge (i, j) = s_i - s_j
    D = sp.csr_matrix(
        (np.concatenate([np.ones(m), -np.ones(m)]), (np.tile(np.arange(m), 2), np.r_[i, j])),
        shape=(m, n),
    )
    scale = float(np.abs(y).max())
    s = spla.lsqr(D, y / scale, atol=1e-14, btol=1e-14, iter_lim=50 * n + 1000)[0] * scale
    grad = D @ s
    tot = float(y @ y)
    g = float(grad @ grad) / tot
    return Hodge(
        potential=s,
        gradient_share=min(1.0, g),
        cyclic_share=max(0.0, float((y - grad) @ (y - grad)) / tot),
        net_flow_norm=float(np.sqrt(tot)),
    )


@validate_params(
    W=ArrayLike(sparse=True, what="a flow matrix"),
)
def finn_cycling_index(W: sp.spmatrix | np.ndarray) -> tuple[np.ndarray, float]:
    """Per-node cycling fraction and the network's Finn cycling index.

    Returns
    -------
    cycling : numpy.ndarray
        ``(n_ii - 1) / n_ii``: the share of node ``i``'s throughflow that comes back to it.
    index : float
        ``sum_i cycling_i T_i / sum_i T_i``.

    Examples
    --------
    A closed ring recycles everything; a ring with a leak of 1/2 at one node returns 1/2:

    >>> finn_cycling_index(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0.]]))[1]
    1.0
    >>> c, _ = finn_cycling_index(np.array([[0, 2, 0], [0, 0, 2], [1, 0, 0.]]))
    >>> c.round(12).tolist()
    [0.5, 0.5, 0.5]
    """
    M = _check(W)
    n = M.shape[0]
    inflow = np.asarray(M.sum(axis=0)).ravel()
    outflow = np.asarray(M.sum(axis=1)).ravel()
    T = np.maximum(inflow, outflow)
    inv = np.divide(1.0, T, out=np.zeros_like(T), where=T > 0)
    G = sp.csr_matrix(sp.diags(inv) @ M)
    GT = sp.csr_matrix(M.T)
    cyc = np.zeros(n)
    for t in range(n):
        if T[t] == 0 or M[:, [t]].nnz == 0 or M[[t], :].nnz == 0:
            continue
        anc = breadth_first_order(GT, t, directed=True, return_predecessors=False)
        S = np.setdiff1d(anc, [t])
        if S.size == 0:
            continue
        A = sp.identity(S.size, format="csc") - G[S][:, S].tocsc()
        b = G[S][:, [t]].toarray().ravel()
        h = np.atleast_1d(spla.spsolve(A, b)) if S.size > 1 else b / A.toarray().ravel()
        succ = G[[t], :][:, S].toarray().ravel()
        cyc[t] = float(np.clip(succ @ h, 0.0, 1.0))
    total = float(cyc @ T / T.sum()) if T.sum() > 0 else float("nan")
    return cyc, total
