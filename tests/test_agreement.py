"""The engine agrees with the plain reference model (``tests/reference.py``) to 1e-9.

First the reference itself is checked against numbers worked out by hand
(DESIGN.md's two examples and one small graph per rule of the model); then
the engine is compared with it, node by node, on the same hand-made graphs
and on random ones (DAGs and graphs with cycles).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from reference import AFFECTED, graph_from_mapping, reference_run
from strategies import cases

import analysis
import graph

TOLERANCE = 1e-9


# ---------------------------------------------------------------------------
# Reference sanity: DESIGN.md's worked examples, by hand
# ---------------------------------------------------------------------------

DESIGN_EXAMPLE = {
    "sources": [
        {"id": "shu-biquan-2025", "title": "Japan's critical minerals strategy"},
        {"id": "lu-yi-2026", "title": "Japan's lost fourth decade"},
    ],
    "groups": {},
    "nodes": [
        {"id": "chn", "kind": "country", "name": "China"},
        {"id": "jpn", "kind": "country", "name": "Japan"},
        {"id": "kaz", "kind": "country", "name": "Kazakhstan"},
        {"id": "gallium", "kind": "mineral", "name": "Primary gallium (world supply)"},
        {"id": "chn-gallium", "kind": "refiner", "country": "chn", "commodity": "gallium"},
        {"id": "kz-ree-mine", "kind": "mineral", "country": "kaz",
         "commodity": "light-rare-earths"},
        {"id": "jp-compound-semis", "kind": "industry", "country": "jpn", "value": 4.0e10,
         "inputs": {"gallium": {"dependence": 0.8, "substitutable": 0.05,
                                "stockpile_days": 42}}},
    ],
    "edges": [
        {"from": "chn", "to": "gallium", "share": 0.98, "source": "shu-biquan-2025"},
        {"from": "gallium", "to": "jp-compound-semis", "share": 0.58, "source": "lu-yi-2026"},
        {"from": "chn-gallium", "to": "jp-compound-semis", "share": 0.42,
         "source": "lu-yi-2026", "range": [0.40, 0.42]},
        {"from": "chn", "to": "kz-ree-mine", "kind": "controls", "share": 0.5},
    ],
}  # fmt: skip
DESIGN_SCENARIO = {
    "restrictions": [{"by": "chn", "commodities": ["gallium"], "to": ["jpn"], "severity": 1.0,
                      "start_day": 0}],
    "removed": [],
}  # fmt: skip


def test_reference_design_example():
    # chn -> gallium is untouched: `to` is given and the mineral node has no
    # country. gallium -> jp is not cut: gallium is not controlled by chn.
    # chn-gallium -> jp is cut (keep 0): gallium gap = 0.42, times (1 - 0.05)
    # = 0.399; shortfall = 0.8 * 0.399 = 0.3192.
    out = reference_run(graph_from_mapping(DESIGN_EXAMPLE), DESIGN_SCENARIO["restrictions"])
    assert 1 - out["steady"]["jp-compound-semis"] == pytest.approx(0.3192, abs=1e-12)
    # 42 days of stock at 0.399 a day: 105 * 0.399 = 41.895 <= 42 covers days
    # 0..104; day 105 has 0.105 left, uncovered 0.294, shortfall 0.8 * 0.294.
    assert out["days_to_impact"]["jp-compound-semis"] == 105
    assert 1 - out["timeline"]["jp-compound-semis"][104] == 0.0
    assert 1 - out["timeline"]["jp-compound-semis"][105] == pytest.approx(0.2352, abs=1e-12)
    assert out["value_at_risk"]["jp-compound-semis"] == pytest.approx(1.2768e10, rel=1e-12)
    assert out["via"]["jp-compound-semis"] == ["chn-gallium", "jp-compound-semis"]
    # Nothing else is hit.
    assert [n for n, a in out["steady"].items() if a < 1 - AFFECTED] == ["jp-compound-semis"]


def test_reference_stock_example():
    # One input, share 0.3, fully cut on day 0, 10 days of stock: 33 * 0.3 =
    # 9.9 covers days 0..32; day 33 has 0.1 left for a gap of 0.3.
    data = {
        "nodes": [
            {"id": "c0", "kind": "country"},
            {"id": "c1", "kind": "country"},
            {"id": "r0", "kind": "refiner", "country": "c0"},
            {"id": "i0", "kind": "industry", "country": "c1", "stockpile_days": 10},
        ],
        "edges": [{"from": "r0", "to": "i0", "share": 0.3}],
    }
    out = reference_run(graph_from_mapping(data), [{"by": "c0", "commodities": ["all"]}],
                        horizon=40)  # fmt: skip
    assert out["days_to_impact"]["i0"] == 33
    assert 1 - out["timeline"]["i0"][32] == 0.0
    assert 1 - out["timeline"]["i0"][33] == pytest.approx(0.2, abs=1e-12)
    assert 1 - out["timeline"]["i0"][34] == pytest.approx(0.3, abs=1e-12)
    assert 1 - out["steady"]["i0"] == pytest.approx(0.3, abs=1e-12)


# ---------------------------------------------------------------------------
# Hand-made graphs: the expected numbers are worked out in the comments
# ---------------------------------------------------------------------------


def _countries(*ids: str) -> list[dict]:
    return [{"id": c, "kind": "country"} for c in ids]


def _r(by: str, commodities: list[str], **options: Any) -> dict:
    return {"by": by, "commodities": commodities, "to": None, "severity": 1.0, "start_day": 0,
            **options}  # fmt: skip


# Each case: dataset, scenario, horizon, and per node (steady shortfall, days to
# impact, via) worked out by hand; nodes not listed are unaffected.
HAND_CASES: dict[str, tuple[dict, dict, int, dict]] = {
    # c0 -(0.5)-> m0 -(1.0)-> r0 [5 days of stock] -(0.6)-> i0 [dependence 0.5].
    # m0 loses 0.5. r0: gap 0.5, stock covers days 0..9 (10 * 0.5 = 5), hit
    # day 10. i0: gap 0.6 * 0.5 = 0.3, shortfall 0.5 * 0.3 = 0.15 from day 10.
    "chain": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner", "stockpile_days": 5},
                   {"id": "i0", "kind": "industry", "inputs": {"r0": {"dependence": 0.5}}}],
         "edges": [{"from": "c0", "to": "m0", "share": 0.5},
                   {"from": "m0", "to": "r0", "share": 1.0},
                   {"from": "r0", "to": "i0", "share": 0.6}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        30,
        {"m0": (0.5, 0, ["c0", "m0"]),
         "r0": (0.5, 10, ["c0", "m0", "r0"]),
         "i0": (0.15, 10, ["c0", "m0", "r0", "i0"])},
    ),
    # c0 -(1.0)-> m0 at severity 0.5: m0 loses 0.5. r0 takes 0.5 of m0: loses
    # 0.25; r1 takes 0.8: loses 0.4. i0 needs r0 (0.4 of it, dependence 1):
    # 1 * 0.4 * 0.25 = 0.1, and r1 (0.5 of it, dependence 0.6): 0.6 * 0.5 *
    # 0.4 = 0.12. The worst input, r1, binds: shortfall 0.12.
    "diamond": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner"},
                   {"id": "r1", "kind": "refiner"},
                   {"id": "i0", "kind": "industry", "inputs": {"r1": {"dependence": 0.6}}}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "m0", "to": "r0", "share": 0.5},
                   {"from": "m0", "to": "r1", "share": 0.8},
                   {"from": "r0", "to": "i0", "share": 0.4},
                   {"from": "r1", "to": "i0", "share": 0.5}]},
        {"restrictions": [_r("c0", ["m0"], severity=0.5)], "removed": []},
        5,
        {"m0": (0.5, 0, ["c0", "m0"]),
         "r0": (0.25, 0, ["c0", "m0", "r0"]),
         "r1": (0.4, 0, ["c0", "m0", "r1"]),
         "i0": (0.12, 0, ["c0", "m0", "r1", "i0"])},
    ),
    # m0 is fully cut (a = 0). r0 gets m0 from m0 (0.3) and from r1 (0.6), and
    # r1 needs r0 (1.0): a(r1) = a(r0) = a, a = 1 - 0.3 - 0.6 (1 - a), so
    # 0.4 a = 0.1, a = 0.25. r0's lost flows: m0 0.3, r1 0.6 * 0.75 = 0.45, so
    # r0's chain runs into the cycle and stops before visiting r0 twice.
    # i0 takes 0.5 of r1: shortfall 0.5 * 0.75 = 0.375. r0 holds 3 days of
    # stock: a gap of 0.3 a day (the cycle is whole while r0 covers) lasts
    # days 0..9; everything in the cycle is hit on day 10.
    "cycle": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner", "stockpile_days": 3},
                   {"id": "r1", "kind": "refiner", "commodity": "m0"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "m0", "to": "r0", "share": 0.3},
                   {"from": "r1", "to": "r0", "share": 0.6},
                   {"from": "r0", "to": "r1", "share": 1.0},
                   {"from": "r1", "to": "i0", "share": 0.5}]},
        {"restrictions": [_r("c0", ["m0"])], "removed": []},
        20,
        {"m0": (1.0, 0, ["c0", "m0"]),
         "r0": (0.75, 10, ["r1", "r0"]),
         "r1": (0.75, 10, ["r0", "r1"]),
         "i0": (0.375, 10, ["r0", "r1", "i0"])},
    ),
    # Two restrictions on c0 -> m0 (share 0.8): 0.5 from day 0 and 0.5 from day
    # 5 keep 0.5 * 0.5 = 0.25 together. Steady gap 0.8 * 0.75 = 0.6. Days
    # 0..4 only the first acts: shortfall 0.8 * 0.5 = 0.4.
    "two restrictions on one edge": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "c0", "to": "m0", "share": 0.8},
                   {"from": "m0", "to": "i0", "share": 1.0}]},
        {"restrictions": [_r("c0", ["m0"], severity=0.5),
                          _r("c0", ["all"], severity=0.5, start_day=5)], "removed": []},
        10,
        {"m0": (0.6, 0, ["c0", "m0"]), "i0": (0.6, 0, ["c0", "m0", "i0"])},
    ),
    # The group ree = {m0, m1} is restricted, m2 is not. m0 loses 1.0, m1 0.5.
    # i0 takes 0.5 of m0 and all of m1: both gaps are 0.5, a tie broken by
    # commodity name: m0 binds.
    "group": (
        {"groups": {"ree": ["m0", "m1"]},
         "nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "m1", "kind": "mineral"},
                   {"id": "m2", "kind": "mineral"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "c0", "to": "m1", "share": 0.5},
                   {"from": "c0", "to": "m2", "share": 1.0},
                   {"from": "m0", "to": "i0", "share": 0.5},
                   {"from": "m1", "to": "i0", "share": 1.0},
                   {"from": "m2", "to": "i0", "share": 1.0}]},
        {"restrictions": [_r("c0", ["ree"])], "removed": []},
        3,
        {"m0": (1.0, 0, ["c0", "m0"]), "m1": (0.5, 0, ["c0", "m1"]),
         "i0": (0.5, 0, ["c0", "m0", "i0"])},
    ),
    # r0 (in c0) refines m0. `to: [c1]`: only r0 -> i0 is cut (i0 is in c1).
    # c0 -> m0 is untouched (m0 has no country), i1 is in c2, i2 has no
    # country, i3 is in c0.
    "to": (
        {"nodes": [*_countries("c0", "c1", "c2"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner", "country": "c0", "commodity": "m0"},
                   {"id": "i0", "kind": "industry", "country": "c1"},
                   {"id": "i1", "kind": "industry", "country": "c2"},
                   {"id": "i2", "kind": "industry"},
                   {"id": "i3", "kind": "industry", "country": "c0"}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "m0", "to": "r0", "share": 0.5},
                   *[{"from": "r0", "to": i, "share": 0.6} for i in ("i0", "i1", "i2", "i3")]]},
        {"restrictions": [_r("c0", ["m0"], to=["c1"])], "removed": []},
        3,
        {"i0": (0.6, 0, ["r0", "i0"])},
    ),
    # The same graph without `to`: c0 -> m0 is cut (m0 has no country): m0
    # loses all, r0 (in c0, edge not cut) 0.5. r0 -> i0, i1, i2 are cut:
    # lost 0.6 * (1 - 0.5 * 0) = 0.6. r0 -> i3 is not (i3 is in c0): 0.6 *
    # 0.5 = 0.3.
    "no to": (
        {"nodes": [*_countries("c0", "c1", "c2"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner", "country": "c0", "commodity": "m0"},
                   {"id": "i0", "kind": "industry", "country": "c1"},
                   {"id": "i1", "kind": "industry", "country": "c2"},
                   {"id": "i2", "kind": "industry"},
                   {"id": "i3", "kind": "industry", "country": "c0"}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "m0", "to": "r0", "share": 0.5},
                   *[{"from": "r0", "to": i, "share": 0.6} for i in ("i0", "i1", "i2", "i3")]]},
        {"restrictions": [_r("c0", ["m0"])], "removed": []},
        3,
        {"m0": (1.0, 0, ["c0", "m0"]),
         "r0": (0.5, 0, ["c0", "m0", "r0"]),
         **{i: (0.6, 0, ["c0", "m0", "r0", i]) for i in ("i0", "i1", "i2")},
         "i3": (0.3, 0, ["c0", "m0", "r0", "i3"])},
    ),
    # c0 controls half of r0 (located in c1); c1 also has a controls edge of
    # 0.3 to r0, but r0 is in c1, so c1 controls all of it. c0 at severity 0.8
    # keeps 1 - 0.8 * 0.5 = 0.6 on r0 -> i0; c1 at severity 0.5 keeps
    # 1 - 0.5 * 1 = 0.5. Together 0.3: i0 loses 0.7.
    "partial control": (
        {"nodes": [*_countries("c0", "c1", "c2"),
                   {"id": "r0", "kind": "refiner", "country": "c1"},
                   {"id": "i0", "kind": "industry", "country": "c2"}],
         "edges": [{"from": "r0", "to": "i0", "share": 1.0},
                   {"from": "c0", "to": "r0", "kind": "controls", "share": 0.5},
                   {"from": "c1", "to": "r0", "kind": "controls", "share": 0.3}]},
        {"restrictions": [_r("c0", ["r0"], severity=0.8), _r("c1", ["all"], severity=0.5)],
         "removed": []},
        3,
        {"i0": (0.7, 0, ["r0", "i0"])},
    ),
    # Removing c0 zeroes only c0: m0 keeps its other 0.3; r0 is located in c0
    # but goes on, with what m0 delivers.
    "remove a country": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "r0", "kind": "refiner", "country": "c0"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "c0", "to": "m0", "share": 0.7},
                   {"from": "m0", "to": "r0", "share": 1.0},
                   {"from": "r0", "to": "i0", "share": 1.0}]},
        {"restrictions": [], "removed": ["c0"]},
        3,
        {"c0": (1.0, 0, ["c0"]),
         "m0": (0.7, 0, ["c0", "m0"]),
         "r0": (0.7, 0, ["c0", "m0", "r0"]),
         "i0": (0.7, 0, ["c0", "m0", "r0", "i0"])},
    ),
    # i0 needs zz (0.1 + 0.2 from r1, r2, both cut) and aa (0.3, cut): both
    # gaps are 0.3, a tie (in floating point 0.1 + 0.2 is a hair above 0.3)
    # broken by commodity name: aa binds.
    "near tie of inputs": (
        {"nodes": [*_countries("c0"),
                   {"id": "r1", "kind": "refiner", "country": "c0", "commodity": "zz"},
                   {"id": "r2", "kind": "refiner", "country": "c0", "commodity": "zz"},
                   {"id": "aa", "kind": "refiner", "country": "c0"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "r1", "to": "i0", "share": 0.1},
                   {"from": "r2", "to": "i0", "share": 0.2},
                   {"from": "aa", "to": "i0", "share": 0.3}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        3,
        {"i0": (0.3, 0, ["aa", "i0"])},
    ),
    # i0 takes m0 from rb (in c0, 0.3, cut: lost 0.3) and ra (half controlled
    # by c0, 0.6: keep 0.5, lost 0.3). A tie of lost flows, broken by id: ra.
    "tie of suppliers": (
        {"nodes": [*_countries("c0", "c1"),
                   {"id": "ra", "kind": "refiner", "country": "c1", "commodity": "m0"},
                   {"id": "rb", "kind": "refiner", "country": "c0", "commodity": "m0"},
                   {"id": "i0", "kind": "industry", "country": "c1"}],
         "edges": [{"from": "rb", "to": "i0", "share": 0.3},
                   {"from": "ra", "to": "i0", "share": 0.6},
                   {"from": "c0", "to": "ra", "kind": "controls", "share": 0.5}]},
        {"restrictions": [_r("c0", ["m0"])], "removed": []},
        3,
        {"i0": (0.6, 0, ["ra", "i0"])},
    ),
    # A restriction from day 10: m0 is hit on day 10. i0 takes half of m0 and
    # holds 2 days: 4 days at 0.5 cover days 10..13, hit on day 14.
    "start day": (
        {"nodes": [*_countries("c0"),
                   {"id": "m0", "kind": "mineral"},
                   {"id": "i0", "kind": "industry", "stockpile_days": 2}],
         "edges": [{"from": "c0", "to": "m0", "share": 1.0},
                   {"from": "m0", "to": "i0", "share": 0.5}]},
        {"restrictions": [_r("c0", ["m0"], start_day=10)], "removed": []},
        20,
        {"m0": (1.0, 10, ["c0", "m0"]), "i0": (0.5, 14, ["c0", "m0", "i0"])},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HAND_CASES))
def test_reference_hand_case(name):
    data, scenario, horizon, expected = HAND_CASES[name]
    out = reference_run(graph_from_mapping(data), scenario["restrictions"],
                        scenario["removed"], horizon)  # fmt: skip
    affected = {n for n, a in out["steady"].items() if 1 - a > AFFECTED}
    assert affected == set(expected)
    for node, (shortfall, days, via) in expected.items():
        # 1e-10: on a cycle the sweeps stop within a few 1e-12 of the limit.
        assert 1 - out["steady"][node] == pytest.approx(shortfall, abs=1e-10), node
        assert out["days_to_impact"][node] == days, node
        assert out["via"][node] == via, node


def test_reference_hand_timelines():
    # Spot checks of the timelines worked out above.
    def timeline(name: str) -> dict[str, list[float]]:
        data, scenario, horizon, _ = HAND_CASES[name]
        return reference_run(graph_from_mapping(data), scenario["restrictions"],
                             scenario["removed"], horizon)["timeline"]  # fmt: skip

    def shortfalls(values: list[float]) -> list[float]:
        return [1 - a for a in values]

    two = timeline("two restrictions on one edge")["m0"]
    assert shortfalls(two) == pytest.approx([0.4] * 5 + [0.6] * 6, abs=1e-12)
    start = timeline("start day")
    assert shortfalls(start["i0"]) == pytest.approx([0.0] * 14 + [0.5] * 7, abs=1e-12)
    cycle = timeline("cycle")
    assert shortfalls(cycle["r0"]) == pytest.approx([0.0] * 10 + [0.75] * 11, abs=1e-10)
    assert shortfalls(cycle["i0"]) == pytest.approx([0.0] * 10 + [0.375] * 11, abs=1e-10)


# ---------------------------------------------------------------------------
# The engine against the reference
# ---------------------------------------------------------------------------


def _none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def engine_run(G, scenario: dict, horizon: int) -> dict[str, dict[str, Any]]:
    """Run the engine and put its answer in the reference's shape."""
    restrictions = [
        analysis.Restriction(r["by"], list(r["commodities"]), to=r.get("to"),
                             severity=r.get("severity", 1.0),
                             start_day=r.get("start_day", 0))
        for r in scenario["restrictions"]
    ]  # fmt: skip
    res = analysis.what_if(G, restrictions, removed=scenario["removed"], horizon=horizon)
    steady = {node: float(res.availability[node]) for node in G.nodes}
    timeline = {node: [1.0] * (horizon + 1) for node in G.nodes}
    assert list(res.timeline.index) == list(range(horizon + 1))
    for node in res.timeline.columns:
        timeline[node] = [1.0 - float(s) for s in res.timeline[node]]
    days: dict[str, int | None] = {node: None for node in G.nodes}
    via: dict[str, list[str]] = {}
    value_at_risk: dict[str, float | None] = {
        node: None if G.nodes[node]["value"] is None else 0.0 for node in G.nodes
    }
    for row in res.impacts.to_dict("records"):
        node = row["node"]
        days[node] = _none_if_missing(row["days_to_impact"])
        via[node] = list(row["via"])
        value_at_risk[node] = _none_if_missing(row["value_at_risk"])
    return {"steady": steady, "timeline": timeline, "days_to_impact": days, "via": via,
            "value_at_risk": value_at_risk}  # fmt: skip


