"""The batched engine (``analysis.batch``): every column is a one-at-a-time run.

Each column sets its own shares, spares, dependences, substitutable shares,
stocks, severities and removed nodes; every column must equal
``engine.run`` on a compiled graph carrying the same values, and the plain
reference model (``tests/reference.py``) on a graph carrying them, to
1e-12, on hand-built graphs and on random ones with windows, alternatives,
stocks and cycles.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import pytest
from helpers import dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_run
from strategies import cases

import graph
from analysis import batch
from analysis.compiled import compile_graph
from analysis.engine import run
from analysis.scenario import Restriction, Scenario

TOLERANCE = 1e-12

# DESIGN 3b's worked example, with a stock and a second industry behind it.
WORKED = """
nodes:
  - {id: c0, kind: country}
  - {id: c1, kind: country}
  - {id: r0, kind: refiner, country: c0, commodity: x}
  - {id: r1, kind: refiner, country: c1, commodity: x}
  - {id: i0, kind: component, country: c1, inputs: {x: {stockpile_days: 10}}}
  - {id: i1, kind: industry, country: c1}
edges:
  - {from: r0, to: i0, share: 0.6}
  - {from: r1, to: i0, share: 0.3, spare: 0.2, ramp_days: 100}
  - {from: i0, to: i1, share: 0.5}
