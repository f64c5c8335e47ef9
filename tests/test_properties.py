"""Properties the engine's answers must have on any dataset (hypothesis).

Availability stays in [0, 1]; nothing happens without a restriction or a
removal; more pressure never helps; the timeline settles on the steady state;
more stock never brings an impact forward; and the answer does not depend on
what the nodes are called or in which order the data lists them.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import edge_keeps, input_gaps, input_parameters, suppliers_by_commodity
from strategies import cases, datasets, restrictions
from test_agreement import engine_run

import analysis
import graph

TOLERANCE = 1e-9
HORIZON = 80

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def approx(expected: Any) -> Any:
    return pytest.approx(expected, abs=TOLERANCE)


def run(data: dict, scenario: dict, horizon: int = HORIZON) -> dict[str, dict[str, Any]]:
    return engine_run(graph.from_dict(data), scenario, horizon)


def assert_no_higher(after: dict, before: dict) -> None:
    """No node's availability rose, in the steady state or on any day."""
    for node, a in after["steady"].items():
        assert a <= before["steady"][node] + TOLERANCE, node
        for day, (new, old) in enumerate(zip(after["timeline"][node],
                                             before["timeline"][node], strict=True)):  # fmt: skip
            assert new <= old + TOLERANCE, (node, day)


@PROPERTY
@given(case=cases())
def test_availability_stays_between_0_and_1(case):
    out = run(*case)
    for node, a in out["steady"].items():
        assert -TOLERANCE <= a <= 1 + TOLERANCE, node
        assert all(-TOLERANCE <= x <= 1 + TOLERANCE for x in out["timeline"][node]), node


@PROPERTY
@given(data=datasets(cycles=True) | datasets(cycles=False))
def test_no_restriction_and_no_removal_means_no_impact(data):
    G = graph.from_dict(data)
    res = analysis.what_if(G, [], horizon=HORIZON)
    assert len(res.impacts) == 0
    assert res.summary["nodes_hit"] == 0
    assert all(abs(1 - float(a)) <= TOLERANCE for a in res.availability)
    assert all(abs(float(x)) <= TOLERANCE for x in res.timeline.to_numpy().ravel())


@PROPERTY
@given(case=cases(), extra=st.data())
def test_raising_a_severity_never_raises_availability(case, extra):
    data, scenario = case
    if not scenario["restrictions"]:
        scenario = {**scenario, "restrictions": [extra.draw(restrictions(data))]}
    i = extra.draw(st.integers(0, len(scenario["restrictions"]) - 1))
    old = scenario["restrictions"][i]
    new_severity = extra.draw(st.integers(round(old["severity"] * 100), 100)) / 100
    harder = [dict(r) for r in scenario["restrictions"]]
    harder[i]["severity"] = new_severity
    assert_no_higher(run(data, {**scenario, "restrictions": harder}), run(data, scenario))


@PROPERTY
@given(case=cases(), extra=st.data())
def test_adding_a_restriction_never_raises_availability(case, extra):
    data, scenario = case
    more = [*scenario["restrictions"], extra.draw(restrictions(data))]
    assert_no_higher(run(data, {**scenario, "restrictions": more}), run(data, scenario))


@PROPERTY
@given(case=cases(), extra=st.data())
def test_removing_a_node_never_raises_availability(case, extra):
    data, scenario = case
    node = extra.draw(st.sampled_from([n["id"] for n in data["nodes"]]))
    removed = sorted({*scenario["removed"], node})
    assert_no_higher(run(data, {**scenario, "removed": removed}), run(data, scenario))


# ---------------------------------------------------------------------------
# The timeline settles on the steady state
# ---------------------------------------------------------------------------

LONGEST_HORIZON = 3000


def settling_days(G: nx.MultiDiGraph, scenario: dict, steady: dict[str, float]) -> dict[str, int]:
    """A day from which each node of a DAG must sit at its steady state.

    Once every restriction acts and a node's suppliers are steady, each input
    with a steady gap g > 0 draws g a day, so a stock of D days is spent
    within ceil(D / g) days; inputs with no steady gap never have one (every
    day's gap is at most the steady gap). Worked out upstream first.
    """
    keeps = edge_keeps(G, scenario["restrictions"], day=None)
    suppliers = suppliers_by_commodity(G)
    params = {(v, c): input_parameters(G, v, c) for v in G.nodes for c in suppliers[v]}
    last_start = max((r["start_day"] for r in scenario["restrictions"]), default=0)
    settled: dict[str, int] = {}
    for node in nx.topological_sort(nx.DiGraph(G.edges())):
        if node in scenario["removed"]:
            settled[node] = 0
            continue
        start = max([last_start, *(settled[u] for u in G.predecessors(node))])
        spend = 0
        for commodity, gap in input_gaps(node, steady, suppliers, keeps, params).items():
            stock = params[(node, commodity)][2]
            if gap > 0 and stock > 0:
                spend = max(spend, math.ceil(stock / gap) if stock / gap < 1e9 else 10**9)
        settled[node] = start + spend + 2  # +2: the day the stock runs out, and rounding
    for node in G.nodes:
        settled.setdefault(node, last_start)  # isolated nodes
    return settled


