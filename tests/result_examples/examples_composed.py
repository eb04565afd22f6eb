"""Examples of the composed results (claims, report, status, scan) for the result contract test."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.claims.check import ClaimsReport, check_claims
from bubblewatch.data.store import Store
from bubblewatch.report.build import ReportBuild, build_report
from bubblewatch.report.sections import coverage
from bubblewatch.scan.result import ScanResult
from bubblewatch.scan.run import scan
from bubblewatch.status.asset import AssetStatus, asset_status
from bubblewatch.status.compare2000 import Compare2000, compare_2000
from bubblewatch.status.group import GroupStatus, group_status
from bubblewatch.status.params import DEFAULT_PARAMS
from bubblewatch.status.replay import run_track_record
from bubblewatch.status.track_record import TrackRecord, TrackSpec

FAST = DEFAULT_PARAMS.replace(lppls=False, gsadf_cv=False)


def _walk(n: int = 1300, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2015-01-02", periods=n)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx, name="RW")


def _claims() -> ClaimsReport:
    with Store(":memory:") as st:
        return check_claims(st, ids=["S0-1", "S2-11"])


#: the example report's folders, removed when the test process ends
_FOLDERS: list[tempfile.TemporaryDirectory[str]] = []


def _report() -> ReportBuild:
    _FOLDERS.append(tempfile.TemporaryDirectory(prefix="bw-contract-"))
    out = Path(_FOLDERS[-1].name) / "report.html"
    with Store(":memory:") as st:
        return build_report(st, out, symbols=[], sections=[coverage.build])


def _group() -> GroupStatus:
    members = {"X": _walk(seed=1), "Y": _walk(seed=2)}
    return group_status(members, as_of=members["X"].index[-1], params=FAST, name="test")


def _panel() -> dict[str, pd.Series]:
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2021-01-01", periods=120)
    return {
        f"S{i}": pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 120))), index=idx)
        for i in range(2)
    }


def _peaked(start: str, end: str, peak: str, seed: int) -> pd.Series:
    """A log path rising 1.2 a year to ``peak`` and falling 0.8 a year after it, plus noise."""
    idx = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    t = (idx - pd.Timestamp(peak)).days.to_numpy() / 365.0
    y = np.where(t <= 0, 1.2 * t, -0.8 * t) + np.cumsum(rng.normal(0, 0.005, len(idx)))
    return pd.Series(100 * np.exp(y), index=idx)


def _compare() -> Compare2000:
    then = _peaked("1994-01-03", "2002-12-31", "2000-03-10", 1)
    now = _peaked("2022-01-03", "2026-02-27", "2025-10-29", 2)
    return compare_2000(then, {"AI": (now, "synthetic")}, then_source="synthetic", params=FAST)


def _track() -> TrackRecord:
    spec = TrackSpec("walk", "RW")
    return run_track_record({"walk": (spec, _walk(900, seed=3))}, params=FAST, stride=100,
                            lppls_stride=100)  # fmt: skip


EXAMPLES = {
    ClaimsReport: _claims,
    ReportBuild: _report,
    AssetStatus: lambda: asset_status(_walk(), as_of=_walk().index[-1], params=FAST, symbol="RW"),
    GroupStatus: _group,
    ScanResult: lambda: scan(_panel()),
    Compare2000: _compare,
    TrackRecord: _track,
}
