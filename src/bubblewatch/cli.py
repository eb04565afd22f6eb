"""The ``bubblewatch`` command line: a thin typer app that registers one group per module.

Exit codes: 0 success, 2 bad input (:class:`bubblewatch.errors.InputError`), 1 internal error.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from bubblewatch import __version__
from bubblewatch.commands.common import configure_store, console, set_quiet
from bubblewatch.data.store_file import DEFAULT_WAIT
from bubblewatch.errors import BubblewatchError

app = typer.Typer(
    name="bubblewatch",
    help="An observatory for asset bubbles and the capital loops that feed them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bubblewatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or notes.")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            help="Seconds to wait for a store that another process is writing before giving "
            "up with exit code 2 (may also follow the command).",
            min=0,
        ),
    ] = DEFAULT_WAIT,
) -> None:
    set_quiet(quiet)
    configure_store(wait)


def _register() -> None:
    """Register every command group, in the order ``bubblewatch --help`` lists them."""
    from bubblewatch.commands import claims as claims_cmd
    from bubblewatch.commands import data as data_cmd
    from bubblewatch.commands import data_online
    from bubblewatch.commands import lppls as lppls_cmd
    from bubblewatch.commands import macro as macro_cmd
    from bubblewatch.commands import market as market_cmd
    from bubblewatch.commands import network as network_cmd
    from bubblewatch.commands import psy as psy_cmd
    from bubblewatch.commands import report as report_cmd
    from bubblewatch.commands import scan as scan_cmd
    from bubblewatch.commands import valuation as valuation_cmd

    app.add_typer(data_cmd.app, name="data")
    data_cmd.app.command("load-demo")(data_online.load_demo)
    data_cmd.app.command("fetch")(data_online.fetch)
    app.command("psy")(psy_cmd.command)
    app.add_typer(lppls_cmd.app, name="lppls")
    app.command("scan")(scan_cmd.command)
    app.add_typer(market_cmd.app, name="market")
    app.add_typer(network_cmd.app, name="network")
    app.add_typer(valuation_cmd.app, name="valuation")
    app.add_typer(macro_cmd.app, name="macro")
    app.command("claims")(claims_cmd.command)
    app.command("report")(report_cmd.command)
    app.command("serve")(report_cmd.serve)


_register()


def _click_exceptions(name: str) -> tuple[type[Exception], ...]:
    """Click's exception class ``name`` and typer's vendored copy (typer >= 0.20 ships its
    own click, whose usage errors are not click's classes)."""
    import click

    found: list[type[Exception]] = [getattr(click.exceptions, name)]
    try:
        from typer._click import exceptions as vendored
    except ImportError:  # older typer uses click itself
        return tuple(found)
    found.append(getattr(vendored, name))
    return tuple(found)


def hoist_wait(args: list[str]) -> list[str]:
    """Move ``--wait N`` (or ``--wait=N``) given after the command to the front, where the
    root option reads it, so ``bubblewatch data import x --wait 60`` works.

    >>> hoist_wait(["data", "import", "x", "--wait", "60"])
    ['--wait', '60', 'data', 'import', 'x']
    >>> hoist_wait(["report", "--wait=5"])
    ['--wait=5', 'report']
    """
    if "--" in args:
        head, tail = args[: args.index("--")], args[args.index("--") :]
    else:
        head, tail = list(args), []
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(head):
        a = head[i]
        if a == "--wait" and i + 1 < len(head):
            front += head[i : i + 2]
            i += 2
            continue
        if a.startswith("--wait="):
            front.append(a)
        else:
            rest.append(a)
        i += 1
    return front + rest + tail


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, map typed errors to exit codes and clear messages."""
    args = hoist_wait(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=args, prog_name="bubblewatch", standalone_mode=False)
    except BubblewatchError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        code = exc.exit_code
        if argv is None:
            sys.exit(code)
        return code
    except typer.Exit as exc:  # --version, --help
        code = int(exc.exit_code or 0)
        if argv is None:
            sys.exit(code)
        return code
    except Exception as exc:  # click usage errors and internal errors
        if isinstance(exc, _click_exceptions("ClickException")):
            exc.show()  # type: ignore[attr-defined]  # click or typer-vendored ClickException
            code = 2
        elif isinstance(exc, _click_exceptions("Abort")):
            code = 1
        else:
            console.print_exception()
            console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}")
            code = 1
        if argv is None:
            sys.exit(code)
        return code
    if argv is None:
        sys.exit(0)
    return 0
