"""The ``bubblewatch`` command line: a thin typer app that registers one group per module.

Exit codes: 0 success, 2 bad input (:class:`bubblewatch.errors.InputError`) or no space left
on the store's device, 1 internal error, 130 interrupted (Ctrl-C; nothing written).
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from bubblewatch import __version__
from bubblewatch.commands.common import configure_store, console, set_quiet
from bubblewatch.commands.help_text import reflow_app
from bubblewatch.data.store_settings import DEFAULT_WAIT
from bubblewatch.errors import DISK_FULL_MESSAGE, BubblewatchError, is_disk_full

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
    from bubblewatch.commands import status as status_cmd
    from bubblewatch.commands import valuation as valuation_cmd

    app.command("status")(status_cmd.command)
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
    # docstrings are hard-wrapped in the source; rich help would keep those breaks
    reflow_app(app)


_register()


def _click_exceptions(name: str) -> tuple[type[BaseException], ...]:
    """Click's exception class ``name`` and typer's vendored copy, where each exists (typer >=
    0.20 ships its own click, whose classes are not click's; some typer versions keep
    ``Abort`` in ``typer.exceptions`` instead)."""
    import click

    found: list[type[BaseException]] = []
    modules: list[Any] = [click.exceptions]
    for name_ in ("typer._click.exceptions", "typer.exceptions"):
        try:
            modules.append(importlib.import_module(name_))
        except ImportError:  # older typer uses click itself
            continue
    for module in modules:
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls not in found:
            found.append(cls)
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


#: exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it
INTERRUPTED = 130


def _interrupted() -> int:
    console.print(
        "[bold red]interrupted:[/] nothing written (every write is one transaction, "
        "rolled back when stopped)",
        highlight=False,
        soft_wrap=True,
    )
    return INTERRUPTED


def _run(argv: list[str] | None) -> int:
    """Run the app; return the exit code. Every way out is mapped here, once."""
    args = hoist_wait(list(sys.argv[1:] if argv is None else argv))
    try:
        rv = app(args=args, prog_name="bubblewatch", standalone_mode=False)
    except BubblewatchError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except typer.Exit as exc:  # --version, --help
        return int(exc.exit_code or 0)
    except Exception as exc:  # click usage errors, Ctrl-C seen by click, internal errors
        if isinstance(exc, _click_exceptions("ClickException")):
            exc.show()  # type: ignore[attr-defined]  # click or typer-vendored ClickException
            return 2
        if isinstance(exc, _click_exceptions("Abort")):
            # click turns Ctrl-C (and EOF at a prompt) into Abort
            return _interrupted() if isinstance(exc.__context__, KeyboardInterrupt) else 1
        if _is_interrupt(exc):
            return _interrupted()
        if is_disk_full(exc):
            console.print(
                f"[bold red]error:[/] {escape(DISK_FULL_MESSAGE)}", highlight=False, soft_wrap=True
            )
            return 2
        console.print_exception(max_frames=8)
        console.print(
            f"[bold red]internal error:[/] {escape(f'{type(exc).__name__}: {exc}')}",
            highlight=False,
            soft_wrap=True,
        )
        return 1
    # typer (non-standalone) returns the code of an Exit raised inside a command; it turns
    # Ctrl-C into Exit(130)
    if isinstance(rv, int) and not isinstance(rv, bool):
        return _interrupted() if rv == INTERRUPTED else rv
    return 0


def _is_interrupt(exc: BaseException) -> bool:
    """DuckDB reports a query stopped by Ctrl-C as its own InterruptException."""
    import duckdb

    return isinstance(exc, getattr(duckdb, "InterruptException", ()))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, map typed errors to exit codes and clear messages.

    0 success; 1 internal error (one traceback and a one-line message); 2 bad input, usage
    error or no space left on the store's device (nothing written); 130 interrupted.
    """
    try:
        code = _run(argv)
    except KeyboardInterrupt:  # a second Ctrl-C while the first was being reported
        code = INTERRUPTED
    if argv is None:
        sys.exit(code)
    return code
