"""What the PSY statistics and their critical values share: the window and duration
defaults, the lag-selection codes, the reported levels, the numba thread count and the
declarations of their common parameters.

Kept apart from :mod:`~bubblewatch.detect.psy` so that the critical values
(:mod:`~bubblewatch.detect.psy_critical`) need not import the statistics (no import cycle).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.validation import ArrayLike, Integer, Options, Real, Spec, Text, validate_params

__all__ = [
    "IC_CODES",
    "LEVELS",
    "check_window",
    "default_min_duration",
    "default_min_window",
    "threads",
]

#: the confidence levels (percent) of every critical value
LEVELS = (90, 95, 99)
#: lag selection: None (fixed lag), AIC or BIC, as the kernels' integer codes
IC_CODES = {None: 0, "aic": 1, "bic": 2}

# the declarations (bubblewatch.validation) of the parameters the PSY functions share
#: the regression setup: psy(), the simulations, the bootstrap
SAMPLE: dict[str, Spec] = {
    "min_window": [None, Integer(min=1)],
    "lags": Integer(min=0),
    "ic": [None, Options("aic", "bic", case=False)],
    "max_lags": [None, Integer(min=0)],
}
#: replications of a Monte Carlo or bootstrap
REPLICATIONS: dict[str, Spec] = {
    "reps": Integer(min=10),
    "seed": [None, Integer(min=0)],
    "threads": [None, Integer(min=1)],
}
#: the BSADF critical-value rule
CV_RULE: dict[str, Spec] = {
    "rule": Options("psy", "pointwise", "familywise"),
    "span": [None, Integer(min=1)],
}
#: the wild bootstrap's variant
VARIANT = Options("hlst", "ps")
#: critical values for a result: the method and its options
CV_CHOICE: dict[str, Spec] = {
    "method": Options("auto", "mc", "wb", "table"),
    **REPLICATIONS,
    **CV_RULE,
    "variant": VARIANT,
}
#: labels of a BSADF sequence
INDEX: Spec = [None, ArrayLike(what="a pandas Index")]


@validate_params(
    T=Integer(min=1),
)
def default_min_window(T: int) -> int:
    """PSY's default smallest window, ``floor((0.01 + 1.8/sqrt(T))·T)`` observations.

    Examples
    --------
    >>> default_min_window(400), default_min_window(1765)
    (40, 93)
    """
    return math.floor((0.01 + 1.8 / math.sqrt(T)) * T)


@validate_params(
    T=Integer(min=1),
    delta=Real(min=0, min_open=True),
)
def default_min_duration(T: int, delta: float = 1.0) -> int:
    """Minimum episode duration ``round(delta·log(T))`` observations (PSY 2015, exuber's
    ``psy_ds`` rule 1; ``delta = 1`` by default).

    Examples
    --------
    >>> default_min_duration(400)
    6
    """
    return round(delta * math.log(T))


@validate_params(
    T=Integer(min=0),
    min_window=[None, Integer(min=1)],
    K=Integer(min=0),
    what=Text(),
)
def check_window(T: int, min_window: int | None, K: int, what: str) -> int:
    m = default_min_window(T) if min_window is None else int(min_window)
    need = 2 * K + 4
    if m < need:
        raise InputError(
            f"min_window={m} is too small for {what}: each window needs at least {need} "
            f"observations (2·lags + 4); pass a larger min_window"
        )
    if T < m:
        raise InsufficientDataError(
            f"the series has {T} observations but the smallest window is {m} "
            f"({what}); PSY needs at least {m} observations"
        )
    return m


@contextlib.contextmanager
def threads(n: int | None) -> Iterator[None]:
    if n is None:
        yield
        return
    import numba

    old = numba.get_num_threads()
    most = int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))
    numba.set_num_threads(max(1, min(int(n), most)))
    try:
        yield
    finally:
        numba.set_num_threads(old)
