"""Scan many series for explosive behaviour (PSY GSADF/BSADF), locally or on Dask.

Each series is tested independently with :func:`bubblewatch.detect.psy.psy` and its
critical values; the scan returns one row per series. A series that cannot be tested
(too short, non-positive prices with the log) gets its reason in the ``error`` column
instead of stopping the scan. Work is spread by ``scheduler``:

* ``"sync"`` -- one process, one series after another (the reference);
* ``"threads"`` -- a thread pool (the numba kernels release the GIL);
* ``"processes"`` -- a local process pool;
* ``"dask"`` -- a ``dask.distributed`` cluster: a local one with ``workers`` processes, or
  the scheduler at ``address`` (``tcp://host:8786``) when many machines are needed.

Results are identical for every scheduler: each series' computation is deterministic and
the rows are returned in the order of the input.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078.
.. [2] Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and task
   scheduling. Proceedings of the 14th Python in Science Conference.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.results import Result, make_metadata

__all__ = ["SCHEDULERS", "ScanResult", "scan_one", "scan_psy"]

SCHEDULERS = ("sync", "threads", "processes", "dask")

COLUMNS = [
    "symbol",
    "nobs",
    "first",
    "last",
    "gsadf",
    "cv_gsadf",
    "explosive",
    "bsadf_last",
    "cv_bsadf_last",
    "explosive_now",
    "episodes",
    "last_start",
    "last_peak",
    "last_end",
    "ongoing",
    "error",
]


def scan_one(
    symbol: str,
    y: pd.Series,
    *,
    lags: int = 0,
    log: bool = True,
    level: int = 95,
    min_obs: int = 60,
    cv_method: str = "auto",
    reps: int = 500,
    seed: int = 0,
) -> dict[str, Any]:
    """PSY test of one series as one scan row (never raises for bad data: see ``error``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 300))),
    ...               index=pd.bdate_range("2020-01-01", periods=300))
    >>> row = scan_one("RW", y)
    >>> row["symbol"], row["nobs"], row["error"]
    ('RW', 300, None)
    """
    from bubblewatch.detect.psy import psy
    from bubblewatch.detect.psy_critical import critical_values_for

    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row["symbol"] = symbol
    s = pd.Series(y, dtype=float).dropna()
    row["nobs"] = int(s.shape[0])
    if s.shape[0]:
        row["first"], row["last"] = s.index[0], s.index[-1]
    if s.shape[0] < min_obs:
        row["error"] = f"{s.shape[0]} observations; the scan needs at least {min_obs}"
        return row
    try:
        res = psy(s, lags=lags, log=log)
        cv = critical_values_for(res, method=cv_method, reps=reps, seed=seed)
    except InputError as exc:
        row["error"] = str(exc)
        return row
    cv_bsadf = cv.bsadf[level]
    row["gsadf"] = res.gsadf
    row["cv_gsadf"] = float(cv.gsadf[level])
    row["explosive"] = bool(res.gsadf > cv.gsadf[level])
    row["bsadf_last"] = float(res.bsadf.iloc[-1])
    row["cv_bsadf_last"] = float(np.asarray(cv_bsadf)[-1])
    row["explosive_now"] = bool(row["bsadf_last"] > row["cv_bsadf_last"])
    eps = res.episodes(level, cv=cv)
    row["episodes"] = int(eps.shape[0])
    if eps.shape[0]:
        last = eps.iloc[-1]
        row["last_start"], row["last_peak"] = last["start"], last["peak"]
        row["last_end"], row["ongoing"] = last["end"], bool(last["ongoing"])
    else:
        row["ongoing"] = False
    return row


def _scan_chunk(
    chunk: Sequence[tuple[str, pd.Series]], kwargs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [scan_one(sym, y, **kwargs) for sym, y in chunk]


def _chunks(items: Sequence[tuple[str, pd.Series]], n: int) -> list[list[tuple[str, pd.Series]]]:
    size = max(1, -(-len(items) // max(1, n)))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _run_dask(
    chunks: list[list[tuple[str, pd.Series]]],
    kwargs: Mapping[str, Any],
    address: str | None,
    workers: int,
) -> list[list[dict[str, Any]]]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError(
            "scheduler='dask' needs dask.distributed: pip install 'bubblewatch[scale]'"
        ) from exc
    if address:
        client = Client(address)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        futures = [client.submit(_scan_chunk, chunk, dict(kwargs), pure=False) for chunk in chunks]
        return list(client.gather(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def scan_psy(
    series: Mapping[str, pd.Series] | Iterable[tuple[str, pd.Series]],
    *,
    lags: int = 0,
    log: bool = True,
    level: int = 95,
    min_obs: int = 60,
    cv_method: str = "auto",
    reps: int = 500,
    seed: int = 0,
    scheduler: str = "sync",
    workers: int | None = None,
    address: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ScanResult:
    """PSY-test every series and tabulate which are explosive, over the sample and now.

    Parameters
    ----------
    series : mapping or iterable of (symbol, Series)
        The series to scan (prices; logged when ``log``).
    lags : int
        ADF lag of every regression (0 uses the shipped critical-value table).
    log : bool
        Test log prices (default) or the series as given.
    level : {90, 95, 99}
        Critical-value level.
    min_obs : int
        Series shorter than this are reported, not tested.
    cv_method : {"auto", "table", "mc", "wb"}
        Critical values (see :func:`bubblewatch.detect.psy_critical.critical_values_for`).
    reps, seed : int
        Replications and seed for simulated critical values.
    scheduler : {"sync", "threads", "processes", "dask"}
        Where the work runs (see the module docstring).
    workers : int, optional
        Pool size (default: the number of CPUs).
    address : str, optional
        A running Dask scheduler's address (``scheduler="dask"`` only).
    on_progress : callable, optional
        Called with the number of series finished by each completed chunk.

    Returns
    -------
    ScanResult

    Examples
    --------
    >>> idx = pd.bdate_range("2020-01-01", periods=200)
    >>> rng = np.random.default_rng(0)
    >>> panel = {f"S{i}": pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 200))), index=idx)
    ...          for i in range(3)}
    >>> scan_psy(panel).to_frame().shape[0]
    3
    """
    if scheduler not in SCHEDULERS:
        raise InputError(f"scheduler must be one of {', '.join(SCHEDULERS)}; got {scheduler!r}")
    if address and scheduler != "dask":
        raise InputError("address is only used with scheduler='dask'")
    if level not in (90, 95, 99):
        raise InputError(f"level must be 90, 95 or 99; got {level!r}")
    items = list(series.items()) if isinstance(series, Mapping) else list(series)
    if not items:
        raise InputError("nothing to scan: no series given")
    names = [sym for sym, _ in items]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"each symbol may appear once; repeated: {', '.join(dup)}")
    kwargs: dict[str, Any] = {
        "lags": lags,
        "log": log,
        "level": level,
        "min_obs": min_obs,
        "cv_method": cv_method,
        "reps": reps,
        "seed": seed,
    }
    n_workers = int(workers or os.cpu_count() or 1)
    rows: list[dict[str, Any]] = []
    if scheduler == "sync":
        for sym, y in items:
            rows.append(scan_one(sym, y, **kwargs))
            if on_progress:
                on_progress(1)
    elif scheduler == "dask":
        chunks = _chunks(items, 4 * n_workers)
        for part in _run_dask(chunks, kwargs, address, n_workers):
            rows.extend(part)
            if on_progress:
                on_progress(len(part))
    else:
        chunks = _chunks(items, 4 * n_workers)
        pool: ThreadPoolExecutor | ProcessPoolExecutor
        if scheduler == "threads":
            pool = ThreadPoolExecutor(max_workers=n_workers)
        else:
            # spawn, not fork: numba's OpenMP/TBB runtime must not be forked
            pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=mp.get_context("spawn"))
        with pool:
            for part in pool.map(_scan_chunk, chunks, [kwargs] * len(chunks)):
                rows.extend(part)
                if on_progress:
                    on_progress(len(part))
    table = pd.DataFrame(rows, columns=COLUMNS)
    params = dict(kwargs, scheduler=scheduler, workers=n_workers, address=address)
    return ScanResult(metadata=make_metadata(params, seed=seed), table=table, level=level)


@dataclasses.dataclass(frozen=True)
class ScanResult(Result):
    """One row per scanned series (see :data:`COLUMNS`), in input order."""

    table: pd.DataFrame
    level: int

    def explosive_now(self) -> pd.DataFrame:
        """Series whose latest BSADF is above its critical value, strongest first."""
        t = self.table[self.table["explosive_now"].fillna(False).astype(bool)]
        return t.assign(excess=t["bsadf_last"] - t["cv_bsadf_last"]).sort_values(
            "excess", ascending=False
        )

    def summary(self, top: int = 15) -> str:
        """Counts, then the ``top`` series most explosive at their last date."""
        t = self.table
        tested = t[t["error"].isna()]
        lines = [
            f"PSY scan of {len(t)} series ({len(tested)} tested, {len(t) - len(tested)} not), "
            f"{self.level}% critical values",
            f"  explosive over the sample (GSADF > cv): {int(tested['explosive'].sum())}",
            f"  explosive at the last date (BSADF > cv): {int(tested['explosive_now'].sum())}",
        ]
        now = self.explosive_now().head(top)
        for r in now.itertuples():
            since = (
                f"in an episode since {pd.Timestamp(r.last_start).date()}"
                if r.ongoing
                else "run still shorter than the minimum episode length"
            )
            lines.append(
                f"    {r.symbol:<28} BSADF {r.bsadf_last:7.3f} > cv {r.cv_bsadf_last:6.3f}  {since}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self) -> Any:
        import plotly.graph_objects as go

        t = self.table[self.table["error"].isna()]
        ratio = t["gsadf"] - t["cv_gsadf"]
        fig = go.Figure(
            go.Scatter(
                x=ratio,
                y=t["bsadf_last"] - t["cv_bsadf_last"],
                mode="markers",
                text=t["symbol"],
                marker={"color": np.where(t["explosive_now"].astype(bool), "crimson", "steelblue")},
                hovertemplate="%{text}<br>GSADF - cv %{x:.2f}<br>last BSADF - cv %{y:.2f}<extra></extra>",
            )
        )
        fig.add_hline(y=0, line_dash="dot")
        fig.add_vline(x=0, line_dash="dot")
        fig.update_layout(
            title=f"PSY scan: {len(t)} series ({self.level}% critical values)",
            xaxis_title="GSADF minus critical value (explosive over the sample if > 0)",
            yaxis_title="last BSADF minus critical value (explosive now if > 0)",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "series": self.table.to_dict(orient="records")}
