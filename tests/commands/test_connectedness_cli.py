"""``bubblewatch market connectedness`` end to end: JSON keys in fractions, text, exit codes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main


@pytest.fixture(scope="module")
def csv(tmp_path_factory) -> str:
    rng = np.random.default_rng(11)
    n = 220
    e = rng.standard_normal((n, 3)) @ np.array([[1, 0, 0], [0.6, 1, 0], [0.3, 0.2, 1.0]]).T
    prices = 100 * np.exp(np.cumsum(0.01 * e, axis=0))
    df = pd.DataFrame(prices, columns=["NVDA", "AMD", "TSM"])
    df.insert(0, "date", pd.bdate_range("2025-01-01", periods=n).date)
    path = tmp_path_factory.mktemp("conn") / "prices.csv"
    df.to_csv(path, index=False)
    return str(path)


def _run(args, capsys):
    code = main(["market", "connectedness", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_keys_fractions_and_bands(csv, capsys):
    code, out, _ = _run(
        [csv, "--returns", "--prior", "minnesota", "--bootstrap", "12", "--json",
         "--change-from", "2025-02-01..2025-03-31", "--change-to", "2025-09-01..2025-10-31"],
        capsys,
    )  # fmt: skip
    assert code == 0
    d = json.loads(out)
    assert {"tci", "ctci", "table", "dynamic", "bands", "change_test", "metadata"} <= set(d)
    assert 0 < d["tci"] < 1 and d["ctci"] == pytest.approx(d["tci"] * 3 / 2)
    assert sum(d["table"]["NVDA"].values()) == pytest.approx(1.0)
    assert d["dynamic"][0]["date"] == "2025-01-02" and 0 < d["dynamic"][0]["tci"] < 1
    assert len(d["dynamic"]) == 219
    assert d["bands"]["n_boot"] == 12 and len(d["bands"]["tci"]) == 2
    assert 0 < d["change_test"]["p_value"] <= 1
    assert d["metadata"]["parameters"]["prior"] == "minnesota"


def test_text_output_percent(csv, capsys):
    code, out, _ = _run([csv, "--returns", "--model", "var", "--window", "100"], capsys)
    assert code == 0
    assert "Time connectedness: VAR(1), rolling window 100" in out
    assert "TCI" in out and "%" in out and "NPT" in out and "nan" not in out.lower()


@pytest.mark.parametrize("approach", ["frequency", "joint", "extended-joint"])
def test_other_approaches(csv, capsys, approach):
    code, out, _ = _run([csv, "--returns", "--connectedness", approach, "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert 0 < d["tci"] < 1
    if approach == "frequency":
        assert [b["name"] for b in d["frequency_bands"]] == ["2-4", "4-inf"]
        assert sum(b["tci"] for b in d["frequency_bands"]) == pytest.approx(d["tci"])


def test_frequency_text_and_periods(csv, capsys):
    code, out, _ = _run(
        [csv, "--returns", "--connectedness", "frequency", "--periods", "5,21", "--model", "qvar"],
        capsys,
    )
    assert code == 0 and "cycles of 2-5 observations" in out and "21-inf" in out


def test_groups_decomposition(csv, capsys):
    code, out, _ = _run([csv, "--returns", "--groups", "US=NVDA,AMD;Asia=TSM", "--json"], capsys)
    assert code == 0
    d = json.loads(out)["decomposition"]
    assert d["internal"]["tci"] + d["external"]["tci"] == pytest.approx(json.loads(out)["tci"])


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--tau", "1.2", "--model", "qvar"], "tau"),
        (["--connectedness", "frequency", "--partition", "pi/2,0"], "does not cover"),
        (["--window", "5000"], "prior window"),
        (["--model", "arima"], "model must be"),
        (["--change-from", "2025-02-03"], "--change-to"),
    ],
)
def test_bad_input_exits_2(csv, capsys, extra, needle):
    code, _, err = _run([csv, "--returns", *extra], capsys)
    assert code == 2
    assert needle in err


def test_identical_and_missing_series(tmp_path, csv, capsys):
    df = pd.read_csv(csv)
    df["COPY"] = df["AMD"]
    p = tmp_path / "dup.csv"
    df.to_csv(p, index=False)
    code, _, err = _run([str(p), "--returns"], capsys)
    assert code == 2 and "'AMD' and 'COPY' are identical" in err
    gap = pd.read_csv(csv)
    gap.loc[5, "TSM"] = None
    p2 = tmp_path / "gap.csv"
    gap.to_csv(p2, index=False)
    code, _, err = _run([str(p2)], capsys)
    assert code == 2 and "'TSM'" in err and "--dropna" in err
    code, out, _ = _run([str(p2), "--dropna", "--json"], capsys)
    assert code == 0 and json.loads(out)["metadata"]["parameters"]["dropped_dates"] == 1
    text = tmp_path / "text.csv"
    bad = pd.read_csv(csv)
    bad["AMD"] = bad["AMD"].astype(object)
    bad.loc[3, "AMD"] = "abc"
    bad.to_csv(text, index=False)
    code, _, err = _run([str(text)], capsys)
    assert code == 2 and "AMD" in err and "abc" in err


def test_export_csv(csv, capsys):
    code, out, _ = _run([csv, "--returns", "--prior", "minnesota", "--export", "csv"], capsys)
    assert code == 0
    assert out.splitlines()[0].split(",")[:3] == ["date", "tci", "ctci"]
