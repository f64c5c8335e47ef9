"""How the modules depend on each other: no cycles, and matplotlib only where drawing happens.

The import graph is read from the source with ``ast`` (every import,
including those inside functions, except the ones under ``if TYPE_CHECKING:``,
which never run), so a cycle is found even when lazy imports would hide it at
run time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "analysis")
# The engine and the analyses compute; they may draw only through the drawing
# package, on demand, so importing them must not load matplotlib.
COMPUTING = (
    "analysis.compiled",
    "analysis.propagation",
    "analysis.timeline",
    "analysis.engine",
    "analysis.uncertainty",
    "analysis.scenario",
    "analysis.chokepoints",
    "analysis.exposure",
    "analysis.concentration",
    "analysis.whatif",
)


def module_names() -> dict[str, Path]:
    """Every module of the two packages, by dotted name."""
    names = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of ``known`` that the module ``name`` (at ``path``) imports when it runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # "from analysis import drawing" imports a module; "from graph import load" a name.
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != name}


def import_graph() -> nx.DiGraph:
    names = module_names()
    known = set(names)
    G = nx.DiGraph()
    G.add_nodes_from(known)
    for name, path in names.items():
        G.add_edges_from((name, other) for other in imported_modules(path, name, known))
    return G


def test_the_import_graph_is_read():
    G = import_graph()
    # A sanity check of the reader itself: edges it must see.
    assert G.has_edge("analysis.drawing.diagram", "analysis.drawing.layout")
    assert G.has_edge("analysis.whatif", "analysis.drawing")  # lazily, inside WhatIf.plot
    assert not G.has_edge("analysis.drawing.charts", "analysis.whatif")  # TYPE_CHECKING only


def test_no_import_cycle():
    G = import_graph()
    # A package's __init__ that imports its own modules, which import names back
    # from the package, is how Python packages work, not a cycle between concerns.
    for name in list(G):
        for other in list(G.successors(name)):
            if other.startswith(name + "."):
                G.remove_edge(name, other)
    cycles = sorted(sorted(c) for c in nx.simple_cycles(G))
    assert cycles == [], cycles


def test_importing_draws_nothing():
    code = (
        "import analysis, analysis.drawing, analysis.drawing.layout, analysis.drawing.files, "
        "analysis.drawing.graphfiles, sys; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_engine_and_the_analyses_never_import_matplotlib():
    code = (
        "import importlib, sys\n"
        f"for name in {COMPUTING!r}:\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'matplotlib' or m.startswith('matplotlib.') for m in sys.modules):\n"
        "        print(name)\n"
        "        break\n"
        "else:\n"
        "    print('none')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "none", f"importing {out.stdout.strip()} imports matplotlib"
