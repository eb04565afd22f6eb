"""``bubblewatch macro``: debt dynamics, the interest bill and rate cuts, the Fed's balance sheet."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    data_store,
    emit,
    flag_hints,
    one_of,
)

app = typer.Typer(help="Macro liquidity: debt, interest, the Fed.", no_args_is_help=True)


@app.command("debt")
def debt_cmd(
    r: Annotated[
        float, typer.Option("--r", help="Effective interest rate on the debt, % a year.")
    ] = 3.4,
    g: Annotated[float, typer.Option("--g", help="Nominal GDP growth, % a year.")] = 4.0,
    pb: Annotated[
        float, typer.Option("--pb", help="Primary balance, % of GDP (deficit negative).")
    ] = -3.0,
    d0: Annotated[float, typer.Option("--d0", help="Starting debt/GDP, %.")] = 99.0,
    start: Annotated[
        int | None, typer.Option("--start", help="Starting year [default: 2025].")
    ] = None,
    to: Annotated[int | None, typer.Option("--end", help="Last year [default: 2034].")] = None,
    year_from: Annotated[int | None, typer.Option("--from", hidden=True)] = None,
    year_to: Annotated[int | None, typer.Option("--to", hidden=True)] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", help="Extra scenario NAME=R,G,PB in percent (repeatable)."),
    ] = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Debt/GDP path d' = d(1+r)/(1+g) - pb (inputs in percent; JSON and CSV in fractions)."""
    from bubblewatch.errors import InputError
    from bubblewatch.macro.debt import debt_path, debt_scenarios

    start = one_of(start, year_from, "--start/--from") or 2025
    to = one_of(to, year_to, "--end/--to") or 2034
    if d0 < 0:
        raise InputError(f"--d0 {d0:g}: the starting debt/GDP must be a non-negative percent")
    if not scenario:
        res = debt_path(
            d0 / 100, r / 100, g / 100, pb / 100, start_year=start, end_year=to, name="scenario"
        )
        emit(res, as_json, render=render_debt, export=export)
        return
    scen: dict[str, tuple[float, float, float]] = {"scenario": (r / 100, g / 100, pb / 100)}
    for item in scenario:
        name, _, vals = item.partition("=")
        try:
            rr, gg, pp = (float(x) / 100 for x in vals.split(","))
        except ValueError:
            raise InputError(
                f"--scenario {item!r}: expected NAME=R,G,PB in percent, e.g. high-rates=4.5,4,-3"
            ) from None
        scen[name.strip() or f"scenario {len(scen) + 1}"] = (rr, gg, pp)
    emit(
        debt_scenarios(d0 / 100, scen, start_year=start, end_year=to),
        as_json,
        render=render_debt,
        export=export,
    )


def render_debt(res: Any) -> list[Any]:
    """Text of ``macro debt``: the assumptions and the debt/GDP path of each scenario."""
    paths = getattr(res, "paths", None) or (res,)
    pct = t.percent(2)
    assumptions = t.table(
        [
            {
                "name": p.name,
                "r": p.r.mean(),
                "g": p.g.mean(),
                "pb": p.pb.mean(),
                "start": p.ratio[0],
                "end": p.ratio[-1],
            }
            for p in paths
        ],
        [
            t.Column("Scenario", "name"),
            t.Column("Interest rate r", "r", pct),
            t.Column("GDP growth g", "g", pct),
            t.Column("Primary balance (% of GDP)", "pb", pct),
            t.Column(f"Debt/GDP {paths[0].years[0]}", "start", t.percent(1)),
            t.Column(f"Debt/GDP {paths[0].years[-1]}", "end", t.percent(1)),
        ],
        title="Debt/GDP: d(t+1) = d(t) (1 + r) / (1 + g) - pb",
        caption="r, g and pb are averages over the years when they vary",
    )
    years = paths[0].years
    path_tab = t.table(
        [{"year": int(y), **{p.name: p.ratio[i] for p in paths}} for i, y in enumerate(years)],
        [t.Column("Year", "year", str, justify="right")]
        + [t.Column(f"{p.name} debt/GDP", p.name, t.percent(1)) for p in paths],
    )
    return [assumptions, path_tab]


