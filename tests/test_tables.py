"""The tabular form: CSV and parquet tables load like YAML, errors name file and row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import content

import graph
from graph.errors import ChokegraphError, DataError


def test_csv_tables_equal_the_yaml(example_tables, example_graph):
    assert content(graph.load(example_tables)) == content(example_graph)


def test_parquet_tables_equal_the_yaml(tmp_path, example_tables, example_graph):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    for name in ("nodes", "edges", "sources", "groups"):
        # pandas' own type guessing: numbers typed float64 (NaN where empty),
        # year a float column, text as objects: the parquet a user would write.
        frame = pd.read_csv(example_tables / f"{name}.csv")
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    assert content(graph.load(tmp_path)) == content(example_graph)


def test_where_names_the_table_row(tmp_path, example_tables):
    G = graph.load(example_tables)
    # jp-compound-semis is the 7th node row: line 8 (the header is line 1).
    assert G.nodes["jp-compound-semis"]["where"] == f"{example_tables}/nodes.csv:8:1"
    assert G.edges["chn", "gallium", "gallium"]["where"] == f"{example_tables}/edges.csv:2:1"


def test_empty_cell_means_absent(example_tables):
    G = graph.load(example_tables)
    assert G.nodes["chn-gallium"]["name"] == "chn-gallium"
    assert G.nodes["chn"]["value"] is None
    assert G.edges["chn", "gallium", "gallium"]["year"] == 2024


def test_hash_covers_the_tables(tmp_path, example_tables):
    shutil.copytree(example_tables, tmp_path / "t")
    first = graph.load(tmp_path / "t").graph["hash"]
    edges = tmp_path / "t/edges.csv"
    edges.write_text(edges.read_text().replace("0.58", "0.57"))
    assert graph.load(tmp_path / "t").graph["hash"] != first


def test_yaml_files_beside_tables_merge(tmp_path, example_tables):
    shutil.copytree(example_tables, tmp_path / "t")
    (tmp_path / "t/sources.csv").unlink()
    (tmp_path / "t/sources.yaml").write_text(
        "sources:\n  - {id: shu-biquan-2025, title: T}\n  - {id: lu-yi-2026, title: U}\n"
    )
    G = graph.load(tmp_path / "t")
    assert sorted(G.graph["sources"]) == ["lu-yi-2026", "shu-biquan-2025"]


def _errors(folder: Path, monkeypatch) -> list[str]:
    monkeypatch.chdir(folder.parent)
    with pytest.raises(DataError) as info:
        graph.load(folder.name)
    return [str(p) for p in info.value.problems]


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


NODES = "id,kind,name\nchn,country,China\nore,mineral,\nplant,refiner,\n"


def test_cell_errors_name_file_row_and_column(tmp_path, monkeypatch):
    folder = _write(
        tmp_path / "t",
        {
            "nodes.csv": NODES + "cars,industry,\n",
            "edges.csv": "from,to,share,year\nore,plant,x,\nore,cars,0.5,2024.5\nplant,carz,0.5,\n",
        },
    )
    assert _errors(folder, monkeypatch) == [
        "t/edges.csv:2:3: error: share must be a number, not 'x'",
        "t/edges.csv:3:4: error: year must be a whole number, not 2024.5",
        "t/edges.csv:4:2: error: to 'carz' names no node (did you mean 'cars'?): add the node "
        "or fix the id",
    ]


def test_rules_apply_to_tables(tmp_path, monkeypatch):
    folder = _write(
        tmp_path / "t",
        {
            "nodes.csv": NODES,
            "edges.csv": "from,to,share\nore,plant,0.7\nchn,plant,0.5\nore,chn,0.1\n",
        },
    )
    assert _errors(folder, monkeypatch) == [
        "t/edges.csv:3:1: error: edge from the country 'chn' to a refiner node 'plant' names no "
        "commodity: add 'commodity' (a country's edges carry their target's commodity only "
        "when the target is a mineral)",
        "t/edges.csv:4:2: error: supplies edge into the country node 'chn': a country supplies, "
        "it does not consume; model its imports as a node located in it (country: chn)",
    ]


def test_unknown_and_missing_columns(tmp_path, monkeypatch):
    folder = _write(
        tmp_path / "t",
        {"nodes.csv": "id,kind,nmae\nchn,country,China\n", "edges.csv": "from,share\n"},
    )
    assert _errors(folder, monkeypatch) == [
        "t/edges.csv:1:1: error: edges needs the column to: add it to the header",
        "t/nodes.csv:1:3: error: unknown column 'nmae' in nodes (did you mean 'name'?): the "
        "columns of nodes are id, kind, name, country, commodity, value, stockpile_days, "
        "inputs, wgi, price, source, year, confidence, note",
    ]


def test_duplicate_column(tmp_path, monkeypatch):
    folder = _write(tmp_path / "t", {"nodes.csv": "id,kind,id\n", "edges.csv": "from,to\n"})
    assert _errors(folder, monkeypatch) == [
        "t/nodes.csv:1:3: error: column 'id' appears twice (first as column 1): keep one"
    ]


def test_empty_required_cell(tmp_path, monkeypatch):
    folder = _write(tmp_path / "t", {"nodes.csv": "id,kind\n,country\n", "edges.csv": "from,to\n"})
    assert _errors(folder, monkeypatch) == [
        "t/nodes.csv:2:1: error: empty 'id': every row of nodes needs one; fill it in"
    ]


def test_inputs_and_range_are_json(tmp_path, monkeypatch):
    folder = _write(
        tmp_path / "t",
        {
            "nodes.csv": 'id,kind,inputs\nore,mineral,\nplant,refiner,"{""ore"": {""dependence"": '
            '""x""}}"\ncars,industry,{ore: 1}\n',
            "edges.csv": 'from,to,share,range\nore,plant,0.5,"0.4,0.6"\n'
            'ore,cars,0.5,"[0.4, 0.6]"\n',
        },
    )
    assert _errors(folder, monkeypatch) == [
        "t/edges.csv:2:4: error: range must be JSON text such as [0.4, 0.42], not '0.4,0.6'",
        "t/nodes.csv:3:3: error: inputs.ore.dependence must be a number, not the text 'x': "
        "remove the quotes",
        't/nodes.csv:4:3: error: inputs must be JSON text such as {"gallium": {"dependence": '
        "0.8, \"stockpile_days\": 42}}, not '{ore: 1}'",
    ]


def test_json_cells_load(tmp_path):
    folder = _write(
        tmp_path / "t",
        {
            "nodes.csv": 'id,kind,inputs\nore,mineral,\nplant,refiner,"{""ore"": '
            '{""dependence"": 0.5, ""stockpile_days"": 30}}"\n',
            "edges.csv": 'from,to,share,range\nore,plant,0.5,"[0.4, 0.6]"\n',
        },
    )
    G = graph.load(folder)
    assert G.nodes["plant"]["inputs"] == {
        "ore": {"dependence": 0.5, "substitutable": 0.0, "stockpile_days": 30.0}
    }
    assert G.edges["ore", "plant", "ore"]["range"] == (0.4, 0.6)


def test_non_finite_numbers(tmp_path, monkeypatch):
    folder = _write(
        tmp_path / "t",
        {"nodes.csv": "id,kind,value\nore,mineral,inf\nb,mineral,nan\n", "edges.csv": "from,to\n"},
    )
    assert _errors(folder, monkeypatch) == [
        "t/nodes.csv:2:3: error: value must be a finite number, not inf",
        "t/nodes.csv:3:3: error: value must be a finite number, not nan",
    ]


def test_not_utf8_csv(tmp_path, monkeypatch):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes(b"id,kind,name\nci,country,C\xf4te d'Ivoire\n")
    (folder / "edges.csv").write_bytes(b"from,to\n")
    # "id,kind,name\n" is 13 bytes, "ci,country,C" 12 more: offset 25, line 2, column 13.
    assert _errors(folder, monkeypatch) == [
        "t/nodes.csv:2:13: error: not UTF-8: byte 0xf4 at offset 25; save the file as UTF-8"
    ]


def test_nodes_without_edges_table(tmp_path):
    folder = _write(tmp_path / "t", {"nodes.csv": NODES})
    with pytest.raises(ChokegraphError, match=r"holds nodes\.csv but no edges table"):
        graph.load(folder)


def test_csv_and_parquet_of_one_table(tmp_path):
    folder = _write(tmp_path / "t", {"nodes.csv": NODES, "edges.csv": "from,to\n"})
    (folder / "nodes.parquet").write_bytes(b"")
    with pytest.raises(ChokegraphError, match=r"holds both nodes\.csv and nodes\.parquet"):
        graph.load(folder)


def test_groups_table(tmp_path):
    folder = _write(
        tmp_path / "t",
        {
            "nodes.csv": "id,kind\nga,mineral\nge,mineral\n",
            "edges.csv": "from,to\n",
            "groups.csv": "group,member\nmetals,ge\nmetals,ga\nnone-yet,\n",
        },
    )
    assert graph.load(folder).graph["groups"] == {"metals": ["ga", "ge"], "none-yet": []}
