"""Whole-column checks (graph/bulk.py) agree with the row-by-row rules.

``graph.validate.check`` takes the bulk path for a table from ``BULK_FROM``
rows on. For any dataset, valid or not, it must give the same problems and
the same resolved values as the row walk alone: the bulk path may only ever
say "every row is clean" when the row walk would find nothing.
"""

from __future__ import annotations

import copy
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import datasets

import graph
import graph.bulk
import graph.validate as validate
from graph.bulk import clean_edges, clean_nodes
from graph.errors import DataError
from graph.records import Dataset
from graph.yaml_records import add_document

FIXTURES = Path(__file__).parent / "fixtures"
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")


@contextmanager
def bulk_from(n: int):
    saved = validate.BULK_FROM
    validate.BULK_FROM = n
    try:
        yield
    finally:
        validate.BULK_FROM = saved


def checked(data: dict, *, bulk: bool) -> tuple:
    """``check`` of a dataset mapping, with or without the bulk path."""
    ds = Dataset()
    add_document(ds, copy.deepcopy(data), "<memory>", None)
    with bulk_from(0 if bulk else 10**9):
        problems, resolved = validate.check(ds)
    return [str(p) for p in problems], resolved


def bulk_answer(data: dict):
    """What ``clean_edges`` says of a dataset's edges (its nodes must be valid)."""
    ds = Dataset()
    add_document(ds, copy.deepcopy(data), "<memory>", None)
    with bulk_from(10**9):
        _, resolved = validate.check(ds)
    nodes = ds.nodes.data
    rows = {nid: i for i, nid in enumerate(nodes["id"])}
    sources = set(ds.sources.data["id"])
    limit = 1 + validate.SHARE_TOLERANCE
    return clean_edges(
        ds.edges.data, rows, nodes["kind"], resolved.node_commodity, sources, SLUG, limit
    )


TRICKY = {
    "from": st.sampled_from(["c0", "m0", "r0", "i0", "nowhere", None]),
    "to": st.sampled_from(["c0", "m0", "r0", "i0", "nowhere"]),
    "kind": st.sampled_from([None, "supplies", "controls", "sells"]),
    "commodity": st.sampled_from([None, "m0", "r0", "newc", "all", "Bad Name"]),
    "share": st.sampled_from([None, 0, 0.5, 1, 1.5, -0.1, 0.9999999, 1.0000005]),
    "range": st.sampled_from([None, [0.1, 0.9], [0.9, 0.1]]),
    # Second-edition fields: a share of 0 is allowed only with spare > 0, and
    # spare and ramp_days only on supplies edges.
    "spare": st.sampled_from([None, 0, 0.2, 1, 1.5, -0.1]),
    "ramp_days": st.sampled_from([None, 0, 90, -1]),
    "quantity": st.sampled_from([None, 0, 1e6, -5]),
    "spare_range": st.sampled_from([None, [0.1, 0.3], [0, 0.1], [0.3, 0.1]]),
    "source": st.sampled_from([None, "s1", "unknown"]),
    "confidence": st.sampled_from([None, "estimate", "guess"]),
}


def valid_with_a_source(draw: st.DrawFn) -> dict:
    data = draw(datasets(cycles=draw(st.booleans())))
    data.setdefault("sources", []).append({"id": "s1", "title": "A source"})
    return data


def change_a_field(draw: st.DrawFn, record: dict, tricky: dict) -> None:
    field = draw(st.sampled_from(sorted(tricky)))
    value = draw(tricky[field])
    if value is None:
        record.pop(field, None)
    else:
        record[field] = value


@st.composite
def damaged(draw: st.DrawFn) -> dict:
    """A valid dataset with one to three edges changed, duplicated or added."""
    data = valid_with_a_source(draw)
    edges = data["edges"]
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["change", "duplicate", "loop", "add"]))
        if action == "add" or not edges:
            edges.append({"from": draw(TRICKY["from"]) or "c0", "to": draw(TRICKY["to"])})
        elif action == "duplicate":
            edges.append(dict(draw(st.sampled_from(edges))))
        elif action == "loop":
            edge = draw(st.sampled_from(edges))
            edge["to"] = edge["from"]
        else:
            change_a_field(draw, draw(st.sampled_from(edges)), TRICKY)
    return data


