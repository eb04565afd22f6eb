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
from bubblewatch.status.group import GroupStatus, group_status
from bubblewatch.status.params import DEFAULT_PARAMS

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


EXAMPLES = {
    ClaimsReport: _claims,
    ReportBuild: _report,
    AssetStatus: lambda: asset_status(_walk(), as_of=_walk().index[-1], params=FAST, symbol="RW"),
    GroupStatus: _group,
    ScanResult: lambda: scan(_panel()),
}
