"""Sampled bands (DESIGN section 3c), checked by hand and against tests/reference.py.

The analytic figures are worked out in the comments; the agreement tests run
every sample again, one at a time, through the plain reference model with
that sample's drawn values written into a copy of the graph.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import dataset
from reference import reference_run

import analysis
from analysis import Restriction
from analysis.cli import cli
from analysis.engine import compile_graph, run
from analysis.scenario import Scenario
from analysis.uncertainty import apply, band, draw, params, sample_runs
from analysis.whatif import run_uncertain
from graph.errors import ScenarioError

# One uncertain number feeding one industry linearly: fab's shortfall is the
# share of the cut supplier, drawn uniform on [0.2, 0.6].
CHAIN = """
nodes:
  - {id: chn, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ga, kind: refiner, country: chn, commodity: gallium}
  - {id: fab, kind: industry, country: jpn}
edges:
  - {from: cn-ga, to: fab, share: 0.4, range: [0.2, 0.6]}
"""

# Two suppliers whose drawn shares can sum above 1, an input with ranges and stock.
OVERFLOW = """
nodes:
  - {id: chn, kind: country}
  - {id: aus, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ree, kind: refiner, country: chn, commodity: ree}
  - {id: au-ree, kind: refiner, country: aus, commodity: ree}
  - id: magnets
    kind: component
    country: jpn
    inputs:
      ree: {dependence: 0.8, dependence_range: [0.5, 1.0], stockpile_days: 20,
            stockpile_days_range: [0, 60]}
  - {id: cars, kind: industry, country: jpn}
edges:
  - {from: cn-ree, to: magnets, share: 0.5, range: [0.5, 0.9]}
  - {from: au-ree, to: magnets, share: 0.5}
  - {from: magnets, to: cars, share: 0.7, range: [0.6, 0.8]}
"""

# An alternative whose spare covers the whole loss in about half the samples.
ALTERNATIVE = """
nodes:
  - {id: chn, kind: country}
  - {id: aus, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ree, kind: refiner, country: chn, commodity: ree}
  - {id: au-ree, kind: refiner, country: aus, commodity: ree}
  - {id: magnets, kind: industry, country: jpn}
edges:
  - {from: cn-ree, to: magnets, share: 0.3}
  - {from: au-ree, to: magnets, share: 0.3, spare: 0.3, spare_range: [0.0, 0.6]}
