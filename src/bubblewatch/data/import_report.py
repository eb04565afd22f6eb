"""What an import did: one :class:`FileReport` per file, one :class:`ImportReport` per call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FileReport", "ImportReport"]


@dataclass(frozen=True)
class FileReport:
    """What one file contributed: table, symbols, rows, date range, warnings or skip reason."""

    path: str
    table: str | None
    kind: str | None
    symbols: tuple[str, ...]
    rows: int
    first: str | None
    last: str | None
    shift_days: int = 0
    warnings: tuple[str, ...] = ()
    skipped: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "table": self.table,
            "kind": self.kind,
            "symbols": list(self.symbols),
            "rows": self.rows,
            "first": self.first,
            "last": self.last,
        }
        if self.shift_days:
            d["shift_days"] = self.shift_days
        if self.warnings:
            d["warnings"] = list(self.warnings)
        if self.notes:
            d["notes"] = list(self.notes)
        if self.skipped:
            d["skipped"] = self.skipped
        return d


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one :func:`import_paths` call.

    Attributes
    ----------
    files : tuple of FileReport
        One entry per file met (imported or skipped).
    rows : dict
        Rows written (inserted or replaced) per table.
    warnings : tuple of str
        Data-quality notes (high < low, weekend dates, overlaps); the rows were kept.
    seconds : float
        Wall time of the call.
    store : str
        The store written to.
    """

    files: tuple[FileReport, ...]
    rows: dict[str, int]
    warnings: tuple[str, ...]
    seconds: float
    store: str
    series: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if not f.skipped)

    @property
    def skipped(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "files": [f.to_dict() for f in self.files],
            "imported_files": len(self.imported),
            "skipped_files": len(self.skipped),
            "series": self.series,
            "rows": dict(self.rows),
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
        }

    def summary(self) -> str:
        rows = ", ".join(f"{t} {n}" for t, n in self.rows.items() if n)
        verb = "checked (dry run, nothing written)" if self.dry_run else "imported"
        lines = [
            f"{verb} {len(self.imported)} file(s), {self.series} series into {self.store} "
            f"in {self.seconds:.1f} s",
            f"rows {'to write' if self.dry_run else 'written'}: {rows or 'none'}",
        ]
        for f in self.imported:
            if f.shift_days:
                lines.append(
                    f"dates shifted {f.shift_days:+d} day{'' if abs(f.shift_days) == 1 else 's'}: "
                    f"{f.path} ({', '.join(f.symbols) or 'no rows'})"
                )
        symbols = list(dict.fromkeys(s for f in self.imported for s in f.symbols))
        if symbols:
            shown = ", ".join(symbols[:SHOWN_SYMBOLS])
            more = f" ... ({len(symbols)} in all)" if len(symbols) > SHOWN_SYMBOLS else ""
            lines.append(f"series {'to write' if self.dry_run else 'written'}: {shown}{more}")
        for f in self.skipped:
            lines.append(f"skipped {f.path}: {f.skipped}")
        for f in self.imported:
            lines.extend(f"note: {n}" for n in f.notes)
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)


#: symbols listed by name in :meth:`ImportReport.summary` (the JSON lists them all)
SHOWN_SYMBOLS = 12
