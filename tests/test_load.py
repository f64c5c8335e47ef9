"""Loading: files and folders, merging, the graph contract, provenance."""

from __future__ import annotations

import hashlib
import importlib.metadata
from datetime import datetime
from pathlib import Path

import pytest

import graph
from graph.errors import ChokegraphError, DataError
from graph.load import dataset_files
from graph.yamlio import parse

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "example.yaml"

NODE_ATTRS = {
    "kind",
    "name",
    "country",
    "commodity",
    "value",
    "stockpile_days",
    "wgi",
    "price",
    "inputs",
    "source",
    "year",
    "confidence",
    "note",
    "where",
}
EDGE_ATTRS = {
    "kind",
    "commodity",
    "share",
    "range",
    "spare",
    "spare_range",
    "ramp_days",
    "quantity",
    "source",
    "year",
    "confidence",
    "note",
    "where",
}


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [("4.0e10", 4.0e10), ("1e-3", 0.001), ("1E5", 1e5), ("-2e3", -2000.0), ("0.5", 0.5)],
)
def test_yaml_12_floats_are_numbers(text, value):
    doc, problem = parse(f"x: {text}\n", "t.yaml")
    assert problem is None
    assert doc.data["x"] == value and isinstance(doc.data["x"], float)


def test_integers_stay_integers_and_quoted_numbers_stay_text():
    doc, _ = parse("a: 2024\nb: '0.5'\nc: \"1e3\"\n", "t.yaml")
    assert doc.data == {"a": 2024, "b": "0.5", "c": "1e3"}
    assert isinstance(doc.data["a"], int)


def test_value_written_as_4e10_loads_as_a_number():
    G = graph.load(EXAMPLE)
    assert G.nodes["jp-compound-semis"]["value"] == 4e10


# --------------------------------------------------------------------------- the contract


def test_example_graph_follows_the_contract():
    G = graph.load(EXAMPLE)
    for _, d in G.nodes(data=True):
        assert set(d) == NODE_ATTRS
    for _, _, d in G.edges(data=True):
        assert set(d) == EDGE_ATTRS
    assert G.nodes["chn"]["commodity"] is None  # a country outputs nothing of its own
    assert G.nodes["gallium"]["commodity"] == "gallium"  # default: its id
    assert G.nodes["chn-gallium"]["name"] == "chn-gallium"  # default: its id
    assert G.nodes["chn"]["inputs"] == {}
    assert G.nodes["jp-compound-semis"]["inputs"] == {
        "gallium": {"dependence": 0.8, "substitutable": 0.05, "stockpile_days": 42.0}
    }
    assert sorted(G.edges(keys=True)) == [
        ("chn", "gallium", "gallium"),
        ("chn", "kz-ree-mine", "controls"),
        ("chn-gallium", "jp-compound-semis", "gallium"),
        ("gallium", "jp-compound-semis", "gallium"),
    ]
    controls = G.edges["chn", "kz-ree-mine", "controls"]
    assert controls["kind"] == "controls" and controls["commodity"] is None
    assert controls["share"] == 0.5
    cut = G.edges["chn-gallium", "jp-compound-semis", "gallium"]
    assert cut["range"] == (0.40, 0.42)
    assert cut["where"] == f"{EXAMPLE}:35:5"
    assert G.graph["groups"] == {"rare-earths": ["light-rare-earths"]}
    assert G.graph["commodities"] == ["gallium", "jp-compound-semis", "light-rare-earths"]
    assert G.graph["sources"]["lu-yi-2026"]["author"] == "Lu Yi"
    assert G.graph["sources"]["shu-biquan-2025"]["url"] is None


def test_defaults_for_inputs_and_controls():
    G = graph.from_dict(
        {
            "nodes": [
                {"id": "chn", "kind": "country"},
                {"id": "ore", "kind": "mineral"},
                {"id": "plant", "kind": "refiner", "inputs": {"ore": {}}},
            ],
            "edges": [
                {"from": "ore", "to": "plant", "share": 1},
                {"from": "chn", "to": "plant", "kind": "controls"},
            ],
        }
    )
    assert G.nodes["plant"]["inputs"]["ore"] == {
        "dependence": 1.0,
        "substitutable": 0.0,
        "stockpile_days": None,
    }
    assert G.edges["chn", "plant", "controls"]["share"] == 1.0
    assert isinstance(G.edges["ore", "plant", "ore"]["share"], float)


