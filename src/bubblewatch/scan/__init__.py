"""Scans: any analysis (PSY, LPPLS, the status) over many series, on any scheduler.

``scan(series, analyses=("psy", "lppls", "status"), out=DIR, scheduler="dask")`` runs each
analysis on each series and returns a :class:`ScanResult` (one row per series); with
``out`` the rows are written as they arrive and a rerun resumes. Modules:

* :mod:`~bubblewatch.scan.analyses` -- the analyses and the fault-isolating runner;
* :mod:`~bubblewatch.scan.spec` -- the parameter hash and the series fingerprints;
* :mod:`~bubblewatch.scan.engines`, :mod:`~bubblewatch.scan.process_pool` -- schedulers;
* :mod:`~bubblewatch.scan.outdir` -- the output directory (parts, manifest, summary);
* :mod:`~bubblewatch.scan.multiple_testing` -- Benjamini-Hochberg;
* :mod:`~bubblewatch.scan.synthetic` -- the seeded synthetic panel of the benchmark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bubblewatch.scan.analyses import LPPLSAnalysis, LPPLSScale, PSYAnalysis
from bubblewatch.scan.engines import SCHEDULERS
from bubblewatch.scan.multiple_testing import benjamini_hochberg
from bubblewatch.scan.outdir import ScanDirectory
from bubblewatch.scan.result import ScanResult
from bubblewatch.scan.run import ANALYSES, ScanProgress, scan

__all__ = [
    "ANALYSES",
    "SCHEDULERS",
    "LPPLSAnalysis",
    "LPPLSScale",
    "PSYAnalysis",
    "ScanDirectory",
    "ScanProgress",
    "ScanResult",
    "benjamini_hochberg",
    "scan",
    "scan_psy",
]


def scan_psy(
    series: Mapping[str, Any] | Iterable[tuple[str, Any]],
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
    on_progress: Callable[[ScanProgress], None] | None = None,
) -> ScanResult:
    """PSY-test every series and tabulate which are explosive, over the sample and now
    (:func:`scan` with one :class:`PSYAnalysis`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2020-01-01", periods=200)
    >>> rng = np.random.default_rng(0)
    >>> panel = {f"S{i}": pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 200))), index=idx)
    ...          for i in range(3)}
    >>> scan_psy(panel).to_frame().shape[0]
    3
    """
    psy = PSYAnalysis(
        lags=lags, log=log, level=level, min_obs=min_obs, cv_method=cv_method, reps=reps, seed=seed
    )
    return scan(
        series,
        (psy,),
        scheduler=scheduler,
        workers=workers,
        address=address,
        on_progress=on_progress,
    )
