"""Chokepoint rankings and country leverage, worked out on paper.

The small network ``TWO_REFINERS`` is used throughout: two countries mine an
ore (world supply), two refiners turn it into metal, two industries use the
metal. Every number below is computed by hand in the comments.
"""

from __future__ import annotations

import importlib
import json
import pickle

import pytest
import yaml
from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from strategies import datasets

import analysis
import graph
from analysis.chokepoints import ban_damage, batched_removals, removal_damage, scoring
from analysis.engine import compile_graph
from analysis.output import TEXT_FORMATS as FORMATS  # xlsx: tests/test_cli_output.py
from graph.errors import UnknownNameError

# The module (``analysis.chokepoints`` is also the name of its function).
chokepoints_module = importlib.import_module("analysis.chokepoints")
removals = importlib.import_module("analysis.removals")

TWO_REFINERS = """
nodes:
  - {id: aa, kind: country, name: Aland}
  - {id: bb, kind: country, name: Borduria}
  - {id: ore, kind: mineral}
  - {id: ref1, kind: refiner, country: aa, commodity: metal}
  - {id: ref2, kind: refiner, country: bb, commodity: metal}
  - {id: ind1, kind: industry, country: bb}
  - {id: ind2, kind: industry, country: aa, inputs: {metal: {dependence: 0.5}}}
edges:
  - {from: aa, to: ore, share: 0.6}
  - {from: bb, to: ore, share: 0.4}
  - {from: ore, to: ref1, share: 1.0}
  - {from: ore, to: ref2, share: 0.5}
  - {from: ref1, to: ind1, share: 0.7}
  - {from: ref2, to: ind1, share: 0.3}
  - {from: ref1, to: ind2, share: 1.0}
"""

FIELDS = ["node", "kind", "score", "industries_hit", "worst_node", "worst_shortfall"]


def build(text: str, **values: float):
    data = yaml.safe_load(text)
    for node in data["nodes"]:
        if node["id"] in values:
            node["value"] = values[node["id"]]
    return graph.from_dict(data)


@pytest.fixture
def two_refiners(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO_REFINERS, encoding="utf-8")
    return str(path)


def rows(frame):
    return {r["node"]: r for r in frame.to_dict("records")}


def test_removal_ranking_without_values_sums_shortfalls():
    res = analysis.chokepoints(build(TWO_REFINERS))
    assert not res.weighted
    # Candidates are the nodes that are neither countries nor industries.
    assert list(res.table["node"]) == ["ore", "ref1", "ref2"]
    table = rows(res.table)
    # Remove ore: ref1 A = 0 -> a 0; ref2 A = 0.5 (unmodelled) -> a 0.5;
    # ind1 A = 0.7*0 + 0.3*0.5 = 0.15 -> shortfall 0.85;
    # ind2 A = 0 -> shortfall 0.5 * 1 = 0.5. Score 0.85 + 0.5 = 1.35.
    assert table["ore"]["score"] == pytest.approx(1.35)
    assert table["ore"]["industries_hit"] == 2
    assert table["ore"]["worst_node"] == "ind1"
    assert table["ore"]["worst_shortfall"] == pytest.approx(0.85)
    # Remove ref1: ind1 A = 0.3 -> 0.7; ind2 A = 0 -> 0.5. Score 1.2.
    assert table["ref1"]["score"] == pytest.approx(1.2)
    assert table["ref1"]["worst_shortfall"] == pytest.approx(0.7)
    # Remove ref2: ind1 A = 0.7 -> 0.3; ind2 untouched. Score 0.3.
    assert table["ref2"]["score"] == pytest.approx(0.3)
    assert table["ref2"]["industries_hit"] == 1
    assert table["ref2"]["worst_node"] == "ind1"


def test_single_point_of_failure():
    table = rows(analysis.chokepoints(build(TWO_REFINERS)).table)
    # ind2 buys all its metal from ref1 (share 1, nothing unmodelled): removing
    # ref1, or the ore behind it, leaves A_metal = 0 and cuts ind2 by its full
    # dependence 0.5. ind1 keeps 0.15 (ore) or 0.3 (ref1) of its metal.
    assert table["ore"]["single_point_of_failure_for"] == ["ind2"]
    assert table["ref1"]["single_point_of_failure_for"] == ["ind2"]
    assert table["ref2"]["single_point_of_failure_for"] == []


