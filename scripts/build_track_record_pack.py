"""Build the track record's replays of the embedded default data, shipped as package data.

The status's track record replays eight long histories (minutes of CPU). So that the
default report (``make report``, no ../shared/data) shows it, the replays of the embedded
data are shipped in ``src/bubblewatch/data/track_record/``: one Parquet file per history,
named by :func:`bubblewatch.status.replay.replay_key` (a SHA-256 of the history's data, its
span, the status parameters and the package version), so a file is read only when all of
them match. ``MANIFEST.json`` records, per file, the history, its key, rows and dates, the
parameters, the package version, this command and the date it ran.

Run after changing the embedded data, the status parameters or the version::

    PYTHONPATH=src NUMBA_NUM_THREADS=2 python scripts/build_track_record_pack.py --workers 2

``--check`` recomputes nothing: it reports which shipped files the current data and
parameters would use (all of them when the pack is current).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "src" / "bubblewatch" / "data" / "track_record"
COMMAND = "PYTHONPATH=src NUMBA_NUM_THREADS=2 python scripts/build_track_record_pack.py"


def _default_store(folder: Path):  # type: ignore[no-untyped-def]
    from bubblewatch.data.default_data import load_default_data
    from bubblewatch.data.store import Store

    st = Store(folder / "default.duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_default_data(st)
    return st


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    from bubblewatch import __version__
    from bubblewatch.data.cache import FrameCache
    from bubblewatch.data.status_inputs import status_inputs
    from bubblewatch.status.asset import price_frame
    from bubblewatch.status.params import DEFAULT_PARAMS
    from bubblewatch.status.replay import replay_key
    from bubblewatch.status.track_record import TRACK_HISTORIES
    from bubblewatch.status.views import track_record_view

    with tempfile.TemporaryDirectory() as tmp:
        st = _default_store(Path(tmp))
        load = lambda s: status_inputs(st, s)  # noqa: E731
        keys = {
            spec.label: replay_key(
                spec, price_frame(load(spec.symbol).history), DEFAULT_PARAMS, 5, 20
            )
            for spec in TRACK_HISTORIES
        }
        if args.check:
            shipped = {p.stem for p in PACK.glob("*.parquet")}
            stale = [label for label, key in keys.items() if key not in shipped]
            print("pack current" if not stale else "pack stale for: " + ", ".join(stale))
            st.close()
            return 1 if stale else 0
        cache = FrameCache(PACK.parent, kind=PACK.name)
        rec = track_record_view(load, cache=cache, workers=args.workers)
        st.close()
    keep = set(keys.values())
    for p in PACK.glob("*.parquet"):
        if p.stem not in keep:
            p.unlink()  # a replay of older data or parameters
    entries = []
    for spec in TRACK_HISTORIES:
        rep = rec.replays[spec.label]
        entries.append(
            {
                "label": spec.label,
                "symbol": spec.symbol,
                "span": [spec.start, spec.end],
                "file": f"{keys[spec.label]}.parquet",
                "rows": len(rep),
                "first": rep.index[0].date().isoformat() if len(rep) else None,
                "last": rep.index[-1].date().isoformat() if len(rep) else None,
            }
        )
    manifest = {
        "what": "the status track record's replays of the embedded default data",
        "data": "bubblewatch.data.default_data.load_default_data (the episode pack + wheel histories)",
        "params": DEFAULT_PARAMS.to_dict(),
        "stride": 5,
        "lppls_stride": 20,
        "version": __version__,
        "command": COMMAND,
        "made": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "files": entries,
    }
    (PACK / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(rec.to_markdown())
    print(f"wrote {len(entries)} replays and MANIFEST.json to {PACK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
