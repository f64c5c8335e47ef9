"""The wheel carries the bundled dataset, so an installed chokegraph works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {done.stderr.strip()[-300:]}")
    (path,) = out.glob("chokegraph-*.whl")
    return path


def test_wheel_carries_every_seed_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = sorted(p.relative_to(ROOT / "seeds") for p in (ROOT / "seeds").rglob("*.yaml"))
    assert seeds, "the repository has no seed files"
    for rel in seeds:
        assert f"graph/seeds/{rel.as_posix()}" in names
    # The code, every package of it (a package left out of pyproject's list is missing here).
    for package in (
        "graph",
        "graph/importers",
        "graph/rules",
        "analysis",
        "analysis/cli",
        "analysis/drawing",
    ):
        assert f"{package}/__init__.py" in names


def test_installed_package_loads_the_bundled_data_from_anywhere(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import graph, analysis; G = graph.load(); print(graph.bundled_path()); "
        "print(len(G)); print(sorted(analysis.scenario.bundled_scenarios()))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    path, count, scenarios = done.stdout.splitlines()
    assert Path(path) == site / "graph" / "seeds"
    assert int(count) > 50
    assert "2026-dual-use-japan" in scenarios


def test_wheel_carries_the_chokegraph_module_and_the_drawing_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "chokegraph/__init__.py" in names
    assert "analysis/drawing/__init__.py" in names


def test_installed_chokegraph_module_runs_a_what_if(wheel, tmp_path):
    # `import chokegraph` is the first line a user tries: it re-exports the API.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import chokegraph; G = chokegraph.load(); "
        "r = chokegraph.what_if(G, [chokegraph.Restriction('china', ['gallium'])]); "
        "print(r.summary['nodes_hit'] > 0, callable(chokegraph.draw))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
