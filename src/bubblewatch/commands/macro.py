"""``bubblewatch macro``: debt dynamics, the interest bill and rate cuts, the Fed's balance sheet."""

from __future__ import annotations

from typing import Annotated

import typer

from bubblewatch.commands.common import DataOpt, JsonOpt, StoreOpt, data_store, emit

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
    start: Annotated[int, typer.Option("--from", help="Starting year.")] = 2025,
    to: Annotated[int, typer.Option("--to", help="Last year.")] = 2034,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", help="Extra scenario NAME=R,G,PB in percent (repeatable)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Debt/GDP path d' = d(1+r)/(1+g) - pb (all inputs in percent)."""
    from bubblewatch.errors import InputError
    from bubblewatch.macro.debt import debt_path, debt_scenarios

    if d0 < 0:
        raise InputError(f"--d0 {d0:g}: the starting debt/GDP must be a non-negative percent")
    if not scenario:
        res = debt_path(
            d0 / 100, r / 100, g / 100, pb / 100, start_year=start, end_year=to, name="scenario"
        )
        emit(res, as_json)
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
    emit(debt_scenarios(d0 / 100, scen, start_year=start, end_year=to), as_json)


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
    res = rate_cut_saving(
        debt_bn,
        bp,
        repricing_share=DEFAULT_REPRICING_SHARE if share is None else share / 100,
        stated_saving_usd_bn=stated or None,
        debt_label=label,
    )
    emit(res, as_json)


@app.command("interest")
def interest_cmd(data: DataOpt = None, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Interest outlays (A091RC1Q027SBEA), debt (GFDEBTN) and the effective rate."""
    from bubblewatch.macro.interest import interest_bill

    with data_store(data, store) as st:
        i, d, g = st.macro("A091RC1Q027SBEA"), st.macro("GFDEBTN") / 1000, st.macro("GDP")
    emit(interest_bill(i, d, g), as_json)


@app.command("fed")
def fed_cmd(
    rate: Annotated[str, typer.Option("--rate", help="Policy-rate series.")] = "FEDFUNDS",
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The Fed's total assets (WALCL) and policy rate with the runoff periods."""
    from bubblewatch.macro.fed import fed_balance_sheet

    with data_store(data, store) as st:
        w, r = st.macro("WALCL"), st.macro(rate)
    emit(fed_balance_sheet(w, r), as_json)
