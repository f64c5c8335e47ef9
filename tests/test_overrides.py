"""Overrides: ``set:`` and ``--set`` change a copy of the data, checked by the dataset's rules."""

from __future__ import annotations

import pytest
from helpers import dataset

import analysis
from analysis.engine import compile_graph, run
from analysis.overrides import Change, apply_overrides, change_from_mapping, parse_set
from graph.errors import DataError, ScenarioError

DATA = """
nodes:
  - {id: chn, kind: country}
  - {id: aus, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ree, kind: refiner, country: chn, commodity: ree}
  - {id: au-ree, kind: refiner, country: aus, commodity: ree}
  - {id: recycler, kind: refiner, country: jpn, commodity: ree}
  - id: magnets
    kind: component
    country: jpn
    inputs: {ree: {dependence: 0.5}}
edges:
  - {from: cn-ree, to: magnets, share: 0.6}
  - {from: au-ree, to: magnets, share: 0.3}
"""


@pytest.fixture
def G():
    return dataset(DATA, path="data.yaml")


def test_parse_set_forms():
    assert parse_set("magnets:value=4.5e11") == Change(
        node="magnets", values=(("value", 4.5e11),), origin="magnets:value=4.5e11"
    )
    assert parse_set("magnets:ree:stockpile_days=180").to_dict() == {
        "node": "magnets",
        "input": "ree",
        "stockpile_days": 180,
    }
    assert parse_set("au-ree->magnets:spare=0.2").to_dict() == {
        "edge": ["au-ree", "magnets"],
        "spare": 0.2,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("magnets", "write NODE:FIELD=VALUE"),
        ("magnets:value", "write NODE:FIELD=VALUE"),
        ("magnets:colour=red", "unknown field 'colour' for a node"),
        ("magnets:ree:share=0.5", "unknown field 'share' for an input"),
        ("a->:spare=0.1", "an edge is written FROM->TO"),
        ("au-ree->magnets:dependence=0.1", "unknown field 'dependence' for an edge"),
    ],
)
def test_parse_set_errors_name_the_argument(text, message):
    with pytest.raises(ScenarioError) as info:
        parse_set(text)
    assert str(info.value).startswith(f"--set {text!r}: ")
    assert message in str(info.value)


def test_the_copy_changes_and_the_graph_does_not(G):
    changes = [
        parse_set("magnets:ree:dependence=0.8"),
        parse_set("au-ree->magnets:spare=0.1"),
        parse_set("magnets:value=2e9"),
    ]
    H = apply_overrides(G, changes)
    assert H.nodes["magnets"]["inputs"]["ree"]["dependence"] == 0.8
    assert H.edges["au-ree", "magnets", "ree"]["spare"] == 0.1
    assert H.nodes["magnets"]["value"] == 2e9
    assert G.nodes["magnets"]["inputs"]["ree"]["dependence"] == 0.5
    assert G.edges["au-ree", "magnets", "ree"]["spare"] is None
    assert G.nodes["magnets"]["value"] is None
    # where each record was written, and the changes, are kept
    assert H.nodes["magnets"]["where"] == G.nodes["magnets"]["where"]
    assert H.graph["overrides"][0] == {"node": "magnets", "input": "ree", "dependence": 0.8}


def test_a_new_edge_is_an_alternative_with_share_0(G):
    H = apply_overrides(G, [parse_set("recycler->magnets:spare=0.2")])
    edge = H.edges["recycler", "magnets", "ree"]
    assert (edge["share"], edge["spare"]) == (0.0, 0.2)
    # China cuts 0.6; the recycler (spare 0.2, ramp 0) adds 0.2 from day 0:
    # gap 0.6 - 0.2 = 0.4, shortfall 0.5 * 0.4 = 0.2
    r = run(
        compile_graph(H), analysis.Scenario(restrictions=(analysis.Restriction("chn", ("ree",)),))
    )
    assert 1 - r.steady[compile_graph(H).index["magnets"]] == pytest.approx(0.2, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("au-ree->magnets:spare=1.5", "spare 1.5 is out of range"),
        ("au-ree->magnets:share=0.5", "add up to 1.1"),
        ("magnets:ree:dependence=2", "dependence 2 is out of range"),
        ("au-ree->magnets:ramp_days=-1", "ramp_days -1 is negative: it must be >= 0"),
        ("magnet:value=1", "unknown node 'magnet' (did you mean 'magnets'?)"),
        ("magnets:gallium:dependence=0.5", "magnets has no input 'gallium'; its inputs: ree"),
        ("magnets:value=-5", "value -5"),
    ],
)
def test_changes_that_break_a_rule_name_the_set_argument(G, text, message):
    with pytest.raises(ScenarioError) as info:
        apply_overrides(G, [parse_set("magnets:value=1e9"), parse_set(text)])
    assert str(info.value).startswith(f"--set {text!r}: ")
    assert message in str(info.value)


