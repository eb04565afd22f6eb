"""2000 vs now on synthetic paths: the cells, their sources, the aligned paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.status.compare2000 import compare_2000
from bubblewatch.status.params import DEFAULT_PARAMS


def _path(start: str, end: str, peak: str, seed: int) -> pd.Series:
    idx = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    t = (idx - pd.Timestamp(peak)).days.to_numpy() / 365.0
    y = np.where(t <= 0, 1.2 * t, -0.8 * t) + np.cumsum(rng.normal(0, 0.005, len(idx)))
    return pd.Series(100 * np.exp(y), index=idx)


def test_cells_sources_and_paths():
    then = _path("1990-01-02", "2003-06-30", "2000-03-10", 1)
    now = _path("2018-01-02", "2026-02-27", "2025-10-29", 2)
    cape = pd.Series(
        np.linspace(10, 44, 600), index=pd.date_range("1976-01-01", periods=600, freq="MS")
    )
    holdings = pd.DataFrame(
        {"as_of": pd.Timestamp("2025-09-30"), "symbol": [f"S{i}" for i in range(20)],
         "name": "x", "weight": [10.0] * 5 + [50 / 15] * 15}
    )  # fmt: skip
    c = compare_2000(then, {"AI": (now, "synthetic AI")}, then_source="synthetic NASDAQ",
                     cape=cape, holdings=holdings, params=DEFAULT_PARAMS.replace(lppls=False))  # fmt: skip
    t, n = c.then, c.now[0]
    assert t.peak == pd.Timestamp("2000-03-10") and n.peak == pd.Timestamp("2025-10-29")
    assert t.cells["run_up_3y"]["value"] == pytest.approx(
        then["2000-03-10"] / then[: pd.Timestamp("1997-03-10")].iloc[-1] - 1
    )
    assert t.cells["top10_weight"]["text"] == "no holdings in the data"
    assert n.cells["top10_weight"]["value"] == pytest.approx(0.5 + 5 * 50 / 15 / 100)
    assert n.cells["drawdown_now"]["value"] == pytest.approx(now.iloc[-1] / now["2025-10-29"] - 1)
    k = len(now["2025-10-29":]) - 1
    assert n.cells["drawdown_2000_same"]["value"] == pytest.approx(t.path[k] - 1)
    assert t.path[0] == 1.0 and n.path[0] == 1.0
    assert t.cells["lppls_max"]["text"] == "not computed (lppls=False)"
    frame = c.to_frame()
    assert list(frame.columns) == ["NASDAQ 1995-2002", "AI"] and "peak date" in frame.index
    assert c.to_dict()["columns"][1]["source"] == "synthetic AI"
    fig = c.plot()
    assert fig.layout.xaxis.title.text == "sessions from the peak"
