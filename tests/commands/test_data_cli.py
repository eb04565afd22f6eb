"""``bubblewatch data import`` and ``bubblewatch data list`` through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bubblewatch.cli import main
from bubblewatch.data.store import Store

PRICES = "date,open,high,low,close,adj_close,volume\n2025-01-02,1,2,0.5,1.5,1.4,100\n2025-01-03,1.5,2.5,1,2,1.9,200\n"


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    a = tmp_path / "ACME.csv"
    a.write_text(PRICES, encoding="utf-8")
    g = tmp_path / "GDP.csv"
    g.write_text("date,value\n2025-01-01,30000\n2025-04-01,30500\n", encoding="utf-8")
    return {"prices": a, "macro": g, "store": tmp_path / "s.duckdb"}


def test_import_then_list_json(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store = str(files["store"])
    assert main(["data", "import", str(files["prices"]), "--store", store, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"] == {"prices": 2}
    assert out["files"][0]["symbols"] == ["ACME"]
    assert out["files"][0]["first"] == "2025-01-02"
    assert out["warnings"] == []
    assert main(["data", "import", str(files["macro"]), "--kind", "macro", "--store", store]) == 0
    capsys.readouterr()
    assert main(["data", "list", "--store", store, "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing == [
        {
            "symbol": "ACME",
            "kind": "equity",
            "rows": 2,
            "first": "2025-01-02",
            "last": "2025-01-03",
        },
        {"symbol": "GDP", "kind": "macro", "rows": 2, "first": "2025-01-01", "last": "2025-04-01"},
    ]


def test_import_text_summary_and_symbol(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(files["store"])
    code = main(
        [
            "data",
            "import",
            str(files["prices"]),
            "--symbol",
            "XYZ",
            "--kind",
            "index",
            "--store",
            store,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("imported 1 file, 1 series into")  # singular, rich table below
    assert "rows written: prices 2" in out
    assert main(["data", "list", "--store", store]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]  # a table: title, header, rows
    assert line.split() == ["XYZ", "index", "2", "2025-01-02", "2025-01-03"]


def test_import_shift_option(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store = str(files["store"])
    assert (
        main(["data", "import", str(files["prices"]), "--shift", "ACME=3", "--store", store]) == 0
    )
    with Store(store, read_only=True) as st:
        assert str(st.prices("ACME").index[0].date()) == "2025-01-05"
    assert main(["data", "import", str(files["prices"]), "--shift", "ACME", "--store", store]) == 2
    assert "expected SYMBOL=DAYS" in capsys.readouterr().err


def test_bad_kind_and_missing_file_exit_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(files["store"])
    assert main(["data", "import", str(files["prices"]), "--kind", "stock", "--store", store]) == 2
    assert "unknown kind 'stock'" in capsys.readouterr().err
    assert main(["data", "import", str(files["store"].parent / "nope.csv"), "--store", store]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_list_empty_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store(tmp_path / "e.duckdb").close()  # a writer creates the (empty) store
    assert main(["data", "list", "--store", str(tmp_path / "e.duckdb")]) == 0
    assert capsys.readouterr().out.strip() == "the store is empty"


@pytest.mark.shared
@pytest.mark.slow
def test_shared_import_via_cli(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "shared.duckdb")
    assert (
        main(["data", "import", str(shared_data), "--store", store, "--shift-days", "1", "--json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    # skipped: ie_data.xls, cape_tr_cape_ecy, sp500_constituents, the three connectedness
    # cases (no dates) and CONNECTEDNESS.md; fundamentals/ (fundamentals.csv and
    # shares_outstanding.csv) is imported since the fundamentals importer landed (was 110/9)
    assert report["imported_files"] == 112 and report["skipped_files"] == 7
    assert report["rows"]["fundamentals"] == 564
    assert report["rows"]["prices"] > 300_000
    assert any("high < low" in w for w in report["warnings"])
    tsmc = next(f for f in report["files"] if f["path"].endswith("TSMC_2330.TW.csv"))
    assert tsmc["shift_days"] == 1 and tsmc["first"] == "2025-08-22"
    assert main(["data", "list", "--store", store, "--json"]) == 0
    listing = {e["symbol"]: e for e in json.loads(capsys.readouterr().out)}
    assert listing["NVDA"] == {
        "symbol": "NVDA",
        "kind": "equity",
        "rows": 4073,
        "first": "2010-03-15",
        "last": "2026-05-21",
    }


def test_dry_run_and_replace(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store = str(files["store"])
    assert main(["data", "import", str(files["prices"]), "--dry-run", "--store", store]) == 0
    assert capsys.readouterr().out.startswith("checked (dry run, nothing written) 1 file,")
    # a dry run only reads: it never creates the store (issue 10 item 2)
    assert not Path(store).exists()
    assert main(["data", "import", str(files["prices"]), "--store", store]) == 0
    assert main(["data", "import", str(files["prices"]), "--dry-run", "--store", store]) == 0
    with Store(store, read_only=True) as st:
        assert st.row_counts()["prices"] == 2
    short = files["prices"].with_name("SHORT.csv")
    short.write_text("date,close\n2025-01-03,3\n", encoding="utf-8")
    args = ["data", "import", str(short), "--symbol", "ACME", "--replace", "--store", store]
    assert main(args) == 0
    with Store(store, read_only=True) as st:
        assert list(st.prices("ACME")["close"]) == [3.0]
