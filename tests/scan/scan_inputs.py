"""Inputs of the scan tests: small seeded panels and an analysis that misbehaves on purpose.

This is a module of its own (not a test file) so that spawned worker processes can import
:class:`Misbehave`: pytest puts this folder on ``sys.path`` and spawn passes it on.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

import numpy as np
import pandas as pd


def make_panel(n: int = 6, T: int = 220, seed: int = 0) -> dict[str, pd.Series]:
    """``n`` random walks of ``T`` sessions; S0 has an explosive tail (2% a day, 40 days)."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=T)
    out = {}
    for i in range(n):
        steps = rng.normal(0, 0.01, T)
        if i == 0:
            steps[-40:] += 0.02
        out[f"S{i}"] = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx)
    return out


@dataclasses.dataclass(frozen=True)
class Misbehave:
    """``crash`` kills its process, ``raise`` raises ZeroDivisionError, ``hang`` sleeps
    ``seconds`` without a checkpoint, ``steps`` sleeps in ``seconds``/10 steps with a
    checkpoint before each; every other symbol gets the last price."""

    crash: tuple[str, ...] = ()
    raise_: tuple[str, ...] = ()
    hang: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    seconds: float = 30.0
    name: str = "fault"

    def columns(self) -> tuple[tuple[str, str], ...]:
        return (("fault_last", "float64"), ("fault_error", "string"))

    def parameters(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def run(self, prices: pd.Series, checkpoint: Any, context: Any) -> dict[str, Any]:
        sym = prices.name
        if sym in self.crash:
            os._exit(3)
        if sym in self.raise_:
            return {"fault_last": 1 / int(np.zeros(1)[0])}
        if sym in self.hang:
            time.sleep(self.seconds)
        if sym in self.steps:
            for i in range(10):
                checkpoint(f"step {i}")
                time.sleep(self.seconds / 10)
        return {"fault_last": float(prices.iloc[-1])}
