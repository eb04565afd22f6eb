"""``bubblewatch claims``: recompute every figure of the source articles, with a verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bubblewatch.commands.common import DataOpt, JsonOpt, StoreOpt, data_store, emit


def command(
    data: DataOpt = None,
    store: StoreOpt = None,
    claims_file: Annotated[
        Path | None,
        typer.Option("--claims", help="A claims YAML file (default: the articles' claims)."),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--id", help="Only these claim ids (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the articles' claims: confirmed, contradicted (with the gap) or not checkable.

    JSON: a list of {"id", "claim", "stated", "computed", "verdict", "source", ...}.
    """
    from bubblewatch.claims.check import check_claims, load_claims

    claims = load_claims(claims_file)
    with data_store(data, store) as st:
        report = check_claims(st, claims, ids=only)
    if as_json:
        emit(report.to_list(), True)
    else:
        emit(report, False)
