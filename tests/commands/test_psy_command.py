"""``bubblewatch psy``: text and JSON output, bad input exit codes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from bubblewatch.cli import main


def _csv(tmp_path, values, name="p.csv"):
    idx = pd.bdate_range("2023-01-02", periods=len(values))
    path = tmp_path / name
    pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), "close": values}).to_csv(path, index=False)
    return path


def _prices(n=220, seed=0):
    rng = np.random.default_rng(seed)
    p = 100 * np.exp(np.cumsum(rng.normal(0.0005, 0.01, n)))
    p[-50:] *= np.exp(np.linspace(0, 0.5, 50))
    return p


def test_json_keys(tmp_path, capsys):
    path = _csv(tmp_path, _prices())
    assert main(["psy", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"adf", "sadf", "gsadf", "bsadf", "cv", "episodes", "params"} <= set(d)
    assert set(d["bsadf"][0]) == {"date", "value"}
    assert set(d["cv"]["gsadf"]) == {"90", "95", "99"} and set(d["cv"]["bsadf"][0]) == {
        "date",
        "95",
    }
    assert set(d["episodes"][0]) == {"start", "peak", "end", "duration", "ongoing"}
    assert d["params"]["log"] is True and d["params"]["lags"] == 0


def test_mc_with_lags_and_ic(tmp_path, capsys):
    path = _csv(tmp_path, _prices(120))
    args = ["psy", str(path), "--lags", "1", "--cv", "mc", "--reps", "40", "--seed", "3", "--json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["cv"]["method"] == "mc" and d["params"]["lags"] == 1
    assert (
        main(["psy", str(path), "--ic", "bic", "--max-lags", "2", "--cv", "wb", "--reps", "20"])
        == 0
    )
    assert "BIC" in capsys.readouterr().out


def test_bad_input(tmp_path, capsys):
    p = _prices(120)
    p[30] = -5.0
    path = _csv(tmp_path, p)
    assert main(["psy", str(path)]) == 2
    assert "2023-02-13" in capsys.readouterr().err
    assert main(["psy", str(path), "--no-log", "--min-window", "500"]) == 2
    assert main(["psy", str(path), "--lags", "1", "--ic", "aic"]) == 2


def test_missing_value_in_file_names_its_date(tmp_path, capsys):
    p = _prices(120).astype(object)
    p[40] = ""
    p[70] = "nan"
    path = _csv(tmp_path, p)
    assert main(["psy", str(path)]) == 2
    err = capsys.readouterr().err
    assert "2023-02-27" in err and "--drop-missing" in err
    assert main(["psy", str(path), "--drop-missing", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["params"]["nobs"] == 118


def test_text_names_sample_cv_source_latest_and_dating_rule(tmp_path, capsys):
    # issue 13 item 7 / issue 14 item 5: the latest BSADF against its critical value, the
    # critical values' source and rule, the dating rule, and the label of episodes when the
    # GSADF does not reject
    path = _csv(tmp_path, _prices(300))
    assert main(["psy", str(path), "--reps", "49"]) == 0
    out = capsys.readouterr().out
    assert "critical values: wild bootstrap (HLST 2016), 49 replications, seed 0" in out
    assert "exuber's pointwise rule" in out
    assert "latest BSADF (" in out and "against its 95% critical value" in out
    assert "dating rule: an episode is a run of dates whose BSADF exceeds" in out
    assert "whole series (300 observations)" in out  # shorter than the 5-year default
    assert main(["psy", str(path), "--reps", "49", "--rule", "psy"]) == 0
    assert "--rule pointwise gives exuber's pointwise rule" in capsys.readouterr().out
    flat = _csv(
        tmp_path, 100 * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.01, 300))), "f.csv"
    )
    assert main(["psy", str(flat), "--reps", "49", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"latest", "dating_rule", "gsadf_rejects"} <= set(d) and d["cv"]["rule"] == "pointwise"


def test_episodes_are_labelled_when_the_gsadf_does_not_reject():
    import dataclasses

    from bubblewatch.detect.psy import psy

    r = psy(np.log(_prices(300)))
    cv = r.critical_values("table")
    low = dataclasses.replace(
        cv,
        gsadf={90: 99.0, 95: 99.0, 99: 99.0},  # the GSADF cannot reject
        bsadf=cv.bsadf - 10.0,  # every date exceeds: one long episode
    )
    text = r.with_critical_values(low).summary()
    assert "GSADF does not reject" in text
    assert "Episodes (95%), not significant for the whole sample" in text
    high = dataclasses.replace(cv, gsadf={90: -99.0, 95: -99.0, 99: -99.0}, bsadf=cv.bsadf - 10.0)
    assert "not significant" not in r.with_critical_values(high).summary()


def test_data_folder_and_fresh_machine(shared_data, tmp_path, monkeypatch, capsys):
    # like every reading command: --data reads a data folder; without a store the embedded
    # default data is read (a fresh clone's `psy NVDA` used to exit 2); the same NVDA history
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("BUBBLEWATCH_STORE", raising=False)
    args = ["psy", "NVDA", "--as-of", "2025-10-29", "--cv", "table", "--json"]
    assert main([*args, "--data", str(shared_data)]) == 0
    shared = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    default = json.loads(capsys.readouterr().out)
    assert shared["bsadf"][-1]["date"] == default["bsadf"][-1]["date"] == "2025-10-29"
    assert abs(shared["gsadf"] - default["gsadf"]) < 0.05
    assert not (tmp_path / "store.duckdb").exists()