def test_country_edge_to_a_mineral_carries_its_commodity():
    G = graph.from_dict(
        {
            "nodes": [
                {"id": "kaz", "kind": "country"},
                {"id": "kz-mine", "kind": "mineral", "commodity": "light-rare-earths"},
            ],
            "edges": [{"from": "kaz", "to": "kz-mine", "share": 1}],
        }
    )
    assert list(G.edges(keys=True)) == [("kaz", "kz-mine", "light-rare-earths")]


def test_from_dict_accepts_tuples_and_equals_load():
    data = {
        "nodes": [{"id": "a", "kind": "mineral"}, {"id": "b", "kind": "industry"}],
        "edges": [{"from": "a", "to": "b", "share": 0.5, "range": (0.4, 0.6)}],
    }
    G = graph.from_dict(data)
    assert G.edges["a", "b", "a"]["range"] == (0.4, 0.6)
    assert G.graph["path"] == "<memory>"
    assert G.nodes["a"]["where"] == "<memory>:0:0"


# --------------------------------------------------------------------------- files and folders


def test_folder_merges_files_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b/edges.yaml").write_text("edges:\n  - {from: chn, to: ore, share: 0.5}\n")
    (tmp_path / "a.yml").write_text("nodes:\n  - {id: ore, kind: mineral}\n")
    (tmp_path / "0-countries.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n")
    (tmp_path / "notes.txt").write_text("not data")
    files, tables = dataset_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "0-countries.yaml",
        "a.yml",
        "b/edges.yaml",
    ]
    assert tables is None
    G = graph.load(tmp_path)
    assert list(G.nodes) == ["chn", "ore"]  # in file order
    assert G.nodes["ore"]["where"] == f"{tmp_path}/a.yml:2:5"


