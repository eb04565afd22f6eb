"""``bubblewatch network``: the deals ledger, its loops, stress tests and clearing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import ExportOpt, JsonOpt, emit

app = typer.Typer(
    help="The capital loop: deals ledger, loops, stress tests and clearing.",
    no_args_is_help=True,
)

LedgerArg = Annotated[
    Path | None,
    typer.Argument(
        help="Deals CSV (default: the bundled AI 2025-26 ledger); its parties file is "
        "X_parties.csv beside X_deals.csv, or --parties.",
        show_default=False,
    ),
]
PartiesOpt = Annotated[
    Path | None, typer.Option("--parties", help="Parties CSV (default: beside the deals file).")
]


def _ledger(path: Path | None, parties: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        from bubblewatch.episodes import ai2025

        return ai2025.ledger()
    from bubblewatch.data.ledger_io import read_ledger_frames
    from bubblewatch.network.ledger import Ledger

    deals, party_frame, name = read_ledger_frames(path, parties)
    return Ledger.from_frames(deals, party_frame, name=name)


#: cycles listed in the text output (the rest are counted)
MAX_CYCLES_SHOWN = 20


def _bottleneck(x: float) -> str:
    return "undisclosed" if math.isnan(x) else t.money(scale="B")(x)


def render_loops(res: Any) -> list[Any]:
    """Text of ``network show``: headline, cycles, round trips, commitment cover."""
    led = res.ledger
    standing = int((led.deals["status"] != "replaced").sum())
    usd = t.money()
    head = t.facts(
        [
            (
                "Ledger",
                f"{led.name}: {t.plural(len(led.deals), 'deal')} ({standing} standing), "
                f"{t.plural(len(led.parties), 'party', 'parties')}",
            ),
            ("Gross flows", usd(res.gross_usd)),
            (
                "Maximum circulation",
                f"{usd(res.max_circulation_usd)} = {t.percent(1)(res.circular_share)} of gross flows",
            ),
            ("Hodge cyclic share", t.percent(1)(res.hodge_cyclic_share)),
            ("Finn cycling index", t.percent(1)(res.finn_index)),
            (
                "Strongly connected",
                "; ".join(", ".join(c) for c in res.components) or "none",
            ),
        ],
        title="Capital loops in the deals ledger",
    )
    cycles = list(res.cycles)
    shown = cycles[:MAX_CYCLES_SHOWN]
    more = len(cycles) - len(shown)
    cyc = t.table(
        [{"n": i + 1, "cycle": str(c), "bottleneck": c.bottleneck} for i, c in enumerate(shown)],
        [
            t.Column("#", "n", t.integer),
            t.Column("Cycle", "cycle", wrap=True),
            t.Column("Bottleneck", "bottleneck", _bottleneck, justify="right"),
        ],
        title=f"{t.plural(len(cycles), 'simple cycle')}, largest bottleneck first",
        caption=(f"... and {more} more (--json lists all)" if more > 0 else None),
    )
    out: list[Any] = [head, cyc]
    rt = res.round_trip
    usd = t.money(scale="B")
    if not rt.empty:
        rt = rt.loc[rt["revenue_usd"] > 0].sort_values("revenue_usd", ascending=False)
        out.append(
            t.table(
                rt,
                [
                    t.Column("Recorded revenue", "revenue_usd", usd),
                    t.Column("From firms it financed, directly", "direct_share", t.percent(1)),
                    t.Column("Round-trip share (with paths)", "round_trip_share", t.percent(1)),
                ],
                index=t.Column("Vendor", ""),
                title="Round-tripped revenue (share of the ledger's revenue, not the firm's)",
            )
        )
    usd = t.money(scale="B")
    cov = res.cover
    if not cov.empty:
        out.append(
            t.table(
                cov,
                [
                    t.Column("Committed", "committed_usd", usd),
                    t.Column("Undisclosed deals", "undisclosed_deals", t.integer),
                    t.Column("Annual revenue", "revenue_usd", usd),
                    t.Column("Cover", "cover", t.multiple(2)),
                ],
                index=t.Column("Party", ""),
                title="Commitment cover = committed / (annual revenue + cash)",
                caption="n/a: the sources give no revenue or cash figure for that party",
            )
        )
    return out


@app.command("show")
def show(
    ledger: LedgerArg = None,
    parties: PartiesOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Loops in the ledger: cycles, circulation, round-trip shares, commitment cover.

    --export csv: one row per party (Hodge potential, cycling, round trip, cover, backlog).
    """
    from bubblewatch.network.loops import loop_analysis

    emit(loop_analysis(_ledger(ledger, parties)), as_json, render=render_loops, export=export)


