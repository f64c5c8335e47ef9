"""Writing a graph back out: to_dict, YAML and tables round-trip to the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

import graph
from graph.export import to_dict, to_yaml, write_tables, write_yaml

EXAMPLE = Path(__file__).parent / "fixtures" / "example.yaml"


def _content(G) -> tuple:
    def strip(d: dict) -> dict:
        return {k: v for k, v in d.items() if k != "where"}

    return (
        sorted((n, sorted(strip(d).items())) for n, d in G.nodes(data=True)),
        sorted((u, v, k, sorted(strip(d).items())) for u, v, k, d in G.edges(keys=True, data=True)),
        {sid: strip(s) for sid, s in G.graph["sources"].items()},
        G.graph["groups"],
        G.graph["commodities"],
    )


@pytest.fixture(scope="module")
def example():
    return graph.load(EXAMPLE)


def test_to_dict_leaves_defaults_out(example):
    data = to_dict(example)
    assert set(data) == {"sources", "groups", "nodes", "edges"}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["gallium"] == {
        "id": "gallium",
        "kind": "mineral",
        "name": "Primary gallium (world supply)",
    }
    assert nodes["chn-gallium"] == {
        "id": "chn-gallium",
        "kind": "refiner",
        "country": "chn",
        "commodity": "gallium",
    }
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    assert edges[("chn", "gallium")] == {
        "from": "chn",
        "to": "gallium",
        "share": 0.98,
        "source": "shu-biquan-2025",
        "year": 2024,
    }
    assert edges[("chn", "kz-ree-mine")]["kind"] == "controls"
    assert edges[("chn-gallium", "jp-compound-semis")]["range"] == [0.4, 0.42]


def test_from_dict_of_to_dict_is_the_same_graph(example):
    assert _content(graph.from_dict(to_dict(example))) == _content(example)


def test_yaml_round_trip(example, tmp_path):
    path = write_yaml(to_dict(example), tmp_path / "out.yaml", schema="../docs/x.json")
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../docs/x.json\n")
    assert "- {from: chn, to: gallium, share: 0.98, source: shu-biquan-2025, year: 2024}" in text
    assert _content(graph.load(path)) == _content(example)
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]  # no temporary file left


def test_yaml_quotes_text_that_looks_like_something_else(tmp_path):
    data = {"nodes": [{"id": "nor", "kind": "country", "name": "no"}]}
    assert "name: 'no'" in to_yaml(data)
    G = graph.load(write_yaml(data, tmp_path / "nor.yaml"))
    assert G.nodes["nor"]["name"] == "no"  # not the boolean false


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_round_trip(example, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    written = write_tables(to_dict(example), tmp_path / "tables", fmt=fmt)
    assert [p.name for p in written] == [
        f"{t}.{fmt}" for t in ("nodes", "edges", "sources", "groups")
    ]
    assert _content(graph.load(tmp_path / "tables")) == _content(example)


def test_tables_of_a_graph_without_sources_or_groups(tmp_path):
    G = graph.from_dict(
        {
            "nodes": [{"id": "ore", "kind": "mineral"}, {"id": "plant", "kind": "refiner"}],
            "edges": [{"from": "ore", "to": "plant", "share": 0.25}],
        }
    )
    written = write_tables(to_dict(G), tmp_path, fmt="csv")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    assert (tmp_path / "nodes.csv").read_text() == "id,kind\nore,mineral\nplant,refiner\n"
    assert (tmp_path / "edges.csv").read_text() == "from,to,share\nore,plant,0.25\n"


def test_unknown_table_format(tmp_path):
    with pytest.raises(graph.errors.ChokegraphError, match="unknown table format 'xlsx'"):
        write_tables({}, tmp_path, fmt="xlsx")


def test_bundled_dataset_round_trips(tmp_path):
    G = graph.load()
    assert _content(graph.from_dict(to_dict(G))) == _content(G)
    write_tables(to_dict(G), tmp_path)
    assert _content(graph.load(tmp_path)) == _content(G)
