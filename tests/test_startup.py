"""The command line starts fast: a what-if imports only what it needs.

Checked by what is imported, not by timing: importing the command line loads
no numerical library, and a what-if on the bundled data (read from its
cache) loads neither pandas, matplotlib and scipy, nor the YAML and schema
machinery.
"""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "networkx", "pydantic", "yaml")


def _imported_after(code: str, tmp_path) -> set[str]:
    """Which of HEAVY a fresh Python has imported after running ``code``."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CHOKEGRAPH_NO_CACHE", None)
    script = (
        f"{code}\nimport sys\n"
        f"print('imported:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
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


def test_a_what_if_needs_only_numpy_and_networkx(tmp_path):
    _imported_after(WHAT_IF, tmp_path)  # the first run parses the data and fills the cache
    assert _imported_after(WHAT_IF, tmp_path) == {"numpy", "networkx"}
