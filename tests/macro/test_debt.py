"""Debt dynamics: textbook cases of d' = d(1+r)/(1+g) - pb and the typed errors."""

from __future__ import annotations

import numpy as np
import pytest

from bubblewatch.errors import InputError
from bubblewatch.macro.debt import debt_path, debt_scenarios, debt_stabilising_pb


def test_r_equals_g_and_balanced_budget_keeps_the_ratio():
    p = debt_path(0.99, 0.04, 0.04, 0.0, start_year=2025, end_year=2034)
    assert np.allclose(p.ratio, 0.99)
    assert p.years[-1] == 2034 and len(p.ratio) == 10


def test_closed_form_constant_inputs():
    # d_T = d0 q^T - pb (1 - q^T)/(1 - q), q = (1+r)/(1+g)
    d0, r, g, pb, n = 0.99, 0.034, 0.04, -0.03, 9
    q = (1 + r) / (1 + g)
    expected = d0 * q**n - pb * (1 - q**n) / (1 - q)
    p = debt_path(d0, r, g, pb, start_year=2025, end_year=2034)
    assert p.final == pytest.approx(expected)
    assert p.at(2034) == pytest.approx(expected)


def test_stabilising_primary_balance_holds_the_ratio():
    d, r, g = 1.0, 0.05, 0.03
    pb = debt_stabilising_pb(d, r, g)
    p = debt_path(d, r, g, pb, start_year=2025, end_year=2030)
    assert np.allclose(p.ratio, d)


def test_per_year_inputs_and_scenarios():
    p = debt_path(1.0, [0.05, 0.0], 0.0, 0.0, start_year=2025, end_year=2027)
    assert p.ratio.tolist() == pytest.approx([1.0, 1.05, 1.05])
    sc = debt_scenarios(0.99, {"a": (0.03, 0.04, -0.03), "b": (0.05, 0.04, -0.03)}, start_year=2025)
    assert sc.to_frame().shape == (10, 2)
    assert sc.paths[1].final > sc.paths[0].final


def test_impossible_inputs_raise_typed_errors():
    with pytest.raises(InputError, match="-100%"):
        debt_path(0.99, 0.03, -1.0, 0.0, start_year=2025)
    with pytest.raises(InputError, match="non-negative"):
        debt_path(-0.1, 0.03, 0.04, 0.0, start_year=2025)
    with pytest.raises(InputError, match="negative"):
        debt_path(0.1, 0.0, 0.0, 0.5, start_year=2025)  # surpluses larger than the debt
    with pytest.raises(InputError, match="one per year"):
        debt_path(0.9, [0.01, 0.02], 0.0, 0.0, start_year=2025, end_year=2030)
    with pytest.raises(InputError, match="after"):
        debt_path(0.9, 0.01, 0.0, 0.0, start_year=2025, end_year=2025)
