"""Which nodes a diagram shows: around a node in focus, of some kinds."""

from __future__ import annotations

import pytest
from helpers import dataset

import analysis
import graph
from analysis.drawing import selection
from analysis.drawing.selection import explaining_nodes, select_subgraph
from graph.errors import ChokegraphError, UnknownNameError


def test_subgraph_around_goes_up_and_down_not_sideways():
    G = dataset(
        """
        nodes:
          - {id: chn, kind: country, name: China}
          - {id: m, kind: mineral}
          - {id: r, kind: refiner}
          - {id: x, kind: industry, name: Widget making}
          - {id: y, kind: industry}
        edges:
          - {from: chn, to: m, share: 1}
          - {from: m, to: r, share: 1}
          - {from: r, to: x, share: 1}
          - {from: r, to: y, share: 1}
        """
    )
    assert set(selection.subgraph_around(G, "x", 0)) == {"x"}
    assert set(selection.subgraph_around(G, "x", 1)) == {"r", "x"}
    # y is two steps from x, but only by going up then down: not in x's chain.
    assert set(selection.subgraph_around(G, "x", 2)) == {"m", "r", "x"}
    assert set(selection.subgraph_around(G, "widget making", 9)) == {"chn", "m", "r", "x"}
    assert set(selection.subgraph_around(G, "m", 1)) == {"chn", "m", "r"}
    with pytest.raises(UnknownNameError):
        selection.subgraph_around(G, "nowhere", 1)
    with pytest.raises(ChokegraphError):
        selection.subgraph_around(G, "x", -1)


def chain_graph():
    """chn -> m -> r -> c -> x, and jpn -> m2 -> c (uncut): c takes half from each."""
    return graph.from_dict(
        {
            "nodes": [
                {"id": "chn", "kind": "country"},
                {"id": "jpn", "kind": "country"},
                {"id": "m", "kind": "mineral"},
                {"id": "m2", "kind": "mineral"},
                {"id": "r", "kind": "refiner"},
                {"id": "c", "kind": "component"},
                {"id": "x", "kind": "industry"},
            ],
            "edges": [
                {"from": "chn", "to": "m", "share": 1},
                {"from": "jpn", "to": "m2", "share": 1},
                {"from": "m", "to": "r", "share": 1},
                {"from": "r", "to": "c", "share": 0.5},
                {"from": "m2", "to": "c", "share": 0.5},
                {"from": "c", "to": "x", "share": 1},
            ],
        }
    )


def test_focus_view_holds_the_path_from_the_cut_edge():
    G = chain_graph()
    res = analysis.what_if(G, [analysis.Restriction("chn", ["m"])])
    # One step around x is c and x; the cut chn -> m is three steps further up.
    assert sorted(select_subgraph(G, focus="x", depth=1)) == ["c", "x"]
    shown = select_subgraph(G, focus="x", depth=1, result=res)
    assert sorted(shown) == ["c", "chn", "m", "r", "x"]  # not jpn, m2: they are not hit
    assert explaining_nodes(G, "x", res) == {"chn", "m", "r", "c", "x"}
    # The edges of the path come along (the part is induced).
    assert ("chn", "m") in shown.edges() and ("m", "r") in shown.edges()


def test_focus_on_an_unaffected_node_adds_nothing():
    G = chain_graph()
    res = analysis.what_if(G, [analysis.Restriction("chn", ["m"])])
    assert explaining_nodes(G, "m2", res) == set()
    assert sorted(select_subgraph(G, focus="m2", depth=1, result=res)) == ["c", "jpn", "m2"]


def test_focus_view_of_a_removed_node_holds_it():
    G = chain_graph()
    res = analysis.remove(G, ["r"])
    assert sorted(select_subgraph(G, focus="x", depth=0, result=res)) == ["c", "r", "x"]
