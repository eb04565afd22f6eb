"""Johnson's simple-cycle algorithm in plain Python: a reference for the engines of
:func:`bubblewatch.network.loops.simple_cycles` (networkx, rustworkx), kept with the tests.

References
----------
.. [1] Johnson, D. B. (1975). Finding all the elementary circuits of a directed graph.
   SIAM Journal on Computing 4(1), 77-84.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


def johnson_cycles(W: sp.spmatrix | np.ndarray) -> Iterator[list[int]]:
    """Simple cycles of the graph of ``W``'s stored entries by Johnson's algorithm [1]_.

    Each strongly connected component is searched from one of its nodes with Johnson's
    blocking rule (a node stays blocked until a cycle through it is found), then that node
    is removed and the components of what remains are searched in turn. Self-loops are
    ignored. Cycles are yielded as node-index lists starting at the searched node.

    Examples
    --------
    >>> W = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 0]])
    >>> sorted(sorted(c) for c in johnson_cycles(W))
    [[0, 1, 2], [1, 2]]
    """
    M = sp.csr_matrix(W)
    M.setdiag(0)
    M.eliminate_zeros()
    n = M.shape[0]
    succ = [M.indices[M.indptr[i] : M.indptr[i + 1]].tolist() for i in range(n)]

    def components(nodes: np.ndarray) -> list[np.ndarray]:
        sub = M[nodes][:, nodes]
        k, lab = connected_components(sub, directed=True, connection="strong")
        counts = np.bincount(lab, minlength=k)
        return [nodes[lab == c] for c in np.flatnonzero(counts > 1)]

    todo = components(np.arange(n))
    while todo:
        comp = todo.pop()
        members = set(comp.tolist())
        start = int(comp[0])
        blocked = {start}
        waiting: dict[int, set[int]] = {}
        path = [start]
        stack = [(start, iter([w for w in succ[start] if w in members]))]
        closed = [False]
        while stack:
            v, it = stack[-1]
            w = next(it, None)
            if w is not None:
                if w == start:
                    yield list(path)
                    closed[-1] = True
                elif w not in blocked:
                    path.append(w)
                    blocked.add(w)
                    closed.append(False)
                    stack.append((w, iter([x for x in succ[w] if x in members])))
                continue
            stack.pop()
            path.pop()
            found_cycle = closed.pop()
            if found_cycle:
                # unblock v and, transitively, every node waiting on it
                pending = [v]
                while pending:
                    u = pending.pop()
                    if u in blocked:
                        blocked.discard(u)
                        pending.extend(waiting.pop(u, ()))
                if closed:
                    closed[-1] = True
            else:
                for x in succ[v]:
                    if x in members:
                        waiting.setdefault(x, set()).add(v)
        todo.extend(components(comp[1:]))