NODE_TRICKY = {
    "id": st.sampled_from(["c0", "m0", "Bad", "all", "new1"]),
    "kind": st.sampled_from(["country", "mineral", "industry", "mine"]),
    "country": st.sampled_from([None, "c0", "m0", "nowhere"]),
    "commodity": st.sampled_from([None, "m0", "all", "Bad Name", "newc"]),
    "value": st.sampled_from([None, 0, -1, 5e9]),
    "stockpile_days": st.sampled_from([None, 0, -1.5, 30]),
    "inputs": st.sampled_from(
        [
            None,
            {"m0": {"dependence": 0.5}},
            {"m0": {"dependence": 1.5}},
            {"nope": {}},
            {"m0": {"substitutable": -0.1}},
            {"m0": {"stockpile_days": -1}},
            {"m0": {"dependence": 0.5, "dependence_range": [0.4, 0.6]}},
            {"m0": {"dependence_range": [0.4, 0.6]}},
            {"m0": {"stockpile_days_range": [0, 10]}},
        ]
    ),
    "wgi": st.sampled_from([None, 0, 0.5, 1.2]),
    "price": st.sampled_from([None, 0, 250.0, -1]),
    "source": st.sampled_from([None, "s1", "unknown"]),
    "confidence": st.sampled_from([None, "estimate", "guess"]),
}


@st.composite
def damaged_nodes(draw: st.DrawFn) -> dict:
    """A valid dataset with one node field changed, or a node added."""
    data = valid_with_a_source(draw)
    nodes = data["nodes"]
    if draw(st.integers(0, 4)) == 0:
        nodes.append({"id": draw(NODE_TRICKY["id"]), "kind": draw(NODE_TRICKY["kind"])})
    change_a_field(draw, draw(st.sampled_from(nodes)), NODE_TRICKY)
    return data


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=datasets(cycles=True))
def test_bulk_takes_a_valid_dataset_and_resolves_it_like_the_row_walk(data):
    ds = Dataset()
    add_document(ds, copy.deepcopy(data), "<memory>", None)
    assert clean_nodes(ds.nodes.data, set(ds.sources.data["id"]), SLUG) is not None
    assert bulk_answer(data) is not None  # the bulk path is really taken
    assert checked(data, bulk=True) == checked(data, bulk=False)


@SETTINGS
@given(data=damaged())
def test_bulk_and_row_walk_agree_on_damaged_edges(data):
    assert checked(data, bulk=True) == checked(data, bulk=False)


@SETTINGS
@given(data=damaged_nodes())
def test_bulk_and_row_walk_agree_on_damaged_nodes(data):
    assert checked(data, bulk=True) == checked(data, bulk=False)


def test_each_broken_rule_sends_the_edges_to_the_row_walk():
    base = {
        "sources": [{"id": "s1", "title": "A source"}],
        "nodes": [
            {"id": "chn", "kind": "country"},
            {"id": "gallium", "kind": "mineral"},
            {"id": "fab", "kind": "industry"},
        ],
        "edges": [
            {"from": "chn", "to": "gallium", "share": 0.4},
            {"from": "gallium", "to": "fab", "share": 0.5, "source": "s1"},
            {"from": "chn", "to": "fab", "kind": "controls", "share": 0.3},
        ],
    }
    assert bulk_answer(base) == (
        ["supplies", "supplies", "controls"],
        ["gallium", "gallium", None],
        [0.4, 0.5, 0.3],
        {},
    )
    broken = [
        (0, "share", 1.2),  # out of range
        (1, "to", "gallium"),  # edge to itself
        (1, "to", "nowhere"),  # unknown node
        (1, "kind", "sells"),  # unknown kind
        (1, "commodity", "all"),  # reserved word
        (1, "commodity", "Ga"),  # not a slug
        (1, "source", "s2"),  # unknown source
        (1, "confidence", "sure"),  # unknown confidence
        (1, "range", [0.6, 0.8]),  # share outside its range
        (2, "from", "gallium"),  # controls edge not from a country
        (2, "commodity", "gallium"),  # controls edge with a commodity
        (2, "share", 0),  # controls share out of range
        (0, "to", "fab"),  # country edge to a non-mineral without commodity
        (0, "share", 0),  # a supplies share of 0 without spare
        (2, "spare", 0.1),  # spare on a controls edge
        (2, "ramp_days", 5),  # ramp_days on a controls edge
        (1, "spare", 1.5),  # out of range
        (1, "ramp_days", -1),  # negative
        (1, "quantity", -1),  # negative
        (1, "spare_range", [0.1, 0.2]),  # spare (0 when absent) outside its range
    ]
    for row, field, value in broken:
        data = copy.deepcopy(base)
        data["edges"][row][field] = value
        assert bulk_answer(data) is None, (row, field, value)
        assert checked(data, bulk=False)[0], (row, field, value)
        assert checked(data, bulk=True) == checked(data, bulk=False)
    spare = copy.deepcopy(base)  # a supplier that delivers nothing today, with spare
    spare["edges"][0].update(share=0, spare=0.2, ramp_days=90, quantity=1e4)
    assert bulk_answer(spare) == (
        ["supplies", "supplies", "controls"],
        ["gallium", "gallium", None],
        [0, 0.5, 0.3],
        {},
    )
    assert checked(spare, bulk=False)[0] == []
    assert checked(spare, bulk=True) == checked(spare, bulk=False)
    twice = copy.deepcopy(base)
    twice["edges"].append(dict(base["edges"][1]))
    over = copy.deepcopy(base)
    over["nodes"].append({"id": "ge", "kind": "mineral", "commodity": "gallium"})
    over["edges"].append({"from": "ge", "to": "fab", "share": 0.5 + 2e-6})
    into_country = copy.deepcopy(base)
    into_country["edges"].append({"from": "gallium", "to": "chn", "share": 0.1})
    for data in (twice, over, into_country):
        assert bulk_answer(data) is None
        assert checked(data, bulk=False)[0]
        assert checked(data, bulk=True) == checked(data, bulk=False)


