"""Worked examples of the model, computed on paper (the arithmetic is in the comments).

Each test builds a small dataset, runs one scenario and checks the numbers
against the hand calculation.
"""

from __future__ import annotations

import pytest
from helpers import dataset

import analysis
from analysis import Restriction
from analysis.engine import compile_graph, edge_keep

DESIGN_EXAMPLE = """
sources:
  - {id: shu-biquan-2025, title: "Japan's critical minerals strategy and its impact on China"}
  - {id: lu-yi-2026, title: "Japan's lost fourth decade", author: Lu Yi}
groups:
  rare-earths: [light-rare-earths]
nodes:
  - {id: chn, kind: country, name: China}
  - {id: jpn, kind: country, name: Japan}
  - {id: kaz, kind: country, name: Kazakhstan}
  - {id: gallium, kind: mineral, name: Primary gallium (world supply)}
  - {id: chn-gallium, kind: refiner, country: chn, commodity: gallium}
  - {id: kz-ree-mine, kind: mineral, country: kaz, commodity: light-rare-earths}
  - id: jp-compound-semis
    kind: industry
    country: jpn
    value: 4.0e10
    inputs:
      gallium: {dependence: 0.8, substitutable: 0.05, stockpile_days: 42}
edges:
  - {from: chn, to: gallium, share: 0.98, source: shu-biquan-2025, year: 2024}
  - {from: gallium, to: jp-compound-semis, share: 0.58, source: lu-yi-2026}
  - {from: chn-gallium, to: jp-compound-semis, share: 0.42, source: lu-yi-2026,
     range: [0.40, 0.42]}
  - {from: chn, to: kz-ree-mine, kind: controls, share: 0.5}
"""


def build(text: str):
    return dataset(text)


def impact(result, node):
    rows = [r for r in result.records if r["node"] == node]
    return rows[0] if rows else None


def test_design_example_restriction_to_japan():
    G = build(DESIGN_EXAMPLE)
    res = analysis.what_if(G, [Restriction("chn", ["gallium"], to=["jpn"])])
    row = impact(res, "jp-compound-semis")
    # Only the edge from the Chinese refiner (0.42) is cut: the world-supply node
    # has no country, so a restriction to Japan leaves it alone.
    # shortfall = dependence 0.8 * gap 0.42 * (1 - 0.05 substitutable) = 0.3192
    assert row["shortfall"] == pytest.approx(0.3192, abs=1e-12)
    # daily gap 0.42 * 0.95 = 0.399; 42 / 0.399 = 105.26 -> days 0..104 covered
    assert row["days_to_impact"] == 105
    # value at risk 4.0e10 * 0.3192 = 1.2768e10
    assert row["value_at_risk"] == pytest.approx(1.2768e10)
    assert row["via"] == ["chn-gallium", "jp-compound-semis"]
    assert res.summary == {
        "nodes_hit": 1,
        "industries_hit": 1,
        "value_at_risk": pytest.approx(1.2768e10),
    }


def test_design_example_untargeted_restriction_hits_world_supply():
    G = build(DESIGN_EXAMPLE)
    res = analysis.what_if(G, [Restriction("chn", ["gallium"])], day=44)
    # world gallium loses China's 0.98: availability 0.02
    assert impact(res, "gallium")["shortfall"] == pytest.approx(0.98)
    assert impact(res, "gallium")["days_to_impact"] == 0
    # gap = 0.58 * (1 - 0.02) + 0.42 * 1 = 0.9884; * 0.95 = 0.93898; * 0.8 = 0.751184
    row = impact(res, "jp-compound-semis")
    assert row["shortfall"] == pytest.approx(0.751184)
    # 42 / 0.93898 = 44.73: days 0..43 covered; day 44 has 42 - 44 * 0.93898 = 0.68488 left
    assert row["days_to_impact"] == 44
    # day 44: uncovered 0.93898 - 0.68488 = 0.2541; * 0.8 = 0.20328
    assert row["shortfall_on_day"] == pytest.approx(0.20328)
    assert row["via"] == ["chn", "gallium", "jp-compound-semis"]


ONE_INPUT = """
nodes:
  - {id: xx, kind: country}
  - {id: yy, kind: country}
  - {id: ore, kind: mineral, country: xx}
  - {id: plant, kind: industry, country: yy, stockpile_days: 10}
edges:
  - {from: ore, to: plant, share: 0.3}
"""