def test_scenario_changes_point_at_their_line(G):
    change = change_from_mapping({"edge": ["au-ree", "magnets"], "spare": 2}, ("s.yaml", 7, 5))
    with pytest.raises(DataError) as info:
        apply_overrides(G, [change])
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.col) == ("s.yaml", 7, 5)
    assert "spare 2 is out of range" in problem.message


def test_no_changes_is_the_graph_itself(G):
    assert apply_overrides(G, []) is G


def test_bundled_alternatives_scenario_worked_by_hand():
    import graph
    from analysis.scenario import load_scenario

    G = graph.load()
    scenario = load_scenario("2026-heavy-rare-earths-alternatives").resolve(G)
    H = apply_overrides(G, scenario.overrides)
    C = compile_graph(H)
    r = run(C, scenario)
    col = list(r.affected).index(C.index["jp-ndfeb-magnets"])
    # Heavy rare earths: China 0.9 cut; Lynas 0.1 + spare 0.2 over 365 days; and
    # the data's motor recycling, share 0 + spare 0.05 over 1826 days.
    # Long run: gap 0.9 - 0.2 - 0.05 = 0.65, dependence 0.5: shortfall 0.325.
    assert 1 - r.steady[C.index["jp-ndfeb-magnets"]] == pytest.approx(0.325, abs=1e-12)
    # Day t: gap 0.9 - k t, k = 0.2 / 365 + 0.05 / 1826. 42 days of stock: days
    # 0..46 draw 0.9 * 47 - k * (46 * 47 / 2) = 41.678, day 47 has 0.322 for 0.873.
    k = 0.2 / 365 + 0.05 / 1826
    assert 0.9 * 47 - k * 46 * 47 / 2 < 42 < 0.9 * 48 - k * 47 * 48 / 2
    assert r.days_to_impact[col] == 47
    # day 48: 0.5 * (0.9 - 48 k) = 0.43619..., the peak
    assert r.days_to_peak[col] == 48
    assert r.peak_shortfall[col] == pytest.approx(0.5 * (0.9 - 48 * k), abs=1e-12)
    # the scenario pins the data's own estimates (seeds/rare-earths.yaml), on a copy
    assert H is not G
    lynas = G.edges["lynas", "jp-ndfeb-magnets", "heavy-rare-earths"]
    assert (lynas["share"], lynas["spare"], lynas["ramp_days"]) == (0.1, 0.2, 365)


RANGED = DATA.replace(
    "inputs: {ree: {dependence: 0.5}}",
    "inputs: {ree: {dependence: 0.5, stockpile_days: 10, stockpile_days_range: [0, 42]}}",
).replace(
    "{from: cn-ree, to: magnets, share: 0.6}",
    "{from: cn-ree, to: magnets, share: 0.6, range: [0.5, 0.7]}",
)


def _input(H):
    return H.nodes["magnets"]["inputs"]["ree"]


def test_a_value_set_outside_its_range_drops_the_range():
    # DESIGN's own example, 180 days of stock, against data whose range stops at 42.
    H = apply_overrides(dataset(RANGED), [parse_set("magnets:ree:stockpile_days=180")])
    assert _input(H)["stockpile_days"] == 180
    assert _input(H).get("stockpile_days_range") is None
    H = apply_overrides(dataset(RANGED), [parse_set("cn-ree->magnets:share=0.2")])
    assert H.edges["cn-ree", "magnets", "ree"]["share"] == 0.2
    assert H.edges["cn-ree", "magnets", "ree"].get("range") is None


def test_a_value_set_inside_its_range_keeps_it():
    H = apply_overrides(dataset(RANGED), [parse_set("magnets:ree:stockpile_days=30")])
    assert _input(H)["stockpile_days"] == 30
    assert tuple(_input(H)["stockpile_days_range"]) == (0, 42)