NODES = {
    "sources": [{"id": "s1", "title": "A source"}],
    "nodes": [
        {"id": "chn", "kind": "country"},
        {"id": "jpn", "kind": "country"},
        {"id": "ga", "kind": "mineral", "commodity": "gallium", "country": "chn"},
        {"id": "fab", "kind": "industry", "country": "jpn", "value": 5e9, "source": "s1",
         "inputs": {"gallium": {"dependence": 0.5, "stockpile_days": 30}}},
    ],
    "edges": [{"from": "ga", "to": "fab", "share": 0.5}],
}  # fmt: skip
BROKEN_NODES = [
    (0, "country", "jpn"),  # a country located in a country
    (0, "commodity", "gallium"),  # a country with a commodity
    (0, "inputs", {"gallium": {}}),  # a country with inputs
    (2, "country", "fab"),  # located in a node that is no country
    (2, "country", "nowhere"),  # located in no node
    (2, "id", "chn"),  # a duplicate id
    (2, "id", "Ga"),  # not a slug
    (2, "kind", "mine"),  # unknown kind
    (2, "commodity", "all"),  # reserved word
    (2, "commodity", "Gallium"),  # not a slug
    (3, "value", -1),  # negative
    (3, "stockpile_days", -0.5),  # negative
    (3, "inputs", {"gallium": {"dependence": 1.5}}),  # out of range
    (3, "inputs", {"gallium": {"substitutable": -0.1}}),  # out of range
    (3, "inputs", {"gallium": {"stockpile_days": -1}}),  # negative
    (3, "inputs", {"germanium": {}}),  # not a commodity of the dataset
    (3, "source", "s2"),  # unknown source
    (3, "confidence", "sure"),  # unknown confidence
    (2, "wgi", 0.5),  # wgi on a node that is no country
    (0, "wgi", 1.5),  # out of range
    (3, "price", -1),  # negative
    (3, "inputs", {"gallium": {"dependence": 0.5, "dependence_range": [0.6, 0.7]}}),  # outside
    (3, "inputs", {"gallium": {"substitutable_range": [0.2, 0.1]}}),  # low above high
    (3, "inputs", {"gallium": {"stockpile_days_range": [40, 50]}}),  # no stock (0) outside
]


def test_each_broken_node_rule_sends_the_nodes_to_the_row_walk():
    ds = Dataset()
    add_document(ds, copy.deepcopy(NODES), "<memory>", None)
    row_of, output, first_output, inputs = clean_nodes(ds.nodes.data, {"s1"}, SLUG)
    assert row_of == {"chn": 0, "jpn": 1, "ga": 2, "fab": 3}
    assert output == [None, None, "gallium", "fab"]
    assert first_output == {"gallium": 2, "fab": 3}
    assert inputs == [(3, "gallium")]
    for row, field, value in BROKEN_NODES:
        data = copy.deepcopy(NODES)
        data["nodes"][row][field] = value
        assert checked(data, bulk=False)[0], (row, field, value)
        assert checked(data, bulk=True) == checked(data, bulk=False), (row, field, value)


def load_errors(folder: Path) -> str:
    """The error of loading ``folder``, which must be the same with and without the bulk path."""
    messages = []
    for n in (0, 10**9):
        with bulk_from(n), pytest.raises(DataError) as caught:
            graph.load(folder)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    return messages[0]


