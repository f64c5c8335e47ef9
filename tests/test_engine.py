"""Worked examples of the model, computed on paper (the arithmetic is in the comments).

Each test builds a small dataset, runs one scenario and checks the numbers
against the hand calculation.
"""

from __future__ import annotations

import numpy as np
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
    # short 0.8 * (0.399 - 0.105) = 0.2352 on day 105, 0.3192 on days 106..365:
    # 0.2352 + 260 * 0.3192 = 83.2272 days lost, 4.0e10 * 83.2272 / 365 of value
    assert res.summary == {
        "nodes_hit": 1,
        "industries_hit": 1,
        "value_at_risk": pytest.approx(1.2768e10),
        "value_lost": pytest.approx(4.0e10 * 83.2272 / 365),
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
    assert res.summary == {
        "nodes_hit": 0,
        "industries_hit": 0,
        "value_at_risk": None,
        "value_lost": None,
    }
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
        "peak_shortfall",
        "days_to_peak",
        "days_to_impact",
        "lost_days",
        "value_at_risk",
        "value_lost",
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


# ---------------------------------------------------------------------------
# Second edition (DESIGN.md section 3b): windows, alternatives, timeline figures
# ---------------------------------------------------------------------------


def engine_run(G, restrictions, *, horizon=365):
    """The engine's raw run and its per-node figures, by node id."""
    from analysis.engine import run

    C = compile_graph(G)
    scenario = analysis.Scenario(
        restrictions=tuple(r.resolve(G) for r in restrictions), horizon=horizon
    )
    r = run(C, scenario)
    col = {C.nodes[i]: k for k, i in enumerate(r.affected)}

    def figures(node):
        k = col[node]
        return {
            "shortfall": 1.0 - r.steady[C.index[node]],
            "days": 1.0 - r.timeline[:, k],
            "days_to_impact": int(r.days_to_impact[k]),
            "peak": r.peak_shortfall[k],
            "days_to_peak": int(r.days_to_peak[k]),
            "lost_days": r.lost_days[k],
            "value_lost": r.value_lost[k],
        }

    return C, r, figures


ALTERNATIVE = """
nodes:
  - {id: chn, kind: country}
  - {id: aus, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ree, kind: refiner, country: chn, commodity: ree}
  - {id: au-ree, kind: refiner, country: aus, commodity: ree}
  - {id: magnets, kind: industry, country: jpn, value: 3.65e9}
edges:
  - {from: cn-ree, to: magnets, share: 0.6}
  - {from: au-ree, to: magnets, share: 0.3, spare: 0.2, ramp_days: 100}
"""


def test_design_3b_alternative_ramps_up():
    G = build(ALTERNATIVE)
    _, _, figures = engine_run(G, [Restriction("chn", ["ree"])])
    f = figures("magnets")
    # steady: lost 0.6, extra 0.2, A = 0.1 + 0.3 + 0.2 = 0.6, shortfall 0.4
    assert f["shortfall"] == pytest.approx(0.4, abs=1e-12)
    # day t: extra = 0.2 * t / 100, shortfall 0.6 - 0.002 t until day 100
    assert f["days"][0] == pytest.approx(0.6, abs=1e-12)
    assert f["days"][50] == pytest.approx(0.5, abs=1e-12)
    assert f["days"][100:] == pytest.approx([0.4] * 266, abs=1e-12)
    assert f["peak"] == pytest.approx(0.6, abs=1e-12)
    assert f["days_to_peak"] == 0
    # sum_{t=0..99} (0.6 - 0.002 t) + 266 * 0.4 = (60 - 9.9) + 106.4 = 156.5
    assert f["lost_days"] == pytest.approx(156.5, abs=1e-9)
    # value_lost = 3.65e9 * 156.5 / 365 = 1.565e9
    assert f["value_lost"] == pytest.approx(1.565e9, rel=1e-12)


def test_alternative_from_the_restricting_country_adds_nothing():
    G = build(ALTERNATIVE.replace("country: aus", "country: chn"))
    _, _, figures = engine_run(G, [Restriction("chn", ["ree"])])
    # both edges are cut: lost 0.9, extra 0.2 * a * keep 0 = 0, shortfall 0.9 every day
    f = figures("magnets")
    assert f["shortfall"] == pytest.approx(0.9, abs=1e-12)
    assert f["days"] == pytest.approx([0.9] * 366, abs=1e-12)


WINDOW = """
nodes:
  - {id: xx, kind: country}
  - {id: ore, kind: mineral, country: xx}
  - {id: plant, kind: industry, value: 7.3e9}
edges:
  - {from: ore, to: plant, share: 0.3}
"""


def test_window_without_stock():
    G = build(WINDOW)
    _, _, figures = engine_run(G, [Restriction("xx", ["ore"], start_day=10, end_day=40)])
    f = figures("plant")
    # the cut acts on days 10..39: 30 days short by 0.3
    assert f["days"][9] == 0.0 and f["days"][40] == 0.0
    assert f["days"][10:40] == pytest.approx([0.3] * 30, abs=1e-12)
    assert f["lost_days"] == pytest.approx(30 * 0.3, abs=1e-12)
    # the steady state counts the restriction as if it stayed in force
    assert f["shortfall"] == pytest.approx(0.3, abs=1e-12)
    assert (f["days_to_impact"], f["peak"], f["days_to_peak"]) == (10, pytest.approx(0.3), 10)
    # value_lost = 7.3e9 * 9 / 365 = 1.8e8
    assert f["value_lost"] == pytest.approx(1.8e8, rel=1e-12)


def test_window_with_stock_that_is_never_refilled():
    G = build(WINDOW.replace("kind: industry,", "kind: industry, stockpile_days: 5,"))
    windows = [
        Restriction("xx", ["ore"], start_day=10, end_day=40),
        Restriction("xx", ["ore"], start_day=50, end_day=60),
    ]
    _, _, figures = engine_run(G, windows, horizon=70)
    f = figures("plant")
    # days 10..25 draw 16 * 0.3 = 4.8; day 26 has 0.2 for a gap of 0.3
    assert f["days"][25] == 0.0
    assert f["days"][26] == pytest.approx(0.1, abs=1e-12)
    assert f["days"][27:40] == pytest.approx([0.3] * 13, abs=1e-12)
    # after day 40 nothing is cut and the stock stays empty: days 50..59 short 0.3
    assert f["days"][40:50] == pytest.approx([0.0] * 10, abs=1e-12)
    assert f["days"][50:60] == pytest.approx([0.3] * 10, abs=1e-12)
    # lost_days = 0.1 + 13 * 0.3 + 10 * 0.3 = 7.0; the peak 0.3 comes first on day 27
    assert f["lost_days"] == pytest.approx(7.0, abs=1e-12)
    assert (f["days_to_impact"], f["days_to_peak"]) == (26, 27)


def test_ramp_counts_from_the_first_lost_day_while_stock_covers():
    G = build(
        ALTERNATIVE.replace("value: 3.65e9", "stockpile_days: 10")
        .replace("share: 0.6", "share: 0.5")
        .replace("share: 0.3, spare: 0.2, ramp_days: 100", "share: 0.2, spare: 0.3, ramp_days: 20")
    )
    _, _, figures = engine_run(G, [Restriction("chn", ["ree"])], horizon=40)
    f = figures("magnets")
    # t0 = 0 (0.5 is lost from day 0, though the stock covers it): the daily
    # gap is 0.5 - 0.3 * t / 20 on days 0..19, drawing 10 - 0.015 * 190 = 7.15;
    # then 0.2: days 20..33 draw 2.8, day 34 has 0.05 left for 0.2.
    assert f["days"][33] == 0.0
    assert f["days"][34] == pytest.approx(0.15, abs=1e-12)
    assert f["days"][35:] == pytest.approx([0.2] * 6, abs=1e-12)
    assert f["days_to_impact"] == 34
    # counted from the day the stock ran out (day 34) instead, the ramp would
    # leave day 35 short by the whole 0.5
    assert f["lost_days"] == pytest.approx(0.15 + 6 * 0.2, abs=1e-12)


BLIP = """
nodes:
  - {id: chn, kind: country}
  - {id: jpn, kind: country}
  - {id: batteries, kind: component, country: chn}
  - {id: magnets, kind: component, country: chn}
  - id: automotive
    kind: industry
    country: jpn
    inputs:
      batteries: {dependence: 0.01}
      magnets: {dependence: 0.7, stockpile_days: 20}
edges:
  - {from: batteries, to: automotive, share: 0.25}
  - {from: magnets, to: automotive, share: 0.9}
"""


def test_days_to_peak_sees_the_big_hit_behind_a_blip():
    G = build(BLIP)
    _, _, figures = engine_run(G, [Restriction("chn", ["all"])], horizon=30)
    f = figures("automotive")
    # batteries: 0.01 * 0.25 = 0.0025 short from day 0, so days to impact is 0
    assert f["days_to_impact"] == 0
    assert f["days"][0] == pytest.approx(0.0025, abs=1e-12)
    # magnets: 22 * 0.9 = 19.8 of 20 days cover days 0..21; day 22 has 0.2 for
    # 0.9: 0.7 * 0.7 = 0.49; from day 23, 0.7 * 0.9 = 0.63
    assert f["days"][22] == pytest.approx(0.49, abs=1e-12)
    assert f["peak"] == pytest.approx(0.63, abs=1e-12)
    assert f["days_to_peak"] == 23
    # lost_days = 22 * 0.0025 + 0.49 + 8 * 0.63 = 5.585
    assert f["lost_days"] == pytest.approx(5.585, abs=1e-12)


TEMPORARY = """
nodes:
  - {id: c0, kind: country}
  - {id: c1, kind: country}
  - {id: r0, kind: refiner, country: c0, commodity: x}
  - {id: r1, kind: refiner, country: c1, commodity: x}
  - {id: big, kind: industry}
  - {id: brief, kind: industry}
edges:
  - {from: r0, to: big, share: 0.5}
  - {from: r0, to: brief, share: 0.4}
  - {from: r1, to: brief, share: 0.5, spare: 0.4, ramp_days: 10}
"""


def test_a_node_hit_only_for_a_while_is_an_impact_with_its_via():
    from analysis.engine import via_chains

    G = build(TEMPORARY)
    C, r, figures = engine_run(G, [Restriction("c0", ["all"])], horizon=30)
    # brief: lost 0.4, spare 0.4 fully ramped: steady shortfall 0; day t < 10
    # short 0.4 - 0.04 t; lost_days = 4 - 0.04 * 45 = 2.2
    f = figures("brief")
    assert f["shortfall"] == 0.0
    assert (f["peak"], f["days_to_peak"]) == (pytest.approx(0.4), 0)
    assert f["lost_days"] == pytest.approx(2.2, abs=1e-12)
    # impacts: big (steady 0.5) first, then brief (steady 0, peak 0.4)
    assert [C.nodes[i] for i in r.impacts] == ["big", "brief"]
    # brief's via by the lost flow: r0 (0.4) against r1 (0)
    assert via_chains(C, r, r.impacts) == [["r0", "big"], ["r0", "brief"]]


def test_end_day_must_come_after_start_day():
    with pytest.raises(ValueError, match="end_day must be after start_day"):
        Restriction("xx", ["ore"], start_day=10, end_day=10)


def test_compiled_graph_carries_kinds_and_values():
    C = compile_graph(build(WINDOW))
    assert [C.kind_of(i) for i in range(C.n_nodes)] == ["mineral", "industry", "country"]
    assert C.node_value[C.index["plant"]] == 7.3e9
    assert np.isnan(C.node_value[C.index["ore"]])


def test_control_table_is_the_control_rule_for_every_country():
    from analysis.engine import control_table

    table = control_table(compile_graph(build(PARTIAL)))
    # mine-z is in zz (all of it) and half controlled by xx; mine-b is in xx
    assert table["mine-z"] == {"xx": 0.5, "zz": 1.0}
    assert table["mine-b"] == {"xx": 1.0}
    assert table["ind-y"] == {"yy": 1.0}
    assert table["ww"] == {"ww": 1.0}


# A supplies cycle whose loop gain is 0.9999999: p takes 1e-7 of its x from r0
# (cut at severity 0.5) and the rest from q, which takes all of its x from p.
# Sweeps from a = 1 come down by a factor 0.9999999 each: about 1e8 of them. The
# fixed point by hand: 1 - a_p = 0.5 e + s (1 - a_q), a_q = a_p, so
# 1 - a = 0.5 e / (1 - s): with e = 1 - s, a = 0.5.
SLOW_CYCLE = """
nodes:
  - {id: c0, kind: country}
  - {id: c1, kind: country}
  - {id: r0, kind: refiner, country: c0, commodity: x}
  - {id: p, kind: component, country: c1, commodity: x}
  - {id: q, kind: component, country: c1, commodity: x}
edges:
  - {from: r0, to: p, share: 0.0000001}
  - {from: q, to: p, share: 0.9999999}
  - {from: p, to: q, share: 1.0}
"""


def count_solves(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_slowly_converging_cycle_is_solved_exactly(monkeypatch):
    from analysis import propagation
    from analysis.engine import run

    G = dataset(SLOW_CYCLE)
    C = compile_graph(G)
    calls = count_solves(monkeypatch, propagation, "solve")
    s = analysis.Scenario(restrictions=(Restriction("c0", ("x",), severity=0.5),), horizon=10)
    r = run(C, s.resolve(G))
    e, share = 0.0000001, 0.9999999
    expected = 1.0 - 0.5 * e / (1.0 - share)
    # The loop amplifies rounding by 1 / (1 - s) = 1e7: an ulp of the shares becomes ~1e-9.
    for node in ("p", "q"):
        assert r.steady[C.index[node]] == pytest.approx(expected, abs=1e-8)
    # Every day of the timeline repeats the steady state (no stock, no window).
    assert r.lost_days[list(r.affected).index(C.index["p"])] == pytest.approx(
        11 * (1.0 - expected), abs=1e-7
    )
    # A few dozen solves (steady state, plain run, day 0), not 1e8.
    assert len(calls) < 200


def test_a_cycle_that_does_not_settle_is_a_clear_error(monkeypatch, tmp_path, capsys):
    from analysis import propagation

    # With the exact solve never tried and a bound of 3 sweeps, the slow cycle cannot settle.
    monkeypatch.setattr(propagation, "MAX_SWEEPS", 3)
    monkeypatch.setattr(propagation, "EXACT_EVERY", 10**9)
    G = dataset(SLOW_CYCLE)
    s = analysis.Scenario(restrictions=(Restriction("c0", ("x",)),)).resolve(G)
    with pytest.raises(analysis.engine.ScenarioError, match=r"supply cycle through p, q"):
        analysis.engine.run(compile_graph(G), s)
    path = tmp_path / "data.yaml"
    path.write_text(SLOW_CYCLE)
    with pytest.raises(SystemExit) as exc:
        analysis.cli.main(["what-if", "c0", "x", "--data", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the supply cycle through p, q does not settle")
