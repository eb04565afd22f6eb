"""The result of a scan: one row per series, counts, and the false-discovery control."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.results import Result
from bubblewatch.scan.multiple_testing import benjamini_hochberg
from bubblewatch.scan.series_row import OUTCOMES, RUN_COLUMNS
from bubblewatch.validation import Frame, Real, validate_params

__all__ = ["ScanResult", "add_fdr_columns"]

_RUN = [c for c, _ in RUN_COLUMNS]


@validate_params(table=Frame(), fdr=Real(min=0.0, max=1.0, min_open=True, max_open=True))
def add_fdr_columns(table: pd.DataFrame, fdr: float) -> pd.DataFrame:
    """Add ``gsadf_qvalue`` and ``explosive_bh`` (Benjamini-Hochberg over the series of the
    table that have a GSADF p-value) next to ``gsadf_pvalue``."""
    if "gsadf_pvalue" not in table:
        return table
    p = pd.to_numeric(table["gsadf_pvalue"], errors="coerce").to_numpy(dtype=float)
    qv, rej = benjamini_hochberg(p, fdr)
    out = table.copy()
    at = list(out.columns).index("gsadf_pvalue") + 1
    out.insert(at, "gsadf_qvalue", qv)
    flag = pd.array(rej, dtype="boolean")
    flag[np.isnan(p)] = pd.NA
    out.insert(at + 1, "explosive_bh", flag)
    return out


def _count(col: pd.Series) -> int:
    return int(col.fillna(False).astype(bool).sum())


@dataclasses.dataclass(frozen=True)
class ScanResult(Result):
    """One row per scanned series, in input order (see ``docs/scan.md`` for the columns).

    Attributes
    ----------
    table : pandas.DataFrame
        The rows, with ``gsadf_qvalue`` and ``explosive_bh`` when PSY ran; the run columns
        (``elapsed_s``, ``attempts``, ``timeout_s``) are kept here but left out of
        :meth:`to_frame`, so that every scheduler gives the same frame.
    analyses : tuple of str
        The analyses that ran.
    level : int or None
        PSY's critical-value level.
    fdr : float
        The false-discovery rate of ``explosive_bh``.
    param_hash : str
        The hash of the parameters (the key of the rows in ``out``).
    out : str or None
        The output directory, when one was used.
    computed, skipped : int
        Series computed by this run, and found already done in ``out`` (resumed).
    notes : tuple of str
        What the scan noticed about its input (e.g. sorted dates, other parameter sets).
    """

    table: pd.DataFrame
    analyses: tuple[str, ...]
    level: int | None
    fdr: float
    param_hash: str
    out: str | None = None
    computed: int = 0
    skipped: int = 0
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Series per outcome (``ok``, ``insufficient``, ``error``, ``timeout``,
        ``worker lost``)."""
        vc = self.table["outcome"].value_counts()
        return {k: int(vc.get(k, 0)) for k in OUTCOMES}

    def explosive_now(self) -> pd.DataFrame:
        """Series whose latest BSADF is above its critical value, strongest first."""
        if "explosive_now" not in self.table:
            return self.table.iloc[:0]
        t = self.table[self.table["explosive_now"].fillna(False).astype(bool)]
        return t.assign(excess=t["bsadf_last"] - t["cv_bsadf_last"]).sort_values(
            "excess", ascending=False
        )

    def summary(self, top: int = 15) -> str:
        t = self.table
        c = self.counts()
        head = f"Scan of {len(t)} series ({', '.join(self.analyses)})"
        if self.out:
            head += f": {self.computed} computed, {self.skipped} already in {self.out}"
        lines = [head, "  " + ", ".join(f"{v} {k}" for k, v in c.items())]
        lines += [f"  note: {n}" for n in self.notes]
        if "gsadf" in t:
            ok = t[t["gsadf"].notna()]
            lines += [
                f"  PSY ({self.level}% critical values), {len(ok)} series tested:",
                f"    explosive over the sample (GSADF > cv): {_count(ok['explosive'])}",
            ]
            if "explosive_bh" in t and ok["gsadf_pvalue"].notna().any():
                lines.append(
                    f"    ... after Benjamini-Hochberg at FDR {self.fdr:.0%}: "
                    f"{_count(ok['explosive_bh'])}"
                )
            lines.append(
                f"    explosive at the last date (BSADF > cv): {_count(ok['explosive_now'])}"
            )
            for r in self.explosive_now().head(top).itertuples():
                since = (
                    f"in an episode since {pd.Timestamp(r.last_start).date()}"
                    if r.ongoing
                    else "run still shorter than the minimum episode length"
                )
                lines.append(
                    f"      {r.symbol:<26} BSADF {r.bsadf_last:7.3f} > cv {r.cv_bsadf_last:6.3f}  "
                    f"{since}"
                )
        for col in (c for c in t.columns if c.startswith("lppls_") and c.endswith("_pos")):
            scale = col[len("lppls_") : -len("_pos")]
            vals = t[[col, "symbol"]].dropna()
            lines.append(
                f"  LPPLS {scale} scale: {len(vals)} series fitted; highest bubble confidence:"
            )
            for r in vals.sort_values(col, ascending=False).head(min(top, 5)).itertuples():
                lines.append(f"      {r.symbol:<26} {getattr(r, col):.2f}")
        if "status_level" in t:
            vc = t["status_level"].value_counts()
            lines.append("  status: " + ", ".join(f"{int(n)} {lv}" for lv, n in vc.items()))
        bad = t[t["outcome"].isin(("error", "timeout", "worker lost"))]
        for r in bad.head(top).itertuples():
            lines.append(f"  {r.outcome}: {r.symbol}: {r.error}")
        if len(bad) > top:
            lines.append(f"  ... and {len(bad) - top} more (see the table's error column)")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.table.drop(columns=[c for c in _RUN if c in self.table]).copy()

    def plot(self) -> Any:
        import plotly.graph_objects as go

        t = self.table[self.table["gsadf"].notna()] if "gsadf" in self.table else self.table
        if "gsadf" not in t:
            return go.Figure(layout={"title": "scan: no PSY columns to plot"})
        ratio = t["gsadf"] - t["cv_gsadf"]
        fig = go.Figure(
            go.Scatter(
                x=ratio,
                y=t["bsadf_last"] - t["cv_bsadf_last"],
                mode="markers",
                text=t["symbol"],
                marker={
                    "color": np.where(
                        t["explosive_now"].fillna(False).astype(bool), "crimson", "steelblue"
                    )
                },
                hovertemplate="%{text}<br>GSADF - cv %{x:.2f}<br>last BSADF - cv %{y:.2f}<extra></extra>",
            )
        )
        fig.add_hline(y=0, line_dash="dot")
        fig.add_vline(x=0, line_dash="dot")
        fig.update_layout(
            title=f"PSY scan: {len(t)} series ({self.level}% critical values)",
            xaxis_title="GSADF minus critical value (explosive over the sample if > 0)",
            yaxis_title="last BSADF minus critical value (explosive now if > 0)",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "analyses": list(self.analyses),
            "level": self.level,
            "fdr": self.fdr,
            "param_hash": self.param_hash,
            "out": self.out,
            "counts": self.counts(),
            "computed": self.computed,
            "skipped": self.skipped,
            "notes": list(self.notes),
            "series": self._records(),
        }

    def _records(self) -> list[dict[str, Any]]:
        rows = self.table.astype(object).where(self.table.notna(), None).to_dict(orient="records")
        for r in rows:  # the status' reasons as the list they are, not a JSON string
            if r.get("status_reasons"):
                r["status_reasons"] = json.loads(r["status_reasons"])
        return rows
