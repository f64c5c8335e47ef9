"""The dependency diagram: what it shows, where boxes sit, drawing into a given Axes."""

from __future__ import annotations

import itertools

import matplotlib
import pytest
from matplotlib.patches import PathPatch

import analysis
from analysis.drawing import diagram, ordering
from analysis.drawing import style as S
from analysis.drawing.selection import select_subgraph
from graph.errors import ChokegraphError

# Tests draw to files only, never to a window (pyplot is imported after this).
matplotlib.use("Agg")


pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py


def node_boxes(fig, ax):
    """The drawn node boxes (display coordinates), by label text."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {}
    for text in ax.texts:
        patch = text.get_bbox_patch()
        if patch is not None:
            boxes[text.get_text()] = patch.get_window_extent(renderer)
    return boxes


def cut_patches(ax):
    return [
        p
        for p in ax.patches
        if isinstance(p, PathPatch) and matplotlib.colors.to_hex(p.get_edgecolor()) == S.CUT_COLOUR
    ]


@pytest.mark.parametrize(
    "focus, depth", [("jp-ndfeb-magnets", 2), ("gallium", 3), ("jp-automotive", 2), (None, 2)]
)
def test_boxes_never_overlap_and_stay_on_the_canvas(G, dual_use, focus, depth):
    fig, ax = diagram.plot_scenario(dual_use, focus=focus, depth=depth)
    boxes = node_boxes(fig, ax)
    assert len(boxes) == len(select_subgraph(G, focus=focus, depth=depth, result=dual_use))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)
    width, height = fig.bbox.width, fig.bbox.height
    for label, box in boxes.items():
        assert box.x0 >= 0 and box.y0 >= 0, label
        assert box.x1 <= width and box.y1 <= height, label


def test_scenario_diagram_shows_cuts_title_and_colour_bar(G, dual_use):
    fig, ax = diagram.plot_scenario(dual_use, focus="jp-ndfeb-magnets")
    texts = [t.get_text() for t in fig.texts]
    assert dual_use.title() in texts
    part = select_subgraph(G, focus="jp-ndfeb-magnets")
    marks = S.scenario_marks(dual_use)
    cut = [(u, v, k) for u, v, k in part.edges(keys=True) if (u, v, k) in marks.keep]
    assert cut  # rare-earth refiners in China -> magnets in Japan
    assert len(cut_patches(ax)) == len(cut)
    assert all(p.get_linestyle() != "-" for p in cut_patches(ax))
    assert len(fig.axes) == 2  # the diagram and its colour bar
    # Labels show the display name and the country code.
    labels = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert "NdFeB permanent magnets (jpn)" in labels


def test_plain_graph_has_no_colour_bar_and_colours_by_kind(G):
    fig, ax = diagram.plot_graph(G, focus="gallium", depth=1)
    assert len(fig.axes) == 1
    assert not cut_patches(ax)
    fills = {
        t.get_text(): matplotlib.colors.to_hex(t.get_bbox_patch().get_facecolor())
        for t in ax.texts
        if t.get_bbox_patch() is not None
    }
    assert fills["China (chn)"] == S.KIND_COLOURS["country"]


def test_removed_nodes_are_crossed_out(G):
    res = analysis.remove(G, ["chn-gallium-refining"])
    fig, ax = diagram.plot_scenario(res, focus="chn-gallium-refining", depth=1)
    red_lines = [
        line for line in ax.lines if matplotlib.colors.to_hex(line.get_color()) == S.CUT_COLOUR
    ]
    assert len(red_lines) == 2  # one X
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "removed" in legend


def test_kinds_and_focus_limit_the_nodes(G):
    _, ax = diagram.plot_graph(G, kinds=["country", "mineral"])
    drawn = len([t for t in ax.texts if t.get_bbox_patch() is not None])
    assert drawn == sum(k in ("country", "mineral") for _, k in G.nodes(data="kind"))
    with pytest.raises(ChokegraphError, match="unknown kind"):
        diagram.plot_graph(G, kinds=["planet"])


def test_draw_into_a_given_axes(G, dual_use):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    out_fig, out_ax = analysis.draw(G, focus="gallium", depth=1, result=dual_use, ax=ax)
    assert out_ax is ax and out_fig is fig
    assert any(t.get_bbox_patch() is not None for t in ax.texts)


def test_too_many_nodes_is_refused(G, monkeypatch):
    monkeypatch.setattr(diagram, "MAX_DRAWN_NODES", 10)
    with pytest.raises(ChokegraphError, match="too many to draw"):
        diagram.plot_graph(G)


@pytest.mark.skipif(not ordering.dot_available(), reason="Graphviz dot is not installed")
def test_graphviz_ordering(G, dual_use):
    fig, ax = diagram.plot_scenario(dual_use, focus="jp-ndfeb-magnets", method="dot")
    boxes = node_boxes(fig, ax)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)


@pytest.fixture(scope="module")
def sampled():
    from helpers import TWO_SHARES, dataset

    from analysis.scenario import Restriction, Scenario
    from analysis.whatif import run_uncertain

    scenario = Scenario(restrictions=(Restriction("chn", ("gallium",)),))
    return run_uncertain(dataset(TWO_SHARES), scenario, samples=60, seed=5)


def fills(ax):
    """Each drawn box's fill (RGB), by the first word of its label."""
    return {
        t.get_text().split()[0]: matplotlib.colors.to_rgb(t.get_bbox_patch().get_facecolor())
        for t in ax.texts
        if t.get_bbox_patch() is not None
    }


