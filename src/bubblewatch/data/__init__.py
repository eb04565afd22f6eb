"""Data layer: the DuckDB store, importers, providers and the bundled datasets.

This is the only layer (with ``report``) that touches files, the database or the network.
Modules: ``store`` (:class:`~bubblewatch.data.store.Store`), ``resolve`` (a SOURCE argument
-> a Series), ``importer`` and ``csv_reader`` (files -> store), ``providers`` (Yahoo, FRED),
``datasets`` (bundled data), ``ledger_io``, ``shared_layout``, ``schema``, ``tables``.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Store": "bubblewatch.data.store",
        "default_store_path": "bubblewatch.data.store",
        "resolve_series": "bubblewatch.data.resolve",
    },
)
