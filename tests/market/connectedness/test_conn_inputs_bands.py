"""Bad input (named errors, never NaN tables), bootstrap bands and the TCI change test."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market.connectedness import (
    bootstrap_bands,
    connectedness,
    decompose,
    fit_qvar,
    fit_tvp_var,
    quantile_sweep,
)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 260
    e = rng.standard_normal((n, 3)) @ np.array([[1, 0, 0], [0.5, 1, 0], [0.2, 0.3, 1.0]]).T
    y = np.zeros((n, 3))
    for t in range(1, n):
        y[t] = 0.3 * y[t - 1] + e[t]
    return pd.DataFrame(
        y, columns=["NVDA", "AMD", "TSM"], index=pd.bdate_range("2025-01-01", periods=n)
    )


def test_identical_columns_are_named(data):
    df = data.assign(COPY=data["AMD"])
    with pytest.raises(InputError, match="'AMD' and 'COPY' are identical"):
        connectedness(df)


def test_collinear_columns_are_named(data):
    df = data.assign(SUM=data["NVDA"] + 2 * data["TSM"])
    with pytest.raises(InputError, match="linear combination") as err:
        connectedness(df, model="var")
    assert "'SUM'" in str(err.value) and "'NVDA'" in str(err.value)


def test_too_few_observations_for_the_prior_window(data):
    with pytest.raises(InsufficientDataError, match="prior window"):
        connectedness(data, window=1000)
    with pytest.raises(InsufficientDataError, match="needs at least"):
        connectedness(data, window=5)
    with pytest.raises(InsufficientDataError, match="needs at least"):
        connectedness(data.iloc[:4])


def test_tau_outside_unit_interval(data):
    for bad in (0.0, 1.0, -0.1, 1.5, "x"):
        with pytest.raises(InputError, match="tau"):
            fit_qvar(data, tau=bad)


def test_partition_not_covering(data):
    with pytest.raises(InputError, match="does not cover"):
        connectedness(data, approach="frequency", partition=(2.0, 0.0))


def test_non_numeric_column(data):
    df = data.astype(object)
    df.iloc[5, 1] = "n/a"
    with pytest.raises(InputError, match="'AMD' is not numeric: 'n/a' at 2025-01-08"):
        connectedness(df)


def test_missing_values_named_and_dropped_on_request(data):
    df = data.copy()
    df.iloc[10, 0] = np.nan
    df.iloc[20, 2] = np.inf
    with pytest.raises(InputError, match=r"'NVDA' \(1, first at 2025-01-15\), 'TSM'") as err:
        connectedness(df)
    assert "dropna" in str(err.value)
    c = connectedness(df, dropna=True)
    assert len(c.index) == len(df) - 2 and c.fit.dropped == 2
    assert dict(c.metadata.parameters)["dropped_dates"] == 2


def test_bad_parameters(data):
    with pytest.raises(InputError, match="kappa1"):
        fit_tvp_var(data, kappa1=1.0)
    with pytest.raises(InputError, match="prior"):
        fit_tvp_var(data, prior="flat")
    with pytest.raises(InputError, match="model"):
        connectedness(data, model="garch")
    with pytest.raises(InputError, match="approach"):
        connectedness(data, approach="spectral")
    with pytest.raises(InputError, match="lags"):
        connectedness(data, lags=0)
    with pytest.raises(InputError, match="at least two series"):
        connectedness(data[["NVDA"]])


@pytest.mark.parametrize("model", ["var", "tvp-var", "qvar"])
@pytest.mark.parametrize("approach", ["time", "frequency", "joint", "extended-joint"])
def test_no_nan_reaches_a_table(data, model, approach):
    c = connectedness(data, model=model, approach=approach, window=120)
    payload = json.loads(c.to_json())  # allow_nan=False: a NaN would raise
    assert payload["tci"] > 0
    frame = c.to_frame()
    assert np.isfinite(frame.to_numpy(dtype=float)).all()


@pytest.fixture(scope="module")
def banded(data):
    c = connectedness(data, prior="minnesota")
    return bootstrap_bands(c, n_boot=30, seed=3)


def test_bands_contain_estimate_and_are_reproducible(data, banded):
    b = banded.bands
    assert b.n_boot == 30 and b.boot_tci.shape == (30, len(data))
    assert (b.tci_lower <= banded.tci_t + 1e-12).all() and (
        banded.tci_t <= b.tci_upper + 1e-12
    ).all()
    lo, hi = b.mean_tci_interval
    assert lo < banded.tci < hi
    again = bootstrap_bands(banded, n_boot=30, seed=3).bands
    np.testing.assert_array_equal(again.boot_tci, b.boot_tci)
    d = json.loads(banded.to_json())
    assert d["bands"]["tci"] == [pytest.approx(lo), pytest.approx(hi)]
    assert set(d["bands"]["net"]) == {"NVDA", "AMD", "TSM"}
    assert d["bands"]["dynamic"][0]["date"] == "2025-01-01"


def test_change_test(banded):
    ct = banded.bands.change_test(("2025-02-01", "2025-03-31"), ("2025-08-01", "2025-09-30"))
    assert 0 < ct.p_value <= 1
    assert ct.lower <= ct.difference <= ct.upper
    assert ct.difference == pytest.approx(ct.tci_b - ct.tci_a)
    same = banded.bands.change_test("2025-05-02", "2025-05-02")
    assert same.difference == 0.0 and same.p_value == 1.0
    with pytest.raises(InputError, match="no estimate"):
        banded.bands.change_test("2030-01-01..2030-02-01".split(".."), "2025-05-02")


def test_bands_bad_input(data):
    c = connectedness(data, model="var", window=100)
    with pytest.raises(InputError, match="whole-sample"):
        bootstrap_bands(c, n_boot=5, scheme="block", block_length=5)
    with pytest.raises(InputError, match="scheme"):
        bootstrap_bands(c, n_boot=5, scheme="wild")
    static = connectedness(data, model="var")
    b = bootstrap_bands(static, n_boot=10, scheme="block", block_length=10).bands
    assert b.boot_tci.shape == (10, 1)


def test_decompose_checks_groups(data):
    c = connectedness(data, prior="minnesota")
    with pytest.raises(InputError, match="cover every series"):
        decompose(c, {"US": ["NVDA", "AMD"], "X": []})
    with pytest.raises(InputError, match="no series 'INTC'"):
        decompose(c, {"US": ["NVDA", "INTC"], "Asia": ["TSM", "AMD"]})
    j = connectedness(data, approach="joint", prior="minnesota")
    with pytest.raises(InputError, match="joint"):
        decompose(j, {"US": ["NVDA", "AMD"], "Asia": ["TSM"]})


def test_quantile_sweep_with_bands(data):
    s = quantile_sweep(data, taus=(0.1, 0.5, 0.9), n_boot=10, block_length=10)
    assert s.tci.shape == (3, 1) and s.tci_interval.shape == (3, 2)
    assert set(s.tails()) == {"left", "median", "right"}
    d = json.loads(s.to_json())
    assert set(d["tci"]) == {"0.10", "0.50", "0.90"} and "bands" in d
    roll = quantile_sweep(data, taus=(0.25, 0.75), window=150)
    assert roll.tci.shape == (2, len(data) - 149 + 1)
    assert math.isfinite(float(roll.mean_tci.iloc[0]))


def test_bands_of_a_frequency_band_and_of_joint(data):
    f = connectedness(data, approach="frequency", prior="minnesota", horizon=20)
    short = bootstrap_bands(f.band(0), n_boot=4, seed=1)
    assert short.bands.boot_tci.shape == (4, len(data))
    total = bootstrap_bands(f.total(), n_boot=4, seed=1)
    assert total.bands.mean_tci_interval[0] <= total.tci <= total.bands.mean_tci_interval[1]
    j = bootstrap_bands(connectedness(data, approach="extended-joint", prior="minnesota"), n_boot=4)
    assert j.bands.boot_net.shape == (4, len(data), 3)
