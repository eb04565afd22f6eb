"""`bubblewatch scan` on the command line: inputs (store, --panel), bad input with clear
messages, --out/--resume, progress lines, and the report's scan section reading --out."""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scan"))
from scan_inputs import make_panel


def _panel_file(tmp_path, panel=None, name="panel.csv") -> Path:
    panel = panel or make_panel(4)
    frame = pd.concat(
        pd.DataFrame({"symbol": k, "date": v.index, "close": v.to_numpy()})
        for k, v in panel.items()
    )
    path = tmp_path / name
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", float_format="%.17g")
    return path


def test_panel_with_bad_series_gives_their_rows(tmp_path, capsys):
    panel = make_panel(3)
    neg = panel["S1"].copy()
    neg.iloc[50] = -2.0
    panel["NEG"] = neg
    panel["SHORT"] = panel["S2"].iloc[:25]
    path = _panel_file(tmp_path, panel)
    assert main(["scan", "--panel", str(path), "--scheduler", "sync", "--json"]) == 0
    rows = {r["symbol"]: r for r in json.loads(capsys.readouterr().out)["series"]}
    assert rows["NEG"]["outcome"] == "error"
    assert rows["NEG"]["error"] == (
        "NEG has a non-positive value (-2.0) at 2021-03-12, so its log is undefined; use "
        "positive prices or turn the log off (log=False)"  # pure modules name no CLI flag
    )
    assert rows["SHORT"]["outcome"] == "insufficient"
    assert rows["SHORT"]["error"] == "25 observations; the scan needs at least 60"
    assert rows["S0"]["outcome"] == "ok" and rows["S0"]["explosive_now"] is True
    assert rows["S0"]["gsadf_pvalue"] < 0.001 and rows["S0"]["explosive_bh"] is True
    # without the log the negative price is a number like any other
    assert main(["scan", "--panel", str(path), "--scheduler", "sync", "--no-log", "--json",
                 "--symbols", "NEG"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["series"][0]["outcome"] == "ok"


def test_panel_file_errors_exit_2(tmp_path, capsys):
    dup = tmp_path / "dup.csv"
    dup.write_text("symbol,date,close\nA,2025-01-02,1\nA,2025-01-02,1\n")
    assert main(["scan", "--panel", str(dup)]) == 2
    assert "the same symbol and date appear on lines 2, 3" in capsys.readouterr().err
    path = _panel_file(tmp_path)
    assert main(["scan", "--panel", str(path), "--symbols", "S0,ZZZ"]) == 2
    assert "--symbols: not in" in capsys.readouterr().err
    assert main(["scan", "--panel", str(path), "--analyses", "garch"]) == 2
    assert "unknown analysis 'garch'" in capsys.readouterr().err
    assert main(["scan", "--panel", str(path), "--scheduler", "sync", "--timeout", "-1"]) == 2
    assert "Invalid value for '--timeout'" in capsys.readouterr().err


def test_unsorted_panel_is_noted_and_scanned_sorted(tmp_path, capsys):
    path = _panel_file(tmp_path)
    frame = pd.read_csv(path)
    shuffled = tmp_path / "shuffled.csv"
    frame.sample(frac=1.0, random_state=1).to_csv(shuffled, index=False)
    assert main(["scan", "--panel", str(shuffled), "--scheduler", "sync", "--json"]) == 0
    captured = capsys.readouterr()
    assert "were not in date order" in captured.err
    got = json.loads(captured.out)
    assert main(["scan", "--panel", str(path), "--scheduler", "sync", "--json"]) == 0
    want = json.loads(capsys.readouterr().out)
    run = ("elapsed_s", "attempts", "timeout_s")
    strip = lambda rows: sorted(  # noqa: E731
        ({k: v for k, v in r.items() if k not in run} for r in rows), key=lambda r: r["symbol"]
    )
    assert strip(got["series"]) == strip(want["series"])
    assert any("not in date order" in n for n in got["notes"])


def test_unreachable_address_exits_2_within_seconds(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = _panel_file(tmp_path)
    t0 = time.monotonic()
    rc = main(["scan", "--panel", str(path), "--address", f"tcp://127.0.0.1:{port}",
               "--connect-timeout", "2"])  # fmt: skip
    assert rc == 2
    assert time.monotonic() - t0 < 30
    err = capsys.readouterr().err
    assert f"tcp://127.0.0.1:{port}: cannot reach a Dask scheduler within 2 s" in " ".join(
        err.split()
    )
    assert (
        main(["scan", "--panel", str(path), "--address", "tcp://x:1", "--scheduler", "sync"]) == 2
    )
    assert "address is only used with scheduler='dask'" in capsys.readouterr().err


def test_out_resume_and_parameters_kept_apart(tmp_path, capsys):
    path = _panel_file(tmp_path)
    out = tmp_path / "out"
    base = ["scan", "--panel", str(path), "--scheduler", "sync", "--out", str(out)]
    assert main([*base, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["computed"], first["skipped"]) == (4, 0)
    assert main([*base, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["computed"], again["skipped"]) == (0, 4)
    assert main([*base, "--level", "99"]) == 0
    text = capsys.readouterr().out
    assert "kept apart" in text and first["param_hash"] in text
    assert "computed now           4" in text
    summary = out / again["param_hash"] / "summary.csv"
    assert len(pd.read_csv(summary)) == 4


def test_progress_lines_on_stderr_without_a_terminal(tmp_path, capsys):
    path = _panel_file(tmp_path)
    assert main(["scan", "--panel", str(path), "--scheduler", "threads", "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert "scan (psy) on threads: 4 to compute, 0 already done" in err
    assert "scan: 4/4 done (100%), 0 failed," in err and "series/s, ETA 0s" in err
    assert main(["--quiet", "scan", "--panel", str(path), "--scheduler", "sync"]) == 0
    assert "scan:" not in capsys.readouterr().err


def test_export_csv(tmp_path, capsys):
    path = _panel_file(tmp_path)
    assert main(["scan", "--panel", str(path), "--scheduler", "sync", "--export", "csv"]) == 0
    from io import StringIO

    frame = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(frame["symbol"]) == ["S0", "S1", "S2", "S3"]
    assert {"gsadf_pvalue", "gsadf_qvalue", "explosive_bh"} <= set(frame.columns)


def test_report_reads_the_scan_directory(tmp_path):
    from bubblewatch.data.store import Store
    from bubblewatch.report.context import ReportContext
    from bubblewatch.report.sections import scan as section

    path = _panel_file(tmp_path)
    out = tmp_path / "out"
    with Store(":memory:") as st:
        ctx = ReportContext(st, [], pd.Timestamp("2021-11-01"), options={"scan_dir": out})
        missing = section.build(ctx)
        assert missing.missing and "not a scan directory" in missing.missing[0]
        assert main(["--quiet", "scan", "--panel", str(path), "--scheduler", "sync",
                     "--out", str(out)]) == 0  # fmt: skip
        got = section.build(ctx)
    assert got.missing == ()
    assert "Scan of <b>4</b> series" in got.html
    assert "<td>S0</td>" in got.html and "q-value (BH)" in got.html
    assert np.isfinite(got.figures[0].data[0].x).all()


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_rows_and_a_rerun_completes(tmp_path):
    import os
    import signal
    import subprocess

    root = Path(__file__).resolve().parents[2]
    path = _panel_file(tmp_path, make_panel(30, 4000, seed=3))
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(root / "src"), BUBBLEWATCH_QUIET="1")
    env.setdefault("NUMBA_CACHE_DIR", str(root / ".numba_cache"))
    cmd = [str(Path(sys.executable).parent / "bubblewatch"), "scan", "--panel", str(path),
           "--scheduler", "sync", "--out", str(out)]  # fmt: skip
    # SIGINT back to its default in the child (a background job of a shell inherits it ignored)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    t0 = time.monotonic()
    while not list(out.glob("*/manifest.jsonl")):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() - t0 < 180, "no rows written"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "scan interrupted: the rows finished so far are saved in" in " ".join(err.split())
    summary_before = list(out.glob("*/summary.parquet"))
    assert summary_before == []  # the run did not finish
    assert main(["--quiet", "scan", "--panel", str(path), "--scheduler", "sync", "--out",
                 str(out), "--json"]) == 0  # fmt: skip
    run = json.loads(next(out.glob("*/run.json")).read_text())
    assert run["skipped"] > 0 and run["computed"] + run["skipped"] == 30
    assert pd.read_parquet(next(out.glob("*/summary.parquet")))["symbol"].is_unique


def _store_with_pieces(path: Path) -> pd.Series:
    """A store holding AVGO as a long piece and a recent piece (plus S1), like the shared
    data; returns the whole AVGO path."""
    from bubblewatch.data.store import Store
    from bubblewatch.data.tables import write_prices

    y = make_panel(2, 700, seed=9)
    whole = y["S0"]
    pieces = {"AVGO_LONG": whole.iloc[:600], "AVGO": whole.iloc[560:], "S1": y["S1"]}
    with Store(path) as st, st.transaction() as con:
        for sym, s in pieces.items():
            v = s.to_numpy()
            frame = pd.DataFrame(
                {"date": s.index, "open": v, "high": v, "low": v, "close": v, "adj_close": v,
                 "volume": 1e6, "currency": "USD", "source": "test"}
            )  # fmt: skip
            write_prices(con, sym, frame, kind="equity", source="test")
    return whole


def test_store_symbols_are_read_through_the_resolver(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    whole = _store_with_pieces(path)
    assert main(["scan", "--store", str(path), "--scheduler", "sync", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["symbol"]: r for r in out["series"]}
    assert sorted(rows) == ["AVGO", "S1"]  # AVGO_LONG folds into AVGO
    assert rows["AVGO"]["nobs"] == len(whole) and rows["AVGO"]["first"] == "2021-01-01"
    assert any("AVGO = AVGO_LONG 2021-01-01.." in n for n in out["notes"])


def test_all_three_analyses_on_the_command_line(tmp_path, capsys):
    path = _panel_file(tmp_path, make_panel(2, 800, seed=4))
    short = _panel_file(tmp_path, make_panel(1, 300, seed=5), name="short.csv")
    out = tmp_path / "out"
    args = ["scan", "--scheduler", "sync", "--analyses", "psy,lppls,status"]
    assert main([*args, "--panel", str(path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Scan of 2 series (psy, lppls, status)" in text
    assert "LPPLS, long scale: 2 series fitted" in text and "Status levels" in text
    summary = pd.read_csv(next(out.glob("*/summary.csv")))
    assert {"lppls_long_pos", "lppls_short_tc_q50", "status_level", "status_reasons"} <= set(
        summary.columns
    )
    assert main([*args, "--panel", str(short), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["series"][0]
    assert row["outcome"] == "insufficient"
    assert row["lppls_long_error"] == "insufficient data: 300 sessions, needs 750"
    assert row["lppls_short_pos"] is not None and row["status_level"] is not None
    assert {"condition", "value", "threshold", "command"} <= set(row["status_reasons"][0])
