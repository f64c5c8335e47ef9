"""DiagramOptions: one value for what a diagram shows, accepted as keywords too."""

from __future__ import annotations

import matplotlib
import pytest

from analysis.drawing import DiagramOptions, diagram, files, select_subgraph

matplotlib.use("Agg")


def test_kinds_become_a_tuple_and_empty_means_every_kind():
    assert DiagramOptions(kinds=["mineral", "country"]).kinds == ("mineral", "country")
    assert DiagramOptions(kinds=()).kinds is None
    assert DiagramOptions(kinds=[]) == DiagramOptions()


def test_of_applies_changes_and_names_unknown_options():
    base = DiagramOptions(focus="gallium")
    assert DiagramOptions.of(base) is base
    assert DiagramOptions.of(base, depth=1) == DiagramOptions(focus="gallium", depth=1)
    assert DiagramOptions.of(None) == DiagramOptions()
    with pytest.raises(TypeError, match=r"unknown diagram option 'focs'.*focus"):
        DiagramOptions.of(None, focs="gallium")


def test_options_and_keywords_select_the_same_part(G):
    opts = DiagramOptions(focus="gallium", depth=1, kinds=["mineral", "refiner"])
    by_options = select_subgraph(G, opts)
    by_keywords = select_subgraph(G, focus="gallium", depth=1, kinds=["mineral", "refiner"])
    assert sorted(by_options.edges(keys=True)) == sorted(by_keywords.edges(keys=True))
    assert sorted(by_options) == sorted(by_keywords)


def test_options_and_keywords_draw_the_same_file(G, tmp_path):
    opts = DiagramOptions(focus="gallium", depth=1)
    fig, _ = diagram.plot_graph(G, opts)
    a = files.save_or_show(fig, tmp_path / "a.svg")
    b = files.draw_file(tmp_path / "b.svg", G, focus="gallium", depth=1)
    assert a.read_bytes() == b.read_bytes()