def test_stockpile_runs_out_on_day_33():
    G = build(ONE_INPUT)
    res = analysis.what_if(G, [Restriction("xx", ["ore"])], day=33)
    row = impact(res, "plant")
    assert row["shortfall"] == pytest.approx(0.3)
    # days 0..32 draw 33 * 0.3 = 9.9; day 33 has 0.1 of stock for a gap of 0.3
    assert row["days_to_impact"] == 33
    assert row["shortfall_on_day"] == pytest.approx(0.2)
    assert res.timeline.loc[32, "plant"] == pytest.approx(0.0)
    assert res.timeline.loc[34, "plant"] == pytest.approx(0.3)


def test_start_day_delays_the_cut_and_the_stock_draw():
    G = build(ONE_INPUT)
    res = analysis.what_if(G, [Restriction("xx", ["ore"], start_day=5)], day=37)
    row = impact(res, "plant")
    # stock starts drawing on day 5: days 5..37 covered (33 days), impact on day 38
    assert row["days_to_impact"] == 38
    assert row["shortfall_on_day"] == pytest.approx(0.0)
    # the steady state counts every restriction, whatever its start day
    assert row["shortfall"] == pytest.approx(0.3)


def test_start_day_without_stock():
    G = build(ONE_INPUT.replace(", stockpile_days: 10", ""))
    res = analysis.what_if(G, [Restriction("xx", ["ore"], start_day=5)], day=4)
    row = impact(res, "plant")
    assert row["days_to_impact"] == 5
    assert row["shortfall_on_day"] == 0.0


CYCLE = """
nodes:
  - {id: xx, kind: country}
  - {id: mine, kind: mineral, country: xx, commodity: metal}
  - {id: p, kind: refiner, commodity: metal}
  - {id: q, kind: component, commodity: metal}
edges:
  - {from: mine, to: p, share: 0.4}
  - {from: q, to: p, share: 0.5}
  - {from: p, to: q, share: 0.6}
"""


def test_cycle_reaches_the_greatest_fixed_point():
    G = build(CYCLE)
    res = analysis.what_if(G, [Restriction("xx", ["metal"])])
    # s_p = 0.4 * 1 + 0.5 * s_q and s_q = 0.6 * s_p
    # => s_p = 0.4 + 0.3 s_p => s_p = 0.4 / 0.7 = 4/7; s_q = 0.6 * 4/7 = 12/35
    assert impact(res, "p")["shortfall"] == pytest.approx(4 / 7, abs=1e-10)
    assert impact(res, "q")["shortfall"] == pytest.approx(12 / 35, abs=1e-10)
    # q's loss comes from p; p's largest lost flow is the cut edge from the mine
    # (0.4 against 0.5 * 12/35 = 0.17), and the mine itself is unaffected
    assert impact(res, "q")["via"] == ["mine", "p", "q"]
    assert impact(res, "p")["via"] == ["mine", "p"]


PARTIAL = """
groups:
  ores: [ore-a, ore-b]
nodes:
  - {id: xx, kind: country}
  - {id: yy, kind: country}
  - {id: zz, kind: country}
  - {id: ww, kind: country}
  - {id: mine-z, kind: mineral, country: zz, commodity: ore-a}
  - {id: mine-b, kind: mineral, country: xx, commodity: ore-b}
  - id: ind-y
    kind: industry
    country: yy
    inputs: {ore-a: {dependence: 0.5}}
  - {id: ind-w, kind: industry, country: ww}
edges:
  - {from: xx, to: mine-z, kind: controls, share: 0.5}
  - {from: mine-z, to: ind-y, share: 0.6}
  - {from: mine-z, to: ind-w, share: 1.0}
"""


def test_group_restriction_to_one_country_with_partial_control():
    G = build(PARTIAL)
    res = analysis.what_if(G, [Restriction("xx", ["ores"], to=["yy"], severity=0.8)])
    # mine-z is controlled by xx with fraction 0.5: keep = 1 - 0.8 * 0.5 = 0.6
    # gap = 0.6 * (1 - 0.6) = 0.24; shortfall = dependence 0.5 * 0.24 = 0.12
    assert impact(res, "ind-y")["shortfall"] == pytest.approx(0.12)
    assert impact(res, "ind-y")["via"] == ["mine-z", "ind-y"]
    # ind-w is in ww, not a target: untouched
    assert impact(res, "ind-w") is None
    assert [r["node"] for r in res.records] == ["ind-y"]


def test_several_restrictions_on_one_edge_multiply():
    G = build(PARTIAL)
    both = [
        Restriction("xx", ["ore-a"], to=["yy"], severity=0.5),
        Restriction("xx", ["ores"], to=["yy"], severity=0.5),
    ]
    res = analysis.what_if(G, both)
    # each keeps 1 - 0.5 * 0.5 = 0.75; together 0.5625
    # gap = 0.6 * (1 - 0.5625) = 0.2625; shortfall = 0.5 * 0.2625 = 0.13125
    assert impact(res, "ind-y")["shortfall"] == pytest.approx(0.13125)
    keep = edge_keep(compile_graph(G), tuple(r.resolve(G) for r in both))
    assert sorted(keep.round(6)) == [0.5625, 1.0]


