"""How the pictures look, computed without drawing: labels, colours, a scenario's marks."""

from __future__ import annotations

import pytest
from helpers import CROSSED, dataset

import analysis
import graph
from analysis.drawing import selection
from analysis.drawing import style as S

# a and b feed m; m -> r -> i; and a sells straight to i, an edge that skips
# the mineral and refiner columns.


def test_labels_name_and_country_code():
    G = dataset(
        """
        nodes:
          - {id: chn, kind: country, name: China}
          - {id: jpn, kind: country, name: Japan}
          - {id: chn-ga, kind: refiner, country: chn, name: Chinese gallium refining}
          - {id: jp-semis, kind: industry, country: jpn, name: Semiconductors (Japan)}
          - id: jp-long
            kind: industry
            country: jpn
            name: A very long name that goes on and on about what this industry
              makes all day and all night, with a few more words for good measure
        edges:
          - {from: chn-ga, to: jp-semis, share: 1}
          - {from: chn-ga, to: jp-long, share: 1}
        """
    )
    assert S.node_label(G, "chn-ga").replace("\n", " ") == "Chinese gallium refining (chn)"
    assert S.node_label(G, "chn") == "China (chn)"
    # The country is not said twice, even in a part of the graph without Japan.
    assert S.node_label(G, "jp-semis") == "Semiconductors (jpn)"
    part = selection.subgraph_around(G, "jp-semis", 1)
    assert "jpn" not in part
    assert S.node_label(part, "jp-semis") == "Semiconductors (jpn)"
    long = S.node_label(G, "jp-long").split("\n")
    assert len(long) == S.LABEL_LINES
    assert long[-1] == "(jpn)" and long[-2].endswith("…")
    assert all(len(line) <= S.LABEL_WIDTH for line in long)


def test_colours():
    assert S.shortfall_colour(0.0) == S.UNAFFECTED
    assert S.shortfall_colour(None) == S.UNAFFECTED
    assert S.shortfall_colour(1.0) == "#440154"  # the dark end of viridis
    assert S.shortfall_colour(1e-6) == "#fde725"  # the light end

    def luminance(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    shades = [luminance(S.shortfall_colour(s / 20)) for s in range(1, 21)]
    assert shades == sorted(shades, reverse=True)  # more shortfall, darker
    assert S.text_colour("#440154") == "white"
    assert S.text_colour(S.UNAFFECTED) == "black"
    G = dataset(CROSSED)
    assert S.node_colours(G)["a"] == S.KIND_COLOURS["country"]
    assert S.node_colours(G, shortfall={"x": 1.0})["x"] == "#440154"
    assert S.node_colours(G, shortfall={"x": 1.0})["y"] == S.UNAFFECTED


def test_scenario_marks_of_the_design_example():
    G = graph.load("tests/fixtures/example.yaml")
    res = analysis.what_if(G, [analysis.Restriction("chn", ["gallium"], to=["jpn"])])
    marks = S.scenario_marks(res)
    # Only chn-gallium -> jp-compound-semis is cut (chn -> gallium goes to no
    # country); it keeps nothing. 0.8 * 0.42 * 0.95 = 0.3192.
    assert marks.keep == {("chn-gallium", "jp-compound-semis", "gallium"): 0.0}
    assert marks.shortfall == {"jp-compound-semis": pytest.approx(0.3192)}
    assert marks.days_to_impact == {"jp-compound-semis": 105}
    assert marks.removed == frozenset()


def test_edge_styles():
    plain = S.edge_style("supplies", 0.5, None)
    assert (plain.colour, plain.width, plain.dashes) == (S.EDGE_COLOUR, 2.0, "-")
    assert S.edge_style("supplies", None, None).width == S.edge_width(1.0)
    cut = S.edge_style("supplies", 0.1, 0.0)
    assert cut.colour == S.CUT_COLOUR and cut.width == 1.3  # never thinner than 1.3
    assert cut.rank > plain.rank  # drawn last, on top
    control = S.edge_style("controls", 0.5, 0.0)
    assert control.colour == S.CONTROL_COLOUR and control.rank < plain.rank


def test_legend_entries():
    G = dataset(CROSSED)
    assert [e.label for e in S.legend_entries(G, None)] == [
        "supply (width: share of the input)",
        "countries",
        "minerals",
    ]
    res = analysis.remove(G, ["a"])
    labels = [e.label for e in S.legend_entries(G, S.scenario_marks(res))]
    assert labels == [
        "supply (width: share of the input)",
        "cut by the restriction",
        "removed",
        "unaffected",
    ]