def test_country_leverage_is_a_full_export_ban():
    res = analysis.chokepoints(build(TWO_REFINERS))
    countries = rows(res.countries)
    assert list(res.countries["node"]) == ["aa", "bb"]
    # aa bans everything it controls (aa, ref1, ind2) to consumers outside aa:
    # aa -> ore and ref1 -> ind1 are cut; ref1 -> ind2 stays (ind2 is in aa).
    # ore A = 0.4 -> a 0.4; ref1 A = 0.4; ref2 A = 0.5 + 0.5*0.4 = 0.7;
    # ind1 A = 0.7*0.4*0 + 0.3*0.7 = 0.21 -> 0.79; ind2 A = 0.4 -> 0.5*0.6 = 0.3.
    assert countries["aa"]["score"] == pytest.approx(1.09)
    assert countries["aa"]["industries_hit"] == 2
    assert countries["aa"]["worst_node"] == "ind1"
    assert countries["aa"]["worst_shortfall"] == pytest.approx(0.79)
    assert countries["aa"]["kind"] == "country"
    # bb: bb -> ore cut; ref2 -> ind1 stays (both in bb).
    # ore a 0.6; ref1 0.6; ref2 0.5 + 0.5*0.6 = 0.8;
    # ind1 A = 0.7*0.6 + 0.3*0.8 = 0.66 -> 0.34; ind2 A = 0.6 -> 0.5*0.4 = 0.2.
    assert countries["bb"]["score"] == pytest.approx(0.54)
    assert countries["bb"]["worst_shortfall"] == pytest.approx(0.34)
    assert countries["aa"]["single_point_of_failure_for"] == []


def test_value_weighted_when_every_industry_has_a_value():
    res = analysis.chokepoints(build(TWO_REFINERS, ind1=2e9, ind2=1e9))
    assert res.weighted
    assert res.unit == "USD"
    table = rows(res.table)
    # ore: 2e9 * 0.85 + 1e9 * 0.5 = 2.2e9; ref1: 2e9 * 0.7 + 1e9 * 0.5 = 1.9e9;
    # ref2: 2e9 * 0.3 = 0.6e9.
    assert table["ore"]["score"] == pytest.approx(2.2e9)
    assert table["ref1"]["score"] == pytest.approx(1.9e9)
    assert table["ref2"]["score"] == pytest.approx(0.6e9)
    countries = rows(res.countries)
    # aa: 2e9 * 0.79 + 1e9 * 0.3 = 1.88e9; bb: 2e9 * 0.34 + 1e9 * 0.2 = 0.88e9.
    assert countries["aa"]["score"] == pytest.approx(1.88e9)
    assert countries["bb"]["score"] == pytest.approx(0.88e9)


def test_one_missing_value_falls_back_to_industry_equivalents():
    res = analysis.chokepoints(build(TWO_REFINERS, ind1=2e9))
    assert not res.weighted
    assert rows(res.table)["ore"]["score"] == pytest.approx(1.35)


TIES = """
nodes:
  - {id: zz, kind: country}
  - {id: r-b, kind: refiner, commodity: metal}
  - {id: r-a, kind: refiner, commodity: metal}
  - {id: idle, kind: component}
  - {id: i-2, kind: industry}
  - {id: i-1, kind: industry}
edges:
  - {from: r-b, to: i-1, share: 0.5}
  - {from: r-a, to: i-1, share: 0.5}
  - {from: r-b, to: i-2, share: 0.5}
  - {from: r-a, to: i-2, share: 0.5}
"""


