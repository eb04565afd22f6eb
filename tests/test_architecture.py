"""The house rules that keep the package easy to live in (issue 11 items 5 and 6).

* no import cycle between bubblewatch's modules;
* imports point down the layers of BRIEF.md / docs/architecture.md;
* modules stay small (~500 lines; kernels excepted);
* docs/architecture.md's index is up to date (it is generated: ``python scripts/make_architecture.py``).

Imports are read from the source (``ast``): module-level and function-level imports count,
imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bubblewatch"

#: the layers, bottom (0) to top (a module may import its own layer and those below): one
#: table, in the script that writes docs/architecture.md from it
_spec = importlib.util.spec_from_file_location(
    "make_architecture", ROOT / "scripts" / "make_architecture.py"
)
assert _spec and _spec.loader
_make_architecture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_make_architecture)
LAYERS: dict[str, int] = _make_architecture.LAYERS

#: modules allowed over MAX_LINES, and why
LARGE = {
    "bubblewatch.detect._lppls_kernels": "numba kernels (one compiled unit)",
    "bubblewatch.detect._psy_kernels": "numba kernels (one compiled unit)",
}
MAX_LINES = 600


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer_of(module: str) -> int:
    layer = _make_architecture.layer_of(module)
    assert layer is not None, f"{module} is in no layer: add its package to LAYERS"
    return layer


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _resolve(name: str) -> str | None:
    """The bubblewatch module an import names (a name inside a module -> the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("bubblewatch"):
                    out.add(_resolve(a.name) or a.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("bubblewatch"):
                for a in node.names:
                    target = _resolve(f"{base}.{a.name}")
                    if target and target != base and target.startswith(base + "."):
                        out.add(target)  # a submodule
                    else:
                        out.add(_resolve(base) or base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    out.discard(module)
    return out


def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for m in MODULES:
        g.add_node(m)
        for t in imports_of(m):
            g.add_edge(m, t)
    return g


def test_no_import_cycle():
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph()) if len(c) > 1]
    assert not cycles, f"import cycles inside bubblewatch: {cycles}"


def test_imports_point_down_the_layers():
    up = [
        f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)})"
        for a, b in graph().edges
        if layer_of(b) > layer_of(a)
    ]
    assert not up, "imports pointing up the layers:\n" + "\n".join(sorted(up))


def test_the_checker_sees_cycles_and_upward_imports(tmp_path):
    g = nx.DiGraph([("a", "b"), ("b", "a")])
    assert [c for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert layer_of("bubblewatch.detect.psy") < layer_of("bubblewatch.report.build")
    assert "bubblewatch.detect.psy_setup" in imports_of("bubblewatch.detect.psy")
    # an import under TYPE_CHECKING is not an edge
    assert "bubblewatch.detect.psy" not in imports_of("bubblewatch.detect.psy_critical")


def test_modules_stay_small():
    big = {
        m: n
        for m, p in MODULES.items()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES and m not in LARGE
    }
    assert not big, f"modules over {MAX_LINES} lines (split them along their seams): {big}"


@pytest.mark.skipif(sys.platform == "win32", reason="the generator is run with the suite's python")
def test_architecture_index_is_up_to_date():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_architecture.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
