"""Pictures: files of every format, what the diagrams show, and the render command."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from helpers import dataset, run_cli
from matplotlib.patches import PathPatch

import analysis
import graph
from analysis import layout as L
from analysis import render
from graph.errors import ChokegraphError

# Tests draw to files only, never to a window (pyplot is imported after this).
matplotlib.use("Agg")

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def G():
    return graph.load()


@pytest.fixture(scope="module")
def dual_use(G):
    return analysis.run_scenario(G, analysis.load_scenario("2026-dual-use-japan"))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


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
        if isinstance(p, PathPatch) and matplotlib.colors.to_hex(p.get_edgecolor()) == L.CUT_COLOUR
    ]


# ---------------------------------------------------------------- the diagram


@pytest.mark.parametrize(
    "focus, depth", [("jp-ndfeb-magnets", 2), ("gallium", 3), ("jp-automotive", 2), (None, 2)]
)
def test_boxes_never_overlap_and_stay_on_the_canvas(G, dual_use, focus, depth):
    fig, ax = render.plot_scenario(dual_use, focus=focus, depth=depth)
    boxes = node_boxes(fig, ax)
    assert len(boxes) == len(render.select_subgraph(G, focus=focus, depth=depth))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)
    width, height = fig.bbox.width, fig.bbox.height
    for label, box in boxes.items():
        assert box.x0 >= 0 and box.y0 >= 0, label
        assert box.x1 <= width and box.y1 <= height, label


def test_scenario_diagram_shows_cuts_title_and_colour_bar(G, dual_use):
    fig, ax = render.plot_scenario(dual_use, focus="jp-ndfeb-magnets")
    texts = [t.get_text() for t in fig.texts]
    assert dual_use.title() in texts
    part = render.select_subgraph(G, focus="jp-ndfeb-magnets")
    marks = L.scenario_marks(dual_use)
    cut = [(u, v, k) for u, v, k in part.edges(keys=True) if (u, v, k) in marks.keep]
    assert cut  # rare-earth refiners in China -> magnets in Japan
    assert len(cut_patches(ax)) == len(cut)
    assert all(p.get_linestyle() != "-" for p in cut_patches(ax))
    assert len(fig.axes) == 2  # the diagram and its colour bar
    # Labels show the display name and the country code.
    labels = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert "NdFeB permanent magnets (jpn)" in labels


def test_plain_graph_has_no_colour_bar_and_colours_by_kind(G):
    fig, ax = render.plot_graph(G, focus="gallium", depth=1)
    assert len(fig.axes) == 1
    assert not cut_patches(ax)
    fills = {
        t.get_text(): matplotlib.colors.to_hex(t.get_bbox_patch().get_facecolor())
        for t in ax.texts
        if t.get_bbox_patch() is not None
    }
    assert fills["China (chn)"] == L.KIND_COLOURS["country"]


def test_removed_nodes_are_crossed_out(G):
    res = analysis.remove(G, ["chn-gallium-refining"])
    fig, ax = render.plot_scenario(res, focus="chn-gallium-refining", depth=1)
    red_lines = [
        line for line in ax.lines if matplotlib.colors.to_hex(line.get_color()) == L.CUT_COLOUR
    ]
    assert len(red_lines) == 2  # one X
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "removed" in legend


def test_kinds_and_focus_limit_the_nodes(G):
    _, ax = render.plot_graph(G, kinds=["country", "mineral"])
    drawn = len([t for t in ax.texts if t.get_bbox_patch() is not None])
    assert drawn == sum(k in ("country", "mineral") for _, k in G.nodes(data="kind"))
    with pytest.raises(ChokegraphError, match="unknown kind"):
        render.plot_graph(G, kinds=["planet"])


def test_draw_into_a_given_axes(G, dual_use):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    out_fig, out_ax = analysis.draw(G, focus="gallium", depth=1, result=dual_use, ax=ax)
    assert out_ax is ax and out_fig is fig
    assert any(t.get_bbox_patch() is not None for t in ax.texts)


def test_too_many_nodes_is_refused(G, monkeypatch):
    monkeypatch.setattr(render, "MAX_DRAWN_NODES", 10)
    with pytest.raises(ChokegraphError, match="too many to draw"):
        render.plot_graph(G)


@pytest.mark.skipif(not L.dot_available(), reason="Graphviz dot is not installed")
def test_graphviz_ordering(G, dual_use):
    fig, ax = render.plot_scenario(dual_use, focus="jp-ndfeb-magnets", method="dot")
    boxes = node_boxes(fig, ax)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)


# ---------------------------------------------------------------- other plots


def test_timeline_draws_the_most_affected_industries(dual_use):
    _, ax = dual_use.plot("timeline")
    industries = [r for r in dual_use.records if r["kind"] == "industry"][:8]
    lines = [line for line in ax.lines if len(line.get_xdata()) > 2]
    assert len(lines) == len(industries) == 8
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    first = industries[0]
    assert legend[0].startswith("Automotive and electric vehicles (jpn)")
    assert f"{100 * first['shortfall']:.1f}%" in legend[0]
    # One marker per industry hit within the horizon, at its day of impact.
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    hit = [r for r in industries if r["days_to_impact"] is not None]
    assert sorted(m.get_xdata()[0] for m in markers) == sorted(r["days_to_impact"] for r in hit)


def test_timeline_falls_back_to_any_kind():
    G = dataset(
        """
        nodes:
          - {id: chn, kind: country}
          - {id: m, kind: mineral}
          - {id: r, kind: refiner, stockpile_days: 10}
        edges:
          - {from: chn, to: m, share: 1}
          - {from: m, to: r, share: 0.3}
        """
    )
    res = analysis.what_if(G, [analysis.Restriction("chn", ["m"])])
    _, ax = render.plot_timeline(res)
    lines = [line for line in ax.lines if len(line.get_xdata()) > 2]
    assert len(lines) == 2  # m and r: no industry is hit
    # r: a gap of 0.3 a day, 10 days of stock: days 0..32 covered, hit on day 33.
    markers = sorted(line.get_xdata()[0] for line in ax.lines if len(line.get_xdata()) == 1)
    assert markers == [0, 33]


def test_exposure_heatmap(G):
    result = analysis.exposure(G, "japan")
    _, ax = result.plot()
    image = ax.images[0]
    matrix = result.matrix.loc[:, (result.matrix > L.AFFECTED).any(axis=0)]
    assert image.get_array().shape == matrix.shape
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == int((matrix > L.AFFECTED).to_numpy().sum())
    assert all(c.endswith("%") for c in cells)
    assert ax.get_xticklabels()[0].get_text() == "China"  # the biggest total first


def test_chokepoint_bars(G):
    result = analysis.chokepoints(G)
    _, ax = render.plot_chokepoints(result, top=5)
    bars = ax.patches
    assert len(bars) == 5
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(result.table["score"].iloc[0])


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_picture_files_are_well_formed(G, dual_use, tmp_path, suffix):
    out = render.render_file(tmp_path / f"d.{suffix}", G, result=dual_use, focus="gallium")
    data = out.read_bytes()
    if suffix == "png":
        assert data.startswith(PNG)
    elif suffix == "pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


def test_same_data_same_file(G, dual_use, tmp_path):
    first = render.render_file(tmp_path / "a.svg", G, result=dual_use, focus="gallium")
    second = render.render_file(tmp_path / "b.svg", G, result=dual_use, focus="gallium")
    assert first.read_bytes() == second.read_bytes()


def test_save_errors(G, tmp_path):
    fig, _ = render.plot_graph(G, focus="gallium", depth=1)
    with pytest.raises(ChokegraphError, match=r"\.png, \.svg, \.pdf, \.dot, \.graphml, \.gexf"):
        render.save(fig, tmp_path / "d.bmp")
    with pytest.raises(ChokegraphError, match="does not exist"):
        render.save(fig, tmp_path / "missing" / "d.png")
    with pytest.raises(ChokegraphError, match=r"not \.dot"):
        render.save(fig, tmp_path / "d.dot")
    assert list(tmp_path.iterdir()) == []


def test_importing_draws_nothing():
    code = (
        "import analysis, analysis.render, analysis.layout, sys; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- command line


def test_cli_render_plain_graph(tmp_path):
    out = tmp_path / "all.png"
    code, _, err = run_cli(["render", "-o", str(out)])
    assert code == 0, err
    assert out.read_bytes().startswith(PNG)
    assert f"wrote {out}" in err


def test_cli_render_scenario_focus(tmp_path):
    out = tmp_path / "magnets.svg"
    args = ["render", "--scenario", "2026-dual-use-japan", "--focus", "jp-ndfeb-magnets"]
    code, _, err = run_cli([*args, "--depth", "1", "-o", str(out)])
    assert code == 0, err
    ET.fromstring(out.read_bytes())
    assert "hint" not in err


def test_cli_render_timeline(tmp_path):
    out = tmp_path / "t.pdf"
    code, _, err = run_cli(
        ["render", "china", "gallium", "--to", "japan", "--timeline", "-o", str(out)]
    )
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF-")


def test_cli_hint_for_big_pictures(tmp_path, write_file):
    nodes = "\n".join(
        f"  - {{id: c{i:03d}, kind: country}}" for i in range(render.LEGIBLE_NODES + 1)
    )
    data = write_file(
        "big.yaml",
        "nodes:\n" + nodes + "\n  - {id: m, kind: mineral}\n"
        "edges:\n  - {from: c000, to: m, share: 1}\n",
    )
    code, _, err = run_cli(["render", "--data", str(data), "-o", str(tmp_path / "big.png")])
    assert code == 0, err
    assert "hint:" in err and "--focus" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "out.bmp"], "end it in one of .png, .svg, .pdf, .dot, .graphml, .gexf"),
        (["-o", "missing/out.png"], "does not exist"),
        (["--timeline", "-o", "out.png"], "--timeline needs a scenario"),
        (["china", "gallium", "--timeline", "-o", "out.gexf"], "a timeline is a picture"),
        (["--focus", "galium", "-o", "out.png"], "did you mean"),
        (["--kind", "planet", "-o", "out.png"], "planet"),
    ],
)
def test_cli_render_bad_input(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["render", *args])
    assert code == 2
    assert message in err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_cli_render_unwritable_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = run_cli(["render", "-o", str(locked / "out.png")])
    finally:
        locked.chmod(0o700)
    assert code == 2
    assert err.startswith("error: cannot write")


def test_what_if_render_writes_the_picture(tmp_path):
    out = tmp_path / "what-if.png"
    code, stdout, err = run_cli(
        ["what-if", "china", "gallium", "--to", "japan", "--render", str(out)]
    )
    assert code == 0, err
    assert "China restricts gallium" in stdout  # the table is still printed
    assert out.read_bytes().startswith(PNG)


def test_what_if_render_checks_the_name_first(tmp_path):
    out = tmp_path / "what-if.jpeg"
    code, stdout, err = run_cli(["what-if", "china", "gallium", "--render", str(out)])
    assert code == 2
    assert stdout == ""  # refused before any work
    assert "end it in one of" in err
