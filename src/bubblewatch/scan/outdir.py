"""A scan's output directory: rows written as they arrive, resumable, never duplicated.

Layout of ``--out DIR``::

    DIR/bubblewatch-scan.json       marks the folder as a scan directory (format, created)
    DIR/latest.json                 the parameter hash of the last finished run
    DIR/.lock                       held while a scan writes (a second scan is refused)
    DIR/<param_hash>/params.json    the parameters behind the hash and the column types
    DIR/<param_hash>/parts/*.parquet   result rows, written atomically (temp file + rename)
    DIR/<param_hash>/manifest.jsonl    one line per part: its keys (symbol, fingerprint,
                                    outcome, time limit); one line per compaction
    DIR/<param_hash>/summary.parquet, summary.csv   the last run's rows, with the
                                    Benjamini-Hochberg columns; run.json describes that run

Results of different parameters live in different ``<param_hash>`` folders, so they are
kept apart and never mixed. A part is renamed into place before its manifest line is
appended: a part without a line (the writer died in between) is adopted when the folder
is next opened, a torn last line is dropped. At the end of a run the parts are compacted
into one file (written, then recorded, then the old parts deleted; an unrecorded compacted
file is deleted on the next open), so the folder does not grow by a file per task.

A row counts as done (skipped by ``resume``) when its outcome is ``ok``, ``insufficient``
or ``error`` (deterministic for the same data and parameters), or ``timeout`` under a time
limit at least as long as the current one; ``worker lost`` rows are always retried. When
a key has several rows, a final outcome wins over a ``timeout``/``worker lost`` one, then
the later row: readers see one row per key.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.scan.analyses import Columns
from bubblewatch.scan.spec import SCAN_FORMAT, ScanSpec
from bubblewatch.validation import Instance, Text, validate_params

__all__ = ["MARKER", "ScanDirectory", "load_scan"]

MARKER = "bubblewatch-scan.json"
FINAL = ("ok", "insufficient", "error")
_ARROW = {
    "float64": "float64",
    "int64": "int64",
    "bool": "bool_",
    "string": "string",
    "timestamp": "timestamp",
}


def arrow_schema(columns: Columns) -> Any:
    """The pyarrow schema of a scan's rows."""
    import pyarrow as pa

    fields = []
    for name, typ in columns:
        t = pa.timestamp("ns") if typ == "timestamp" else getattr(pa, _ARROW[typ])()
        fields.append(pa.field(name, t))
    return pa.schema(fields)


def _table(rows: Sequence[dict[str, Any]], columns: Columns) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(list(rows), schema=arrow_schema(columns))


def to_frame(table: Any) -> pd.DataFrame:
    """A pyarrow table of rows as a DataFrame: integers and booleans as pandas' nullable
    ``Int64``/``boolean`` (so a column's type does not depend on whether a row failed)."""
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=mapping.get)