def test_ties_are_broken_by_id():
    res = analysis.chokepoints(build(TIES))
    # Removing either refiner costs each industry 0.5: score 1.0 for both, so
    # r-a ranks before r-b; both hit i-1 and i-2 equally, so i-1 is the worst.
    # The idle component hits nothing: score 0, last.
    assert list(res.table["node"]) == ["r-a", "r-b", "idle"]
    assert list(res.table["score"]) == pytest.approx([1.0, 1.0, 0.0])
    assert list(res.table["worst_node"][:2]) == ["i-1", "i-1"]
    # Nothing hit: worst_node is null and worst_shortfall 0.0.
    idle = res.to_json()["chokepoints"][2]
    assert idle == {
        "node": "idle",
        "kind": "component",
        "score": 0.0,
        "industries_hit": 0,
        "worst_node": None,
        "worst_shortfall": 0.0,
    }
    # zz controls nothing that is sold: leverage 0.
    assert res.to_json()["countries"][0]["score"] == 0.0


def test_kind_candidates_and_top():
    G = build(TWO_REFINERS)
    assert list(analysis.chokepoints(G, kind="refiner").table["node"]) == ["ref1", "ref2"]
    assert list(analysis.chokepoints(G, kind="Refiner", top=1).table["node"]) == ["ref1"]
    assert len(analysis.chokepoints(G, top=1).countries) == 1
    # Explicit candidates, by id or display name; industries may be tried too.
    res = analysis.chokepoints(G, candidates=["ref2", "ind2"])
    # Removing ind2 takes its own output away: shortfall 1.
    assert list(res.table["node"]) == ["ind2", "ref2"]
    assert res.table["score"][0] == pytest.approx(1.0)
    # kind=country tries removing each country (its direct supply only):
    # removing aa: ore A = 0.4 (a 0.4): same as aa's ban without the cut on
    # ref1 -> ind1: ref1 0.4, ref2 0.7, ind1 A = 0.28 + 0.21 = 0.49 -> 0.51,
    # ind2 0.3. Score 0.81.
    by_country = rows(analysis.chokepoints(G, kind="country").table)
    assert by_country["aa"]["score"] == pytest.approx(0.81)


def test_unknown_kind_and_candidate_raise():
    G = build(TWO_REFINERS)
    with pytest.raises(UnknownNameError, match="refiner"):
        analysis.chokepoints(G, kind="refinr")
    with pytest.raises(UnknownNameError, match="ref1"):
        analysis.chokepoints(G, candidates=["ref11"])


def test_json_contract_exact_keys_and_order():
    obj = analysis.chokepoints(build(TWO_REFINERS)).to_json()
    assert list(obj) == ["chokepoints", "countries"]
    for entry in obj["chokepoints"] + obj["countries"]:
        assert list(entry) == FIELDS
    assert [e["node"] for e in obj["chokepoints"]] == ["ore", "ref1", "ref2"]
    assert [e["node"] for e in obj["countries"]] == ["aa", "bb"]


def test_per_candidate_functions_are_plain_and_picklable():
    G = build(TWO_REFINERS)
    C = compile_graph(G)
    S = scoring(C)
    # A process pool needs to pickle the function and its arguments.
    assert pickle.loads(pickle.dumps(removal_damage)) is removal_damage
    pickle.dumps(S)
    assert removal_damage(C, C.index["ref1"]).score == pytest.approx(1.2)
    assert removal_damage(C, C.index["ref1"], S) == removal_damage(C, C.index["ref1"])
    assert ban_damage(C, C.index["bb"], S).score == pytest.approx(0.54)


