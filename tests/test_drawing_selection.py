"""Which nodes a diagram shows: around a node in focus, of some kinds."""

from __future__ import annotations

import pytest
from helpers import dataset

from analysis.drawing import selection
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
