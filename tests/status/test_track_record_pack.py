"""The shipped track-record replays of the embedded data: current, and equal to a recomputation."""

from __future__ import annotations

import json
import warnings
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch import __version__
from bubblewatch.data.cache import track_record_cache
from bubblewatch.data.default_data import load_default_data
from bubblewatch.data.status_inputs import status_inputs
from bubblewatch.data.store import Store
from bubblewatch.status import asset_status
from bubblewatch.status.asset import price_frame
from bubblewatch.status.params import DEFAULT_PARAMS
from bubblewatch.status.replay import replay_key
from bubblewatch.status.track_record import TRACK_HISTORIES
from bubblewatch.status.views import track_record_view

PACK = Path(str(resources.files("bubblewatch.data"))) / "track_record"


@pytest.fixture(scope="module")
def default_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("default") / "default.duckdb"
    with Store(path) as st, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_default_data(st)
    st = Store(path, read_only=True)
    yield st
    st.close()


def test_manifest_is_current():
    m = json.loads((PACK / "MANIFEST.json").read_text(encoding="utf-8"))
    # a new version or new parameters: re-run scripts/build_track_record_pack.py
    assert m["version"] == __version__
    assert m["params"] == json.loads(json.dumps(DEFAULT_PARAMS.to_dict()))
    assert {f["label"] for f in m["files"]} == {s.label for s in TRACK_HISTORIES}
    assert all((PACK / f["file"]).is_file() for f in m["files"])


def test_default_data_finds_every_shipped_replay(default_store, monkeypatch, tmp_path):
    monkeypatch.setenv("BUBBLEWATCH_CACHE", str(tmp_path))  # an empty user cache
    rec = track_record_view(
        lambda s: status_inputs(default_store, s), cache=track_record_cache(), cached_only=True
    )
    assert set(rec.replays) == {s.label for s in TRACK_HISTORIES}
    assert int(rec.table.loc["all", "days"]) > 10_000


def test_shipped_rows_equal_the_status_recomputed(default_store):
    spec = next(s for s in TRACK_HISTORIES if s.symbol == "BTC-USD")
    hist = status_inputs(default_store, spec.symbol).history
    key = replay_key(spec, price_frame(hist), DEFAULT_PARAMS, 5, 20)
    shipped = pd.read_parquet(PACK / f"{key}.parquet")
    own = shipped[shipped.index == shipped["lppls_date"]]  # days that computed their LPPLS
    p = DEFAULT_PARAMS.replace(gsadf_cv=False)
    for day in own.index[[0, len(own) // 2, -1]]:
        st = asset_status(hist, as_of=day, params=p, symbol=spec.symbol)
        row = shipped.loc[day]
        assert st.level == row["level"]
        assert st.signals.psy.bsadf == row["bsadf"] and st.signals.psy.cv95 == row["cv95"]
        assert st.signals.lppls.pos == row["lppls_pos"]