def render_stress(res: Any) -> list[Any]:
    """Text of ``network stress``: the scenario, the rounds of the spiral, losses per party."""
    sc = res.scenario
    what = []
    if sc["shock"]:
        what.append(
            f"{', '.join(sc['shock'])} honours {t.percent(0)(sc['honour'])} of its commitments"
        )
    if sc["markdown"]:
        what.append(f"private valuations marked down {t.percent(0)(sc['markdown'])}")
    if sc["rate_bp"]:
        what.append(f"rates {sc['rate_bp']:+g} bp")
    usd = t.money()
    head = t.facts(
        [
            ("Scenario", "; ".join(what) or "no shock"),
            ("Ledger", sc["ledger"]),
            ("Flows lost directly", usd(res.direct_loss_usd)),
            ("Flows lost after the spiral", usd(res.total_loss_usd)),
            (
                "Rounds",
                t.plural(len(res.rounds), "round")
                + ("" if res.converged else " (NOT converged)")
                + f"; pass-through {sc['pass_through']:g}",
            ),
        ],
        title="Stress test of the deals ledger",
    )
    rounds = res.rounds
    if len(rounds) > 10:
        rounds = rounds.iloc[[*range(8), len(rounds) - 1]]
    rtab = t.table(
        rounds,
        [
            t.Column("Round", "round", t.integer),
            t.Column("New flows lost", "new_loss_usd", usd),
            t.Column("Parties cutting", "parties_cutting", t.integer),
            t.Column("Implied value loss", "value_loss_usd", usd),
        ],
        title="The valuation-financing spiral, round by round",
        caption=(
            f"rounds 9 to {len(res.rounds) - 1} not shown (--json lists every round)"
            if len(res.rounds) > 10
            else None
        ),
    )
    df = res.parties.loc[res.parties["loss_usd"] > 0].sort_values("loss_usd", ascending=False)
    base_words = {"revenue": "revenue", "ledger": "ledger revenue (upper bound)", "none": "n/a"}
    ptab = t.table(
        df.head(20),
        [
            t.Column("Flows lost", "loss_usd", usd),
            t.Column("Backlog at risk", "backlog_at_risk_usd", usd),
            t.Column("Revenue at risk a year", "revenue_at_risk_usd", usd),
            t.Column("Value drop", "value_drop", t.percent(1)),
            t.Column("Implied value loss", "value_loss_usd", usd),
            t.Column("Own spending cut", "cut", t.percent(1)),
            t.Column("Value drop measured on", "base", lambda b: base_words.get(str(b), str(b))),
        ],
        index=t.Column("Party", ""),
        title=f"Losses per party ({t.plural(len(df), 'party', 'parties')} hit"
        + (", first 20 shown)" if len(df) > 20 else ")"),
        caption="n/a: no market-value or revenue figure for that party in the ledger",
    )
    return [head, rtab, ptab]