@pytest.mark.parametrize("colour, q", [("p95", 95), ("p50", 50)])
def test_nodes_coloured_by_a_percentile_of_their_sampled_shortfall(sampled, colour, q):
    import numpy as np

    from analysis.drawing.figures import shortfall_cmap

    _, ax = diagram.plot_graph(sampled.G, result=sampled, colour=colour)
    drawn = fills(ax)
    for node, word in (("fab", "Fabs"), ("lab", "Labs")):
        at = float(np.percentile(sampled.samples(node), q))  # worked out apart from the plot
        expected = shortfall_cmap()(at)[:3]  # the colour bar's colour at that shortfall
        assert drawn[word] == pytest.approx(expected, abs=0.01), (node, at)
        point = shortfall_cmap()(next(r for r in sampled.records if r["node"] == node)["shortfall"])
        assert drawn[word] != pytest.approx(point[:3], abs=0.01)  # the point colour differs
    subtitle = ax.figure.texts[1].get_text().replace("\n", " ")
    assert f"colour: steady-state shortfall, {colour} of 60 samples" in subtitle


def test_point_colour_is_the_default_and_needs_no_samples(sampled, dual_use):
    _, by_default = diagram.plot_graph(sampled.G, result=sampled)
    _, by_point = diagram.plot_graph(sampled.G, result=sampled, colour="point")
    assert fills(by_default) == fills(by_point)
    assert fills(by_point)["Fabs"] == pytest.approx(S._hex_to_rgb(S.shortfall_colour(0.4)))
    with pytest.raises(ChokegraphError, match=r"colour 'p95' is the p95 of the sampled.*--samples"):
        diagram.plot_graph(dual_use.G, result=dual_use, colour="p95")
    with pytest.raises(ChokegraphError, match="colour must be one of point, p50, p95"):
        diagram.plot_graph(dual_use.G, result=dual_use, colour="p99")


def test_the_page_is_coloured_the_same_way(sampled):
    import numpy as np

    from analysis.drawing import interactive

    page = interactive(sampled.G, result=sampled, colour="p95").html
    fill = S.shortfall_colour(float(np.percentile(sampled.samples("fab"), 95)))
    node = page.split('data-id="fab">', 1)[1].split("</g>", 1)[0]
    assert f'fill="{fill}"' in node
    assert "100% steady-state shortfall, p95 of 60 samples" in page
    # Hovering a node gives its band, in whole percent (style.percent).
    low, high = (np.percentile(sampled.samples("fab"), q) for q in (5, 95))
    shown = f"{100 * low:.0f}%-{100 * high:.0f}%"
    assert f'["p5-p95 over the samples", "{shown}"]' in page