@PROPERTY
@given(case=cases(cycles=False))
def test_timeline_settles_on_the_steady_state(case):
    data, scenario = case
    G = graph.from_dict(data)
    steady = engine_run(G, scenario, 0)["steady"]
    settled = settling_days(G, scenario, steady)
    horizon = min(max(settled.values()), LONGEST_HORIZON)
    out = engine_run(G, scenario, horizon)
    for node, day in settled.items():
        if day <= horizon:
            assert out["timeline"][node][-1] == approx(out["steady"][node]), node


@PROPERTY
@given(case=cases())
def test_without_stocks_the_timeline_is_steady_once_all_restrictions_act(case):
    data, scenario = case
    data = {**data, "nodes": [_without_stocks(n) for n in data["nodes"]]}
    last_start = max((r["start_day"] for r in scenario["restrictions"]), default=0)
    out = run(data, scenario, last_start + 2)
    for node, a in out["steady"].items():
        assert out["timeline"][node][last_start:] == approx([a] * 3), node


def _without_stocks(node: dict) -> dict:
    node = {k: v for k, v in node.items() if k != "stockpile_days"}
    if "inputs" in node:
        node["inputs"] = {c: {k: v for k, v in spec.items() if k != "stockpile_days"}
                          for c, spec in node["inputs"].items()}  # fmt: skip
    return node


# ---------------------------------------------------------------------------
# More stock never brings an impact forward
# ---------------------------------------------------------------------------


@PROPERTY
@given(case=cases(), extra=st.data())
def test_days_to_impact_never_falls_when_a_stock_grows(case, extra):
    data, scenario = case
    consumers = sorted({e["to"] for e in data["edges"] if e.get("kind") != "controls"})
    if not consumers:
        return
    target = extra.draw(st.sampled_from(consumers))
    more = extra.draw(st.integers(1, 60))
    nodes = []
    for node in data["nodes"]:
        if node["id"] == target:
            node = {**node, "stockpile_days": node.get("stockpile_days", 0) + more}
            node["inputs"] = {
                c: {**spec, "stockpile_days": spec["stockpile_days"] + more}
                if "stockpile_days" in spec else spec
                for c, spec in node.get("inputs", {}).items()
            }  # fmt: skip
        nodes.append(node)
    before = run(data, scenario)
    after = run({**data, "nodes": nodes}, scenario)
    for node, day in before["days_to_impact"].items():
        later = after["days_to_impact"][node]
        if day is None:
            assert later is None, node
        else:
            assert later is None or later >= day, node
    # Stock only ever helps, day by day.
    assert_no_higher(before, after)


# ---------------------------------------------------------------------------
# Names and order do not matter
# ---------------------------------------------------------------------------


def _names(data: dict) -> list[str]:
    names = {n["id"] for n in data["nodes"]} | set(data["groups"])
    names |= {n["commodity"] for n in data["nodes"] if "commodity" in n}
    return sorted(names)


def rename(data: dict, scenario: dict, new: dict[str, str]) -> tuple[dict, dict]:
    """The same dataset and scenario with every id, commodity and group renamed."""
    nodes = []
    for node in data["nodes"]:
        node = dict(node)
        node["id"] = new[node["id"]]
        for field in ("country", "commodity"):
            if field in node:
                node[field] = new[node[field]]
        if "inputs" in node:
            node["inputs"] = {new[c]: spec for c, spec in node["inputs"].items()}
        nodes.append(node)
    edges = [{**e, "from": new[e["from"]], "to": new[e["to"]]} for e in data["edges"]]
    groups = {new[g]: [new[c] for c in members] for g, members in data["groups"].items()}
    renamed = [
        {**r, "by": new[r["by"]],
         "commodities": [c if c == "all" else new[c] for c in r["commodities"]],
         "to": None if r["to"] is None else [new[c] for c in r["to"]]}
        for r in scenario["restrictions"]
    ]  # fmt: skip
    return (
        {**data, "nodes": nodes, "edges": edges, "groups": groups},
        {"restrictions": renamed, "removed": [new[n] for n in scenario["removed"]]},
    )