def rows_frame(rows: Sequence[dict[str, Any]], columns: Columns) -> pd.DataFrame:
    """Rows as a DataFrame with the scan's column types (the one conversion every path
    uses, so in-memory and stored results are identical)."""
    return to_frame(_table(rows, columns))


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: Path, write: Any) -> None:
    """Write ``path`` through a temp file in the same folder, fsync, then rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    _write_atomic(path, lambda p: p.write_text(json.dumps(doc, indent=2, default=str) + "\n"))


def _lock(path: Path) -> Any:
    fh = open(path, "a+")
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # pragma: no cover - not POSIX: no lock
        return fh
    except OSError as exc:
        fh.seek(0)
        who = fh.read().strip() or "another process"
        fh.close()
        raise InputError(
            f"--out {path.parent}: another scan is writing to this folder ({who}); wait for "
            "it to finish or choose another --out"
        ) from exc
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()} since {_now()}")
    fh.flush()
    return fh


class ScanDirectory:
    """One parameter set's results in a scan directory (see the module docstring).

    Use as a context manager: opening takes the folder's lock, repairs what an interrupted
    writer left and loads the manifest.
    """

    def __init__(
        self, root: str | os.PathLike[str], spec: ScanSpec, *, resume: bool = True
    ) -> None:
        self.root = Path(root)
        self.spec = spec
        self.param_hash = spec.param_hash
        self.path = self.root / self.param_hash
        self.columns = spec.columns()
        self.resume = resume
        self.discarded = 0
        self._lock: Any = None
        self._seq = 0
        #: (symbol, fingerprint) -> (outcome, timeout_s) of the best row so far
        self.keys: dict[tuple[str, str], tuple[str, float | None]] = {}
        self._parts: list[str] = []

    # -- opening -------------------------------------------------------------------------
    def __enter__(self) -> ScanDirectory:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        root = self.root
        if root.exists() and not root.is_dir():
            raise InputError(f"--out {root}: exists and is not a folder")
        marker = root / MARKER
        if root.is_dir() and any(root.iterdir()) and not marker.exists():
            raise InputError(
                f"--out {root}: the folder holds other files and no {MARKER}; choose an "
                "empty or new folder for the scan's results"
            )
        root.mkdir(parents=True, exist_ok=True)
        if not marker.exists():
            _write_json(marker, {"format": SCAN_FORMAT, "created": _now()})
        self._lock = _lock(root / ".lock")
        if not self.resume and self.path.exists():
            entries = self._manifest_entries()
            self.discarded = len(
                {tuple(k[:2]) for e in entries if e.get("op") == "part" for k in e["keys"]}
            )
            shutil.rmtree(self.path)
        (self.path / "parts").mkdir(parents=True, exist_ok=True)
        params = self.path / "params.json"
        if not params.exists():
            _write_json(
                params,
                {
                    "param_hash": self.param_hash,
                    "spec": self.spec.to_dict(),
                    "columns": [list(c) for c in self.columns],
                    "created": _now(),
                },
            )
        self._recover()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def other_parameter_sets(self) -> list[str]:
        """Parameter hashes of the other results kept in the same folder."""
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and p.name != self.param_hash and (p / "params.json").exists()
        )

    # -- manifest ------------------------------------------------------------------------
    @property
    def _manifest(self) -> Path:
        return self.path / "manifest.jsonl"

    def _manifest_entries(self) -> list[dict[str, Any]]:
        path = self.path / "manifest.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a torn last line: the writer died while appending it
        return out

    def _append(self, entry: dict[str, Any]) -> None:
        with open(self._manifest, "a") as fh:
            fh.write(json.dumps(entry, default=str, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _note_keys(self, keys: Iterable[Sequence[Any]]) -> None:
        for sym, fp, outcome, limit in keys:
            k = (str(sym), str(fp))
            old = self.keys.get(k)
            if old is None or outcome in FINAL or old[0] not in FINAL:
                self.keys[k] = (str(outcome), None if limit is None else float(limit))

    def _recover(self) -> None:
        parts_dir = self.path / "parts"
        for tmp in parts_dir.glob(".*.tmp"):
            tmp.unlink()
        entries = self._manifest_entries()
        # rewrite the manifest without a torn tail
        good = "".join(json.dumps(e, default=str, separators=(",", ":")) + "\n" for e in entries)
        if self._manifest.exists() and self._manifest.read_text() != good:
            _write_atomic(self._manifest, lambda p: p.write_text(good))
        live: dict[str, list[Any]] = {}
        for e in entries:
            if e.get("op") == "part":
                live[e["part"]] = e["keys"]
            elif e.get("op") == "compact":
                keys = [k for name in e["parts"] for k in live.pop(name, [])]
                live[e["into"]] = keys
                for name in e["parts"]:
                    (parts_dir / name).unlink(missing_ok=True)
        for f in sorted(parts_dir.glob("*.parquet")):
            if f.name in live:
                continue
            if f.name.startswith("compact-"):
                f.unlink()  # a compaction that was never recorded: its parts are still live
                continue
            import pyarrow.parquet as pq

            t = pq.read_table(f, columns=["symbol", "fingerprint", "outcome", "timeout_s"])
            keys = [list(r.values()) for r in t.to_pylist()]
            self._append(
                {"op": "part", "part": f.name, "keys": keys, "at": _now(), "adopted": True}
            )
            live[f.name] = keys
        self._parts = sorted(live)
        for keys in (live[p] for p in self._parts):
            self._note_keys(keys)

    # -- writing -------------------------------------------------------------------------
    def is_done(self, symbol: str, fp: str, timeout: float | None) -> bool:
        """Whether a row for this key needs no recomputation (see the module docstring)."""
        got = self.keys.get((symbol, fp))
        if got is None:
            return False
        outcome, limit = got
        if outcome in FINAL:
            return True
        if outcome == "timeout":
            return timeout is not None and limit is not None and limit >= timeout
        return False

    def _name(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}-{time.time_ns():020d}-{os.getpid()}-{self._seq:06d}.parquet"

    def write_rows(self, rows: Sequence[dict[str, Any]]) -> str | None:
        """Write ``rows`` as one new part and record it; returns the part's name."""
        if not rows:
            return None
        import pyarrow.parquet as pq

        table = _table(rows, self.columns)
        name = self._name("part")
        _write_atomic(self.path / "parts" / name, lambda p: pq.write_table(table, p))
        keys = [[r["symbol"], r["fingerprint"], r.get("outcome"), r.get("timeout_s")] for r in rows]
        self._append({"op": "part", "part": name, "keys": keys, "at": _now()})
        self._parts.append(name)
        self._note_keys(keys)
        return name

    def compact(self) -> None:
        """Merge the live parts into one file (crash-safe; see the module docstring)."""
        if len(self._parts) < 2:
            return
        import pyarrow.parquet as pq

        table = read_parts_table(self.path / "parts", self._parts, self.columns)
        name = self._name("compact")
        _write_atomic(self.path / "parts" / name, lambda p: pq.write_table(table, p))
        old = list(self._parts)
        self._append({"op": "compact", "into": name, "parts": old, "at": _now()})
        for p in old:
            (self.path / "parts" / p).unlink(missing_ok=True)
        self._parts = [name]

    # -- reading -------------------------------------------------------------------------
    def read_all(self) -> pd.DataFrame:
        """Every stored row of this parameter set, one per key (see the module docstring)."""
        return read_parts(self.path / "parts", self._parts, self.columns)

    def write_summary(self, table: pd.DataFrame, run: dict[str, Any]) -> None:
        """Write the run's table (parquet + CSV) and its description, and mark it latest."""
        _write_atomic(self.path / "summary.parquet", lambda p: table.to_parquet(p, index=False))
        _write_atomic(
            self.path / "summary.csv",
            lambda p: table.to_csv(p, index=False, date_format="%Y-%m-%d"),
        )
        _write_json(self.path / "run.json", {"param_hash": self.param_hash, **run})
        _write_json(self.root / "latest.json", {"param_hash": self.param_hash, "finished": _now()})


