"""The PSY report section: a paragraph and one figure per tracked symbol, missing data named."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.errors import NotFoundError
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import psy as section


class _Store:
    def __init__(self, data: dict[str, pd.Series]) -> None:
        self.data = data

    def series(self, symbol: str, column: str = "close") -> pd.Series:
        if symbol not in self.data:
            raise NotFoundError(f"no prices for '{symbol}'")
        return self.data[symbol]


def test_section_builds_and_names_missing():
    idx = pd.bdate_range("2018-01-01", "2025-10-31")
    rng = np.random.default_rng(1)
    p = 100 * np.exp(np.cumsum(rng.normal(0.0004, 0.015, len(idx))))
    p[-300:] *= np.exp(np.linspace(0, 1.0, 300))
    store = _Store({"AAA": pd.Series(p, index=idx), "TINY": pd.Series(p[:40], index=idx[:40])})
    ctx = ReportContext(store=store, symbols=["AAA", "NOPE", "TINY"], as_of=idx[-1])  # type: ignore[arg-type]
    out = section.build(ctx)
    assert out.id == "psy" and len(out.figures) == 1
    # the status's sample (issue 13): daily closes of the last five years, not weekly ones
    assert "AAA (" in out.html and "daily closes" in out.html and "ongoing" in out.html
    # an absent symbol is missing data; a short one is named in the text (the lead, 06:11:
    # a section with one symbol short of data still shows the others, not "data missing")
    assert any("NOPE" in m for m in out.missing) and not any("TINY" in m for m in out.missing)
    assert "Too short to test, left out: TINY (40 closes, needs 60)" in out.html
    empty = section.build(ReportContext(store=_Store({}), symbols=["X"], as_of=idx[-1]))  # type: ignore[arg-type]
    assert empty.missing and not empty.figures
