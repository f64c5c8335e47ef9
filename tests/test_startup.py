"""The command line starts fast: a what-if imports only what it needs.

Checked by what is imported, not by timing: importing the command line loads
no numerical library, ``--help`` loads only the command line's own modules,
and a what-if on the bundled data (read from its cache) loads numpy and
nothing else heavy: not networkx (the cached graph is a ``graph.lazy.LazyGraph``),
pandas, matplotlib, scipy, nor the YAML and schema machinery.
"""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "networkx", "pydantic", "yaml")


def _imported_after(code: str, tmp_path, watched=HEAVY) -> set[str]:
    """Which of ``watched`` a fresh Python has imported after running ``code``."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CHOKEGRAPH_NO_CACHE", None)
    script = (
        f"{code}\nimport sys\n"
        f"print('imported:' + ','.join(m for m in {tuple(watched)!r} if m in sys.modules), "
        "file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("imported:"), done.stderr
    return set(filter(None, last.removeprefix("imported:").split(",")))


WHAT_IF = """
from analysis.cli import main
try:
    main(["what-if", "china", "gallium", "--to", "japan", "--format", "json"])
except SystemExit as exc:
    assert exc.code == 0, exc.code
"""


def test_importing_the_command_line_loads_no_heavy_library(tmp_path):
    assert _imported_after("import analysis.cli", tmp_path) == set()


def test_importing_the_packages_is_lazy(tmp_path):
    assert _imported_after("import graph, analysis", tmp_path) == set()


def test_a_what_if_needs_only_numpy(tmp_path):
    first = _imported_after(WHAT_IF, tmp_path)  # parses the data and fills the cache
    assert "networkx" in first  # the first run builds the graph: the cache was empty
    assert _imported_after(WHAT_IF, tmp_path) == {"numpy"}


#: The modules of chokegraph that ``chokegraph --help`` may import: the command
#: line's own, the output formats (for the --format choices), errors and the lazy
#: package machinery. Nothing that loads, checks or computes.
HELP_MODULES = {
    "analysis",
    "analysis.cli",
    "analysis.cli.datasets",
    "analysis.cli.importing",
    "analysis.cli.options",
    "analysis.cli.scenarios",
    "analysis.output",
    "analysis.textwidth",  # table widths: the standard library only
    "graph",
    "graph.errors",
    "graph.lazy",
}

HELP = """
from analysis.cli import main
try:
    main(["--help"])
except SystemExit as exc:
    assert exc.code == 0, exc.code
"""

ALL_MODULES = "import sys\nprint(sorted(sys.modules), file=sys.stderr)\n"


def _modules_after(code: str, tmp_path) -> set[str]:
    """Every module a fresh Python has imported after running ``code``."""
    import ast

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code + ALL_MODULES],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(ast.literal_eval(done.stderr.strip().splitlines()[-1]))


def test_help_imports_only_the_command_line(tmp_path):
    modules = _modules_after(HELP, tmp_path)
    ours = {m for m in modules if m.split(".")[0] in ("analysis", "graph", "chokegraph")}
    assert ours == HELP_MODULES
    assert not modules & set(HEAVY)
    # Nor the standard library's heavier parts that only the commands use.
    assert not modules & {"hashlib", "importlib.metadata", "sqlite3", "decimal"}


def test_a_what_if_on_tables_needs_no_plotting_nor_scipy(tmp_path):
    """A dataset of tables (an acyclic one) is answered without matplotlib or scipy."""
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "nodes.csv").write_text(
        "id,kind,country\nchn,country,\nga,mineral,chn\nref,refiner,chn\n", encoding="utf-8"
    )
    (folder / "edges.csv").write_text("from,to,share\nga,ref,0.5\n", encoding="utf-8")
    code = WHAT_IF.replace(
        '"china", "gallium", "--to", "japan"', f'"chn", "ga", "--data", {str(folder)!r}'
    )
    imported = _imported_after(code, tmp_path)
    assert "numpy" in imported
    assert not imported & {"matplotlib", "scipy"}
