"""Data layer: the DuckDB store, importers, providers and the bundled datasets.

This is the only layer (with ``report``) that touches files, the database or the network.
"""

from bubblewatch.data.resolve import resolve_series
from bubblewatch.data.store import Store, default_store_path

__all__ = ["Store", "default_store_path", "resolve_series"]
