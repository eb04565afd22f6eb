"""``bubblewatch lppls``: LPPLS fits and the DS LPPLS confidence indicator."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    announce_kernels,
    data_store,
    emit,
    flag_hints,
    one_of,
    progress,
)
from bubblewatch.errors import InputError

app = typer.Typer(
    help="LPPLS bubble fits and the DS LPPLS confidence indicator.", no_args_is_help=True
)

SourceArg = Annotated[
    str, typer.Argument(help="A CSV/Parquet file (date + close) or a symbol in the store.")
]
ColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--column",
        help="Price column (default: close of a file; the adjusted close of a store symbol, "
        "its long history joined as `bubblewatch status` reads it).",
    ),
]
FiltersOpt = Annotated[
    str, typer.Option("--filters", help="Filter preset: fco (default) or lppls.")
]


def _series(
    source: str, column: str | None, store: Any, data: Any, drop_missing: bool = False
) -> tuple[Any, Any, list[Any]]:
    """SOURCE as a series, its provenance (a file has none, a store symbol its long history,
    ``resolve_history``) and notes. A row without a value is an error naming its date, or
    with ``--drop-missing`` skipped with a note (never silently)."""
    from pathlib import Path

    from bubblewatch.data.resolve import resolve_source

    if data is None or Path(source).exists():
        s, hist = resolve_source(source, column=column, store=store, keep_missing=True)
    else:
        with data_store(data, store) as st:
            s, hist = resolve_source(source, column=column, store=st, keep_missing=True)
    missing = s.isna().to_numpy()
    if not missing.any():
        return s, hist, []
    first = t.date(s.index[int(missing.argmax())])
    n = t.plural(int(missing.sum()), "row")
    if not drop_missing:
        raise InputError(
            f"{source} has {n} without a value (blank or NaN), the first on {first}; LPPLS "
            "needs a complete series: fill the gaps, or pass --drop-missing to skip those rows"
        )
    return (
        s[~missing],
        hist,
        [t.note(f"{n} without a value skipped (--drop-missing), the first on {first}")],
    )


DropMissingOpt = Annotated[
    bool,
    typer.Option(
        "--drop-missing",
        help="Skip rows whose value is blank or NaN, with a note (default: such a row is an "
        "error naming its date).",
    ),
]


def _until(hist: Any, when: str | None) -> Any:
    return hist if hist is None or when is None else hist.until(when)


def _with_series(items: list[Any], hist: Any) -> list[Any]:
    return items if hist is None else [t.note(f"Series: {hist.describe()}"), *items]


#: hints the CLI adds to errors about these parameters of the LPPLS functions
_HINTS = {"end": "--end YYYY-MM-DD", "start": "--start YYYY-MM-DD"}


@app.command("fit")
def fit_cmd(
    source: SourceArg,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First date of the window (default: the last 504 observations ending at --end).",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", help="Last date of the window (default: the last date)."),
    ] = None,
    filters: FiltersOpt = "fco",
    column: ColumnOpt = None,
    drop_missing: DropMissingOpt = False,
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Fit the LPPLS model to one window of log prices (global optimum of the search box).

    Without --start the window is the last 504 observations (about two years of trading
    days) ending at --end, not the whole history; the output says which window it used.
    --export csv: the log price and the fitted log price on every date of the window.
    """
    from bubblewatch.detect.lppls import fit_lppls, fit_window

    s, hist, notes = _series(source, column, store, data, drop_missing)
    announce_kernels("lppls")
    with flag_hints(_HINTS):
        lo, hi, how = fit_window(s, start, end)
        fit = fit_lppls(s, start=lo, end=hi, filters=filters)
    hist = _until(hist, end)
    emit(
        fit,
        as_json,
        render=lambda f: _with_series([*render_fit(f, how), *notes], hist),
        export=export,
    )


