"""Parameter declarations shared by the connectedness functions (bubblewatch.validation)."""

from __future__ import annotations

from bubblewatch.validation import ArrayLike, Integer, Options, Real

DATA = ArrayLike(what="a DataFrame or 2-D array (observations x series)")
UNIT_OPEN = Real(min=0, max=1, min_open=True, max_open=True)
WINDOW = [None, Integer(min=2)]
MODEL = Options("var", "tvp-var", "qvar", case=False)
PRIOR = Options(
    "bayes",
    "minnesota",
    "uninformative",
    "BayesPrior",
    "MinnesotaPrior",
    "UninformativePrior",
    case=False,
)
