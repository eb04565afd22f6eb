"""Benchmark the capital-loop solvers against dense and linear-programme references.

* Eisenberg-Noe (and Rogers-Veraart) clearing on random networks of 1,000 and 10,000 nodes
  with 10 creditors per node: bubblewatch's sparse fictitious default algorithm vs a dense
  fixed-point iteration and the linear programme ``max sum p s.t. p <= pbar,
  p - Pi^T p <= e`` (scipy linprog, HiGHS). Answers must agree to 1e-9.
* DebtRank and differential DebtRank on the same networks: sparse vs dense recursions.
* Simple-cycle enumeration: bubblewatch.network.loops.simple_cycles vs networkx and
  rustworkx directly (same cycle sets).

Run: ``python benchmarks/network.py`` (``--quick`` for 1,000 nodes only).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import rustworkx as rx
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from bubblewatch.network._clearing_reference import (  # noqa: E402
    clearing_dense_iteration,
    clearing_lp,
    debtrank_dense,
    lp_vertex_resolve,
)
from bubblewatch.network.clearing import clearing_vector  # noqa: E402
from bubblewatch.network.debtrank import debtrank, leverage_matrix  # noqa: E402
from bubblewatch.network.loops import simple_cycles  # noqa: E402

TOL = 1e-9


def random_network(n: int, k: int = 10, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """``n`` parties each owing ``k`` random others exponential amounts; outside assets
    drawn so that a minority defaults."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), k)
    cols = np.empty(n * k, dtype=np.int64)
    for i in range(n):
        cols[i * k : (i + 1) * k] = (i + 1 + rng.choice(n - 1, size=k, replace=False)) % n
    L = sp.csr_matrix((rng.exponential(1.0, n * k), (rows, cols)), shape=(n, n))
    e = rng.uniform(0.0, 2.5, n)
    return L, e


