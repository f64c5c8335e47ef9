"""Building the graph: filling networkx's dicts directly gives what the public API gives."""

from __future__ import annotations

import importlib
from pathlib import Path

import networkx as nx
import pytest

import graph

# The module, not a function of the graph package.
build_module = importlib.import_module("graph.build")
EXAMPLE = Path(__file__).parent / "fixtures" / "example.yaml"


def _load_both(path, monkeypatch):
    direct = graph.load(path)
    assert build_module._can_fill_directly(direct)
    monkeypatch.setattr(build_module, "_can_fill_directly", lambda G: False)
    public = graph.load(path)
    return direct, public


@pytest.mark.parametrize("path", [EXAMPLE, None], ids=["example", "bundled"])
def test_direct_filling_equals_add_edges_from(path, monkeypatch):
    monkeypatch.setenv("CHOKEGRAPH_NO_CACHE", "1")
    direct, public = _load_both(path, monkeypatch)
    # The two loads may fall in different seconds: only their time may differ.
    assert public.graph.pop("loaded_at") >= direct.graph.pop("loaded_at")
    assert nx.utils.graphs_equal(direct, public)
    # The same order everywhere, and networkx's own invariant: the successor
    # and predecessor maps share one key dict per node pair.
    assert list(direct.edges(keys=True, data=True)) == list(public.edges(keys=True, data=True))
    assert list(direct.in_edges(keys=True)) == list(public.in_edges(keys=True))
    for u, v in direct.edges():
        assert direct.succ[u][v] == direct.pred[v][u]
        assert direct._succ[u][v] is direct._pred[v][u]


def test_an_unfamiliar_graph_class_uses_the_public_api():
    class Counted(nx.MultiDiGraph):
        edge_attr_dict_factory = type("AttrDict", (dict,), {})

    assert not build_module._can_fill_directly(Counted())
    assert build_module._can_fill_directly(nx.MultiDiGraph())
