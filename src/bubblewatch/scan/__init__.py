"""Scans: any analysis (PSY, LPPLS, the status) over many series, on any scheduler.

``scan(series, analyses=("psy", "lppls", "status"), out=DIR, scheduler="dask")`` runs each
analysis on each series and returns a :class:`ScanResult` (one row per series); with
``out`` the rows are written as they arrive and a rerun resumes. Modules:

* :mod:`~bubblewatch.scan.analyses` -- the analyses (PSY, LPPLS, the status);
* :mod:`~bubblewatch.scan.series_row` -- one series' row, every fault kept in it;
* :mod:`~bubblewatch.scan.spec` -- the parameter hash and the series fingerprints;
* :mod:`~bubblewatch.scan.engines`, :mod:`~bubblewatch.scan.process_pool` -- schedulers;
* :mod:`~bubblewatch.scan.outdir` -- the output directory (parts, manifest, summary);
* :mod:`~bubblewatch.scan.multiple_testing` -- Benjamini-Hochberg;
* :mod:`~bubblewatch.scan.synthetic` -- the seeded synthetic panel of the benchmark.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ANALYSES": "bubblewatch.scan.run",
        "ScanProgress": "bubblewatch.scan.run",
        "scan": "bubblewatch.scan.run",
        "scan_psy": "bubblewatch.scan.run",
        "SCHEDULERS": "bubblewatch.scan.engines",
        "LPPLSAnalysis": "bubblewatch.scan.analyses",
        "PSYAnalysis": "bubblewatch.scan.analyses",
        "StatusAnalysis": "bubblewatch.scan.analyses",
        "ScanDirectory": "bubblewatch.scan.outdir",
        "load_scan": "bubblewatch.scan.outdir",
        "ScanResult": "bubblewatch.scan.result",
        "benjamini_hochberg": "bubblewatch.scan.multiple_testing",
        "synthetic_panel": "bubblewatch.scan.synthetic",
    },
)