"""


def setup(text, restrictions, **kw):
    G = dataset(text)
    C = compile_graph(G)
    scenario = Scenario(restrictions=tuple(r.resolve(G) for r in restrictions), **kw)
    return G, C, scenario


def column(S, C, node):
    return int(np.searchsorted(S.nodes, C.index[node]))


def test_width_zero_ranges_give_bands_equal_to_the_point():
    text = CHAIN.replace("range: [0.2, 0.6]", "range: [0.4, 0.4]")
    G = dataset(text)
    res = run_uncertain(G, Scenario(restrictions=(Restriction("chn", ("gallium",)),)), samples=7)
    (fab,) = [r for r in res.records if r["node"] == "fab"]
    # 0.4 of the gallium is cut for good from day 0: shortfall 0.4 every day.
    assert fab["shortfall"] == pytest.approx(0.4, abs=1e-12)
    assert fab["shortfall_band"] == [fab["shortfall"]] * 3
    assert fab["peak_shortfall_band"] == [fab["shortfall"]] * 3
    assert fab["lost_days_band"] == pytest.approx([0.4 * 366] * 3, abs=1e-9)
    assert fab["days_to_impact_band"] == [0.0, 0.0, 0.0]
    assert fab["p_hit"] == 1.0


def test_one_uniform_range_gives_the_analytic_quantiles():
    _G, C, s = setup(CHAIN, [Restriction("chn", ["gallium"])])
    n = 2000
    S = sample_runs(C, s, run(C, s), n, seed=3)
    low, mid, high = band(S.shortfall[:, column(S, C, "fab")])
    # shortfall = share ~ U(0.2, 0.6): the q-quantile is 0.2 + 0.4 q.
    # Monte Carlo error of a quantile ~ sqrt(q (1 - q) / n) * 0.4 (density 1 / 0.4):
    # 0.002 for p5/p95, 0.0045 for p50; the tolerances are about five of them.
    assert low == pytest.approx(0.22, abs=0.01)
    assert mid == pytest.approx(0.40, abs=0.02)
    assert high == pytest.approx(0.58, abs=0.01)


def test_triangular_draws_have_the_value_as_their_mode():
    _G, C, s = setup(CHAIN.replace("share: 0.4", "share: 0.3"), [])
    (p,) = params(C, s)
    x = np.array([draw([p], 11, k, "triangular")[0] for k in range(20000)])
    # Triangular on [0.2, 0.6] with mode 0.3: P(X < 0.3) = (0.3 - 0.2) / 0.4 = 0.25,
    # mean (0.2 + 0.6 + 0.3) / 3 = 0.3667. Left of the mode F(x) = (x - 0.2)^2 / 0.04:
    # F(0.25) = 0.0625, F(0.3) = 0.25, so the bin [0.25, 0.3) holds 0.1875. Right of it
    # the density 2 (0.6 - x) / 0.12 is highest just after the mode: bin [0.3, 0.35)
    # holds 1 - 0.25 - (0.6 - 0.35)^2 / 0.12 = 0.2292, the most of any bin.
    assert ((x >= 0.2) & (x <= 0.6)).all()
    assert np.mean(x < 0.3) == pytest.approx(0.25, abs=0.015)
    assert x.mean() == pytest.approx(1.1 / 3, abs=0.005)
    counts, edges = np.histogram(x, bins=8, range=(0.2, 0.6))
    assert edges[counts.argmax()] == pytest.approx(0.3)
    assert counts[:3] / x.size == pytest.approx([0.0625, 0.1875, 0.2292], abs=0.01)
    y = np.array([draw([p], 11, k, "uniform")[0] for k in range(20000)])
    assert np.mean(y < 0.3) == pytest.approx(0.25, abs=0.015)  # uniform: also 0.25 ...
    assert y.mean() == pytest.approx(0.4, abs=0.005)  # ... but its mean is the midpoint


def test_shares_that_overflow_are_scaled_back_to_one():
    _G, C, s = setup(OVERFLOW, [Restriction("chn", ["ree"])])
    ps = params(C, s)
    names = [p.name for p in ps]
    # Edges by consumer (cars before magnets), then inputs.
    assert names == [
        "magnets->cars.share",
        "cn-ree->magnets.share",
        "magnets.ree.dependence",
        "magnets.ree.stockpile_days",
    ]
    S = sample_runs(C, s, run(C, s), 40, seed=5, chunk=7)
    for k in range(40):
        share_cars, x, dep, _ = draw(ps, 5, k)
        # cn-ree's drawn share x and au-ree's 0.5 sum to 0.5 + x > 1 whenever x > 0.5:
        # both scale down by 1 / (0.5 + x), so the cut is x / (0.5 + x) of magnets' ree.
        cut = x / (0.5 + x) if x > 0.5 else x
        magnets = dep * cut
        Ck, _ = apply(C, s, ps, draw(ps, 5, k))
        edges = Ck.edge_slot == Ck.edge_slot[C.index["cn-ree"] == C.src][0]
        assert Ck.share[edges].sum() == pytest.approx(1.0, abs=1e-15)
        assert S.shortfall[k, column(S, C, "magnets")] == pytest.approx(magnets, abs=1e-12)
        assert S.shortfall[k, column(S, C, "cars")] == pytest.approx(
            share_cars * magnets, abs=1e-12
        )


def reference_with(G, C, s, ps, values):
    """The reference model on a copy of G carrying the drawn values (shares rescaled)."""
    H = copy.deepcopy(G)
    Ck, sk = apply(C, s, ps, values)
    for u, v, d in H.edges(data=True):
        if d["kind"] != "supplies":
            continue
        hits = np.flatnonzero(
            (Ck.src == C.index[u])
            & (Ck.dst == C.index[v])
            & (Ck.edge_commodity == C.commodities.index(d["commodity"]))
        )
        d["share"] = float(Ck.share[hits[0]])
        d["spare"] = float(Ck.spare[hits[0]])
    for p, x in zip(ps, values, strict=True):
        if p.field in ("dependence", "substitutable", "stockpile_days"):
            node, commodity = (
                C.nodes[C.slot_node[p.index]],
                C.commodities[C.slot_commodity[p.index]],
            )
            H.nodes[node]["inputs"][commodity][p.field] = float(x)
    restrictions = [r.to_dict() for r in sk.restrictions]
    return reference_run(H, restrictions, horizon=s.horizon)


@pytest.mark.parametrize("distribution", ["uniform", "triangular"])
@pytest.mark.parametrize("text", [OVERFLOW, ALTERNATIVE, CHAIN])
def test_every_sample_agrees_with_the_reference_model(text, distribution):
    restrictions = [Restriction("chn", ["all"], severity=0.9, severity_range=(0.5, 1.0))]
    G, C, s = setup(text, restrictions, horizon=120)
    ps = params(C, s)
    S = sample_runs(C, s, run(C, s), 12, seed=1, distribution=distribution, chunk=5)
    for k in range(12):
        values = draw(ps, 1, k, distribution)
        ref = reference_with(G, C, s, ps, values)
        one = run(*apply(C, s, ps, values))  # the engine, one sample at a time
        for node in ref["impacts"]:
            col = column(S, C, node)
            assert S.nodes[col] == C.index[node]
            shortfall = 1.0 - ref["steady"][node]
            assert S.shortfall[k, col] == pytest.approx(shortfall, abs=1e-9)
            assert S.shortfall[k, col] == pytest.approx(1.0 - one.steady[C.index[node]], abs=1e-9)
            assert S.peak_shortfall[k, col] == pytest.approx(ref["peak_shortfall"][node], abs=1e-9)
            assert S.lost_days[k, col] == pytest.approx(ref["lost_days"][node], abs=1e-9)
            first = ref["days_to_impact"][node]
            assert S.days_to_impact[k, col] == (np.inf if first is None else first)


def test_chunking_does_not_change_a_byte():
    _G, C, s = setup(OVERFLOW, [Restriction("chn", ["ree"])])
    point = run(C, s)
    runs = [sample_runs(C, s, point, 50, seed=9, chunk=size) for size in (1, 7, 50, 64)]
    for other in runs[1:]:
        for name in ("nodes", "shortfall", "peak_shortfall", "lost_days", "days_to_impact"):
            assert getattr(other, name).tobytes() == getattr(runs[0], name).tobytes()
    assert sample_runs(C, s, point, 50, seed=10).shortfall.tobytes() != runs[0].shortfall.tobytes()


def test_p_hit_is_the_share_of_samples_with_a_shortfall():
    _G, C, s = setup(ALTERNATIVE, [Restriction("chn", ["ree"])])
    S = sample_runs(C, s, run(C, s), 1000, seed=2)
    col = column(S, C, "magnets")
    # Steady: lost 0.3, the alternative adds min(0.3, spare): short by 0.3 - spare
    # when spare < 0.3 (spare ~ U(0, 0.6): half the samples), else not at all.
    spare = np.array([draw(params(C, s), 2, k)[0] for k in range(1000)])
    assert S.shortfall[:, col] == pytest.approx(np.maximum(0.0, 0.3 - spare), abs=1e-12)
    p_hit = S.bands(col)["p_hit"]
    assert p_hit == np.mean(0.3 - spare > 1e-9)
    assert p_hit == pytest.approx(0.5, abs=0.06)


def test_a_node_hit_only_in_some_samples_joins_the_impacts():
    # The point spare (0.3) covers the whole steady loss, the day-0 loss is 0.3
    # (no ramp) ... with ramp_days 0 the spare acts from day 0: no impact at all.
    G = dataset(ALTERNATIVE)
    res = analysis.what_if(G, [Restriction("chn", ["ree"])])
    assert [r["node"] for r in res.records] == []
    sampled = run_uncertain(G, res.scenario, samples=20, seed=4)
    (magnets,) = [r for r in sampled.records if r["node"] == "magnets"]
    assert magnets["shortfall"] == 0.0
    assert 0.0 < magnets["p_hit"] < 1.0
    assert sampled.samples("magnets").shape == (20,)
    assert list(sampled.bands["node"]) == ["magnets"]


def test_band_counts_never_as_infinitely_late():
    # numpy linear percentile of [3, 5, never, never]: p5 at 0.15 -> 3.3, p50 at 1.5
    # lies between 5 and never -> null, p95 falls on never -> null.
    assert band(np.array([3.0, 5.0, np.inf, np.inf])) == [pytest.approx(3.3), None, None]


def test_a_severity_range_must_hold_the_severity():
    with pytest.raises(ScenarioError, match="must hold the severity"):
        Restriction("chn", ["gallium"], severity=0.9, severity_range=(0.5, 0.8))
    with pytest.raises(ScenarioError, match="within"):
        Restriction("chn", ["gallium"], severity=0.9, severity_range=(0.5, 1.5))


def test_cli_json_has_the_bands_and_is_repeatable(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(OVERFLOW)
    args = ["what-if", "chn", "ree", "--data", str(path), "--format", "json", "--samples", "30"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, args)
    assert again.output == first.output
    impacts = json.loads(first.output)["impacts"]
    for r in impacts:
        assert set(r) >= {"shortfall_band", "lost_days_band", "days_to_impact_band", "p_hit"}
        low, mid, high = r["shortfall_band"]
        assert low <= mid <= high
    table = CliRunner().invoke(cli, [*args[:-4], "--samples", "30"])
    assert "% (" in table.output


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--samples", "0"], "--samples"),
        (["--samples", "5", "--seed", "-1"], "--seed"),
        (["--samples", "5", "--distribution", "normal"], "--distribution"),
    ],
)
def test_bad_sampling_options_exit_2(extra, message, capsys):
    with pytest.raises(SystemExit) as exc:
        analysis.cli.main(["what-if", "china", "gallium", *extra])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_scenario_file_samples_and_severity_range(tmp_path, capsys):
    data = tmp_path / "data.yaml"
    data.write_text(CHAIN)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "samples: 25\nrestrictions:\n"
        "  - {by: chn, commodities: [gallium], severity: 0.9, severity_range: [0.8, 1.0]}\n"
    )
    out = CliRunner().invoke(
        cli, ["what-if", "--scenario", str(scenario), "--data", str(data), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["scenario"]["samples"] == 25
    (fab,) = result["impacts"]
    # shortfall = share * severity, both drawn: between 0.2 * 0.8 and 0.6 * 1.0.
    assert 0.16 <= fab["shortfall_band"][0] <= fab["shortfall_band"][2] <= 0.6
    scenario.write_text("samples: 0\nrestrictions: []\n")
    with pytest.raises(SystemExit) as exc:
        analysis.cli.main(["what-if", "--scenario", str(scenario), "--data", str(data)])
    assert exc.value.code == 2
    assert "s.yaml:1:10: error: samples must be a whole number" in capsys.readouterr().err


def test_remove_takes_samples_and_echoes_them(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(CHAIN)
    args = ["remove", "cn-ga", "--data", str(path), "--format", "json", "--samples", "9"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["scenario"]["samples"] == 9
    # fab loses its whole cut share: U(0.2, 0.6) in every sample, hit in all of them.
    (fab,) = [r for r in result["impacts"] if r["node"] == "fab"]
    assert fab["p_hit"] == 1.0
    assert 0.2 <= fab["shortfall_band"][0] <= fab["shortfall_band"][2] <= 0.6
