"""status.params: the scales and thresholds in one place, validated."""

from __future__ import annotations

import pytest

from bubblewatch.errors import InputError
from bubblewatch.status.params import (
    DEFAULT_PARAMS,
    LEVELS,
    LONG_SCALE,
    LPPLS_SCALES,
    SHORT_SCALE,
    LPPLSScale,
    StatusParams,
)


def test_scales_are_the_fco_and_the_short_one():
    assert (LONG_SCALE.window_max, LONG_SCALE.window_min, LONG_SCALE.window_step) == (750, 125, 5)
    assert (SHORT_SCALE.window_max, SHORT_SCALE.window_min, SHORT_SCALE.window_step) == (120, 30, 5)
    assert LPPLS_SCALES == (LONG_SCALE, SHORT_SCALE)
    assert LONG_SCALE.n_windows == 126 and SHORT_SCALE.n_windows == 19
    assert DEFAULT_PARAMS.scales == LPPLS_SCALES


def test_defaults_are_named_in_words():
    p = DEFAULT_PARAMS
    assert p.sample_years == 5 and p.cv_method == "wb" and p.cv_rule == "pointwise"
    assert p.cv_reps == 199
    assert "wild bootstrap" in p.cv_description() and "pointwise" in p.cv_description()
    assert "last 5 years" in p.sample_description()
    d = p.to_dict()
    assert d["scales"][0] == {
        "name": "long",
        "window_max": 750,
        "window_min": 125,
        "window_step": 5,
    }
    assert LEVELS == ("calm", "heating", "explosive", "critical", "bursting")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cv_method": "mc"}, "cv_method"),
        ({"cv_rule": "familywise"}, "cv_rule"),
        ({"burst_drawdown": 20.0}, "fraction"),
        ({"sample_years": 0}, "positive"),
        ({"heating_cv_level": 99}, "90 or 95"),
        ({"scales": ()}, "at least one"),
    ],
)
def test_bad_parameters_are_refused(change, message):
    with pytest.raises(InputError, match=message):
        DEFAULT_PARAMS.replace(**change)


def test_bad_scale():
    with pytest.raises(InputError, match="window_min"):
        LPPLSScale("x", 100, 200, 5)
    assert StatusParams(sample_years=3).sample_years == 3
