"""``import chokegraph``: the distribution's name gives the public API, lazily."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import analysis
import chokegraph
import graph

HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "networkx", "pydantic", "yaml")


def test_importing_chokegraph_loads_no_heavy_library():
    script = f"import chokegraph, sys; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name, same_as",
    [
        ("load", graph.load),
        ("from_dict", graph.from_dict),
        ("what_if", analysis.what_if),
        ("remove", analysis.remove),
        ("chokepoints", analysis.chokepoints),
        ("exposure", analysis.exposure),
        ("concentration", analysis.concentration),
        ("neighbours", analysis.neighbours),
        ("Restriction", analysis.Restriction),
        ("load_scenario", analysis.load_scenario),
        ("draw", analysis.draw),
    ],
)
def test_the_names_are_those_of_graph_and_analysis(name, same_as):
    assert getattr(chokegraph, name) is same_as


def test_every_exported_name_exists_and_is_listed():
    assert sorted(chokegraph.__all__) == sorted(chokegraph.EXPORTS)
    for name in chokegraph.__all__:
        assert getattr(chokegraph, name) is not None
        assert name in dir(chokegraph)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        chokegraph.nonsense  # noqa: B018


def test_a_first_session():
    G = chokegraph.load()
    res = chokegraph.what_if(G, [chokegraph.Restriction("china", ["gallium"], to=["japan"])])
    # China's gallium refining carries 0.42 of Japan's compound-semiconductor gallium
    # (seeds/gallium-germanium.yaml), which depends on it fully; Umicore, untouched
    # by a restriction aimed at Japan, makes up its spare of 0.10: 1.0 * (0.42 - 0.10).
    assert res.records[0]["node"] == "jp-compound-semis"
    assert round(res.records[0]["shortfall"], 3) == 0.32
