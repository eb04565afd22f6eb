"""``bubblewatch report`` and ``bubblewatch data load-demo`` on the command line."""

from __future__ import annotations

import json
import re

import pytest

from bubblewatch.cli import main


@pytest.fixture()
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    assert (
        main(["--quiet", "data", "load-demo", "--store", str(path), "--symbols", "NVDA,^IXIC,MSFT"])
        == 0
    )
    return path


def test_report_without_a_store_reads_the_embedded_data(default_report):
    # a fresh machine: no default store; the report reads the embedded default data and
    # never creates (or writes) a store (issue 14 item 2, issue 10 item 2); built once per
    # session by the `default_report` fixture (tests/conftest.py), shared with tests/report
    out, payload = default_report["out"], default_report["payload"]
    assert payload["out"] == str(out) and out.exists()
    assert len(payload["inputs_hash"]) == 64
    assert payload["sections"][0]["id"] == "status"  # issue 13 item 7: the status first
    assert "reading the embedded default data" in default_report["err"]
    assert not (default_report["home"] / "store.duckdb").exists()
    # the default report is the AI-2025 episode (issue 14 item 1): as of the data's end,
    # NVDA's 2025-11-04 move, the claims mostly checkable, the sources attributed
    assert payload["as_of"] == "2026-08-21"
    assert payload["symbols"][:3] == ["NVDA", "AMD", "ORCL"]
    status = {s["id"]: s["status"] for s in payload["sections"]}
    assert status["market"] == status["valuation"] == status["macro"] == "ok"
    assert status["claims"] == status["sources"] == status["network"] == "ok"
    page = default_report["page"]
    assert "2025-11-04" in page and "-3.96%" in page
    confirmed = int(re.search(r"(\d+) confirmed / ", page).group(1))
    assert confirmed >= 20
    assert "Attribute sources; don&#x27;t redistribute beyond this project." in page


def test_report_on_a_missing_store_says_how_to_create_it(tmp_path, capsys):
    store = tmp_path / "typo.duckdb"
    code = main(["report", "--store", str(store), "--out", str(tmp_path / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"store {store} does not exist" in err
    assert "bubblewatch data load-demo --store" in err
    assert not store.exists()


def test_report_symbols_and_text_output(demo_store, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(
        ["report", "--store", str(demo_store), "--out", str(out), "--symbols", "NVDA,^IXIC"]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert f"report written to {out}" in text
    assert "tracked: NVDA, ^IXIC" in text
    assert "assets: Nvidia (NVDA), NASDAQ Composite" in text  # readable names (QA pass)


def test_report_same_inputs_same_hash(demo_store, tmp_path, capsys):
    hashes = []
    for name in ("a.html", "b.html"):
        assert (
            main(["report", "--store", str(demo_store), "--out", str(tmp_path / name), "--json"])
            == 0
        )
        hashes.append(json.loads(capsys.readouterr().out)["inputs_hash"])
    assert hashes[0] == hashes[1]


def test_report_unknown_symbol_exits_2(demo_store, tmp_path, capsys):
    code = main(
        [
            "report",
            "--store",
            str(demo_store),
            "--out",
            str(tmp_path / "r.html"),
            "--symbols",
            "NOPE",
        ]
    )
    assert code == 2
    assert "no prices for NOPE" in capsys.readouterr().err


def test_report_missing_data_dir_exits_2(tmp_path, capsys):
    code = main(["report", "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "r.html")])
    assert code == 2
    assert "not a folder" in capsys.readouterr().err


def test_report_out_is_a_folder_exits_2(demo_store, tmp_path, capsys):
    code = main(["report", "--store", str(demo_store), "--out", str(tmp_path)])
    assert code == 2


def test_load_demo_json(tmp_path, capsys):
    code = main(
        ["data", "load-demo", "--store", str(tmp_path / "s.duckdb"), "--symbols", "^GSPC", "--json"]
    )
    assert code == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["symbol"] == "^GSPC" and rec["rows"] == 5031 and rec["status"] == "loaded"
    assert rec["source"].startswith("arch ")


def test_report_bad_as_of_exits_2(demo_store, tmp_path, capsys):
    code = main(
        [
            "report",
            "--store",
            str(demo_store),
            "--out",
            str(tmp_path / "r.html"),
            "--as-of",
            "2025-13-45",
        ]
    )
    assert code == 2
    assert "--as-of: unparsable date '2025-13-45'" in capsys.readouterr().err


def test_report_as_of_cuts_the_chart(demo_store, tmp_path, capsys):
    code = main(
        [
            "report",
            "--store",
            str(demo_store),
            "--out",
            str(tmp_path / "r.html"),
            "--as-of",
            "2016-01-04",
            "--json",
        ]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2016-01-04"
