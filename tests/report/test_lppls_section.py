"""The LPPLS report section: a symbol too short is named in the text, the others still shown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.errors import NotFoundError
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import lppls as section


class _Store:
    def __init__(self, data: dict[str, pd.Series]) -> None:
        self.data = data

    def series(self, symbol: str, column: str = "close") -> pd.Series:
        if symbol not in self.data:
            raise NotFoundError(f"no prices for '{symbol}'")
        return self.data[symbol]


def test_short_symbol_is_named_not_missing():
    idx = pd.bdate_range("2021-01-01", periods=900)
    rng = np.random.default_rng(2)
    p = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0005, 0.012, 900))), index=idx)
    store = _Store({"SHORT": p.iloc[-251:], "LONG": p})
    ctx = ReportContext(store=store, symbols=["SHORT", "LONG", "NOPE"], as_of=idx[-1],  # type: ignore[arg-type]
                        options={"fast": True})  # fmt: skip
    out = section.build(ctx)
    assert len(out.figures) == 2 and "LONG:" in out.html
    assert "left out: SHORT (251 daily closes, needs 756)" in out.html
    assert out.missing == ("NOPE close prices",)  # absent: missing data (short is not)
    none = section.build(ReportContext(store=_Store({"SHORT": p.iloc[-251:]}), symbols=["SHORT"],  # type: ignore[arg-type]
                                       as_of=idx[-1], options={"fast": True}))  # fmt: skip
    assert none.missing == ("SHORT (251 daily closes, needs 756): too short for LPPLS",)