def test_scenarios_and_hidden_folders_are_skipped(tmp_path):
    (tmp_path / "nodes.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n")
    for folder in ("scenarios", "deep/scenarios", ".cache"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.yaml").write_text("id: not-a-dataset\nrestrictions: []\n")
    (tmp_path / ".hidden.yaml").write_text("bad: [")
    assert graph.load(tmp_path).number_of_nodes() == 1


def test_first_definition_wins_across_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d/2.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n")
    (tmp_path / "d/1.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n")
    with pytest.raises(DataError) as info:
        graph.load("d")
    assert [str(p) for p in info.value.problems] == [
        "d/2.yaml:2:10: error: duplicate node id 'chn' (first defined at d/1.yaml:2:5): "
        "give each node its own id, or merge the two"
    ]


def test_missing_path():
    with pytest.raises(ChokegraphError, match=r"^/no/such/data does not exist$"):
        graph.load("/no/such/data")


def test_folder_without_data_files(tmp_path):
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(ChokegraphError, match="holds no dataset files"):
        graph.load(tmp_path)


def test_a_single_table_file_is_refused(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,kind\nchn,country\n")
    with pytest.raises(ChokegraphError, match=r"give the folder that holds nodes\.csv"):
        graph.load(tmp_path / "nodes.csv")


def test_load_none_is_the_bundled_dataset():
    G = graph.load()
    assert G.graph["path"] == str(graph.bundled_path())
    assert G.graph["hash"] == graph.load(graph.bundled_path()).graph["hash"]
    assert G.number_of_nodes() > 0


# --------------------------------------------------------------------------- provenance


def _expected_hash(files: dict[str, bytes]) -> str:
    # The documented scheme: for each file in sorted order of relative name,
    # the name, NUL, the byte count, NUL, then the bytes.
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + str(len(files[name])).encode() + b"\0")
        h.update(files[name])
    return h.hexdigest()


def test_provenance(tmp_path):
    files = {
        "a.yaml": b"nodes:\n  - {id: chn, kind: country}\n",
        "sub/b.yaml": b"nodes:\n  - {id: ore, kind: mineral}\n",
    }
    for name, raw in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(raw)
    G = graph.load(tmp_path)
    assert G.graph["path"] == str(tmp_path)
    assert G.graph["hash"] == _expected_hash(files)
    assert G.graph["version"] == importlib.metadata.version("chokegraph")
    loaded = datetime.strptime(G.graph["loaded_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert loaded.year >= 2024


def test_hash_follows_content_and_names_not_location(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n")
    first = graph.load(tmp_path / "one").graph["hash"]
    assert graph.load(tmp_path / "two").graph["hash"] == first
    (tmp_path / "two/a.yaml").rename(tmp_path / "two/b.yaml")
    assert graph.load(tmp_path / "two").graph["hash"] != first
    (tmp_path / "one/a.yaml").write_text("nodes:\n  - {id: chn, kind: country, name: China}\n")
    assert graph.load(tmp_path / "one").graph["hash"] != first


def test_hash_of_a_single_file_uses_its_name(tmp_path):
    raw = b"nodes:\n  - {id: chn, kind: country}\n"
    (tmp_path / "data.yaml").write_bytes(raw)
    G = graph.load(tmp_path / "data.yaml")
    assert G.graph["hash"] == _expected_hash({"data.yaml": raw})


# --- graph.load(lazy=True): the cached bundled graph without networkx ---------


@pytest.fixture
def lazy_and_real(tmp_path, monkeypatch):
    """The bundled graph read lazily from a fresh cache, and the same graph loaded afresh."""
    from graph.lazy import LazyGraph

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CHOKEGRAPH_NO_CACHE", raising=False)
    real = graph.load()  # fills the cache
    lazy = graph.load(lazy=True)
    assert isinstance(lazy, LazyGraph) and lazy._nx is None
    return lazy, real


def test_a_lazy_graph_answers_as_the_networkx_graph(lazy_and_real):
    lazy, real = lazy_and_real
    assert list(lazy.nodes(data=True)) == list(real.nodes(data=True))
    assert list(lazy.nodes) == list(real.nodes) and len(lazy.nodes) == len(real)
    assert list(lazy.nodes(data="kind")) == list(real.nodes(data="kind"))
    assert list(lazy) == list(real) and len(lazy) == len(real)
    assert lazy.number_of_edges() == real.number_of_edges()
    assert list(lazy.edges(keys=True, data=True)) == list(real.edges(keys=True, data=True))
    assert list(lazy.edges()) == list(real.edges())
    assert list(lazy.edges(data="share")) == list(real.edges(data="share"))
    assert list(lazy.edges) == list(real.edges) and len(lazy.edges) == len(real.edges)
    u, v, key = next(iter(real.edges))
    assert lazy.edges[u, v, key] == real.edges[u, v, key]
    assert (u, v, key) in lazy.edges and (u, v) in lazy.edges
    assert (u, v, "no-such-key") not in lazy.edges and (v, "nowhere") not in lazy.edges
    assert [(n, list(a.items())) for n, a in lazy.adjacency()] == [
        (n, list(a.items())) for n, a in real.adjacency()
    ]
    for n in ("chn", "gallium", "jpn", "lithium-chemicals"):
        assert list(lazy.out_edges(n, data=True)) == list(real.out_edges(n, data=True))

        # Predecessors in any order: a graph from the cache adds its edges by
        # supplier, one built from the files in file order.
        def key(edge):
            return edge[:3]

        assert sorted(lazy.in_edges(n, keys=True, data=True), key=key) == sorted(
            real.in_edges(n, keys=True, data=True), key=key
        )
        assert list(lazy.successors(n)) == list(real.successors(n))
        assert sorted(lazy.predecessors(n)) == sorted(real.predecessors(n))
        assert lazy.nodes[n] == real.nodes[n] and n in lazy and lazy.has_node(n)
    assert "no-such-node" not in lazy
    assert lazy._nx is None  # none of that needed networkx


def test_a_lazy_graph_builds_networkx_for_anything_else(lazy_and_real):
    import networkx as nx

    lazy, real = lazy_and_real
    lazy.nodes["chn"]["note"] = "changed before networkx was built"
    assert nx.descendants(lazy, "chn") == nx.descendants(real, "chn")
    assert lazy._nx is not None
    built = lazy.to_networkx()
    assert type(built) is nx.MultiDiGraph and built is lazy.to_networkx()
    # The very attribute dicts are shared, so no change is lost on the way.
    assert built.nodes["chn"]["note"] == "changed before networkx was built"
    assert built.graph is lazy.graph
    assert list(built.edges(keys=True, data=True)) == list(real.edges(keys=True, data=True))
    assert sorted(built.pred["gallium"]) == sorted(real.pred["gallium"])
    # From now on everything goes to networkx, changes included.
    lazy.add_edge("jpn", "gallium", key="extra")
    assert lazy.number_of_edges() == real.number_of_edges() + 1
    assert ("jpn", "gallium") in set(lazy.edges())


def test_a_what_if_on_the_lazy_graph_equals_one_on_networkx(lazy_and_real):
    import analysis

    lazy, real = lazy_and_real
    restriction = analysis.Restriction("chn", ["gallium"])
    on_lazy = analysis.what_if(lazy, [restriction]).to_json()
    on_real = analysis.what_if(real, [restriction]).to_json()
    assert on_lazy == on_real
    assert lazy._nx is None


def test_load_without_lazy_always_returns_networkx(lazy_and_real):
    import networkx as nx

    assert type(graph.load()) is nx.MultiDiGraph  # from the cache
