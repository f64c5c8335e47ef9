"""Picture and graph files: every format, the same bytes each time, and the render command."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from helpers import run_cli

import analysis
import graph
from analysis import drawing
from analysis.drawing import diagram, files
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
