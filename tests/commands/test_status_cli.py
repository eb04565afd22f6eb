"""``bubblewatch status``: text, JSON, bad input (exit 2, nothing written)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from bubblewatch.cli import main
from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store


def _store(tmp_path):
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2015-01-01", periods=1400)
    path = tmp_path / "ACME.csv"
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 1400)))
    pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), "close": close, "volume": 1e6}).to_csv(
        path, index=False
    )
    db = tmp_path / "s.duckdb"
    with Store(db) as st:
        import_paths(st, [path])
    return str(db), idx


def test_status_of_a_symbol_text_and_json(tmp_path, capsys):
    db, idx = _store(tmp_path)
    assert main(["status", "ACME", "--store", db]) == 0
    out = capsys.readouterr().out
    assert f"ACME on {idx[-1].date()}:" in out and "Why" in out and "Recompute:" in out
    assert "wild bootstrap (HLST 2016), 199 replications" in out
    # LPPLS confidence (a share of fits) is percent in text, as in `lppls confidence`
    flat = " ".join(out.split())
    assert re.search(r"long: \d+% bubble / \d+% anti-bubble", flat), flat
    assert not re.search(r"long: \d\.\d\d bubble", flat)
    assert main(["status", "ACME", "--as-of", "2019-06-28", "--store", db, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["as_of"] == "2019-06-28" and d["level"] in ("calm", "heating", "explosive")
    assert d["signals"]["lppls"]["by_scale"]["long"]["available"] is True
    # ... and a fraction in JSON: values and thresholds are numbers, the words say percent
    for r in d["reasons"]:
        if "LPPLS confidence" in r["condition"]:
            assert isinstance(r["threshold"], float) and 0 < r["threshold"] < 1
            assert 0 <= r["value"] <= 1
            assert f"{r['threshold']:.0%}" in r["condition"]


def test_bad_input_exits_2(tmp_path, capsys):
    db, _ = _store(tmp_path)
    before = Store(db, read_only=True).row_counts()
    assert main(["status", "NOPE", "--store", db]) == 2
    assert "no prices for 'NOPE'" in capsys.readouterr().err
    assert main(["status", "ACME", "--as-of", "2019-02-30", "--store", db]) == 2
    assert "cannot read the date" in capsys.readouterr().err
    assert main(["status", "ACME", "--as-of", "2001-01-01", "--store", db]) == 2
    assert "no close on or before 2001-01-01" in capsys.readouterr().err
    assert main(["status", "ACME", "--group", "ai2025", "--store", db]) == 2
    assert Store(db, read_only=True).row_counts() == before