def test_result_displays():
    res = analysis.chokepoints(build(TWO_REFINERS))
    html = res._repr_html_()
    assert "ref1" in html and "Country export bans" in html
    assert "candidates" in repr(res)
    assert list(res.table.columns) == [*FIELDS, "single_point_of_failure_for"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_scores_agree_with_what_if(data):
    # The ranking's score for a removal (a ban) is the sum of industry
    # shortfalls of the same removal (ban) run as a what-if.
    G = graph.from_dict(data)
    res = analysis.chokepoints(G, candidates=sorted(G.nodes))
    industries = {v for v, d in G.nodes(data=True) if d["kind"] == "industry"}
    weighted = all(G.nodes[v]["value"] is not None for v in industries)
    weight = {v: (G.nodes[v]["value"] if weighted else 1.0) for v in industries}

    def expected(result) -> float:
        return sum(
            weight[r["node"]] * r["shortfall"] for r in result.records if r["node"] in industries
        )

    for row in res.table.to_dict("records")[:5]:
        assert row["score"] == pytest.approx(
            expected(analysis.remove(G, [row["node"]])), rel=1e-9, abs=1e-9
        )
    for row in res.countries.to_dict("records")[:3]:
        ban = analysis.what_if(G, [analysis.Restriction(row["node"], ["all"])])
        assert row["score"] == pytest.approx(expected(ban), rel=1e-9, abs=1e-9)


# The batched removals: every score bit for bit the one-at-a-time run's


def one_at_a_time(G):
    """Today's ranking rows: every candidate and ban run on the whole graph, one by one."""
    C = compile_graph(G)
    S = scoring(C)
    nodes = chokepoints_module._candidates(G, C, None, None)
    countries = [C.index[v] for v, d in G.nodes(data=True) if d["kind"] == "country"]
    ranked = chokepoints_module._ranked
    removals = [removal_damage(C, i, S) for i in nodes]
    bans = [ban_damage(C, i, S) for i in sorted(countries)]
    return ranked(removals, None), ranked(bans, None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(cycles=True, alternatives=True) | datasets(alternatives=True) | datasets())
def test_batched_removals_equal_one_at_a_time_runs(data):
    G = graph.from_dict(data)
    C = compile_graph(G)
    S = scoring(C)
    nodes = list(range(C.n_nodes))  # every node, countries and industries too
    batched = batched_removals(C, S, nodes)
    cyclic = {i for lv in C.levels if lv.cyclic for i in lv.nodes.tolist()}
    for i, d in zip(nodes, batched, strict=True):
        if d is None:  # left to the one-at-a-time run: it reaches a cycle
            assert cyclic
        else:
            assert d == removal_damage(C, i, S)  # exactly: every field, every bit
    if not cyclic:
        assert None not in batched
    # And the whole ranking is today's, row for row.
    res = analysis.chokepoints(G, processes=1)
    assert (res.records, res.country_records) == one_at_a_time(G)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(cycles=True, alternatives=True) | datasets(alternatives=True))
def test_batched_removals_do_not_depend_on_the_chunks(data):
    G = graph.from_dict(data)
    C = compile_graph(G)
    S = scoring(C)
    nodes = list(range(C.n_nodes))
    whole = batched_removals(C, S, nodes)
    first, pairs = chokepoints_module.FIRST_CHUNK, removals.PAIRS
    try:
        # Chunks of one or two candidates.
        chokepoints_module.FIRST_CHUNK, removals.PAIRS = 2, 1
        assert batched_removals(C, S, nodes) == whole
    finally:
        chokepoints_module.FIRST_CHUNK, removals.PAIRS = first, pairs


CYCLE_BESIDE = """
nodes:
  - {id: aa, kind: country}
  - {id: ore, kind: mineral}
  - {id: ore2, kind: mineral}
  - {id: r1, kind: refiner, commodity: metal}
  - {id: r2, kind: refiner, commodity: metal2}
  - {id: r3, kind: refiner, commodity: metal3}
  - {id: r4, kind: refiner, commodity: metal4}
  - {id: r5, kind: refiner, commodity: metal5}
  - {id: ind1, kind: industry}
  - {id: ind2, kind: industry}
edges:
  - {from: aa, to: ore, share: 1.0}
  - {from: aa, to: ore2, share: 1.0}
  - {from: ore, to: r1, share: 0.5}
  - {from: ore2, to: r4, share: 0.5}
  - {from: r4, to: r5, share: 0.5}
  - {from: r5, to: r2, share: 0.5}
  - {from: r3, to: r2, share: 0.25}
  - {from: r2, to: r3, share: 0.5}
  - {from: r1, to: ind1, share: 0.8}
  - {from: r3, to: ind2, share: 1.0}
"""