@app.command("rate-cut")
def rate_cut_cmd(
    bp: Annotated[float, typer.Option("--bp", help="Size of the cut, basis points.")] = 25.0,
    share: Annotated[
        float | None,
        typer.Option("--share", help="Share of the debt repricing within a year, % (default 33)."),
    ] = None,
    debt: Annotated[
        float | None,
        typer.Option(
            "--debt", help="Debt in USD trillions (default: latest GFDEBTN in the store)."
        ),
    ] = None,
    stated: Annotated[
        float, typer.Option("--stated", help="A stated saving (USD bn) to invert; 0 for none.")
    ] = 87.5,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """First-year interest saving of a cut, and the repricing share a stated saving implies."""
    from bubblewatch.macro.interest import DEFAULT_REPRICING_SHARE, rate_cut_saving

    label = "debt (given)"
    if debt is None:
        with data_store(data, store) as st:
            s = st.macro("GFDEBTN")
        debt_bn = float(s.iloc[-1]) / 1000
        label = f"GFDEBTN {s.index[-1].date()}"
    else:
        debt_bn = debt * 1000
    with flag_hints({"cut_bp": "--bp"}):
        res = rate_cut_saving(
            debt_bn,
            bp,
            repricing_share=DEFAULT_REPRICING_SHARE if share is None else share / 100,
            stated_saving_usd_bn=stated or None,
            debt_label=label,
        )
    emit(res, as_json, render=render_rate_cut)


def render_rate_cut(res: Any) -> list[Any]:
    """Text of ``macro rate-cut``."""
    usd_bn = t.money(scale="B")
    rows: list[tuple[str, Any]] = [
        ("Cut", f"{res.cut_bp:g} bp"),
        ("Debt", f"{t.money()(res.debt_usd_bn * 1e9)} ({res.debt_label})"),
        ("Repricing within a year", t.percent(0)(res.repricing_share)),
        ("Saving in the first year", usd_bn(res.saving_usd_bn * 1e9) + " a year"),
        ("if all of the debt repriced", usd_bn(res.full_pass_through_usd_bn * 1e9) + " a year"),
    ]
    if res.stated_saving_usd_bn is not None and res.implied_share is not None:
        implied = t.percent(0)(res.implied_share) + " of the debt repricing within a year"
        if res.implied_share > 1:
            implied += " (more than all of it: impossible within a year)"
        rows += [
            ("Stated saving", usd_bn(res.stated_saving_usd_bn * 1e9) + " a year"),
            ("it implies", implied),
        ]
    return [t.facts(rows, title="Interest saved by a rate cut")]


@app.command("interest")
def interest_cmd(
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Interest outlays (A091RC1Q027SBEA), debt (GFDEBTN) and the effective rate.

    --export csv: the quarterly table (USD bn; rates and shares of GDP as fractions).
    """
    from bubblewatch.macro.interest import interest_bill

    with data_store(data, store) as st:
        i, d, g = st.macro("A091RC1Q027SBEA"), st.macro("GFDEBTN") / 1000, st.macro("GDP")
    emit(interest_bill(i, d, g), as_json, render=render_interest, export=export)


def render_interest(res: Any) -> list[Any]:
    """Text of ``macro interest``: the latest quarter and the last eight."""
    frame = res.to_frame()
    x = frame.iloc[-1]
    usd = t.money()
    head = t.facts(
        [
            ("Quarter", t.quarter(res.as_of)),
            ("Interest outlays", usd(x["interest_usd_bn"] * 1e9) + " a year"),
            ("Debt", usd(x["debt_usd_bn"] * 1e9)),
            ("Effective rate", t.percent(2)(x["effective_rate"])),
            ("Interest / GDP", t.percent(2)(x.get("interest_gdp"))),
        ],
        title="The federal interest bill (A091RC1Q027SBEA, GFDEBTN, GDP)",
    )
    tab = t.table(
        frame.tail(8),
        [
            t.Column("Interest a year", "interest_usd_bn", lambda v: usd(v * 1e9)),
            t.Column("Debt", "debt_usd_bn", lambda v: usd(v * 1e9)),
            t.Column("Effective rate", "effective_rate", t.percent(2)),
            t.Column("Interest / GDP", "interest_gdp", t.percent(2)),
            t.Column("Debt / GDP", "debt_gdp", t.percent(1)),
        ],
        index=t.Column("Quarter", "", t.quarter),
        title="Last eight quarters",
    )
    return [head, tab]


@app.command("fed")
def fed_cmd(
    rate: Annotated[str, typer.Option("--rate", help="Policy-rate series.")] = "FEDFUNDS",
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """The Fed's total assets (WALCL) and policy rate with the runoff periods.

    --export csv: the weekly assets (USD bn) with the policy rate in force (a fraction).
    """
    from bubblewatch.macro.fed import fed_balance_sheet

    with data_store(data, store) as st:
        w, r = st.macro("WALCL"), st.macro(rate)
    emit(fed_balance_sheet(w, r), as_json, render=render_fed, export=export)


def render_fed(res: Any) -> list[Any]:
    """Text of ``macro fed``: assets, policy rate and each runoff period's change."""
    a = res.assets_usd_bn
    usd = t.money()
    facts: list[tuple[str, Any]] = [
        ("Total assets", f"{usd(a.iloc[-1] * 1e9)} on {t.date(a.index[-1])}"),
    ]
    if res.policy_rate is not None and len(res.policy_rate):
        r = res.policy_rate
        facts.append(("Policy rate", f"{t.points(2)(r.iloc[-1])} on {t.date(r.index[-1])}"))
    tab = t.table(
        res.runoff_table,
        [
            t.Column("From", "start", t.date),
            t.Column("To", "end", t.date),
            t.Column("Assets at the start", "assets_start_bn", lambda v: usd(v * 1e9)),
            t.Column("at the end", "assets_end_bn", lambda v: usd(v * 1e9)),
            t.Column("Change", "change_bn", lambda v: t.money(signed=True)(v * 1e9)),
            t.Column("Change (%)", "change_pct", t.points(1, signed=True)),
        ],
        index=t.Column("Runoff", ""),
        title="Balance-sheet runoff periods",
    )
    return [t.facts(facts, title="The Fed's balance sheet (WALCL)"), tab]
