"""The order within each column: from Graphviz dot, or refused without it."""

from __future__ import annotations

import pytest
from helpers import CROSSED, dataset

import graph
from analysis.drawing import layout as L
from analysis.drawing import ordering
from graph.errors import ChokegraphError

# a and b feed m; m -> r -> i; and a sells straight to i, an edge that skips
# the mineral and refiner columns.


@pytest.fixture(scope="module")
def bundled():
    return graph.load()


@pytest.mark.skipif(not ordering.dot_available(), reason="Graphviz dot is not installed")
def test_dot_ordering(bundled):
    lay = L.diagram_layout(bundled, method="dot")
    assert len(set(lay.pos.values())) == len(lay.pos)
    assert lay.pos == L.diagram_layout(bundled, method="dot").pos


def test_dot_ordering_needs_graphviz(monkeypatch):
    monkeypatch.setattr(ordering.shutil, "which", lambda name: None)
    with pytest.raises(ChokegraphError, match="Graphviz"):
        L.diagram_layout(dataset(CROSSED), method="dot")
