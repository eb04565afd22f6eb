"""What the importer should do with one file: its reading mode, kind, symbol and options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MODES", "FileSpec"]

#: reading modes: ``auto`` (classify by columns), ``panel`` (date,ticker,OHLCV), ``shiller``
#: (Shiller's monthly workbook as CSV), ``datahub`` (datahub S&P 500 monthly, zeros = missing),
#: ``wide`` (date + many numeric columns -> one macro series per column), ``skip``
MODES = ("auto", "panel", "shiller", "datahub", "wide", "skip")


@dataclass(frozen=True)
class FileSpec:
    """One file to import.

    Attributes
    ----------
    path : Path
        The file.
    mode : str
        One of :data:`MODES`.
    kind : str or None
        Asset kind; None means "equity unless the columns say otherwise".
    symbol : str
        Symbol (prices, fx, macro), series prefix (``wide``) or index name (holdings).
    currency : str or None
        Currency recorded for price rows that carry no ``currency`` column.
    shift_days : int
        Calendar days added to every date (an explicit option, never applied silently).
    vintage : str or None
        Vintage label written to the ``macro`` table.
    exclude : frozenset of str
        Panel tickers to leave out (already covered by another file).
    note : str
        Why the file is skipped (``mode="skip"``) or a catalogue note.
    shift_caveat : str
        Non-empty when the data's documentation says the dates are shifted.
    explicit_symbol : bool
        Whether ``symbol`` was given by the caller (``--symbol``): a symbol column in the
        file must then agree with it.
    """

    path: Path
    mode: str = "auto"
    kind: str | None = None
    symbol: str = ""
    currency: str | None = None
    shift_days: int = 0
    vintage: str | None = None
    exclude: frozenset[str] = field(default_factory=frozenset)
    note: str = ""
    shift_caveat: str = ""
    explicit_symbol: bool = False