"""


def random_columns(C, scenario, rng, n):
    """``n`` columns, each with its own draw of every kind of number (shares only scaled down)."""
    m, k = len(C.src), len(C.slot_node)
    values = {}
    if m:
        edges = np.arange(m)
        values["share"] = (edges, C.share[:, None] * rng.uniform(0.0, 1.0, (m, n)))
        values["spare"] = (edges, rng.uniform(0.0, 0.5, (m, n)) * (rng.random((m, n)) < 0.5))
    if k:
        slots = np.arange(k)
        values["dependence"] = (slots, rng.uniform(0.0, 1.0, (k, n)))
        values["substitutable"] = (
            slots,
            rng.uniform(0.0, 1.0, (k, n)) * (rng.random((k, n)) < 0.5),
        )
        values["stockpile_days"] = (slots, rng.integers(0, 30, (k, n)).astype(np.float64))
    r = len(scenario.restrictions)
    if r:
        values["severity"] = (np.arange(r), rng.uniform(0.0, 1.0, (r, n)))
    if C.n_nodes:
        candidates = rng.choice(C.n_nodes, size=min(2, C.n_nodes), replace=False)
        removed = np.zeros((candidates.size, n))
        removed[0, 0] = 1.0  # the first column removes one more node
        values["removed"] = (np.sort(candidates), removed[np.argsort(candidates)])
    return batch.Columns(n, values)


def column_graph(C, scenario, cols, j):
    """The compiled graph and scenario of column ``j``, for a one-at-a-time run."""
    arrays = {
        "share": C.share.copy(),
        "spare": C.spare.copy(),
        "slot_dependence": C.slot_dependence.copy(),
        "slot_substitutable": C.slot_substitutable.copy(),
        "slot_stock": C.slot_stock.copy(),
    }
    names = {"dependence": "slot_dependence", "substitutable": "slot_substitutable",
             "stockpile_days": "slot_stock"}  # fmt: skip
    severities = [r.severity for r in scenario.restrictions]
    removed = list(scenario.removed)
    for fld, (index, matrix) in cols.values.items():
        if fld == "severity":
            for i, x in zip(index, matrix[:, j], strict=True):
                severities[i] = float(x)
        elif fld == "removed":
            removed += [C.nodes[i] for i, x in zip(index, matrix[:, j], strict=True) if x]
        else:
            arrays[names.get(fld, fld)][index] = matrix[:, j]
    Cj = replace(C, **arrays, levels=[])
    Cj.levels = [copy.copy(level).gather(Cj) for level in C.levels]
    restrictions = tuple(
        replace(r, severity=s, severity_range=None)
        for r, s in zip(scenario.restrictions, severities, strict=True)
    )
    return Cj, replace(scenario, restrictions=restrictions, removed=tuple(dict.fromkeys(removed)))


def reference_graph(G, Cj):
    """A copy of ``G`` carrying the compiled values of ``Cj`` (for the reference model)."""
    H = copy.deepcopy(G)
    for u, v, d in H.edges(data=True):
        if d["kind"] != "supplies":
            continue
        (e,) = np.flatnonzero(
            (Cj.src == Cj.index[u])
            & (Cj.dst == Cj.index[v])
            & (Cj.edge_commodity == Cj.commodities.index(d["commodity"]))
        )
        d["share"], d["spare"] = float(Cj.share[e]), float(Cj.spare[e])
    for slot, (node, c) in enumerate(zip(Cj.slot_node, Cj.slot_commodity, strict=True)):
        inputs = H.nodes[Cj.nodes[node]].setdefault("inputs", {})
        inputs[Cj.commodities[c]] = {
            "dependence": float(Cj.slot_dependence[slot]),
            "substitutable": float(Cj.slot_substitutable[slot]),
            "stockpile_days": float(Cj.slot_stock[slot]),
        }
    return H


def assert_columns_agree(G, scenario, cols, *, reference=True):
    C = compile_graph(G)
    spare_edges = cols.values["spare"][0] if "spare" in cols.values else None
    removable = cols.values["removed"][0] if "removed" in cols.values else None
    P = batch.plan(C, scenario, removable=removable, spare_edges=spare_edges)
    res = batch.run_columns(P, cols)
    # Steps of one column at a time give the same bits.
    small = batch.run_columns(P, cols, cells=1)
    for name in ("steady", "peak_shortfall", "lost_days", "days_to_impact"):
        assert getattr(small, name).tobytes() == getattr(res, name).tobytes()
    outside = np.setdiff1d(np.arange(C.n_nodes), P.nodes)
    for j in range(cols.n):
        Cj, sj = column_graph(C, scenario, cols, j)
        one = run(Cj, sj)
        assert (one.steady[outside] == 1.0).all()  # nothing outside the plan moves
        assert res.steady[:, j] == pytest.approx(one.steady[P.nodes], abs=TOLERANCE)
        at = np.searchsorted(P.nodes, one.affected)
        assert (P.nodes[at] == one.affected).all()
        assert res.peak_shortfall[at, j] == pytest.approx(one.peak_shortfall, abs=TOLERANCE)
        assert res.lost_days[at, j] == pytest.approx(one.lost_days, abs=TOLERANCE)
        assert (res.days_to_impact[at, j] == one.days_to_impact).all()
        others = np.setdiff1d(np.arange(P.nodes.size), at)
        assert (res.peak_shortfall[others, j] == 0.0).all()
        assert (res.days_to_impact[others, j] == -1).all()
        if not reference:
            continue
        restrictions = [r.to_dict() for r in sj.restrictions]
        ref = reference_run(reference_graph(G, Cj), restrictions, sj.removed, sj.horizon)
        for row, node in enumerate(P.nodes):
            name = C.nodes[node]
            assert res.steady[row, j] == pytest.approx(ref["steady"][name], abs=1e-9)
            assert res.peak_shortfall[row, j] == pytest.approx(
                ref["peak_shortfall"][name], abs=1e-9
            )
            assert res.lost_days[row, j] == pytest.approx(ref["lost_days"][name], abs=1e-9)
            first = ref["days_to_impact"][name]
            assert res.days_to_impact[row, j] == (-1 if first is None else first)
    return P, res


def test_worked_example_by_hand():
    G = dataset(WORKED)
    s = Scenario(restrictions=(Restriction("c0", ("x",)),), horizon=365).resolve(G)
    # Column 0: the data as it is. Column 1: no spare. Column 2: severity 0.5.
    spare = (np.array([int(np.flatnonzero(compile_graph(G).spare > 0)[0])]),
             np.array([[0.2, 0.0, 0.2]]))  # fmt: skip
    cols = batch.Columns(3, {"spare": spare, "severity": (np.array([0]), np.array([[1, 1, 0.5]]))})
    P, res = assert_columns_agree(G, s, cols)
    C = compile_graph(G)
    i0, i1 = (int(np.searchsorted(P.nodes, C.index[v])) for v in ("i0", "i1"))
    # Column 0: lost 0.6, the spare 0.2 fully ramped: i0 short 0.4, i1 half of it.
    # Column 1: no spare, short 0.6; column 2: half the cut, 0.3 lost, 0.2 made up: 0.1.
    assert res.steady[i0].tolist() == pytest.approx([0.6, 0.4, 0.9], abs=1e-12)
    assert res.steady[i1].tolist() == pytest.approx([0.8, 0.7, 0.95], abs=1e-12)
    # Column 1: the stock of 10 (days of normal use) pays a gap of 0.6 a day:
    # days 0..15 draw 9.6, day 16 finds 0.4 (short 0.2), every later day is short 0.6.
    assert res.days_to_impact[i0, 1] == 16
    assert res.lost_days[i0, 1] == pytest.approx(0.2 + 349 * 0.6, abs=1e-9)
    assert res.peak_shortfall[i0, 1] == pytest.approx(0.6, abs=1e-12)


def test_a_removed_node_per_column():
    G = dataset(WORKED)
    C = compile_graph(G)
    s = Scenario(horizon=30)
    nodes = np.array(sorted(C.index[v] for v in ("r0", "r1")))
    # Column 0 removes nothing, 1 removes r0, 2 removes r1 (what a chokepoint ranking stacks).
    removed = np.zeros((2, 3))
    removed[0, 1] = removed[1, 2] = 1.0
    P, res = assert_columns_agree(G, s, batch.Columns(3, {"removed": (nodes, removed)}))
    i1 = int(np.searchsorted(P.nodes, C.index["i1"]))
    # r0 out: i0 loses 0.6 (r1's spare 0.2 is not cut, so it makes up 0.2): 0.4 short,
    # i1 0.2. r1 out: 0.3 lost and no alternative: i1 short 0.15.
    assert (1.0 - res.steady[i1]).tolist() == pytest.approx([0.0, 0.2, 0.15], abs=1e-12)


RANDOM = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@RANDOM
@given(case=cases(second_edition=True), seed=st.integers(0, 2**32 - 1))
def test_random_columns_agree_with_one_at_a_time_runs_and_the_reference(case, seed):
    data, scenario = case
    G = graph.from_dict(data)
    restrictions = tuple(
        Restriction(
            r["by"], tuple(r["commodities"]), to=None if r["to"] is None else tuple(r["to"]),
            severity=r["severity"], start_day=r["start_day"], end_day=r["end_day"],
        )
        for r in scenario["restrictions"]
    )  # fmt: skip
    s = Scenario(restrictions=restrictions, removed=tuple(scenario["removed"]), horizon=60)
    C = compile_graph(G)
    cols = random_columns(C, s, np.random.default_rng(seed), 3)
    assert_columns_agree(G, s, cols)


def test_no_columns_and_nothing_reached():
    G = dataset(WORKED)
    C = compile_graph(G)
    P = batch.plan(C, Scenario())
    assert P.nodes.size == 0
    res = batch.run_columns(P, batch.Columns(4))
    assert res.steady.shape == (0, 4)
    P = batch.plan(C, Scenario(restrictions=(Restriction("c0", ("x",)),)))
    assert batch.run_columns(P, batch.Columns(0)).steady.shape == (P.nodes.size, 0)


def test_a_slowly_converging_cycle_in_every_column(monkeypatch):
    from test_engine import SLOW_CYCLE, count_solves

    G = dataset(SLOW_CYCLE)
    C = compile_graph(G)
    s = Scenario(restrictions=(Restriction("c0", ("x",), severity=0.5),), horizon=10).resolve(G)
    calls = count_solves(monkeypatch, batch, "_solve")
    P = batch.plan(C, s)
    res = batch.run_columns(
        P, batch.Columns(2, {"severity": (np.array([0]), np.array([[0.5, 1.0]]))})
    )
    # By hand (tests/test_engine.py): 1 - a = severity e / (1 - s) for p and q.
    e, share = 0.0000001, 0.9999999
    for v in ("p", "q"):
        row = int(np.searchsorted(P.nodes, C.index[v]))
        expected = [1.0 - x * e / (1.0 - share) for x in (0.5, 1.0)]
        assert res.steady[row].tolist() == pytest.approx(expected, abs=1e-8)
    assert len(calls) < 200


def test_kept_days_equal_one_at_a_time_timelines_in_every_column():
    G = dataset(WORKED)
    C = compile_graph(G)
    window = Restriction("c0", ("x",), start_day=5)
    s = Scenario(restrictions=(window,), horizon=365).resolve(G)
    (alt,) = np.flatnonzero(C.spare > 0)
    slot = int(np.flatnonzero(C.slot_node == C.index["i0"])[0])
    # Column 0: the data; 1: no spare; 2: a stock of 40 days; 3: half the cut, 1000 days of
    # stock (more than the 361 days x 0.3 lost it can ever pay): never short.
    cols = batch.Columns(
        4,
        {
            "spare": (np.array([alt]), np.array([[0.2, 0.0, 0.2, 0.2]])),
            "stockpile_days": (np.array([slot]), np.array([[10.0, 10.0, 40.0, 1000.0]])),
            "severity": (np.array([0]), np.array([[1.0, 1.0, 1.0, 0.5]])),
        },
    )
    P = batch.plan(C, s, spare_edges=np.array([alt]))
    keep = np.array([C.index[v] for v in ("i1", "r0", "i0")])  # r0: outside the reached part
    res = batch.run_columns(P, cols, keep=keep)
    assert res.daily.shape == (366, 3, 4)
    # Steps of one column at a time keep the same bits.
    assert batch.run_columns(P, cols, cells=1, keep=keep).daily.tobytes() == res.daily.tobytes()
    assert batch.run_columns(P, cols).daily is None  # off by default
    for j in range(cols.n):
        one = run(*column_graph(C, s, cols, j))
        expected = np.ones((366, 3))
        for k, node in enumerate(keep):
            if node in one.affected:
                expected[:, k] = one.timeline[:, int(np.searchsorted(one.affected, node))]
        assert np.array_equal(res.daily[:, :, j], expected), j
    # By hand, column 1 (no spare): from day 5 i0 loses 0.6 a day; its stock of 10 pays
    # days 5..20 (9.6), day 21 finds 0.4 (0.8 available), then 0.4 to the horizon (the
    # days after the run settles). i1 takes half of i0's shortfall; r0 is never short.
    i0 = res.daily[:, 2, 1]
    assert (i0[:21] == 1.0).all() and i0[21] == pytest.approx(0.8, abs=1e-12)
    assert i0[22:] == pytest.approx(np.full(344, 0.4), abs=1e-12)
    assert res.daily[:, 0, 1] == pytest.approx(0.5 + 0.5 * i0, abs=1e-12)
    assert (res.daily[:, 1] == 1.0).all()
    assert (res.daily[:, :, 3] == 1.0).all()
