"""Frequency connectedness: a two-variable VAR(1) derived by hand, Parseval, partitions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError
from bubblewatch.market.connectedness import (
    ModelFit,
    frequency_connectedness,
    parse_partition,
    partition_from_periods,
    time_connectedness,
)
from bubblewatch.market.connectedness import _fevd_kernels as FK
from bubblewatch.market.connectedness.frequency import band_index


def _fit(a: np.ndarray, sigma: np.ndarray) -> ModelFit:
    """A one-date 'estimate' with given coefficients (p = 1)."""
    k = a.shape[-1]
    data = pd.DataFrame(np.random.default_rng(0).standard_normal((30, k)), columns=["x", "y"][:k])
    return ModelFit(
        model="var",
        names=tuple(data.columns),
        data=data,
        index=data.index[-1:],
        offset=len(data) - 1,
        coefs=a.reshape(1, 1, k, k),
        intercept=np.zeros((1, k)),
        sigma=sigma.reshape(1, k, k),
        lags=1,
        params={"window": None},
        fallbacks=np.zeros(1, dtype=bool),
    )


A = np.array([[0.5, 0.2], [-0.1, 0.3]])
S = np.array([[1.0, 0.4], [0.4, 2.0]])


def _by_hand(a: np.ndarray, s: np.ndarray, h: int, bands: list[tuple[float, float]]) -> np.ndarray:
    """Band tables from the closed-form transfer function of a 2-variable VAR(1).

    On the DFT grid w_j = 2 pi j / n (n = H + 1), sum_{h<n} A^h e^{-i w_j h} equals
    (I - A^n)(I - A e^{-i w_j})^{-1} because e^{-i w_j n} = 1; the 2x2 inverse is written out.
    """
    n = h + 1
    an = np.linalg.matrix_power(a, n)
    (a11, a12), (a21, a22) = a
    num = np.zeros((len(bands), 2, 2))
    for j in range(n):
        w = 2 * math.pi * j / n
        wf = min(w, 2 * math.pi - w)
        z = complex(math.cos(w), -math.sin(w))
        det = (1 - a11 * z) * (1 - a22 * z) - a12 * a21 * z * z
        inv = np.array([[1 - a22 * z, a12 * z], [a21 * z, 1 - a11 * z]]) / det
        f = (np.eye(2) - an) @ inv
        fs = f @ s
        b = next(
            i for i, (lo, hi) in enumerate(bands) if lo <= wf < hi or (hi >= math.pi and wf >= lo)
        )
        for r in range(2):
            for q in range(2):
                num[b, r, q] += abs(fs[r, q]) ** 2 / s[q, q]
    return num / num.sum(axis=(0, 2))[None, :, None]


@pytest.mark.parametrize("h", [10, 11, 100])
def test_var1_bands_match_closed_form(h):
    part = (math.pi, math.pi / 5, math.pi / 20, 0.0)
    bands = [(part[i + 1], part[i]) for i in range(3)]
    expect = _by_hand(A, S, h, bands)
    f = frequency_connectedness(_fit(A, S), horizon=h, partition=part)
    np.testing.assert_allclose(np.asarray(f.fevd)[0], expect, atol=1e-9, rtol=0)
    ref = FK.frequency_fevd_reference(A[None], S, h + 1, band_index(part, h + 1), 3)
    np.testing.assert_allclose(np.asarray(f.fevd)[0], ref, atol=1e-12, rtol=0)


@pytest.mark.parametrize("h", [10, 57])
def test_bands_add_up_to_time_domain_table(h):
    fit = _fit(A, S)
    f = frequency_connectedness(fit, horizon=h, partition=(math.pi, 1.0, 0.3, 0.0))
    t = time_connectedness(fit, horizon=h + 1)  # H+1 MA terms h = 0..H
    np.testing.assert_allclose(np.asarray(f.fevd).sum(axis=1), t.fevd, atol=1e-12)
    np.testing.assert_allclose(f.total().tci_t, t.tci_t, atol=1e-12)
    assert sum(f.band(i).tci for i in range(3)) == pytest.approx(t.tci, abs=1e-12)


def test_continuous_limit_diagonal_var():
    """Diagonal A: band weights tend to the AR(1) spectrum's integral (arctan form)."""
    a0, rho = 0.6, 0.5
    a = np.diag([a0, -0.3])
    s = np.array([[1.0, rho * 2.0], [rho * 2.0, 4.0]])
    cut = math.pi / 4
    f = frequency_connectedness(_fit(a, s), horizon=4000, partition=(math.pi, cut, 0.0))
    low_share = (2 / math.pi) * math.atan((1 + a0) / (1 - a0) * math.tan(cut / 2))
    theta_low = np.asarray(f.fevd)[0, 1]  # band [0, pi/4)
    assert theta_low[0, 1] == pytest.approx(rho**2 / (1 + rho**2) * low_share, abs=1e-3)


def test_within_scenario_sums_to_k():
    f = frequency_connectedness(
        _fit(A, S), horizon=30, partition=(math.pi, 0.5, 0.0), scenario="within"
    )
    for i in range(2):
        th = np.asarray(f.band(i).fevd)[0]
        assert th.sum() == pytest.approx(2.0, abs=1e-12)


def test_partition_helpers_and_errors():
    assert parse_partition("pi, pi/5, 0") == (math.pi, math.pi / 5, 0.0)
    assert parse_partition("2*pi/3,0.5,0")[0] == pytest.approx(2 * math.pi / 3)
    assert partition_from_periods([5])[1] == pytest.approx(2 * math.pi / 5)
    fit = _fit(A, S)
    with pytest.raises(InputError, match="does not cover"):
        frequency_connectedness(fit, partition=(math.pi / 2, 0.0))
    with pytest.raises(InputError, match="does not cover"):
        frequency_connectedness(fit, partition=(math.pi, 0.5))
    with pytest.raises(InputError, match="decrease strictly"):
        frequency_connectedness(fit, partition=(math.pi, 0.2, 0.5, 0.0))
    with pytest.raises(InputError, match="holds none"):
        frequency_connectedness(fit, horizon=5, partition=(math.pi, 0.5, 0.4, 0.0))
    with pytest.raises(InputError, match="scenario"):
        frequency_connectedness(fit, scenario="relative")
    with pytest.raises(InputError, match="cannot read"):
        parse_partition("pi,half,0")
    with pytest.raises(InputError, match="longer than 2"):
        partition_from_periods([1.5])


def test_reference_grid_drops_pi_like_the_r_package():
    # n = 10 (even): the R grid j pi / 5 puts j = 5 at pi, left out by [pi/2, pi)
    b = band_index((math.pi, math.pi / 2, 0.0), 10, "reference")
    assert b[5] == -1 and (b[np.arange(10) != 5] >= 0).all()
    assert (band_index((math.pi, math.pi / 2, 0.0), 10, "exact") >= 0).all()
