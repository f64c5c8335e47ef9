"""Graph files for other tools: GraphML and GEXF load back, DOT is well-formed."""

from __future__ import annotations

import json
import re
import subprocess

import networkx as nx
import pytest
from helpers import dataset, run_cli

import analysis
import graph
from analysis.drawing import graphfiles, ordering, selection
from analysis.drawing import style as S
from graph.errors import ChokegraphError

EXAMPLE = "tests/fixtures/example.yaml"
QUOTED = r'"(?:[^"\\]|\\.)*"'
ATTRS = rf"\[(?:\w+={QUOTED}(?:, )?)*\]"
NODE_LINE = re.compile(rf"^  ({QUOTED}) {ATTRS};$")
EDGE_LINE = re.compile(rf"^  ({QUOTED}) -> ({QUOTED}) {ATTRS};$")


def unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


@pytest.fixture(scope="module")
def example():
    G = graph.load(EXAMPLE)
    res = analysis.what_if(G, [analysis.Restriction("chn", ["gallium"], to=["jpn"])])
    return G, res


def check_loaded(back: nx.MultiDiGraph, G: nx.MultiDiGraph) -> None:
    """Nodes, edges and the DESIGN example's numbers survive the round trip."""
    assert set(back) == set(G)
    assert back.number_of_edges() == G.number_of_edges()
    semis = back.nodes["jp-compound-semis"]
    # 0.8 * 0.42 * 0.95 = 0.3192; 42 days of stock at 0.399 a day last to day 104.
    assert semis["shortfall"] == pytest.approx(0.3192)
    assert semis["availability"] == pytest.approx(0.6808)
    assert semis["days_to_impact"] == 105
    assert semis["value_at_risk"] == pytest.approx(0.3192 * 4.0e10)
    assert semis["via"] == "chn-gallium > jp-compound-semis"
    assert semis["removed"] is False
    assert semis["kind"] == "industry" and semis["country"] == "jpn"
    assert semis["value"] == 4.0e10
    assert json.loads(semis["inputs"]) == {
        "gallium": {"dependence": 0.8, "substitutable": 0.05, "stockpile_days": 42.0}
    }
    chn = back.nodes["chn"]
    assert chn["shortfall"] == 0.0 and "days_to_impact" not in chn
    assert "country" not in chn  # None values are left out
    edges = {
        (u, v, d["commodity"] if "commodity" in d else d["kind"]): d
        for u, v, d in back.edges(data=True)
    }
    cut = edges[("chn-gallium", "jp-compound-semis", "gallium")]
    assert cut["cut"] is True and cut["keep"] == 0.0
    assert cut["share"] == 0.42
    assert (cut["range_low"], cut["range_high"]) == (0.40, 0.42)
    kept = edges[("chn", "gallium", "gallium")]
    assert kept["cut"] is False and kept["keep"] == 1.0 and kept["year"] == 2024
    controls = edges[("chn", "kz-ree-mine", "controls")]
    assert controls["share"] == 0.5 and controls["cut"] is False


def test_graphml_loads_back(example, tmp_path):
    G, res = example
    out = graphfiles.write_graphml(G, tmp_path / "g.graphml", result=res)
    back = nx.read_graphml(out, force_multigraph=True)
    check_loaded(back, G)
    # Edge ids are unique; each edge keeps its key (its commodity, or "controls").
    keys = {(u, v, k): d["key"] for u, v, k, d in back.edges(keys=True, data=True)}
    assert len(keys) == G.number_of_edges()
    assert keys[("chn", "kz-ree-mine", "chn:kz-ree-mine:controls")] == "controls"
    assert back.graph["scenario"] == res.title()
    assert json.loads(back.graph["scenario_json"]) == res.scenario.to_dict()


def test_gexf_loads_back(example, tmp_path):
    G, res = example
    out = graphfiles.write_gexf(G, tmp_path / "g.gexf", result=res)
    back = nx.read_gexf(out)
    check_loaded(nx.MultiDiGraph(back), G)
    assert back.nodes["chn"]["label"] == "China"


def test_files_without_a_scenario(example, tmp_path):
    G, _ = example
    back = nx.read_graphml(graphfiles.write_graphml(G, tmp_path / "g.graphml"))
    assert set(back) == set(G)
    assert "shortfall" not in back.nodes["jp-compound-semis"]
    assert back.nodes["gallium"]["name"] == "Primary gallium (world supply)"


def test_bundled_data_round_trips(tmp_path):
    G = graph.load()
    res = analysis.run_scenario(G, analysis.load_scenario("2026-dual-use-japan"))
    for suffix in ("graphml", "gexf"):
        out = graphfiles.write_graph(G, tmp_path / f"all.{suffix}", result=res)
        back = (
            nx.read_graphml(out, force_multigraph=True)
            if suffix == "graphml"
            else nx.MultiDiGraph(nx.read_gexf(out))
        )
        assert set(back) == set(G)
        assert back.number_of_edges() == G.number_of_edges()
        for r in res.records:
            assert back.nodes[r["node"]]["shortfall"] == pytest.approx(r["shortfall"])


