"""Report sections, one module per capability.

``SECTIONS`` is the explicit, ordered list of builders; each takes a
:class:`~bubblewatch.report.context.ReportContext` and returns a
:class:`~bubblewatch.report.context.SectionOutput`. To add a section, write
``report/sections/<name>.py`` with a ``build(ctx)`` function and add it here.
"""

from __future__ import annotations

from collections.abc import Callable

from bubblewatch.report.context import ReportContext, SectionOutput

SectionBuilder = Callable[[ReportContext], SectionOutput]


def _builders() -> list[SectionBuilder]:
    # explicit and ordered: one line per section module
    from bubblewatch.report.sections import (
        claims,
        connectedness,
        coverage,
        lppls,
        macro,
        market,
        network,
        psy,
        scan,
        sources,
        status,
        track_record,
        valuation,
    )

    return [
        status.build,
        track_record.build,
        coverage.build,
        market.build,
        connectedness.build,
        psy.build,
        lppls.build,
        scan.build,
        network.build,
        valuation.build,
        macro.build,
        claims.build,
        sources.build,
    ]


SECTIONS: list[SectionBuilder] = _builders()