def test_tables_with_a_broken_node_rule_fail_the_same_either_way(tmp_path):
    pd = pytest.importorskip("pandas")
    shutil.copytree(FIXTURES / "example-tables", tmp_path / "good")
    nodes = pd.read_csv(tmp_path / "good" / "nodes.csv", dtype=str, keep_default_na=False)
    cases = [
        ("value", "-1", "nodes.csv:8:6: error: value -1.0 is negative"),
        ("stockpile_days", "-2", "stockpile_days -2.0 is negative"),
        ("country", "nowhere", "country 'nowhere' names no node"),
    ]
    for column, value, expected in cases:
        folder = tmp_path / column
        shutil.copytree(tmp_path / "good", folder)
        broken = nodes.copy()
        broken.loc[len(broken) - 1, column] = value
        broken.to_csv(folder / "nodes.csv", index=False)
        assert expected in load_errors(folder)
    # A group named like a commodity is located at the commodity's first node
    # (gallium on line 5, not chn-gallium on line 6).
    folder = tmp_path / "group"
    shutil.copytree(tmp_path / "good", folder)
    (folder / "groups.csv").write_text("group,member\ngallium,light-rare-earths\n")
    assert f"has the name of a commodity (at {folder / 'nodes.csv'}:5:1)" in load_errors(folder)


def test_a_total_at_the_limit_is_added_like_the_row_walk_adds():
    # 0.5 + 0.5 + 1e-6 is exactly the limit 1 + 1e-6 once added in file order
    # (allowed); a millionth more is over it (a problem).
    data = {
        "nodes": [
            {"id": "a", "kind": "mineral", "commodity": "x"},
            {"id": "b", "kind": "mineral", "commodity": "x"},
            {"id": "c", "kind": "mineral", "commodity": "x"},
            {"id": "fab", "kind": "industry"},
        ],
        "edges": [
            {"from": "a", "to": "fab", "share": 0.5},
            {"from": "b", "to": "fab", "share": 0.5},
            {"from": "c", "to": "fab", "share": 1e-6},
        ],
    }
    assert bulk_answer(data) is not None
    assert checked(data, bulk=False)[0] == []
    assert checked(data, bulk=True) == checked(data, bulk=False)
    data["edges"][2]["share"] = 2e-6
    assert bulk_answer(data) is None
    assert "add up to 1.000002 (from a 0.5, b 0.5, c 2e-06)" in checked(data, bulk=False)[0][0]
    assert checked(data, bulk=True) == checked(data, bulk=False)


def test_tables_load_the_same_graph_either_way(tmp_path, monkeypatch):
    pd = pytest.importorskip("pandas")
    shutil.copytree(FIXTURES / "example-tables", tmp_path, dirs_exist_ok=True)
    edges = pd.read_csv(tmp_path / "edges.csv", dtype=str, keep_default_na=False)
    edges.drop(columns="range").to_csv(tmp_path / "edges.csv", index=False)
    answers = []

    def spy(*args):
        answers.append(clean_edges(*args))
        return answers[-1]

    monkeypatch.setattr(graph.bulk, "clean_edges", spy)
    with bulk_from(0):
        fast = graph.load(tmp_path)
    with bulk_from(10**9):
        slow = graph.load(tmp_path)
    assert len(answers) == 1 and answers[0] is not None  # the bulk path was taken once
    assert list(fast.edges(keys=True, data=True)) == list(slow.edges(keys=True, data=True))
    assert fast.graph["commodities"] == slow.graph["commodities"]


def test_tables_with_second_edition_fields_fail_the_same_either_way(tmp_path):
    (tmp_path / "nodes.csv").write_text(
        "id,kind,wgi,price\nchn,country,0.5,\ngallium,mineral,,250\nsemis,industry,,\n"
    )
    edges = "from,to,share,spare,ramp_days,quantity\nchn,gallium,0,0.3,10,5\n"
    (tmp_path / "edges.csv").write_text(edges + "gallium,semis,0.5,,,\n")
    for n in (0, 10**9):  # valid: a share of 0 with spare
        with bulk_from(n):
            assert graph.load(tmp_path).edges["chn", "gallium", "gallium"]["spare"] == 0.3
    (tmp_path / "edges.csv").write_text(edges + "gallium,semis,0,,4,\n")
    assert load_errors(tmp_path) == (
        f"{tmp_path / 'edges.csv'}:3:3: error: share 0.0 is out of range: a supplies share is the "
        "fraction 0 < share <= 1 of the consumer's use that comes from this supplier"
    )