def _time(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def bench_clearing(sizes: list[int]) -> list[str]:
    rows = [
        "| nodes | model | bubblewatch (s) | defaults / rounds | dense iteration (s, iters) | LP HiGHS (s) | max abs diff vs dense | vs LP raw | vs LP vertex re-solved |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        L, e = random_network(n)
        Ld = L.toarray()
        for alpha, beta in ((1.0, 1.0), (0.9, 0.8)):
            res, t_bw = _time(lambda: clearing_vector(L, e, alpha=alpha, beta=beta), repeat=3)  # noqa: B023
            (p_d, iters), t_d = _time(lambda: clearing_dense_iteration(Ld, e, alpha, beta))  # noqa: B023
            diff_d = float(np.abs(res.payments - p_d).max())
            if alpha == beta == 1.0:
                p_lp, t_lp = _time(lambda: clearing_lp(L, e))  # noqa: B023
                raw = float(np.abs(res.payments - p_lp).max())
                diff_lp = float(np.abs(res.payments - lp_vertex_resolve(L, e, p_lp)).max())
                lp_cells = (f"{t_lp:.3f}", f"{raw:.1e}", f"{diff_lp:.1e}")
            else:
                diff_lp = 0.0
                lp_cells = ("n/a (no LP for default costs)", "n/a", "n/a")
            model = "Eisenberg-Noe" if alpha == 1.0 else f"Rogers-Veraart a={alpha}, b={beta}"
            rows.append(
                f"| {n:,} | {model} | {t_bw:.3f} | {int(res.defaulted.sum())} / {len(res.rounds)} | "
                f"{t_d:.2f} ({iters}) | {lp_cells[0]} | {diff_d:.1e} | {lp_cells[1]} | {lp_cells[2]} |"
            )
            assert diff_d <= TOL, f"dense iteration differs by {diff_d}"
            assert diff_lp <= TOL, f"LP (vertex re-solved) differs by {diff_lp}"
    return rows


def bench_debtrank(sizes: list[int]) -> list[str]:
    rows = [
        "| nodes | variant | bubblewatch sparse (s) | rounds | dense reference (s) | max abs diff | R |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        L, e = random_network(n, seed=1)
        A = sp.csr_matrix(L.T)  # creditor i's exposure to debtor j
        assets = np.asarray(A.sum(axis=1)).ravel() + e
        E = 0.5 * assets  # equity: half of total assets
        rng = np.random.default_rng(2)
        h0 = np.zeros(n)
        h0[rng.choice(n, max(1, n // 100), replace=False)] = 1.0
        Lam = leverage_matrix(A, E)
        Lam_d = Lam.toarray()
        for diff_flag in (False, True):
            res, t_bw = _time(lambda: debtrank(A, E, h0, differential=diff_flag), repeat=3)  # noqa: B023
            W = Lam_d if diff_flag else np.minimum(Lam_d, 1.0)
            ref, t_d = _time(lambda: debtrank_dense(W, h0, differential=diff_flag))  # noqa: B023
            d = float(np.abs(res.distress - ref).max())
            rows.append(
                f"| {n:,} | {'differential (Bardoscia 2015)' if diff_flag else 'DebtRank (Battiston 2012)'} | "
                f"{t_bw:.3f} | {res.rounds} | {t_d:.2f} | {d:.1e} | {res.debtrank:.4f} |"
            )
            assert d <= TOL, f"DebtRank differs by {d}"
    return rows


def _rot(c: list[int]) -> tuple[int, ...]:
    k = c.index(min(c))
    return tuple(c[k:] + c[:k])


def bench_cycles() -> list[str]:
    rows = [
        "| graph | cycles | bubblewatch auto (s) | networkx (s) | rustworkx (s) | same cycles |",
        "|---|---|---|---|---|---|",
    ]
    from bubblewatch.episodes import ai2025

    led = ai2025.ledger()
    cases = [("AI 2025-26 ledger (31 parties)", led.matrix(unknown=1.0))]
    for n, p, seed in ((40, 0.07, 3), (2000, 0.0006, 1)):
        g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
        cases.append((f"G({n}, {p}) directed", nx.to_scipy_sparse_array(g, format="csr")))
    for label, W in cases:
        W = sp.csr_matrix(W)
        n = W.shape[0]
        C = W.tocoo()
        edges = list(zip(C.row.tolist(), C.col.tolist()))
        ours, t_bw = _time(lambda: simple_cycles(W), repeat=3)  # noqa: B023
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        G.add_edges_from(edges)
        ref_nx, t_nx = _time(lambda: [_rot(c) for c in nx.simple_cycles(G)], repeat=3)  # noqa: B023
        R = rx.PyDiGraph()
        R.add_nodes_from(range(n))
        R.add_edges_from_no_data(edges)
        ref_rx, t_rx = _time(lambda: [_rot(list(c)) for c in rx.simple_cycles(R)], repeat=3)  # noqa: B023
        ours_set = {tuple(int(x) for x in c.parties) for c in ours}
        same = ours_set == set(ref_nx) == set(ref_rx)
        rows.append(
            f"| {label} | {len(ours):,} | {t_bw:.4f} | {t_nx:.4f} | {t_rx:.4f} | {'yes' if same else 'NO'} |"
        )
        assert same
    return rows


def main() -> None:
    if "--cycles" in sys.argv:
        print("\n".join(bench_cycles()), flush=True)
        return
    quick = "--quick" in sys.argv
    sizes = [1_000] if quick else [1_000, 10_000]
    print("### Eisenberg-Noe / Rogers-Veraart clearing\n", flush=True)
    print("\n".join(bench_clearing(sizes)), flush=True)
    print("\n### DebtRank\n", flush=True)
    print("\n".join(bench_debtrank(sizes)), flush=True)
    print("\n### Simple cycles\n", flush=True)
    print("\n".join(bench_cycles()), flush=True)


if __name__ == "__main__":
    main()
