"""Reproduction of ConnectednessApproach (Gabauer) on its reference datasets.

Published values: the package's documentation pages (docs/2018GabauerGupta.html,
docs/2021ChatziantoniouGabauerStenfors.html, docs/2021BalcilarGabauerUmar.html of
github.com/GabauerDavid/ConnectednessApproach at 37950cc), printed to 2 decimals and copied
into ../shared/data/reference/CONNECTEDNESS.md: every cell must match to +-0.005.

Full-precision values ("R:" below) were printed by the package's own R source (same commit,
sourced into R 4.2.2 with MASS, zoo and quantreg 5.94 from Debian) run on these CSVs; they pin
the dynamic measures date by date.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblewatch.market.connectedness import (
    connectedness,
    decompose,
    extended_joint_connectedness,
    fit_tvp_var,
    frequency_connectedness,
)

pytestmark = pytest.mark.shared

GG_NAMES = ["US.FPU", "US.MPU", "US.TPU", "US.CPU", "JP.FPU", "JP.MPU", "JP.TPU", "JP.CPU"]
# ConnectednessApproach(gg2018, nlag=1, nfore=10, model="TVP-VAR", window.size=200, BayesPrior)
GG_TABLE = [
    [61.87, 25.27, 0.92, 2.76, 2.89, 1.92, 1.13, 3.23],
    [24.76, 61.33, 1.34, 5.69, 1.53, 2.71, 1.15, 1.49],
    [1.23, 2.50, 90.64, 0.82, 0.50, 0.79, 2.05, 1.48],
    [1.87, 7.50, 0.29, 76.30, 5.52, 2.58, 1.08, 4.86],
    [2.59, 1.63, 1.06, 2.48, 66.15, 18.48, 4.55, 3.06],
    [1.68, 2.77, 0.14, 1.38, 18.80, 63.93, 2.82, 8.48],
    [1.67, 1.27, 3.97, 1.36, 4.54, 2.32, 84.17, 0.71],
    [1.96, 1.80, 0.40, 5.35, 3.90, 8.57, 0.54, 77.48],
]
GG_FROM = [38.13, 38.67, 9.36, 23.70, 33.85, 36.07, 15.83, 22.52]
GG_TO = [35.75, 42.72, 8.11, 19.85, 37.68, 37.39, 13.32, 23.31]
GG_INC_OWN = [97.62, 104.06, 98.75, 96.15, 103.83, 101.32, 97.49, 100.79]
GG_NET = [-2.38, 4.06, -1.25, -3.85, 3.83, 1.32, -2.51, 0.79]
GG_NPT = [2, 7, 2, 4, 4, 4, 2, 3]
GG_CTCI, GG_TCI = 31.16, 27.27
# InternalConnectedness / ExternalConnectedness(dca, groups=list(US=1:4, JP=5:8))
GG_INT_FROM = [28.95, 31.79, 4.54, 9.66, 26.10, 30.10, 7.57, 13.02]
GG_INT_TO = [27.86, 35.26, 2.55, 9.27, 27.25, 29.38, 7.91, 12.25]
GG_INT_NET = [-1.09, 3.48, -1.99, -0.39, 1.15, -0.72, 0.34, -0.77]
GG_INT_CTCI, GG_INT_TCI = 21.67, 18.97
GG_EXT_FROM = [9.18, 6.88, 4.82, 14.04, 7.75, 5.97, 8.26, 9.51]
GG_EXT_TO = [7.90, 7.46, 5.56, 10.58, 10.44, 8.01, 5.41, 11.06]
GG_EXT_NET = [-1.29, 0.58, 0.74, -3.46, 2.68, 2.04, -2.85, 1.56]
GG_EXT_CTCI, GG_EXT_TCI = 9.49, 8.30
# R: dca$TCI at rows 1, 2, 51, 200, 371
GG_TCI_DATES = {
    0: 23.7667556120009,
    1: 23.876268503829,
    50: 25.3941275288647,
    199: 23.3719594514919,
    370: 38.2442881187447,
}
# R: the same model, connectedness="Frequency", nfore=100, partition=c(pi, pi/4, 0):
# dca$TCI[, c("1-4", "4-Inf")] ("ABS") at rows 1, 51, 371 (bands 'cycles 2-8' and '8-inf' here)
GG_FREQ_ABS = {
    0: (18.9943267558955, 4.85242633344901),
    50: (20.0539111233936, 5.43372622668187),
    370: (31.2034034655207, 7.10364479080278),
}
# R: partition=c(pi+0.00001, pi/4, 0), scenario "WTH", rows 1, 51, 371
GG_FREQ_WTH = {
    0: (22.7407437220689, 29.0612039077109),
    50: (24.0349638843324, 32.3554225042357),
    370: (37.3583571110578, 42.8702422119343),
}

CGS_NAMES = ["USD1Y", "EUR1Y", "GBP1Y", "JPY1Y"]
# ConnectednessApproach(cgs2021, model="QVAR", nlag=1, nfore=20, corrected=TRUE,
# window.size=200, tau=0.5)
CGS_TABLE = [
    [75.84, 10.45, 11.12, 2.60],
    [10.21, 76.47, 11.14, 2.18],
    [11.87, 11.15, 74.82, 2.15],
    [5.01, 2.86, 2.85, 89.27],
]
CGS_FROM = [24.16, 23.53, 25.18, 10.73]
CGS_TO = [27.10, 24.46, 25.11, 6.93]
CGS_NET = [2.93, 0.94, -0.07, -3.80]
CGS_NPT = [2, 3, 1, 0]
CGS_CTCI, CGS_TCI = 27.87, 20.90
# R: dca$TCI (corrected) at windows 1, 2, 51, 200, 3701
CGS_CTCI_DATES = {
    0: 33.1717719409841,
    1: 33.7693068677654,
    50: 36.72193233438,
    199: 36.39222727281,
    3700: 48.5210691671809,
}

BGU_NAMES = [
    "CrudeOil", "Cattle", "Cocoa", "Coffee", "Corn", "Grains",
    "LeanHogs", "Livestock", "Soybeans", "SoybeanOil", "Sugar", "Wheat",
]  # fmt: skip
# ConnectednessApproach(bgu2021, nlag=1, nfore=20, model="TVP-VAR",
# connectedness="Extended Joint", MinnesotaPrior, gamma=0.1)
BGU_TABLE = [
    [72.84, 1.36, 1.80, 2.03, 2.32, 2.67, 0.95, 1.45, 3.41, 7.01, 2.31, 1.85],
    [2.79, 1.05, 1.42, 2.05, 2.18, 2.47, 8.54, 70.55, 2.42, 2.73, 1.88, 1.92],
    [2.34, 1.04, 83.62, 2.67, 1.13, 1.43, 0.64, 0.97, 1.57, 1.73, 1.73, 1.14],
    [2.27, 1.12, 2.13, 76.63, 2.06, 2.65, 0.70, 1.08, 2.69, 2.57, 4.09, 2.00],
    [2.76, 1.10, 1.02, 2.12, 2.14, 38.26, 0.85, 1.13, 18.58, 9.66, 2.16, 20.22],
    [2.55, 0.99, 1.01, 2.22, 29.74, 0.67, 0.74, 1.04, 19.86, 10.14, 2.03, 29.01],
    [2.41, 10.55, 1.35, 1.75, 1.99, 2.33, 1.44, 69.96, 2.54, 2.10, 1.54, 2.04],
    [2.13, 46.72, 1.02, 1.49, 1.62, 1.99, 37.21, 0.70, 2.06, 2.10, 1.37, 1.60],
    [3.75, 1.14, 1.30, 2.91, 20.18, 27.97, 1.01, 1.34, 4.16, 22.90, 2.38, 10.96],
    [5.91, 1.14, 1.38, 2.34, 8.07, 10.79, 0.74, 1.19, 18.40, 42.63, 1.99, 5.42],
    [2.40, 1.06, 1.45, 4.24, 2.16, 2.44, 0.60, 0.93, 2.29, 2.31, 78.33, 1.78],
    [2.58, 1.13, 1.16, 2.35, 23.39, 43.67, 0.92, 1.13, 11.68, 7.27, 2.09, 2.62],
]
BGU_FROM = [27.16, 98.95, 16.38, 23.37, 97.86, 99.33, 98.56, 99.30, 95.84, 57.37, 21.67, 97.38]
BGU_TO = [31.87, 67.35, 15.04, 26.18, 94.84, 136.68, 52.91, 150.78, 85.49, 70.52, 23.56, 77.94]
BGU_NET = [4.72, -31.60, -1.34, 2.80, -3.02, 37.35, -45.64, 51.47, -10.35, 13.15, 1.90, -19.44]
BGU_NPT = [9, 1, 4, 8, 6, 11, 0, 2, 5, 10, 7, 3]
BGU_CTCI, BGU_TCI = 75.74, 69.43
# R: ejc$TCI at rows 1, 2, 51, 200, 3995
BGU_TCI_DATES = {
    0: 65.2194995455678,
    1: 65.4178093705109,
    50: 69.8418612635023,
    199: 67.8384472424842,
    3994: 73.2692772797579,
}

PRINTED = 0.005 + 1e-9  # the reference prints 2 decimals


def _read(shared_data, name: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / "reference" / f"{name}.csv", index_col="obs")


def _check_table(c, table, frm, to, net, npt, tci, ctci):
    t = c.table()
    names = list(c.names)
    np.testing.assert_allclose(t.loc[names, names].to_numpy(), table, atol=PRINTED, rtol=0)
    np.testing.assert_allclose(t.loc[names, "FROM"].to_numpy(), frm, atol=PRINTED, rtol=0)
    np.testing.assert_allclose(t.loc["TO", names].to_numpy(), to, atol=PRINTED, rtol=0)
    np.testing.assert_allclose(t.loc["NET", names].to_numpy(), net, atol=PRINTED, rtol=0)
    assert t.loc["NPT", names].astype(int).tolist() == npt
    assert abs(100 * c.tci - tci) <= PRINTED
    assert abs(100 * c.ctci - ctci) <= PRINTED


@pytest.fixture(scope="module")
def gg(shared_data):
    df = _read(shared_data, "gg2018")
    assert list(df.columns) == GG_NAMES
    return connectedness(df, model="tvp-var", approach="time", lags=1, horizon=10, window=200)


def test_gg2018_tvp_var_table(gg):
    _check_table(gg, GG_TABLE, GG_FROM, GG_TO, GG_NET, GG_NPT, GG_TCI, GG_CTCI)
    np.testing.assert_allclose(gg.table().loc["Inc.Own", GG_NAMES], GG_INC_OWN, atol=PRINTED)
    assert len(gg.index) == 371 and not gg.fit.fallbacks.any()


def test_gg2018_dynamic_tci_matches_r_to_1e9(gg):
    for row, val in GG_TCI_DATES.items():
        assert 100 * gg.tci_t[row] == pytest.approx(val, abs=1e-9)


def test_gg2018_internal_external(gg):
    d = decompose(gg, {"US": GG_NAMES[:4], "JP": GG_NAMES[4:]})
    for part, frm, to, net, tci, ctci in (
        (d.internal, GG_INT_FROM, GG_INT_TO, GG_INT_NET, GG_INT_TCI, GG_INT_CTCI),
        (d.external, GG_EXT_FROM, GG_EXT_TO, GG_EXT_NET, GG_EXT_TCI, GG_EXT_CTCI),
    ):
        t = part.table()
        np.testing.assert_allclose(t.loc[GG_NAMES, "FROM"], frm, atol=PRINTED)
        np.testing.assert_allclose(t.loc["TO", GG_NAMES], to, atol=PRINTED)
        np.testing.assert_allclose(t.loc["NET", GG_NAMES], net, atol=PRINTED)
        assert abs(100 * part.tci - tci) <= PRINTED
        assert abs(100 * part.ctci - ctci) <= PRINTED
    # the internal table keeps the within-country blocks of the full table
    np.testing.assert_allclose(
        d.internal.table().loc[GG_NAMES[:4], GG_NAMES[:4]], np.array(GG_TABLE)[:4, :4], atol=PRINTED
    )
    np.testing.assert_allclose(d.internal.tci_t + d.external.tci_t, gg.tci_t, atol=1e-12)
    np.testing.assert_allclose(d.group_tci.sum(axis=1), d.internal.tci_t, atol=1e-12)


def test_gg2018_frequency_matches_r(gg):
    f = frequency_connectedness(
        gg.fit, horizon=100, partition=(math.pi, math.pi / 4, 0), grid="reference"
    )
    assert f.band_names == ("2-8", "8-inf")
    by = f.tci_by_band.to_numpy() * 100
    for row, vals in GG_FREQ_ABS.items():
        np.testing.assert_allclose(by[row], vals, atol=1e-9)
    w = frequency_connectedness(
        gg.fit, horizon=100, partition=(math.pi + 1e-5, math.pi / 4, 0), scenario="within"
    )  # the exact grid: same bands for H = 100 once pi is covered
    byw = w.tci_by_band.to_numpy() * 100
    for row, vals in GG_FREQ_WTH.items():
        np.testing.assert_allclose(byw[row], vals, atol=1e-9)


@pytest.mark.slow
def test_cgs2021_qvar_table(shared_data):
    df = _read(shared_data, "cgs2021")
    c = connectedness(df, model="qvar", approach="time", lags=1, horizon=20, window=200, tau=0.5)
    assert list(c.names) == CGS_NAMES and len(c.index) == 3701
    _check_table(c, CGS_TABLE, CGS_FROM, CGS_TO, CGS_NET, CGS_NPT, CGS_TCI, CGS_CTCI)
    ctci = c.dynamic["ctci"].to_numpy() * 100
    for row, val in CGS_CTCI_DATES.items():
        # R's interior point stops at a duality gap of 1e-6, ours at 1e-11 of the objective;
        # in 104 windows the median regression is not unique and the two methods end at
        # different optima of equal objective (docs/connectedness.md): not these windows
        assert ctci[row] == pytest.approx(val, abs=1e-4)


def test_bgu2021_extended_joint(shared_data):
    df = _read(shared_data, "bgu2021")
    fit = fit_tvp_var(df, lags=1, prior="minnesota", gamma=0.1)
    c = extended_joint_connectedness(fit, horizon=20)
    assert list(c.names) == BGU_NAMES
    _check_table(c, BGU_TABLE, BGU_FROM, BGU_TO, BGU_NET, BGU_NPT, BGU_TCI, BGU_CTCI)
    for row, val in BGU_TCI_DATES.items():
        assert 100 * c.tci_t[row] == pytest.approx(val, abs=1e-7)
    assert abs(float(c.net.sum())) < 1e-12
