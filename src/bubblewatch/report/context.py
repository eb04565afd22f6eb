"""What a report section receives (the context) and what it returns (its output)."""

from __future__ import annotations

import dataclasses
import html as _html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.data.store import Store

__all__ = ["ARTICLE_DATES", "ReportContext", "SectionOutput", "escape"]

#: the source articles' dates, marked on charts when in range (DIGEST S0-1, S0-2, S2-1, S1-2)
ARTICLE_DATES: tuple[str, ...] = ("2025-10-14", "2025-10-29", "2025-11-04", "2025-11-20")


@dataclasses.dataclass
class ReportContext:
    """Inputs every section builder gets.

    Attributes
    ----------
    store : Store
        The store to read series from (sections read through it; analyses never do).
    symbols : list of str
        The tracked symbols (equities and indices shown in the report).
    as_of : pandas.Timestamp
        The report's as-of date (last date of the data).
    data_dir : Path or None
        The ``--data`` folder the store was filled from, if any.
    options : dict
        Free-form options (e.g. ``{"fast": True}`` for a quick build).
    """

    store: Store
    symbols: list[str]
    as_of: pd.Timestamp
    data_dir: Path | None = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class SectionOutput:
    """A rendered section: an HTML body fragment, Plotly figures, and what data it lacked.

    ``html`` is trusted markup built by the section (escape user text with :func:`escape`);
    figures are rendered after it in order. ``missing`` lists the data the section needed
    and did not find, shown to the reader instead of the section silently vanishing;
    ``partial`` names inputs left out (too short, outside a common window) while the section
    still shows the others. A section that shows something despite either list is *partial*
    in the contents; one that shows nothing is *missing* (see
    :attr:`bubblewatch.report.build.SectionStatus.state`).
    """

    id: str
    title: str
    html: str = ""
    figures: tuple[go.Figure, ...] = ()
    missing: tuple[str, ...] = ()
    #: inputs left out while the rest of the section is shown (e.g. ``"AMD (251 closes, needs 756)"``)
    partial: tuple[str, ...] = ()
    #: (label, text) facts shown in the report header, e.g. the claims check's verdict counts
    headline: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> bool:
        """Whether the section has anything to show (a body or a figure)."""
        return bool(self.html.strip()) or bool(self.figures)


def escape(text: Any) -> str:
    """HTML-escape any value for a section body."""
    return _html.escape(str(text))
