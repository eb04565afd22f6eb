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
