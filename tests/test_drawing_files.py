"""Picture and graph files: every format, the same bytes each time, and the render command."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from helpers import run_cli

from analysis import drawing
from analysis.drawing import diagram, files
from graph.errors import ChokegraphError

# Tests draw to files only, never to a window (pyplot is imported after this).
matplotlib.use("Agg")

PNG = b"\x89PNG\r\n\x1a\n"


pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_picture_files_are_well_formed(G, dual_use, tmp_path, suffix):
    out = files.draw_file(tmp_path / f"d.{suffix}", G, result=dual_use, focus="gallium")
    data = out.read_bytes()
    if suffix == "png":
        assert data.startswith(PNG)
    elif suffix == "pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


def test_same_data_same_file(G, dual_use, tmp_path):
    first = files.draw_file(tmp_path / "a.svg", G, result=dual_use, focus="gallium")
    second = files.draw_file(tmp_path / "b.svg", G, result=dual_use, focus="gallium")
    assert first.read_bytes() == second.read_bytes()


def test_save_errors(G, tmp_path):
    fig, _ = diagram.plot_graph(G, focus="gallium", depth=1)
    with pytest.raises(
        ChokegraphError, match=r"\.png, \.svg, \.pdf, \.html, \.dot, \.graphml, \.gexf"
    ):
        files.save(fig, tmp_path / "d.bmp")
    with pytest.raises(ChokegraphError, match="does not exist"):
        files.save(fig, tmp_path / "missing" / "d.png")
    with pytest.raises(ChokegraphError, match=r"not \.dot"):
        files.save(fig, tmp_path / "d.dot")
    assert list(tmp_path.iterdir()) == []


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
        f"  - {{id: c{i:03d}, kind: country}}" for i in range(drawing.LEGIBLE_NODES + 1)
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
        (["-o", "out.bmp"], "end it in one of .png, .svg, .pdf, .html, .dot, .graphml, .gexf"),
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


NO_INDUSTRY = """
nodes:
  - {id: a, kind: country}
  - {id: m, kind: mineral}
edges:
  - {from: a, to: m, share: 1}
"""


@pytest.mark.parametrize("suffix", ["png", "html", "graphml"])
@pytest.mark.parametrize(
    "data, args, message",
    [
        ("nodes: []\nedges: []\n", [], "nothing to draw: data.yaml has no nodes"),
        (
            NO_INDUSTRY,
            ["--kind", "industry"],
            "nothing to draw: data.yaml has no node of kind industry (its kinds: country, "
            "mineral); give another kind (--kind) or none",
        ),
        (
            NO_INDUSTRY,
            ["a", "m", "--kind", "industry", "--kind", "refiner"],
            "has no node of kind industry or refiner",
        ),
        (
            NO_INDUSTRY,
            ["--focus", "a", "--depth", "1", "--kind", "industry"],
            "nothing to draw: no node of kind industry lies within 1 step of 'a'",
        ),
    ],
)
def test_cli_render_nothing_to_draw(tmp_path, monkeypatch, write_file, suffix, data, args, message):
    # Issue 18: an empty picture was an internal error (exit 1); it is bad input, and
    # the file already there stays as it was.
    monkeypatch.chdir(tmp_path)
    write_file("data.yaml", data)
    out = write_file(f"out.{suffix}", b"mine")
    code, _, err = run_cli(["render", "--data", "data.yaml", *args, "-o", out.name])
    assert code == 2, err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err and "internal" not in err
    assert out.read_bytes() == b"mine"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--chokepoints", "--top", "0"], "nothing to draw: top=0 keeps no bar"),
        (
            ["--compare", "2023-gallium-germanium", "--compare", "2025-graphite", "--top", "0"],
            "nothing to draw: top=0 keeps no node",
        ),
    ],
)
def test_cli_render_chart_of_no_rows(tmp_path, args, message):
    code, _, err = run_cli(["render", *args, "-o", str(tmp_path / "c.png")])
    assert code == 2 and err.startswith("error: ") and message in err
    assert list(tmp_path.iterdir()) == []


def test_cli_render_ranking_of_an_empty_dataset(tmp_path, write_file):
    data = write_file("empty.yaml", "nodes: []\nedges: []\n")
    code, _, err = run_cli(
        ["render", "--data", str(data), "--chokepoints", "-o", str(tmp_path / "c.png")]
    )
    assert code == 2 and "nothing to draw: the dataset has no node to rank" in err


def test_cli_render_colour_point_is_the_default_picture(tmp_path):
    args = ["render", "china", "gallium", "--to", "japan", "--focus", "gallium", "--depth", "1"]
    code, _, err = run_cli([*args, "-o", str(tmp_path / "default.png")])
    assert code == 0, err
    code, _, err = run_cli([*args, "--colour", "point", "-o", str(tmp_path / "point.png")])
    assert code == 0, err
    assert (tmp_path / "default.png").read_bytes() == (tmp_path / "point.png").read_bytes()


def test_cli_render_colour_p95(tmp_path):
    args = ["render", "--scenario", "2026-dual-use-japan", "--focus", "jp-automotive"]
    out = tmp_path / "p95.png"
    code, _, err = run_cli([*args, "--samples", "10", "--colour", "p95", "-o", str(out)])
    assert code == 0, err
    assert out.read_bytes().startswith(PNG)
    code, _, err = run_cli([*args, "-o", str(tmp_path / "point.png")])
    assert code == 0, err
    assert out.read_bytes() != (tmp_path / "point.png").read_bytes()


def test_cli_render_sensitivity_draws_the_tornado_of_the_result(tmp_path, G):
    import analysis
    from analysis.whatif import run_uncertain

    out = tmp_path / "drivers.png"
    code, _, err = run_cli(
        ["render", "--scenario", "2026-dual-use-japan", "--sensitivity", "-o", str(out)]
    )
    assert code == 0, err
    res = run_uncertain(G, analysis.load_scenario("2026-dual-use-japan"), sensitivity=True)
    fig, _ = res.plot("sensitivity")
    same = files.save(fig, tmp_path / "same.png")
    assert out.read_bytes() == same.read_bytes()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--scenario", "2026-dual-use-japan", "--colour", "p95"], "give --samples N"),
        (["--colour", "p50"], "--colour p50 needs a scenario"),
        (["--samples", "5"], "--samples needs a scenario"),
        (["--sensitivity"], "--sensitivity needs a scenario"),
        (["china", "gallium", "--timeline", "--sensitivity"], "give one of --timeline and"),
        (["china", "gallium", "--samples", "5", "--colour", "p95", "--timeline"], "--colour"),
        (["china", "gallium", "--sensitivity", "--kind", "industry"], "takes no --kind"),
        (["--chokepoints", "--samples", "5"], "takes no --samples, --sensitivity or --scheduler"),
        (["china", "gallium", "--samples", "5", "--colour", "p95", "-o", "a.gexf"], ".gexf"),
        (["china", "gallium", "--sensitivity", "-o", "a.html"], "a tornado plot is a picture"),
        (["china", "gallium", "--colour", "p99"], "p99"),
        (["china", "gallium", "--samples", "0"], "--samples"),
    ],
)
def test_cli_render_sampling_bad_input(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    output = [] if "-o" in args else ["-o", "out.png"]
    code, _, err = run_cli(["render", *args, *output])
    assert code == 2, err
    assert message in err and err.startswith("error: ") and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_colour_choices_are_the_styles():
    from analysis.cli.scenarios import _COLOURINGS
    from analysis.drawing.style import COLOURINGS

    assert tuple(COLOURINGS) == _COLOURINGS