def assert_agree(G, scenario: dict, horizon: int) -> None:
    """Every node: steady availability, timeline, days to impact, via, value at risk."""
    ref = reference_run(G, scenario["restrictions"], scenario["removed"], horizon)
    eng = engine_run(G, scenario, horizon)
    for node in sorted(G.nodes):
        assert eng["steady"][node] == pytest.approx(ref["steady"][node], abs=TOLERANCE), node
        assert eng["timeline"][node] == pytest.approx(ref["timeline"][node], abs=TOLERANCE), node
        assert eng["days_to_impact"][node] == ref["days_to_impact"][node], node
        assert eng["via"].get(node) == ref["via"].get(node), node
        value, expected = eng["value_at_risk"][node], ref["value_at_risk"][node]
        if expected is None:
            assert value is None, node
        else:
            scale = max(1.0, G.nodes[node]["value"])
            assert value == pytest.approx(expected, abs=TOLERANCE * scale), node


def test_engine_agrees_on_design_example():
    assert_agree(graph.from_dict(DESIGN_EXAMPLE), DESIGN_SCENARIO, 365)


@pytest.mark.parametrize("name", sorted(HAND_CASES))
def test_engine_agrees_on_hand_case(name):
    data, scenario, horizon, _ = HAND_CASES[name]
    assert_agree(graph.from_dict(data), scenario, horizon)


