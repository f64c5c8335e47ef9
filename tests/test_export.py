"""Writing a graph back out: to_dict, YAML and tables round-trip to the same graph."""

from __future__ import annotations

import pytest
from helpers import content

import graph
from graph.export import to_dict, to_yaml, write_tables, write_yaml


def test_to_dict_leaves_defaults_out(example_graph):
    data = to_dict(example_graph)
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


def test_from_dict_of_to_dict_is_the_same_graph(example_graph):
    assert content(graph.from_dict(to_dict(example_graph))) == content(example_graph)


def test_yaml_round_trip(example_graph, tmp_path):
    path = write_yaml(to_dict(example_graph), tmp_path / "out.yaml", schema="../docs/x.json")
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../docs/x.json\n")
    assert "- {from: chn, to: gallium, share: 0.98, source: shu-biquan-2025, year: 2024}" in text
    assert content(graph.load(path)) == content(example_graph)
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]  # no temporary file left


def test_yaml_quotes_text_that_looks_like_something_else(tmp_path):
    data = {"nodes": [{"id": "nor", "kind": "country", "name": "no"}]}
    assert "name: 'no'" in to_yaml(data)
    G = graph.load(write_yaml(data, tmp_path / "nor.yaml"))
    assert G.nodes["nor"]["name"] == "no"  # not the boolean false


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_round_trip(example_graph, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    written = write_tables(to_dict(example_graph), tmp_path / "tables", fmt=fmt)
    assert [p.name for p in written] == [
        f"{t}.{fmt}" for t in ("nodes", "edges", "sources", "groups")
    ]
    assert content(graph.load(tmp_path / "tables")) == content(example_graph)


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
    assert content(graph.from_dict(to_dict(G))) == content(G)
    write_tables(to_dict(G), tmp_path)
    assert content(graph.load(tmp_path)) == content(G)


SECOND_EDITION = {
    "nodes": [
        {"id": "chn", "kind": "country", "wgi": 0.62},
        {"id": "aus", "kind": "country"},
        {"id": "gallium", "kind": "mineral", "price": 250.0},
        {
            "id": "semis",
            "kind": "industry",
            "inputs": {
                "gallium": {
                    "dependence": 0.8,
                    "dependence_range": [0.7, 0.9],
                    "stockpile_days_range": [0.0, 30.0],
                }
            },
        },
    ],
    "edges": [
        {"from": "chn", "to": "gallium", "share": 0.9, "quantity": 750.0},
        {
            "from": "aus",
            "to": "gallium",
            "share": 0.0,
            "spare": 0.2,
            "spare_range": [0.1, 0.3],
            "ramp_days": 90.0,
        },
        {"from": "gallium", "to": "semis", "share": 0.5},
    ],
}


@pytest.mark.parametrize("fmt", ["yaml", "csv", "parquet"])
def test_second_edition_fields_round_trip(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    G = graph.from_dict(SECOND_EDITION)
    # to_dict gives back exactly what was written: nothing was a default.
    assert to_dict(G) == SECOND_EDITION
    if fmt == "yaml":
        write_yaml(to_dict(G), tmp_path / "data.yaml")
        again = graph.load(tmp_path / "data.yaml")
    else:
        write_tables(to_dict(G), tmp_path, fmt)
        again = graph.load(tmp_path)
    assert content(again) == content(G)
    assert again.edges["aus", "gallium", "gallium"]["spare_range"] == (0.1, 0.3)
    assert again.nodes["semis"]["inputs"]["gallium"]["dependence_range"] == (0.7, 0.9)