@app.command("stress")
def stress(
    ledger: LedgerArg = None,
    shock: Annotated[
        list[str] | None,
        typer.Option(
            "--shock", help="Party that honours only --honour of its commitments (repeatable)."
        ),
    ] = None,
    honour: Annotated[
        float, typer.Option("--honour", min=0.0, max=1.0, help="Fraction the shocked party pays.")
    ] = 1.0,
    markdown: Annotated[
        float, typer.Option("--markdown", min=0.0, max=1.0, help="Markdown of private valuations.")
    ] = 0.0,
    rate_bp: Annotated[float, typer.Option("--rate-bp", help="Rate move in basis points.")] = 0.0,
    pass_through: Annotated[
        float,
        typer.Option("--pass-through", min=0.0, help="Value drop passed on as spending cuts."),
    ] = 1.0,
    default_horizon: Annotated[
        float, typer.Option("--default-horizon", help="Years for deals without a horizon.")
    ] = 5.0,
    proxy_base: Annotated[
        bool,
        typer.Option(
            "--proxy-base/--no-proxy-base",
            help="Measure value drops of parties without a revenue figure against their ledger revenue.",
        ),
    ] = True,
    parties: PartiesOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Stress scenario and the valuation-financing spiral, every round reported.

    --export csv: one row per party (losses in USD, value drop and cut as fractions).
    """
    from bubblewatch.errors import InputError
    from bubblewatch.network.spiral import stress_ledger

    if not shock and markdown == 0 and rate_bp == 0:
        raise InputError("give a scenario: --shock PARTY --honour F, --markdown K or --rate-bp N")
    res = stress_ledger(
        _ledger(ledger, parties),
        shock=shock or None,
        honour=honour,
        markdown=markdown,
        rate_bp=rate_bp,
        pass_through=pass_through,
        default_horizon=default_horizon,
        proxy_base=proxy_base,
    )
    emit(res, as_json, render=render_stress, export=export)


@app.command("clear")
def clear(
    liabilities: Annotated[
        Path,
        typer.Argument(help="Square CSV: party names as header and first column, row owes column."),
    ],
    assets: Annotated[Path, typer.Argument(help="CSV with columns party,outside_assets.")],
    alpha: Annotated[
        float, typer.Option("--alpha", help="Share of outside assets a defaulter realises.")
    ] = 1.0,
    beta: Annotated[
        float, typer.Option("--beta", help="Share of interbank assets a defaulter realises.")
    ] = 1.0,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Eisenberg-Noe clearing vector (Rogers-Veraart with --alpha/--beta < 1).

    --export csv: one row per party (owes, pays, shortfall, assets, defaulted).
    """
    from bubblewatch.data.ledger_io import read_liabilities, read_outside_assets
    from bubblewatch.network.clearing import clearing_vector

    L = read_liabilities(liabilities)
    names = list(L.columns)
    e = read_outside_assets(assets, names)
    res = clearing_vector(L, e, alpha=alpha, beta=beta, names=names)
    emit(res, as_json, render=render_clearing, export=export)


def render_clearing(res: Any) -> list[Any]:
    """Text of ``network clear``: who defaults in which round, and the payments."""
    n_def = int(res.defaulted.sum())
    head = t.facts(
        [
            (
                "Defaults",
                f"{n_def} of {t.plural(len(res.names), 'party', 'parties')} in "
                f"{t.plural(len(res.rounds), 'round')}",
            ),
            ("Recovery", f"outside assets {res.alpha:g}, interbank assets {res.beta:g}"),
            (
                "Unique",
                "yes" if res.unique else "no: the greatest clearing vector is shown",
            ),
            *(
                (f"Round {k}", ", ".join(r[:10]) + (" ..." if len(r) > 10 else ""))
                for k, r in enumerate(res.rounds, 1)
            ),
        ],
        title="Clearing vector (Eisenberg-Noe"
        + (", Rogers-Veraart recovery)" if (res.alpha, res.beta) != (1.0, 1.0) else ")"),
    )
    amt = t.number(2)
    frame = res.to_frame()
    tab = t.table(
        frame.head(40),
        [
            t.Column("Owes", "owes", amt),
            t.Column("Pays", "pays", amt),
            t.Column("Shortfall", "shortfall", amt),
            t.Column("Assets", "assets", amt),
            t.Column("Defaulted", "defaulted", t.yes_no, style=t.verdict_style),
        ],
        index=t.Column("Party", ""),
        caption=(
            f"first 40 of {len(frame)} parties (--export csv lists all)"
            if len(frame) > 40
            else None
        ),
    )
    return [head, tab]
