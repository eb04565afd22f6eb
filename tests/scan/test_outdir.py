"""The output directory: rows as they arrive, resume without duplicates, parameters kept
apart, and whatever an interrupted writer left behind repaired on the next open."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scan_inputs import Misbehave, make_panel

from bubblewatch.errors import InputError
from bubblewatch.scan import PSYAnalysis, ScanDirectory, scan
from bubblewatch.scan.spec import ScanSpec


def _manifest(folder):
    return [json.loads(x) for x in (folder / "manifest.jsonl").read_text().splitlines()]


def test_resume_skips_done_series_and_keeps_one_row_each(tmp_path):
    panel = make_panel(6)
    first = scan(dict(list(panel.items())[:4]), out=tmp_path)
    assert (first.computed, first.skipped) == (4, 0)
    again = scan(panel, out=tmp_path)
    assert (again.computed, again.skipped) == (2, 4)
    assert list(again.to_frame()["symbol"]) == [f"S{i}" for i in range(6)]
    ref = scan(panel).to_frame()
    pd.testing.assert_frame_equal(again.to_frame(), ref)
    folder = tmp_path / again.param_hash
    stored = pd.read_parquet(folder / "summary.parquet")
    assert stored["symbol"].is_unique and len(stored) == 6
    csv = pd.read_csv(folder / "summary.csv")
    assert list(csv["symbol"]) == list(stored["symbol"])
    run = json.loads((folder / "run.json").read_text())
    assert run["computed"] == 2 and run["skipped"] == 4 and run["counts"]["ok"] == 6
    assert json.loads((tmp_path / "latest.json").read_text())["param_hash"] == again.param_hash
    # after a run the parts are compacted into one file
    assert len(list((folder / "parts").glob("*.parquet"))) == 1


def test_changed_data_is_recomputed_under_its_new_fingerprint(tmp_path):
    panel = make_panel(3)
    scan(panel, out=tmp_path)
    panel["S1"] = panel["S1"] * 1.01
    res = scan(panel, out=tmp_path)
    assert (res.computed, res.skipped) == (1, 2)
    assert len(res.to_frame()) == 3


def test_other_parameters_are_kept_apart(tmp_path):
    panel = make_panel(3)
    a = scan(panel, out=tmp_path)
    b = scan(panel, [PSYAnalysis(level=99)], out=tmp_path)
    assert a.param_hash != b.param_hash and b.computed == 3
    assert any("other parameter set(s)" in n and a.param_hash in n for n in b.notes)
    params = json.loads((tmp_path / b.param_hash / "params.json").read_text())
    assert params["spec"]["analyses"][0]["level"] == 99
    assert (tmp_path / a.param_hash / "summary.parquet").exists()


def test_no_resume_discards_the_same_parameters_only(tmp_path):
    panel = make_panel(3)
    a = scan(panel, out=tmp_path)
    b = scan(panel, [PSYAnalysis(level=99)], out=tmp_path)
    again = scan(panel, out=tmp_path, resume=False)
    assert again.computed == 3
    assert any("discarded" in n for n in again.notes)
    assert (tmp_path / b.param_hash / "summary.parquet").exists()
    assert a.param_hash == again.param_hash


def test_an_unfinished_writer_is_repaired(tmp_path):
    panel = make_panel(4)
    spec = ScanSpec((PSYAnalysis(),))
    res = scan(dict(list(panel.items())[:2]), out=tmp_path)
    folder = tmp_path / res.param_hash
    # a torn manifest line, a stray temp file, an unrecorded compaction, an unrecorded part
    with open(folder / "manifest.jsonl", "a") as fh:
        fh.write('{"op":"part","part":"part-9')
    (folder / "parts" / ".part-x.parquet.1.tmp").write_bytes(b"junk")
    live = next((folder / "parts").glob("*.parquet"))
    (folder / "parts" / "compact-99999999999999999999-1-000001.parquet").write_bytes(
        live.read_bytes()
    )
    other = tmp_path.parent / (tmp_path.name + "-other")
    more = scan(dict(list(panel.items())[2:3]), out=other)
    rows = more.table.to_dict(orient="records")
    part = next((other / more.param_hash / "parts").glob("*.parquet"))
    (folder / "parts" / "part-99-1-000001.parquet").write_bytes(part.read_bytes())
    with ScanDirectory(tmp_path, spec) as d:
        assert set(d.keys) == {(r.symbol, r.fingerprint) for r in res.table.itertuples()} | {
            (rows[0]["symbol"], rows[0]["fingerprint"])
        }
    entries = _manifest(folder)
    assert entries[-1]["adopted"] is True
    assert not list((folder / "parts").glob(".*.tmp"))
    assert not (folder / "parts" / "compact-99999999999999999999-1-000001.parquet").exists()
    final = scan(panel, out=tmp_path)
    assert (final.computed, final.skipped) == (1, 3)
    assert final.table["symbol"].is_unique and len(final.table) == 4


def test_a_final_row_wins_over_a_timeout_and_a_longer_limit_retries_it(tmp_path):
    panel = make_panel(2)
    slow = (Misbehave(steps=("S1",), seconds=0.6), PSYAnalysis())
    first = scan(panel, slow, out=tmp_path, timeout=0.2)
    assert first.counts()["timeout"] == 1
    same = scan(panel, slow, out=tmp_path, timeout=0.2)
    assert same.computed == 0  # the same limit would time out again
    longer = scan(panel, slow, out=tmp_path, timeout=30)
    assert longer.computed == 1 and longer.counts() == {
        "ok": 2, "insufficient": 0, "error": 0, "timeout": 0, "worker lost": 0
    }  # fmt: skip
    assert len(longer.table) == 2


def test_refusals(tmp_path):
    panel = make_panel(1)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(InputError, match="holds other files"):
        scan(panel, out=tmp_path / "mine")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        scan(panel, out=tmp_path / "file")
    with ScanDirectory(tmp_path / "busy", ScanSpec((PSYAnalysis(),))):
        with pytest.raises(InputError, match="another scan is writing to this folder"):
            scan(panel, out=tmp_path / "busy")
