"""bubblewatch: an observatory for asset bubbles and the capital loops that feed them.

The package is layered (imports only point down):

* ``cli``, ``report``, ``web`` -- presentation;
* ``claims`` -- composes analyses into verdicts on the source articles' figures;
* ``detect``, ``market``, ``valuation``, ``network``, ``macro`` -- pure computations;
* ``data`` -- the DuckDB store, importers, providers and bundled datasets;
* ``results``, ``errors`` -- the result base and the typed errors shared by all.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
