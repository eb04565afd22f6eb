"""Schedulers: the same rows on each, a dead worker costs at most its series (retried, then
recorded as 'worker lost'), a hung series is stopped, and progress is reported."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from scan_inputs import Misbehave, make_panel

from bubblewatch.scan import PSYAnalysis, scan
from bubblewatch.scan import process_pool as pp

FAULTS = Misbehave(crash=("S2",))
#: Benjamini-Hochberg depends on every series' p-value: left out where S2 has none
ACROSS = ["param_hash", "gsadf_qvalue", "explosive_bh"]


def _without_s2(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["symbol"] != "S2"].drop(columns=ACROSS).reset_index(drop=True)


def test_threads_and_chunks_match_sync():
    panel = make_panel(8)
    ref = scan(panel).to_frame()
    pd.testing.assert_frame_equal(scan(panel, scheduler="threads", workers=2).to_frame(), ref)
    pd.testing.assert_frame_equal(scan(panel, scheduler="threads", chunk_size=3).to_frame(), ref)


def test_progress_reports_done_failures_and_rate():
    panel = make_panel(5)
    panel["SHORT"] = panel["S1"].iloc[:20]
    seen = []
    scan(panel, [Misbehave(raise_=("S3",)), PSYAnalysis()], on_progress=lambda p: seen.append(
        (p.done, p.todo, p.failed, p.counts["insufficient"], p.rate)
    ))  # fmt: skip
    assert seen[0][:3] == (0, 6, 0)
    assert seen[-1][:4] == (6, 6, 1, 1)
    assert seen[-1][4] > 0


@pytest.mark.slow
def test_processes_match_sync_and_survive_a_dying_worker():
    panel = make_panel(6)
    analyses = (FAULTS, PSYAnalysis())
    ref = scan(panel, (Misbehave(), PSYAnalysis())).to_frame()
    res = scan(panel, analyses, scheduler="processes", workers=2, retries=1)
    t = res.table.set_index("symbol")
    assert t.loc["S2", "outcome"] == "worker lost"
    assert t.loc["S2", "attempts"] == 2
    assert "died on each attempt (2 from this client" in t.loc["S2", "error"]
    assert "exited with code 3" in t.loc["S2", "error"]
    pd.testing.assert_frame_equal(_without_s2(res.to_frame()), _without_s2(ref))
    assert (t.drop(index="S2")["attempts"] == 1).all()  # only the culprit was retried


@pytest.mark.slow
def test_processes_stop_a_hung_series(monkeypatch):
    monkeypatch.setattr(pp, "GRACE_S", 0.5)
    panel = make_panel(3)
    t0 = time.monotonic()
    res = scan(panel, (Misbehave(hang=("S1",), seconds=600),), scheduler="processes",
               workers=2, timeout=0.5)  # fmt: skip
    assert time.monotonic() - t0 < 120
    t = res.table.set_index("symbol")
    assert t.loc["S1", "outcome"] == "timeout"
    assert "its process was killed and replaced" in t.loc["S1", "error"]
    assert (t.drop(index="S1")["outcome"] == "ok").all()


@pytest.mark.slow
def test_dask_local_cluster_matches_sync_and_survives_a_dying_worker():
    panel = make_panel(6)
    ref = scan(panel, (Misbehave(), PSYAnalysis())).to_frame()
    res = scan(panel, (FAULTS, PSYAnalysis()), scheduler="dask", workers=2, retries=1)
    t = res.table.set_index("symbol")
    assert t.loc["S2", "outcome"] == "worker lost"
    assert "KilledWorker" in t.loc["S2", "error"]
    pd.testing.assert_frame_equal(_without_s2(res.to_frame()), _without_s2(ref))