def test_graphml_is_the_same_each_time(example, tmp_path):
    G, res = example
    first = graphfiles.write_graphml(G, tmp_path / "a.graphml", result=res).read_bytes()
    second = graphfiles.write_graphml(G, tmp_path / "b.graphml", result=res).read_bytes()
    assert first == second


def parse_dot(text: str) -> tuple[set[str], set[tuple[str, str]], list[str]]:
    """Check the DOT text line by line; return its nodes, edges and rank lines."""
    lines = text.splitlines()
    assert lines[0].startswith("//") and lines[1] == "digraph chokegraph {" and lines[-1] == "}"
    body = "\n".join(lines[1:])
    assert body.count("{") == body.count("}")
    nodes, edges, ranks = set(), set(), []
    for line in lines[2:-1]:
        if m := EDGE_LINE.match(line):
            edges.add((unquote(m.group(1)), unquote(m.group(2))))
        elif m := NODE_LINE.match(line):
            nodes.add(unquote(m.group(1)))
        elif line.startswith("  { rank="):
            ranks.append(line)
        else:
            assert re.match(rf"^  (graph|node|edge) {ATTRS};$", line), line
    return nodes, edges, ranks


def test_dot_text_is_well_formed(example):
    G, res = example
    text = graphfiles.to_dot(G, result=res)
    nodes, edges, ranks = parse_dot(text)
    assert nodes == set(G)
    assert edges == {(u, v) for u, v in G.edges()}
    assert ranks[0].startswith("  { rank=min;") and '"chn"' in ranks[0]
    assert ranks[-1].startswith("  { rank=max;") and '"jp-compound-semis"' in ranks[-1]
    cut = next(line for line in text.splitlines() if '"chn-gallium" -> "jp-compound-semis"' in line)
    assert 'style="dashed"' in cut and f'color="{S.CUT_COLOUR}"' in cut and 'cut="True"' in cut
    semis = next(line for line in text.splitlines() if line.startswith('  "jp-compound-semis" ['))
    assert 'days_to_impact="105"' in semis
    assert f'fillcolor="{S.shortfall_colour(0.3192)}"' in semis


def test_dot_escapes_names():
    G = dataset(
        r"""
        nodes:
          - {id: chn, kind: country, name: 'The "Middle" Kingdom \ China'}
          - {id: m, kind: mineral}
        edges:
          - {from: chn, to: m, share: 1, note: "two\nlines"}
        """
    )
    text = graphfiles.to_dot(G)
    nodes, edges, _ = parse_dot(text)
    assert nodes == {"chn", "m"} and edges == {("chn", "m")}
    assert r'name="The \"Middle\" Kingdom \\ China"' in text
    assert r'note="two\nlines"' in text


def test_removed_nodes_in_dot(example):
    G, _ = example
    res = analysis.remove(G, ["chn-gallium"])
    line = next(
        x
        for x in graphfiles.to_dot(G, result=res).splitlines()
        if x.startswith('  "chn-gallium" [')
    )
    assert "diagonals" in line and 'removed="True"' in line


@pytest.mark.skipif(not ordering.dot_available(), reason="Graphviz dot is not installed")
def test_graphviz_reads_the_dot_file(tmp_path):
    G = graph.load()
    res = analysis.run_scenario(G, analysis.load_scenario("2026-dual-use-japan"))
    out = graphfiles.write_dot(G, tmp_path / "all.dot", result=res)
    done = subprocess.run(["dot", "-Tsvg", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout


def test_unknown_graph_format(example, tmp_path):
    G, _ = example
    with pytest.raises(ChokegraphError, match=r"\.dot, \.graphml or \.gexf"):
        graphfiles.write_graph(G, tmp_path / "g.json")


@pytest.mark.parametrize("suffix", ["dot", "graphml", "gexf"])
def test_cli_writes_graph_files(tmp_path, suffix):
    out = tmp_path / f"magnets.{suffix}"
    args = ["render", "--scenario", "2026-dual-use-japan", "--focus", "jp-ndfeb-magnets"]
    code, _, err = run_cli([*args, "-o", str(out)])
    assert code == 0, err
    expected = set(selection.subgraph_around(graph.load(), "jp-ndfeb-magnets", 2))
    if suffix == "dot":
        nodes, _, _ = parse_dot(out.read_text())
    elif suffix == "graphml":
        nodes = set(nx.read_graphml(out, force_multigraph=True))
    else:
        nodes = set(nx.read_gexf(out))
    assert nodes == expected


def test_cli_kind_filter_in_graph_files(tmp_path):
    out = tmp_path / "ores.graphml"
    code, _, err = run_cli(["render", "--kind", "country", "--kind", "mineral", "-o", str(out)])
    assert code == 0, err
    kinds = {d["kind"] for _, d in nx.read_graphml(out).nodes(data=True)}
    assert kinds == {"country", "mineral"}
