"""``bubblewatch market connectedness``: TVP-VAR, quantile, frequency and joint connectedness.

JSON (``--json``) carries fractions (0.25 = 25%): ``tci``, ``ctci``, ``table`` (row receives,
column transmits), ``to``/``from``/``net``, ``dynamic`` (``{date, tci, ctci, net}`` per
estimate) and, when asked, ``bands``, ``change_test`` and ``decomposition``. Text shows percent.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    emit,
    progress,
)
from bubblewatch.commands.sources import ColumnOpt, LagsOpt, ReturnsOpt, SourcesArg
from bubblewatch.errors import InputError

__all__ = ["connectedness_cmd", "parse_groups", "parse_period"]


def parse_period(text: str) -> Any:
    """``"2025-11-20"`` or ``"2025-11-01..2025-11-30"`` -> a date or a (start, end) pair."""
    s = str(text).strip()
    if ".." in s:
        a, _, b = s.partition("..")
        return (a.strip(), b.strip())
    return s


def parse_groups(text: str) -> dict[str, list[str]]:
    """``"US=A,B;JP=C,D"`` -> ``{"US": ["A", "B"], "JP": ["C", "D"]}``."""
    out: dict[str, list[str]] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        name, eq, members = part.partition("=")
        if not eq or not name.strip():
            raise InputError(f"--groups {text!r}: write groups as 'NAME=A,B;OTHER=C,D'")
        out[name.strip()] = [m.strip() for m in members.split(",") if m.strip()]
    return out


def _table_rows(c: Any) -> tuple[Any, list[Any]]:
    """The averaged table as text cells: percent with 2 decimals, NPT as counts."""
    frame = c.table()
    cells = frame.map(lambda v: f"{v:,.2f}")
    cells.loc["NPT"] = frame.loc["NPT"].map(lambda v: f"{v:.0f}")
    cols = [t.Column(str(n), str(n), t.text, justify="right") for n in frame.columns]
    return cells, cols


def _render_connectedness(c: Any, extra: dict[str, Any]) -> list[Any]:
    frame, cols = _table_rows(c)
    items: list[Any] = [
        t.heading(
            f"{c.approach.capitalize()} connectedness: {c.description}, H={c.horizon}, "
            f"{len(c.index)} estimates {c.span()}"
        ),
        t.table(
            frame,
            cols,
            index=t.Column("", "", t.text),
            caption="Rows receive, columns transmit (percent); FROM/TO/NET per series; the "
            "NET row's last cell is the TCI, NPT counts the series each one is a net "
            "transmitter to.",
        ),
    ]
    facts: list[tuple[str, Any]] = [
        ("TCI", t.percent(2)(c.tci)),
        ("cTCI (TCI k/(k-1))", t.percent(2)(c.ctci)),
    ]
    if len(c.index) > 1:
        d = c.dynamic["tci"]
        facts += [
            ("dynamic TCI min", f"{t.percent(2)(d.min())} on {t.date(d.idxmin())}"),
            ("dynamic TCI max", f"{t.percent(2)(d.max())} on {t.date(d.idxmax())}"),
            ("dynamic TCI last", f"{t.percent(2)(d.iloc[-1])} on {t.date(d.index[-1])}"),
        ]
    if c.fit is not None and c.fit.fallbacks.any():
        facts.append(("explosive updates kept", str(int(c.fit.fallbacks.sum()))))
    if c.fit is not None and c.fit.dropped:
        facts.append(("dates dropped (missing values)", str(c.fit.dropped)))
    if c.bands is not None:
        lo, hi = c.bands.mean_tci_interval
        facts.append(
            (
                f"TCI {100 * c.bands.level:.0f}% band",
                f"[{t.percent(2)(lo)}, {t.percent(2)(hi)}] ({c.bands.n_boot} replications, "
                f"{c.bands.scheme})",
            )
        )
    items.append(t.facts(facts))
    if "change_test" in extra:
        items.append(t.note(extra["change_test"].summary()))
    if "decomposition" in extra:
        dec = extra["decomposition"]
        for part in (dec.internal, dec.external):
            f2, c2 = _table_rows(part)
            items.append(
                t.table(
                    f2,
                    c2,
                    index=t.Column("", "", t.text),
                    title=f"{part.approach}: TCI {t.percent(2)(part.tci)}, cTCI "
                    f"{t.percent(2)(part.ctci)}",
                )
            )
    return items


def _render_frequency(f: Any) -> list[Any]:
    tot = f.total()
    items: list[Any] = [
        t.heading(
            f"Frequency connectedness ({f.scenario}): {f.description}, H={f.horizon} "
            f"(H+1 MA terms), {len(f.index)} estimates; total TCI {t.percent(2)(tot.tci)}, "
            f"cTCI {t.percent(2)(tot.ctci)}"
        )
    ]
    for i, name in enumerate(f.band_names):
        c = f.band(i)
        frame, cols = _table_rows(c)
        items.append(
            t.table(
                frame,
                cols,
                index=t.Column("", "", t.text),
                title=f"cycles of {name} observations: TCI {t.percent(2)(c.tci)}, cTCI "
                f"{t.percent(2)(c.ctci)}",
            )
        )
    items.append(t.note("Rows receive, columns transmit (percent)."))
    return items


def connectedness_cmd(
    sources: SourcesArg,
    model: Annotated[str, typer.Option("--model", help="var, tvp-var or qvar.")] = "tvp-var",
    approach: Annotated[
        str,
        typer.Option("--connectedness", help="time, frequency, joint or extended-joint."),
    ] = "time",
    lags: LagsOpt = 1,
    horizon: Annotated[
        int | None,
        typer.Option("--horizon", help="Forecast horizon H (default 10; 100 for frequency)."),
    ] = None,
    window: Annotated[
        int | None,
        typer.Option(
            "--window",
            help="Rolling window of var/qvar, or the OLS-prior window of tvp-var (observations, "
            "counting the lags, as ConnectednessApproach's window.size).",
        ),
    ] = None,
    kappa1: Annotated[
        float, typer.Option("--kappa1", help="TVP-VAR coefficient forgetting factor.")
    ] = 0.99,
    kappa2: Annotated[
        float, typer.Option("--kappa2", help="TVP-VAR covariance forgetting factor.")
    ] = 0.99,
    prior: Annotated[
        str, typer.Option("--prior", help="TVP-VAR prior: bayes (OLS), minnesota or uninformative.")
    ] = "bayes",
    gamma: Annotated[float, typer.Option("--gamma", help="Minnesota prior variance.")] = 0.1,
    tau: Annotated[float, typer.Option("--tau", help="QVAR quantile in (0, 1).")] = 0.5,
    partition: Annotated[
        str,
        typer.Option(
            "--partition", help="Frequency breaks in radians, pi down to 0, e.g. 'pi,pi/5,0'."
        ),
    ] = "pi,pi/2,0",
    periods: Annotated[
        str | None,
        typer.Option(
            "--periods", help="Frequency breaks as cycle lengths in observations, e.g. '5,21'."
        ),
    ] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", help="Frequency tables: absolute or within.")
    ] = "absolute",
    grid: Annotated[
        str,
        typer.Option(
            "--grid", help="Frequency grid: exact, or reference (ConnectednessApproach's)."
        ),
    ] = "exact",
    bands: Annotated[
        bool, typer.Option("--bands", help="Bootstrap bands of the TCI and NET.")
    ] = False,
    bootstrap: Annotated[
        int | None,
        typer.Option("--bootstrap", help="Bootstrap replications (implies --bands; default 200)."),
    ] = None,
    level: Annotated[float, typer.Option("--level", help="Coverage of the bands.")] = 0.9,
    block_length: Annotated[
        int, typer.Option("--block-length", help="Resampled block length (1: independent).")
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap random seed.")] = 0,
    change_from: Annotated[
        str | None,
        typer.Option("--change-from", help="Test a TCI change from this date or 'start..end'."),
    ] = None,
    change_to: Annotated[
        str | None, typer.Option("--change-to", help="... to this date or 'start..end'.")
    ] = None,
    groups: Annotated[
        str | None,
        typer.Option("--groups", help="Internal/external decomposition: 'US=A,B;JP=C,D'."),
    ] = None,
    returns: ReturnsOpt = False,
    dropna: Annotated[
        bool,
        typer.Option("--dropna", help="Drop the dates where a series has no value (else exit 2)."),
    ] = False,
    column: ColumnOpt = "close",
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """TVP-VAR, QVAR or VAR connectedness in the time or frequency domain, or joint, with bands."""
    from bubblewatch.commands.sources import load_sources
    from bubblewatch.market.connectedness import (
        bootstrap_bands,
        connectedness,
        decompose,
        parse_partition,
        partition_from_periods,
    )

    if (change_from is None) != (change_to is None):
        raise InputError("give both --change-from and --change-to (two dates or periods)")
    df = load_sources(sources, column=column, data=data, store=store, returns=returns, join="outer")
    bp = (
        partition_from_periods([float(x) for x in periods.split(",") if x.strip()])
        if periods
        else parse_partition(partition)
    )
    with progress(f"{model} {approach} connectedness"):
        result = connectedness(
            df,
            model=model,
            approach=approach,
            lags=lags,
            horizon=horizon,
            window=window,
            kappa1=kappa1,
            kappa2=kappa2,
            prior=prior,
            gamma=gamma,
            tau=tau,
            partition=bp,
            scenario=scenario,
            grid=grid,
            dropna=dropna,
        )
    from bubblewatch.market.connectedness import FrequencyConnectedness

    if isinstance(result, FrequencyConnectedness):
        if bands or bootstrap or change_from or groups:
            raise InputError(
                "--bands, --change-from and --groups apply to time, joint and extended-joint "
                "connectedness; for bands of a frequency band use the Python API "
                "(bootstrap_bands(result.band(name)))"
            )
        emit(result, as_json, render=_render_frequency, export=export)
        return
    extra: dict[str, Any] = {}
    if bands or bootstrap or change_from:
        with progress("bootstrap bands"):
            result = bootstrap_bands(
                result,
                n_boot=200 if bootstrap is None else bootstrap,
                level=level,
                block_length=block_length,
                scheme="residual",
                seed=seed,
            )
        if change_from is not None:
            assert result.bands is not None
            extra["change_test"] = result.bands.change_test(
                parse_period(change_from), parse_period(str(change_to))
            )
    if groups:
        extra["decomposition"] = decompose(result, parse_groups(groups))
    if as_json:
        payload = result.to_dict()
        for key, val in extra.items():
            payload[key] = val.to_dict()
        payload["metadata"] = result.metadata.to_dict()
        emit(payload, True)
        return
    emit(result, False, render=lambda r: _render_connectedness(r, extra), export=export)
