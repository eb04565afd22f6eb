"""PSY scans of many series: same numbers as one-by-one PSY, for every scheduler."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main
from bubblewatch.data.store import Store
from bubblewatch.data.tables import write_prices
from bubblewatch.detect.psy import psy
from bubblewatch.detect.psy_critical import critical_values
from bubblewatch.errors import InputError
from bubblewatch.scan import scan_psy


def _panel(n: int = 4, T: int = 220, seed: int = 0) -> dict[str, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=T)
    out = {}
    for i in range(n):
        steps = rng.normal(0, 0.01, T)
        if i == 0:  # an explosive tail: 2% a day for the last 40 sessions
            steps[-40:] += 0.02
        out[f"S{i}"] = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx)
    return out


def test_rows_equal_one_by_one_psy():
    panel = _panel()
    table = scan_psy(panel).to_frame().set_index("symbol")
    for sym, y in panel.items():
        res = psy(y, log=True)
        cv = critical_values(res)
        row = table.loc[sym]
        assert row["gsadf"] == res.gsadf
        assert row["bsadf_last"] == res.bsadf.iloc[-1]
        assert row["cv_gsadf"] == cv.gsadf[95]
        assert row["explosive"] == (res.gsadf > cv.gsadf[95])
        assert row["episodes"] == len(res.episodes(95, cv=cv))
    assert table.loc["S0", "explosive_now"]
    assert table.loc["S0", "ongoing"]


def test_untestable_series_are_reported_not_fatal():
    panel = _panel(2)
    panel["SHORT"] = panel["S1"].iloc[:30]
    neg = panel["S1"].copy()
    neg.iloc[100] = -1.0
    panel["NEG"] = neg
    t = scan_psy(panel, min_obs=60).to_frame().set_index("symbol")
    assert t.loc["SHORT", "error"] == "30 observations; the scan needs at least 60"
    assert "non-positive value (-1.0)" in t.loc["NEG", "error"]
    assert t.loc["S1", "error"] is None or pd.isna(t.loc["S1", "error"])


def test_threads_match_sync_exactly():
    panel = _panel(6)
    a = scan_psy(panel, scheduler="sync").to_frame()
    b = scan_psy(panel, scheduler="threads", workers=2).to_frame()
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", ["processes", "dask"])
def test_process_schedulers_match_sync_exactly(scheduler):
    panel = _panel(4)
    a = scan_psy(panel, scheduler="sync").to_frame()
    b = scan_psy(panel, scheduler=scheduler, workers=2).to_frame()
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheduler": "spark"}, "scheduler must be one of sync, threads, processes, dask"),
        ({"address": "tcp://x:8786"}, "address is only used with scheduler='dask'"),
        ({"level": 97}, "level must be 90, 95 or 99"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(InputError, match=message):
        scan_psy(_panel(1), **kwargs)


def test_empty_and_repeated_inputs():
    with pytest.raises(InputError, match="nothing to scan"):
        scan_psy({})
    y = _panel(1)["S0"]
    with pytest.raises(InputError, match="repeated: A"):
        scan_psy([("A", y), ("A", y)])


def test_cli_scan_json(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    with Store(path) as st, st.transaction() as con:
        for sym, y in _panel(3).items():
            frame = pd.DataFrame(
                {
                    "date": y.index,
                    "open": y.to_numpy(),
                    "high": y.to_numpy(),
                    "low": y.to_numpy(),
                    "close": y.to_numpy(),
                    "adj_close": y.to_numpy(),
                    "volume": 1e6,
                    "currency": "USD",
                    "source": "test",
                }
            )
            write_prices(con, sym, frame, kind="equity", source="test")
    assert main(["scan", "--store", str(path), "--scheduler", "sync", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["symbol"] for r in out["series"]] == ["S0", "S1", "S2"]
    assert out["series"][0]["explosive_now"] is True
    assert out["metadata"]["parameters"]["scheduler"] == "sync"
    assert main(["scan", "--store", str(path), "--kind", "index"]) == 2


def test_report_section_lists_the_explosive_series(tmp_path):
    from bubblewatch.report.context import ReportContext
    from bubblewatch.report.sections import scan as scan_section

    panel = _panel(3)
    with Store(":memory:") as st:
        with st.transaction() as con:
            for sym, y in panel.items():
                v = y.to_numpy()
                frame = pd.DataFrame(
                    {
                        "date": y.index,
                        "open": v,
                        "high": v,
                        "low": v,
                        "close": v,
                        "adj_close": v,
                        "volume": 1e6,
                        "currency": "USD",
                        "source": "test",
                    }
                )
                write_prices(con, sym, frame, kind="equity", source="test")
        out = scan_section.build(ReportContext(st, ["S0"], pd.Timestamp("2021-11-01")))
    assert out.missing == ()
    assert "3 series scanned" in out.html
    assert "<td>S0</td>" in out.html