def test_engine_remove_agrees():
    data, _, horizon, _ = HAND_CASES["remove a country"]
    G = graph.from_dict(data)
    res = analysis.remove(G, ["c0"], horizon=horizon)
    ref = reference_run(G, [], ["c0"], horizon)
    for node in G.nodes:
        assert float(res.availability[node]) == pytest.approx(ref["steady"][node], abs=TOLERANCE)


RANDOM = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@RANDOM
@given(case=cases(cycles=False))
def test_engine_agrees_on_random_dags(case):
    data, scenario = case
    assert_agree(graph.from_dict(data), scenario, 80)


@RANDOM
@given(case=cases(cycles=True))
def test_engine_agrees_on_random_graphs_with_cycles(case):
    data, scenario = case
    assert_agree(graph.from_dict(data), scenario, 80)


# ---------------------------------------------------------------------------
# Second edition (DESIGN.md section 3b): windows, alternatives, timeline figures
# ---------------------------------------------------------------------------

ONE_CUT = [*_countries("c0", "c1"),
           {"id": "r0", "kind": "refiner", "country": "c0", "commodity": "x"},
           {"id": "r1", "kind": "refiner", "country": "c1", "commodity": "x"}]  # fmt: skip

# Each case: dataset, scenario, horizon, and per node (steady shortfall, days
# to impact, peak, days to peak, lost days, via) worked out by hand.
SECOND_CASES: dict[str, tuple[dict, dict, int, dict]] = {
    # DESIGN 3b: r0 (0.6) fully cut on day 0, r1 share 0.3 + spare 0.2 over
    # 100 days. Steady: lost 0.6, extra 0.2, shortfall 0.4. Day t < 100:
    # extra 0.2 * t / 100, shortfall 0.6 - 0.002 t; from day 100: 0.4.
    # lost_days = sum_{t<100} (0.6 - 0.002 t) + 266 * 0.4 = 50.1 + 106.4.
    # via: r0's lost flow 0.6 beats r1's 0; r0's edge is cut, r0 unaffected.
    "design 3b": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.6},
                   {"from": "r1", "to": "i0", "share": 0.3, "spare": 0.2, "ramp_days": 100}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        365,
        {"i0": (0.4, 0, 0.6, 0, 156.5, ["r0", "i0"])},
    ),
    # A share-0 alternative with ramp_days 0 adds its whole spare from day 0:
    # shortfall 0.6 - 0.2 = 0.4 every day; lost_days 0.4 * 11 = 4.4.
    "share-0 alternative": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.6},
                   {"from": "r1", "to": "i0", "share": 0, "spare": 0.2}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        10,
        {"i0": (0.4, 0, 0.4, 0, 4.4, ["r0", "i0"])},
    ),
    # The alternative is in the restricting country: its offer is cut too
    # (keep 0), so i0 loses the whole 0.6. 11 days: lost_days 6.6.
    "alternative from the restricting country": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.6},
                   {"from": "r1", "to": "i0", "share": 0.3, "spare": 0.2}]},
        {"restrictions": [_r("c0", ["all"]), _r("c1", ["all"])], "removed": []},
        10,
        {"i0": (0.9, 0, 0.9, 0, 9.9, ["r0", "i0"])},
    ),
    # r1's own mine loses half (c0 -> m1 share 0.5 cut): a(r1) = 0.5. i0:
    # lost 0.4 + 0.5 * 0.5 = 0.65, extra 0.4 * 0.5 = 0.2, shortfall 0.45.
    # m1 and r1 each lose 0.5 on every day of 0..5: lost_days 3.
    "alternative whose supplier is hit": (
        {"nodes": [*ONE_CUT, {"id": "m1", "kind": "mineral"},
                   {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "c0", "to": "m1", "share": 0.5},
                   {"from": "m1", "to": "r1", "share": 1.0},
                   {"from": "r0", "to": "i0", "share": 0.4},
                   {"from": "r1", "to": "i0", "share": 0.5, "spare": 0.4}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        5,
        {"m1": (0.5, 0, 0.5, 0, 3.0, ["c0", "m1"]),
         "r1": (0.5, 0, 0.5, 0, 3.0, ["c0", "m1", "r1"]),
         "i0": (0.45, 0, 0.45, 0, 2.7, ["r0", "i0"])},
    ),
    # Hit only for a while: lost 0.4, spare 0.4 over 10 days. Steady 0; day
    # t < 10: 0.4 - 0.04 t; lost_days = 4 - 0.04 * 45 = 2.2. via by the lost
    # rule: r0. d0 takes all of i0: the same days, but in the steady state
    # nothing of it is lost, so its chain is itself.
    "hit only for a while": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "component"},
                   {"id": "d0", "kind": "industry"}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.4},
                   {"from": "r1", "to": "i0", "share": 0.5, "spare": 0.4, "ramp_days": 10},
                   {"from": "i0", "to": "d0", "share": 1.0}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        30,
        {"i0": (0.0, 0, 0.4, 0, 2.2, ["r0", "i0"]),
         "d0": (0.0, 0, 0.4, 0, 2.2, ["d0"])},
    ),
    # A window: 0.3 cut on days 10..39, no stock. lost_days 30 * 0.3 = 9;
    # steady 0.3 (as if never lifted).
    "window": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry"}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.3}]},
        {"restrictions": [_r("c0", ["all"], start_day=10, end_day=40)], "removed": []},
        60,
        {"i0": (0.3, 10, 0.3, 10, 9.0, ["r0", "i0"])},
    ),
    # Two windows, 5 days of stock never refilled: days 10..25 draw 16 * 0.3
    # = 4.8; day 26 has 0.2 for 0.3 (short 0.1), days 27..39 short 0.3. The
    # second window (days 50..59) finds no stock: short 0.3 for 10 days.
    # lost_days = 0.1 + 13 * 0.3 + 10 * 0.3 = 7.0; peak 0.3 first on day 27.
    "two windows with stock": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry", "stockpile_days": 5}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.3}]},
        {"restrictions": [_r("c0", ["all"], start_day=10, end_day=40),
                          _r("c0", ["all"], start_day=50, end_day=60)], "removed": []},
        70,
        {"i0": (0.3, 26, 0.3, 27, 7.0, ["r0", "i0"])},
    ),
    # The ramp counts from the first lost day, while the stock still covers:
    # lost 0.5, spare 0.3 over 20 days, 10 days of stock. Days 0..19 draw
    # 0.5 - 0.015 t: 10 - 0.015 * 190 = 7.15 in all; then 0.2 a day: days
    # 20..33 draw 2.8, day 34 has 0.05 for 0.2 (short 0.15), then 0.2.
    # Over days 0..40: lost_days 0.15 + 6 * 0.2 = 1.35.
    "ramp from the first lost day": (
        {"nodes": [*ONE_CUT, {"id": "i0", "kind": "industry", "stockpile_days": 10}],
         "edges": [{"from": "r0", "to": "i0", "share": 0.5},
                   {"from": "r1", "to": "i0", "share": 0.2, "spare": 0.3, "ramp_days": 20}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        40,
        {"i0": (0.2, 34, 0.2, 35, 1.35, ["r0", "i0"])},
    ),
    # A blip first, the big hit later: batteries (0.25 cut, dependence 0.01)
    # short 0.0025 from day 0; magnets (0.9 cut, dependence 0.7, 20 days of
    # stock): 22 * 0.9 = 19.8 covers days 0..21, day 22 has 0.2 for 0.9
    # (0.7 * 0.7 = 0.49), then 0.7 * 0.9 = 0.63. Days to impact 0, peak 0.63
    # on day 23; lost_days = 22 * 0.0025 + 0.49 + 8 * 0.63 = 5.585.
    "blip then hit": (
        {"nodes": [*_countries("c0"),
                   {"id": "bat", "kind": "component", "country": "c0"},
                   {"id": "mag", "kind": "component", "country": "c0"},
                   {"id": "car", "kind": "industry",
                    "inputs": {"bat": {"dependence": 0.01},
                               "mag": {"dependence": 0.7, "stockpile_days": 20}}}],
         "edges": [{"from": "bat", "to": "car", "share": 0.25},
                   {"from": "mag", "to": "car", "share": 0.9}]},
        {"restrictions": [_r("c0", ["all"])], "removed": []},
        30,
        {"car": (0.63, 0, 0.63, 23, 5.585, ["mag", "car"])},
    ),
}  # fmt: skip


def _second(name: str) -> tuple[Any, dict, int, dict]:
    data, scenario, horizon, expected = SECOND_CASES[name]
    return data, scenario, horizon, expected


@pytest.mark.parametrize("name", sorted(SECOND_CASES))
def test_reference_second_edition_case(name):
    data, scenario, horizon, expected = _second(name)
    out = reference_run(graph_from_mapping(data), scenario["restrictions"],
                        scenario["removed"], horizon)  # fmt: skip
    assert set(out["impacts"]) == set(expected)
    for node, (shortfall, days, peak, at_peak, lost, via) in expected.items():
        assert 1 - out["steady"][node] == pytest.approx(shortfall, abs=1e-10), node
        assert out["days_to_impact"][node] == days, node
        assert out["peak_shortfall"][node] == pytest.approx(peak, abs=1e-10), node
        assert out["days_to_peak"][node] == at_peak, node
        assert out["lost_days"][node] == pytest.approx(lost, abs=1e-9), node
        assert out["via"][node] == via, node


def test_reference_design_3b_days():
    data, scenario, horizon, _ = _second("design 3b")
    out = reference_run(graph_from_mapping(data), scenario["restrictions"], [], horizon)
    shortfall = [1 - a for a in out["timeline"]["i0"]]
    # day 0: 0.6; day 50: 0.6 - 0.1 = 0.5; day 100 on: 0.4
    assert shortfall[0] == pytest.approx(0.6, abs=1e-12)
    assert shortfall[50] == pytest.approx(0.5, abs=1e-12)
    assert shortfall[100:] == pytest.approx([0.4] * 266, abs=1e-12)


def engine_full(G, scenario: dict, horizon: int) -> dict[str, Any]:
    """Run the engine itself and put every figure in the reference's shape."""
    from analysis.engine import compile_graph, run, via_chains

    restrictions = tuple(
        analysis.Restriction(r["by"], list(r["commodities"]), to=r.get("to"),
                             severity=r.get("severity", 1.0), start_day=r.get("start_day", 0),
                             end_day=r.get("end_day")).resolve(G)
        for r in scenario["restrictions"]
    )  # fmt: skip
    C = compile_graph(G)
    scen = analysis.Scenario(restrictions=restrictions, removed=tuple(scenario["removed"]),
                             horizon=horizon)  # fmt: skip
    r = run(C, scen)
    nodes = list(C.nodes)
    out: dict[str, Any] = {"steady": dict(zip(nodes, r.steady.tolist(), strict=True))}
    out["timeline"] = {n: [1.0] * (horizon + 1) for n in nodes}
    out["days_to_impact"] = dict.fromkeys(nodes)
    out["peak_shortfall"] = dict.fromkeys(nodes, 0.0)
    out["days_to_peak"] = dict.fromkeys(nodes)
    out["lost_days"] = dict.fromkeys(nodes, 0.0)
    out["value_lost"] = {n: None if G.nodes[n]["value"] is None else 0.0 for n in nodes}
    for col, i in enumerate(r.affected):
        n = nodes[i]
        out["timeline"][n] = r.timeline[:, col].tolist()
        first, at_peak = int(r.days_to_impact[col]), int(r.days_to_peak[col])
        out["days_to_impact"][n] = None if first < 0 else first
        out["days_to_peak"][n] = None if at_peak < 0 else at_peak
        out["peak_shortfall"][n] = float(r.peak_shortfall[col])
        out["lost_days"][n] = float(r.lost_days[col])
        value = float(r.value_lost[col])
        out["value_lost"][n] = None if math.isnan(value) else value
    out["impacts"] = [nodes[i] for i in r.impacts]
    out["via"] = dict(zip(out["impacts"], via_chains(C, r, r.impacts), strict=True))
    return out


def _in_order(ref: dict, a: str, b: str) -> bool:
    """Whether impact ``a`` may come before ``b`` by the reference's numbers (ties within 1e-9)."""
    for key in ("shortfall", "peak"):
        x = 1 - ref["steady"][a] if key == "shortfall" else ref["peak_shortfall"][a]
        y = 1 - ref["steady"][b] if key == "shortfall" else ref["peak_shortfall"][b]
        if abs(x - y) > TOLERANCE:
            return x > y
    return True


def assert_agree_full(G, scenario: dict, horizon: int) -> None:
    """Every node and figure of DESIGN 3b, and the order of the impacts."""
    ref = reference_run(G, scenario["restrictions"], scenario["removed"], horizon)
    eng = engine_full(G, scenario, horizon)
    for node in sorted(G.nodes):
        for key in ("steady", "timeline", "peak_shortfall", "lost_days"):
            assert eng[key][node] == pytest.approx(ref[key][node], abs=TOLERANCE), (key, node)
        for key in ("days_to_impact", "days_to_peak"):
            assert eng[key][node] == ref[key][node], (key, node)
        value, expected = eng["value_lost"][node], ref["value_lost"][node]
        if expected is None:
            assert value is None, node
        else:
            scale = max(1.0, G.nodes[node]["value"])
            assert value == pytest.approx(expected, abs=TOLERANCE * scale), node
    assert set(eng["impacts"]) == set(ref["impacts"])
    for a, b in itertools.pairwise(eng["impacts"]):
        assert _in_order(ref, a, b), (a, b)
    for node in ref["impacts"]:
        assert eng["via"][node] == ref["via"][node], node


@pytest.mark.parametrize("name", sorted(SECOND_CASES))
def test_engine_agrees_on_second_edition_case(name):
    data, scenario, horizon, _ = _second(name)
    assert_agree_full(graph.from_dict(data), scenario, horizon)


@pytest.mark.parametrize("name", sorted(HAND_CASES))
def test_engine_figures_agree_on_hand_case(name):
    data, scenario, horizon, _ = HAND_CASES[name]
    assert_agree_full(graph.from_dict(data), scenario, horizon)


@RANDOM
@given(case=cases(cycles=False, second_edition=True))
def test_engine_agrees_on_random_dags_with_windows_and_alternatives(case):
    data, scenario = case
    assert_agree_full(graph.from_dict(data), scenario, 80)


@RANDOM
@given(case=cases(cycles=True, second_edition=True))
def test_engine_agrees_on_random_cyclic_graphs_with_windows_and_alternatives(case):
    data, scenario = case
    assert_agree_full(graph.from_dict(data), scenario, 80)