TWO_ROUTES = """
nodes:
  - {id: xx, kind: country}
  - {id: yy, kind: country}
  - {id: world-m, kind: mineral, commodity: m}
  - {id: refiner-x, kind: refiner, country: xx, commodity: m}
  - {id: ind, kind: industry, country: yy}
edges:
  - {from: xx, to: world-m, share: 0.7}
  - {from: world-m, to: ind, share: 0.5}
  - {from: refiner-x, to: ind, share: 0.5}
"""


def test_removing_a_country_removes_only_its_own_supply():
    G = build(TWO_ROUTES)
    res = analysis.remove(G, ["xx"])
    # world-m loses xx's 0.7; refiner-x, located in xx, goes on
    assert impact(res, "world-m")["shortfall"] == pytest.approx(0.7)
    assert impact(res, "refiner-x") is None
    # ind: gap = 0.5 * 0.7 + 0.5 * 0 = 0.35
    assert impact(res, "ind")["shortfall"] == pytest.approx(0.35)
    assert impact(res, "xx")["via"] == ["xx"]
    assert impact(res, "ind")["via"] == ["xx", "world-m", "ind"]


def test_full_export_ban_also_stops_what_the_country_controls():
    G = build(TWO_ROUTES)
    res = analysis.what_if(G, [Restriction("xx", ["all"])])
    # ind: gap = 0.5 * (1 - 0.3) + 0.5 * 1 = 0.85
    assert impact(res, "ind")["shortfall"] == pytest.approx(0.85)
    # the refiner's cut edge (0.5) loses more than world-m's (0.35)
    assert impact(res, "ind")["via"] == ["refiner-x", "ind"]


TIES = """
nodes:
  - {id: xx, kind: country}
  - {id: yy, kind: country}
  - {id: b-sup, kind: mineral, country: xx, commodity: beta}
  - {id: a-sup, kind: mineral, country: xx, commodity: alpha}
  - {id: a-two, kind: refiner, country: xx, commodity: alpha}
  - {id: ind, kind: industry, country: yy}
edges:
  - {from: b-sup, to: ind, share: 0.5}
  - {from: a-two, to: ind, share: 0.25}
  - {from: a-sup, to: ind, share: 0.25}
"""


def test_ties_break_by_commodity_name_then_supplier_id():
    G = build(TIES)
    res = analysis.what_if(G, [Restriction("xx", ["all"])])
    # alpha and beta both lose 0.5: alpha wins by name; within alpha a-sup and
    # a-two both lose 0.25: a-sup wins by id
    row = impact(res, "ind")
    assert row["shortfall"] == pytest.approx(0.5)
    assert row["via"] == ["a-sup", "ind"]


def test_no_scenario_means_no_impact():
    G = build(DESIGN_EXAMPLE)
    res = analysis.what_if(G, [])
    assert res.records == []
    assert res.summary == {"nodes_hit": 0, "industries_hit": 0, "value_at_risk": None}
    assert (res.availability == 1.0).all()


def test_impacts_are_sorted_by_shortfall_then_id():
    G = build(DESIGN_EXAMPLE)
    res = analysis.remove(G, ["chn-gallium", "chn"])
    shortfalls = [(-r["shortfall"], r["node"]) for r in res.records]
    assert shortfalls == sorted(shortfalls)
    # two removed nodes at shortfall 1, ordered by id
    assert [r["node"] for r in res.records[:2]] == ["chn", "chn-gallium"]


def test_result_tables():
    G = build(DESIGN_EXAMPLE)
    res = analysis.what_if(G, [Restriction("China", ["Gallium"], to=["Japan"])])
    assert list(res.impacts.columns) == [  # the key columns first
        "node",
        "name",
        "shortfall",
        "days_to_impact",
        "value_at_risk",
        "shortfall_on_day",
        "kind",
        "country",
        "via",
    ]
    assert res.timeline.shape == (366, 1)
    assert res.timeline["jp-compound-semis"].iloc[-1] == pytest.approx(0.3192)
    assert "<table" in res._repr_html_()
    assert res.to_json()["scenario"]["restrictions"][0]["to"] == ["jpn"]


def test_day_beyond_horizon_extends_it():
    G = build(ONE_INPUT)
    res = analysis.what_if(G, [Restriction("xx", ["ore"])], horizon=10, day=40)
    assert res.scenario.horizon == 40
    assert impact(res, "plant")["days_to_impact"] == 33