@PROPERTY
@given(case=cases(), extra=st.data())
def test_renaming_nodes_changes_nothing(case, extra):
    data, scenario = case
    names = _names(data)
    # A renaming that scrambles the sort order of the names.
    order = extra.draw(st.permutations(range(len(names))))
    new = {name: f"x{k:03d}" for name, k in zip(names, order, strict=True)}
    before = run(data, scenario)
    after = run(*rename(data, scenario, new))
    for node in before["steady"]:
        renamed = new[node]
        assert after["steady"][renamed] == approx(before["steady"][node]), node
        assert after["timeline"][renamed] == approx(before["timeline"][node]), node
        assert after["days_to_impact"][renamed] == before["days_to_impact"][node], node
        if before["value_at_risk"][node] is not None:
            scale = max(1.0, before["value_at_risk"][node])
            assert abs(after["value_at_risk"][renamed] - before["value_at_risk"][node]) <= (
                TOLERANCE * scale
            ), node
        # The `via` chain may differ through tie-breaks by name; its end is the node.
        if node in before["via"]:
            assert after["via"][renamed][-1] == renamed


@PROPERTY
@given(case=cases(), extra=st.data())
def test_shuffling_the_lists_changes_nothing(case, extra):
    data, scenario = case
    shuffled = {
        **data,
        "nodes": extra.draw(st.permutations(data["nodes"])),
        "edges": extra.draw(st.permutations(data["edges"])),
        "groups": {g: extra.draw(st.permutations(m)) for g, m in reversed(data["groups"].items())},
    }
    before = run(data, scenario)
    after = run(shuffled, scenario)
    for node in before["steady"]:
        assert after["steady"][node] == approx(before["steady"][node]), node
        assert after["timeline"][node] == approx(before["timeline"][node]), node
        assert after["days_to_impact"][node] == before["days_to_impact"][node], node
        assert after["via"].get(node) == before["via"].get(node), node


# ---------------------------------------------------------------------------
# Second edition: alternatives only help, a window only helps
# ---------------------------------------------------------------------------
# In the long run always. Day by day only where alternatives ramp at once
# (ramp_days 0): otherwise more supply upstream can put off an input's first
# lost day t0, and with it the ramp of that input's own alternatives, which
# can leave it shorter on a later day.


def _full(data: dict, scenario: dict) -> dict[str, Any]:
    from test_agreement import engine_full

    return engine_full(graph.from_dict(data), scenario, HORIZON)


def _instant_ramps(data: dict) -> dict:
    edges = [{**e, "ramp_days": 0.0} if e.get("spare") else e for e in data["edges"]]
    return {**data, "edges": edges}


@PROPERTY
@given(case=cases(second_edition=True), extra=st.data())
def test_more_spare_never_lowers_availability(case, extra):
    data, scenario = case
    supplies = [i for i, e in enumerate(data["edges"]) if e.get("kind") != "controls"]
    if not supplies:
        return
    i = extra.draw(st.sampled_from(supplies))
    edges = [dict(e) for e in data["edges"]]
    edges[i]["spare"] = min(
        1.0, edges[i].get("spare", 0.0) + extra.draw(st.sampled_from([0.1, 0.5]))
    )
    more = {**data, "edges": edges}
    before, after = _full(data, scenario), _full(more, scenario)
    for node in before["steady"]:
        assert after["steady"][node] >= before["steady"][node] - TOLERANCE, node
    assert_no_higher(_full(_instant_ramps(data), scenario), _full(_instant_ramps(more), scenario))


@PROPERTY
@given(case=cases(second_edition=True), extra=st.data())
def test_ending_a_restriction_never_lowers_availability_nor_changes_the_long_run(case, extra):
    data, scenario = case
    if not scenario["restrictions"]:
        return
    i = extra.draw(st.integers(0, len(scenario["restrictions"]) - 1))
    restrictions = [dict(r) for r in scenario["restrictions"]]
    start, end = restrictions[i]["start_day"], restrictions[i]["end_day"]
    latest = end if end is not None else HORIZON + 2
    if latest - start < 2:
        return
    restrictions[i]["end_day"] = extra.draw(st.integers(start + 1, latest - 1))
    shorter = {**scenario, "restrictions": restrictions}
    assert _full(data, shorter)["steady"] == _full(data, scenario)["steady"]
    instant = _instant_ramps(data)
    assert_no_higher(_full(instant, scenario), _full(instant, shorter))
