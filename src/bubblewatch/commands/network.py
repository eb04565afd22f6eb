"""``bubblewatch network``: the deals ledger, its loops, stress tests and clearing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bubblewatch.commands.common import JsonOpt, emit

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


@app.command("show")
def show(ledger: LedgerArg = None, parties: PartiesOpt = None, as_json: JsonOpt = False) -> None:
    """Loops in the ledger: cycles, circulation, round-trip shares, commitment cover."""
    from bubblewatch.network.loops import loop_analysis

    emit(loop_analysis(_ledger(ledger, parties)), as_json)


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
) -> None:
    """Stress scenario and the valuation-financing spiral, every round reported."""
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
    emit(res, as_json)


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
) -> None:
    """Eisenberg-Noe clearing vector (Rogers-Veraart with --alpha/--beta < 1)."""
    from bubblewatch.data.ledger_io import read_liabilities, read_outside_assets
    from bubblewatch.network.clearing import clearing_vector

    L = read_liabilities(liabilities)
    names = list(L.columns)
    e = read_outside_assets(assets, names)
    emit(clearing_vector(L, e, alpha=alpha, beta=beta, names=names), as_json)