def read_parts_table(parts_dir: Path, names: Sequence[str], columns: Columns) -> Any:
    """Rows of the named parts as a pyarrow Table, one per key (final outcomes first, then
    the latest row)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    tables = [pq.read_table(parts_dir / n, schema=schema) for n in sorted(names)]
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    if table.num_rows == 0:
        return table
    keys = table.select(["symbol", "fingerprint", "outcome"]).to_pandas()
    keys["_rank"] = (~keys["outcome"].isin(FINAL)).astype(int)
    keys["_pos"] = np.arange(len(keys))
    order = keys.sort_values(["_rank", "_pos"], ascending=[True, False], kind="stable")
    best = np.sort(
        order.drop_duplicates(["symbol", "fingerprint"], keep="first")["_pos"].to_numpy()
    )
    return table.take(pa.array(best))


def read_parts(parts_dir: Path, names: Sequence[str], columns: Columns) -> pd.DataFrame:
    """:func:`read_parts_table` as a DataFrame."""
    return to_frame(read_parts_table(parts_dir, names, columns))


@validate_params(
    root=[Text(), Instance(os.PathLike, what="a folder path")], param_hash=[None, Text()]
)
def load_scan(root: str | os.PathLike[str], param_hash: str | None = None) -> Any:
    """The last finished run in a scan directory (or the run of ``param_hash``) as a
    :class:`~bubblewatch.scan.result.ScanResult`, read from its summary table.

    Raises :class:`~bubblewatch.errors.InputError` when the folder holds no finished scan.
    """
    from bubblewatch.results import make_metadata
    from bubblewatch.scan.result import ScanResult

    root = Path(root)
    if not (root / MARKER).exists():
        raise InputError(
            f"{root}: not a scan directory (no {MARKER}); run `bubblewatch scan --out {root}`"
        )
    if param_hash is None:
        latest = root / "latest.json"
        if not latest.exists():
            raise InputError(
                f"{root}: no finished scan yet (no latest.json); run the scan to its end"
            )
        param_hash = str(json.loads(latest.read_text())["param_hash"])
    folder = root / param_hash
    if not (folder / "run.json").exists():
        raise InputError(f"{root}: no finished scan with the parameter hash {param_hash}")
    run = json.loads((folder / "run.json").read_text())
    table = pd.read_parquet(folder / "summary.parquet")
    params = run.get("parameters", {})
    names = tuple(a["name"] for a in params.get("analyses", []))
    psy = next((a for a in params.get("analyses", []) if a["name"] == "psy"), None)
    return ScanResult(
        metadata=make_metadata(
            params, data_vintage=run.get("data_vintage"), seed=psy and psy["seed"]
        ),
        table=table,
        analyses=names,
        level=psy["level"] if psy else None,
        fdr=float(params.get("fdr", 0.05)),
        param_hash=param_hash,
        out=str(root),
        computed=int(run.get("computed", 0)),
        skipped=int(run.get("skipped", 0)),
        notes=tuple(run.get("notes", ())),
    )
