"""Shared pytest fixtures."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Keep the bundled-data cache of the test run (and of every subprocess it
# starts) out of the user's own cache folder.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="chokegraph-test-cache-")


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch):
    """Tables as a pipe gets them (``TABLE_WIDTH``), whatever the terminal that runs the tests."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Return ``write(name, content)``: write a file under ``tmp_path``, return its path.

    Text is dedented (so tests can indent YAML inline); bytes are written as given.
    """

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return write


# The sample dataset of the round-trip tests (convert, export, tables): one
# small dataset that uses every field, as YAML and as the same CSV tables.


@pytest.fixture(scope="session")
def example_yaml() -> Path:
    """The sample dataset as one YAML file: every field, a group, a range, inputs."""
    return FIXTURES / "example.yaml"


@pytest.fixture(scope="session")
def example_tables() -> Path:
    """The same dataset as a folder of CSV tables (nodes, edges, sources, groups)."""
    return FIXTURES / "example-tables"


@pytest.fixture(scope="session")
def example_graph(example_yaml: Path):
    """The sample dataset loaded once; tests read it and never change it."""
    import graph

    return graph.load(example_yaml)


# The drawing tests' fixtures (tests/test_drawing_*.py): the bundled graph, the 2026
# scenario run on it, and closing every figure after a test (each drawing test file
# asks for that on all its tests with ``pytestmark``).


@pytest.fixture(scope="module")
def G():
    """The bundled dataset, loaded once per test module (a module may override it)."""
    import graph

    return graph.load()


@pytest.fixture(scope="module")
def dual_use(G):
    """China's 2026 dual-use controls on Japan, run on ``G``."""
    import analysis

    return analysis.run_scenario(G, analysis.load_scenario("2026-dual-use-japan"))


@pytest.fixture
def close_figures():
    """Close every matplotlib figure after the test, so that a run does not pile them up."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
