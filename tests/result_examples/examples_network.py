"""Examples of the network/ results for the result contract test."""

from __future__ import annotations

from bubblewatch.episodes import ai2025
from bubblewatch.network.clearing import ClearingResult, clearing_vector
from bubblewatch.network.debtrank import DebtRankResult, debtrank
from bubblewatch.network.loops import LoopResult, loop_analysis
from bubblewatch.network.spiral import StressResult, stress_ledger

EXAMPLES = {
    ClearingResult: lambda: clearing_vector(
        [[0, 4, 4], [2, 0, 2], [1, 1, 0]], [1, 0.5, 1], names=["A", "B", "C"]
    ),
    DebtRankResult: lambda: debtrank([[0, 5], [5, 0]], [10, 10], [0.2, 0], names=["A", "B"]),
    LoopResult: lambda: loop_analysis(ai2025.ledger()),
    StressResult: lambda: stress_ledger(ai2025.ledger(), shock="OpenAI", honour=0.4),
}