def test_a_removal_reaching_a_cycle_is_run_one_at_a_time():
    # r2 and r3 supply each other, two generations below anything ore reaches
    # (a cycle is solved over its whole level). Removing ore reaches ore, r1
    # and ind1 only: batched. Removing ore2 reaches the cycle: left (None) to
    # removal_damage.
    C = compile_graph(build(CYCLE_BESIDE))
    S = scoring(C)
    ore, ore2 = C.index["ore"], C.index["ore2"]
    batched = batched_removals(C, S, [ore, ore2])
    assert batched[1] is None
    # By hand: r1 loses half its ore (a = 0.5), ind1 loses 0.8 * 0.5 = 0.4.
    assert batched[0] == removal_damage(C, ore, S)
    assert (batched[0].score, batched[0].worst_node) == (pytest.approx(0.4), "ind1")
    res = analysis.chokepoints(build(CYCLE_BESIDE), processes=1)
    assert (res.records, res.country_records) == one_at_a_time(build(CYCLE_BESIDE))
    ore2_row = next(r for r in res.records if r["node"] == "ore2")
    assert ore2_row == removal_damage(C, ore2, S).to_dict()


# Command line


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works(two_refiners, fmt):
    code, out, err = run_cli(["chokepoints", "--format", fmt, "--data", two_refiners])
    assert code == 0, err
    assert "ref1" in out and "aa" in out
    if fmt == "json":
        obj = json.loads(out)
        assert [e["node"] for e in obj["chokepoints"]] == ["ore", "ref1", "ref2"]
        assert obj["chokepoints"][0]["score"] == 1.35
        assert obj["countries"][0]["worst_shortfall"] == 0.79
    if fmt == "csv":
        lines = out.splitlines()
        assert lines[0] == (
            "measure,node,kind,score,industries_hit,worst_node,worst_shortfall,"
            "single_point_of_failure_for"
        )
        assert lines[1].startswith("removal,ore,mineral,1.35,2,ind1,0.85,ind2")
        assert lines[4].startswith("export_ban,aa,country,1.09,2,ind1,0.79,")
    if fmt == "table":
        assert "industry-equivalents" in out
        assert "85.0%" in out


def test_cli_top_and_kind(two_refiners):
    code, out, _ = run_cli(
        [
            "chokepoints",
            "--top",
            "1",
            "--kind",
            "refiner",
            "--format",
            "json",
            "--data",
            two_refiners,
        ]
    )
    assert code == 0
    obj = json.loads(out)
    assert [e["node"] for e in obj["chokepoints"]] == ["ref1"]
    assert [e["node"] for e in obj["countries"]] == ["aa"]


def test_cli_unknown_kind_is_exit_2(two_refiners):
    code, out, err = run_cli(["chokepoints", "--kind", "refinr", "--data", two_refiners])
    assert code == 2
    assert out == ""
    assert err.startswith("error: unknown kind 'refinr'")
    assert "did you mean 'refiner'" in err
    assert "Traceback" not in err


def test_cli_json_is_byte_identical_across_runs(two_refiners):
    args = ["chokepoints", "--format", "json", "--data", two_refiners]
    assert run_cli(args)[1] == run_cli(args)[1]


def test_headline_counts_everything_tried():
    res = analysis.chokepoints(build(TWO_REFINERS), top=1)
    assert res.headline().startswith("3 candidates, 2 countries (top 1 shown)")


def test_no_progress_bar_off_a_terminal(capsys):
    # stderr is not a terminal under pytest: nothing is drawn.
    analysis.chokepoints(build(TWO_REFINERS), progress=True)
    assert capsys.readouterr().err == ""


def test_bundled_dataset_smoke():
    code, out, err = run_cli(["chokepoints", "--format", "json"])
    assert code == 0, err
    obj = json.loads(out)
    assert list(obj) == ["chokepoints", "countries"]
    for ranking in obj.values():
        assert ranking, "the bundled dataset has candidates and countries"
        keys = [(-e["score"], e["node"]) for e in ranking]
        assert keys == sorted(keys)
        assert all(list(e) == FIELDS for e in ranking)
    assert all(e["kind"] not in ("country", "industry") for e in obj["chokepoints"])
    assert all(e["kind"] == "country" for e in obj["countries"])
