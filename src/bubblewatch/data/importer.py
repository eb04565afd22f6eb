"""Import CSV/Parquet files, folders of them, or the whole shared data layout into the store.

All files of one call are read and validated first; only then is everything written, in one
transaction. Any error means nothing from the call is written. Rows are upserted by the
table's primary key, so importing the same file twice leaves the same rows.

File formats (columns are matched case-insensitively; ``Adj Close`` = ``adj_close``):

- price file: ``date, close`` plus any of ``open, high, low, adj_close, volume, currency``;
  with a ``ticker`` (or ``symbol``) column it is a panel of many symbols.
- series file: ``date, value`` -- to the ``macro`` table (kind macro), the ``fx`` table
  (kind fx) or as closes to ``prices`` (other kinds). Blank values (holidays) are dropped.
- shares file: ``date, shares`` (or ``shares_outstanding``), optional ``form, filed``.
- holdings file: ``as_of, ticker`` (or ``symbol``), ``weight`` (percent), optional ``name``.
- fundamentals file: ``symbol, period_end, metric, value``.
- wide file (kind macro): ``date`` plus several numeric columns -> series ``SYMBOL_COLUMN``.

See docs/data.md for the schema, the checks and the shared-layout mapping.

The import is split in three steps, each in its own module:

- :mod:`bubblewatch.data.discovery` -- files and folders -> :class:`FileSpec` entries;
- :mod:`bubblewatch.data.parsers` -- one file -> validated table frames, per kind;
- :mod:`bubblewatch.data.writer` -- the transactional write (all tables, one transaction).

The call that runs them, :func:`import_paths`, is in :mod:`bubblewatch.data.import_run`, the
reports in :mod:`bubblewatch.data.import_report`, the cached ``--data`` store in
:mod:`bubblewatch.data.data_dir_store`; this module re-exports their public names.
"""

from __future__ import annotations

from bubblewatch.data.data_dir_store import data_dir_fingerprint, open_data_dir_store
from bubblewatch.data.discovery import discover
from bubblewatch.data.import_report import FileReport, ImportReport
from bubblewatch.data.import_run import IMPORTER_VERSION, import_paths
from bubblewatch.data.parsers import Parsed, parse_file
from bubblewatch.data.writer import PRICE_COLUMNS, REPLACE_KEYS, TABLE_COLUMNS, TABLE_KEYS

__all__ = [
    "IMPORTER_VERSION",
    "PRICE_COLUMNS",
    "REPLACE_KEYS",
    "TABLE_COLUMNS",
    "TABLE_KEYS",
    "FileReport",
    "ImportReport",
    "Parsed",
    "data_dir_fingerprint",
    "discover",
    "import_paths",
    "open_data_dir_store",
    "parse_file",
]
