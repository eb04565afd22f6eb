"""The capital-loop report section builds from package data alone."""

from __future__ import annotations

import pandas as pd

from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import SECTIONS, network


def test_network_section_builds_without_a_store():
    out = network.build(ReportContext(store=None, symbols=[], as_of=pd.Timestamp("2026-03-01")))  # type: ignore[arg-type]
    assert out.missing == ()
    assert "Nvidia -&gt; OpenAI -&gt; Oracle -&gt; Nvidia" in out.html
    assert "Round-tripped revenue" in out.html and "Commitment cover" in out.html
    assert len(out.figures) == 2
    assert network.build in SECTIONS


def test_network_section_lists_every_cycle_it_counts():
    out = network.build(ReportContext(store=None, symbols=[], as_of=pd.Timestamp("2026-03-01")))  # type: ignore[arg-type]
    import re

    n = int(re.search(r"<p>(\d+) simple cycles?", out.html).group(1))
    listed = out.html.split("simple cycle", 1)[1].split("</ul>", 1)[0].count("<li>")
    # all of them, or the first MAX_CYCLES and a line saying how many more
    assert listed == n if n <= network.MAX_CYCLES else listed == network.MAX_CYCLES + 1