def render_fit(fit: Any, window: str) -> list[Any]:
    """Text of ``lppls fit``: the window, tc in words, the parameters and the filters."""
    num = t.number(4)
    tc = t.date(fit.tc) if fit.tc is not None else "n/a"
    rows: list[tuple[str, Any]] = [
        ("Window", f"{window}; {t.plural(fit.n_obs, 'observation')}"),
        ("Critical time tc", f"{tc} ({fit.tc_position})"),
        ("m (exponent)", num(fit.m)),
        ("omega (log-frequency)", num(fit.omega)),
        ("A, B", f"{fit.A:.4g}, {fit.B:.4g}"),
        ("C1, C2 (C, phi)", f"{fit.C1:.4g}, {fit.C2:.4g} ({fit.C:.4g}, {fit.phi:.3f})"),
        (
            "Fit",
            f"R² {fit.r2:.4f}; SSE {fit.sse:.4g}; mean relative error {t.percent(2)(fit.rel_error)}",
        ),
        ("Oscillations O, damping D", f"{fit.oscillations:.2f}, {fit.damping:.2f}"),
        ("Converged", t.yes_no(fit.converged)),
    ]
    rows += [(f"Qualifies ({role} filter)", t.yes_no(ok)) for role, ok in fit.qualified.items()]
    out: list[Any] = [t.facts(rows, title="LPPLS fit")]
    if fit.tc_days < 0:
        out.append(
            t.note(
                "tc falls before the window's end: the fit describes a regime that already "
                "ended, not a coming critical time"
            )
        )
    return out


@app.command("confidence")
def confidence_cmd(
    source: SourceArg,
    window_max: Annotated[
        int, typer.Option("--window-max", help="Largest window (observations).")
    ] = 504,
    window_min: Annotated[
        int, typer.Option("--window-min", help="Smallest window (observations).")
    ] = 30,
    window_step: Annotated[int, typer.Option("--window-step", help="Window length step.")] = 5,
    end_step: Annotated[int, typer.Option("--end-step", help="Step between end dates.")] = 1,
    start: Annotated[
        str | None, typer.Option("--start", help="First end date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last end date (YYYY-MM-DD).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    date_to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    filters: FiltersOpt = "fco",
    column: ColumnOpt = None,
    drop_missing: DropMissingOpt = False,
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """DS LPPLS confidence indicator: share of windows per end date with a qualified fit.

    --export csv: one row per end date (pos, neg as fractions of the windows).
    """
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    s, hist, notes = _series(source, column, store, data, drop_missing)
    last = one_of(end, date_to, "--end/--to")
    announce_kernels("lppls")
    with progress("LPPLS confidence"), flag_hints(_HINTS):
        res = lppls_confidence(
            s,
            window_max=window_max,
            window_min=window_min,
            window_step=window_step,
            end_step=end_step,
            start=one_of(start, date_from, "--start/--from"),
            end=last,
            filters=filters,
        )
    hist = _until(hist, last)
    if as_json and hist is not None:
        emit({**res.to_dict(), "series": hist.to_dict()}, True)
        return
    emit(
        res,
        as_json,
        render=lambda r: _with_series([*render_confidence(r), *notes], hist),
        export=export,
    )


def render_confidence(res: Any) -> list[Any]:
    """Text of ``lppls confidence``: the last end dates and the peak."""
    ind = res.indicator
    if ind.empty:
        return ["LPPLS confidence: no end dates"]
    share = t.percent(0)
    peak = ind["pos"].idxmax()
    head = t.facts(
        [
            (
                "End dates",
                f"{t.plural(len(ind), 'end date')}, {t.date(ind.index[0])} .. {t.date(ind.index[-1])}",
            ),
            (
                "Fits",
                f"{res.n_fits:,} ({int(ind['n_unconverged'].sum()):,} not converged)",
            ),
            (
                "Last end date",
                f"bubble {share(ind['pos'].iloc[-1])}, anti-bubble {share(ind['neg'].iloc[-1])} "
                "of the windows",
            ),
            ("Highest bubble confidence", f"{share(ind['pos'].max())} on {t.date(peak)}"),
        ],
        title="DS LPPLS confidence indicator (share of windows with a qualified fit)",
    )
    tail = t.table(
        ind.tail(10),
        [
            t.Column("Bubble (B < 0)", "pos", share),
            t.Column("Anti-bubble (B > 0)", "neg", share),
            t.Column("Windows", "n_windows", t.integer),
            t.Column("Price", "price", t.number(2)),
        ],
        index=t.Column("End date", "", t.date),
        title="Last ten end dates",
    )
    return [head, tail]
