"""Help text of the CLI as flowing paragraphs: docstrings are wrapped at ~95 columns in the
source, and typer's rich help keeps those hard line breaks, so a summary broke mid-sentence
("...from measured" / "signals only ..."). :func:`reflow_app` rejoins every command's and
group's help once, where the app is registered (``cli.py``); the terminal then wraps it.

Light on purpose (``re``, ``inspect`` and typer only): ``--help`` must not load pandas & co.
"""

from __future__ import annotations

import inspect
import re

import typer
from typer.main import solve_typer_info_help

#: a list item: ``- x``, ``* x``, ``+ x``, ``1. x``, ``2) x``
_ITEM = re.compile(r"(?:[-*+\u2022]|\d{1,2}[.)])\s")
#: a line kept as written: a code example (``>>> x``, ``$ cmd``)
_CODE = re.compile(r"(?:>>>|\.\.\.|\$)(?:\s|$)")
#: a line that starts a new line of its own but may continue on the next source lines: an
#: option (``--export csv: ...``, ``-q ...``) or a label (``JSON: ...``, ``Default: ...``)
_FIELD = re.compile(r"(?:--?[A-Za-z][\w-]*|[A-Z][\w/-]*(?: [\w/-]+){0,2}:)(?:\s|$)")


def starts_own_line(line: str) -> bool:
    """Whether ``line`` (as written in a docstring) keeps its own line in the help.

    True for list items, options, labels such as ``JSON:``, code examples and indented lines.

    >>> [starts_own_line(s) for s in ("- item", "--export csv: rows", "JSON: {...}", "signals")]
    [True, True, True, False]
    """
    return bool(line[:1].isspace() or _ITEM.match(line) or _CODE.match(line) or _FIELD.match(line))


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph of ``text`` into one flowing line.

    A blank line still separates paragraphs. Kept as written: a paragraph that starts with
    click's no-rewrap marker ``\\b``, indented lines (code, tables), code examples
    (``>>>``, ``$``) and anything after click's ``\\f``. List items, options (``--x``) and
    labels (``JSON:``) start a line of their own; the lines wrapped under them join them.

    >>> reflow("Is this a bubble now? From measured\\nsignals only.\\n\\nSecond\\nparagraph.")
    'Is this a bubble now? From measured signals only.\\n\\nSecond paragraph.'
    >>> print(reflow("Rows:\\n- one,\\n  wrapped\\n- two\\n--export csv: one row\\nper claim."))
    Rows:
    - one, wrapped
    - two
    --export csv: one row per claim.
    >>> print(reflow("Try\\n    these:\\n\\n        bubblewatch psy NVDA\\n        bubblewatch scan"))
    Try these:
    <BLANKLINE>
        bubblewatch psy NVDA
        bubblewatch scan
    """
    head, cut, tail = inspect.cleandoc(text).partition("\f")
    body = head.rstrip()
    paragraphs = re.split(r"\n[ \t]*\n", body)
    return "\n\n".join(_reflow_paragraph(p) for p in paragraphs) + head[len(body) :] + cut + tail


def _reflow_paragraph(paragraph: str) -> str:
    if paragraph.startswith("\b"):
        return paragraph
    lines: list[str] = []
    kinds: list[str] = []  # "text" (joins what follows), "item" (also takes indented lines), "kept"
    for line in paragraph.split("\n"):
        indented = line[:1].isspace()
        if lines and kinds[-1] == "item" and indented and line.strip():
            lines[-1] += " " + line.strip()
        elif lines and kinds[-1] != "kept" and not starts_own_line(line):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.rstrip())
            if indented or _CODE.match(line):
                kinds.append("kept")
            else:
                kinds.append("item" if _ITEM.match(line) else "text")
    return "\n".join(lines)


def reflow_app(app: typer.Typer) -> None:
    """Reflow the help of ``app``, of every command and of every group in it (recursively).

    Sets the resolved help (explicit ``help=`` or the docstring) on each registration, so the
    same text serves the command's own help screen and its row in its group's command list.
    """
    if isinstance(app.info.help, str):  # not typer's DefaultPlaceholder
        app.info.help = reflow(app.info.help)
    for command in app.registered_commands:
        doc = command.help if command.help is not None else inspect.getdoc(command.callback)
        if doc:
            command.help = reflow(doc)
    for group in app.registered_groups:
        doc = solve_typer_info_help(group)
        if isinstance(doc, str) and doc:
            group.help = reflow(doc)
        if group.typer_instance is not None:
            reflow_app(group.typer_instance)
