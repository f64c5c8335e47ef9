"""``chokegraph import mrio``: a pymrio system as a region-sector graph.

Checked against input-output arithmetic done here with numpy on pymrio's own
test system: the first-order loss of a consumer is its technical coefficient,
and the chokepoint ranking agrees with the Ghosh forward hypothetical
extraction computed here.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import run_cli

pymrio = pytest.importorskip(
    "pymrio", reason='pymrio not installed (pip install "chokegraph[mrio]")'
)

import analysis  # noqa: E402
import graph  # noqa: E402
from graph.errors import ChokegraphError  # noqa: E402
from graph.importers.mrio import import_mrio, parse_dependence  # noqa: E402


@pytest.fixture(scope="module")
def system():
    io = pymrio.load_test()
    Z = io.Z.to_numpy(dtype=float)
    x = Z.sum(axis=1) + io.Y.to_numpy(dtype=float).sum(axis=1)  # gross output
    ids = [f"{r}-{s}".lower() for r, s in io.Z.index]
    return io, Z, x, ids


@pytest.fixture(scope="module")
def imported():
    return import_mrio(test_system=True)


def test_nodes_values_and_shares(system, imported):
    _, Z, x, ids = system
    nodes = {n["id"]: n for n in imported.data["nodes"]}
    assert len(imported.nodes("industry")) == 48 and len(imported.nodes("country")) == 6
    food = nodes["reg2-food"]
    assert (food["country"], food["commodity"]) == ("reg2", "food")
    assert food["value"] == pytest.approx(x[ids.index("reg2-food")], rel=1e-12)
    # reg2-food's use of mining, by region: Z[(r, mining), reg2-food] / their sum.
    j = ids.index("reg2-food")
    mining = [ids.index(f"reg{r}-mining") for r in range(1, 7)]
    shares = {e["from"]: e["share"] for e in imported.data["edges"] if e["to"] == "reg2-food"}
    for i in mining:
        assert shares[ids[i]] == pytest.approx(Z[i, j] / Z[mining, j].sum(), rel=1e-12)
    assert food["inputs"]["mining"]["dependence"] == pytest.approx(Z[mining, j].sum() / x[j])


def test_self_supply_is_an_explicit_input(system, imported):
    _, Z, _, ids = system
    j = ids.index("reg1-food")
    assert Z[j, j] > 0
    edges = {(e["from"], e["to"]): e["share"] for e in imported.data["edges"]}
    food = [ids.index(f"reg{r}-food") for r in range(1, 7)]
    assert edges["reg1-food-own", "reg1-food"] == pytest.approx(Z[j, j] / Z[food, j].sum())
    assert edges["reg1-food", "reg1-food-own"] == 1.0
    G = graph.from_dict(imported.data)
    assert G.nodes["reg1-food-own"]["kind"] == "component"
    # Not in the unmodelled rest: reg1-food's food shares add up to 1.
    assert sum(s for (u, v), s in edges.items() if v == "reg1-food" and "food" in u) == (
        pytest.approx(1.0)
    )


def test_first_order_loss_is_the_technical_coefficient(system, imported):
    _, Z, x, ids = system
    A = Z / x
    rng = np.random.default_rng(7)
    for j in rng.choice(len(ids), size=6, replace=False):
        v = ids[j]
        # Only v's own supply edges: each supplier's removal is then a first-order loss.
        data = dict(imported.data)
        data["edges"] = [e for e in imported.data["edges"] if e["to"] == v]
        G = graph.from_dict(data)
        for i in rng.choice([i for i in range(len(ids)) if i != j and Z[i, j] > 0], size=4):
            res = analysis.remove(G, [ids[i]])
            got = dict(zip(res.impacts["node"], res.impacts["shortfall"], strict=True)).get(v, 0.0)
            assert got == pytest.approx(A[i, j], rel=1e-9, abs=1e-15), (ids[i], v)


def test_ranking_agrees_with_ghosh_forward_extraction(system, imported):
    from scipy.stats import spearmanr

    _, Z, x, ids = system
    n = len(ids)
    B = Z / x[:, None]  # allocation coefficients
    v = x - Z.sum(axis=0)  # value added (primary inputs)
    pymrio_G = pymrio.calc_G(B)  # Ghosh inverse, pymrio's own
    assert np.allclose(v @ pymrio_G, x, rtol=1e-9)
    loss = []
    for k in range(n):  # extract k's sales to every sector (its row of B)
        Bk = B.copy()
        Bk[k, :] = 0
        drop = x - v @ np.linalg.inv(np.eye(n) - Bk)
        loss.append(drop.sum() - drop[k])  # the loss of every other sector
    G = graph.from_dict(imported.data)
    res = analysis.chokepoints(G, kind="industry")
    score = dict(zip(res.table["node"], res.table["score"], strict=True))
    # chokegraph's score counts the removed sector itself: take it out.
    ours = [score[ids[k]] - x[k] for k in range(n)]
    assert spearmanr(ours, loss).statistic >= 0.99


def test_critical_dependence(imported):
    critical = import_mrio(test_system=True, dependence="critical:0.05")
    before = {n["id"]: n.get("inputs", {}) for n in imported.data["nodes"]}
    for node in critical.data["nodes"]:
        for c, spec in node.get("inputs", {}).items():
            cost = before[node["id"]][c]["dependence"]
            assert spec["dependence"] == (1.0 if cost > 0.05 else cost)
    assert parse_dependence("cost-share") is None
    with pytest.raises(ChokegraphError, match="critical:THRESHOLD"):
        parse_dependence("critical:1.5")


def test_every_dependence_one_collapses(imported):
    # With every input fully needed the dense, cyclic graph has one fixed
    # point below 1 for everything downstream of a removal: total loss.
    G = graph.from_dict(import_mrio(test_system=True, dependence="critical:0").data)
    res = analysis.remove(G, ["reg1-mining"])
    industries = res.impacts[res.impacts["kind"] == "industry"]
    assert len(industries) == 48 and industries["shortfall"].min() == pytest.approx(1.0)


def test_cli(tmp_path):
    code, _, err = run_cli(["import", "mrio", "--test-system", "-o", f"{tmp_path}/m/"])
    assert code == 0, err
    assert "48 industry nodes" in err
    assert graph.load(tmp_path / "m").number_of_nodes() == 102
    code, _, err = run_cli(["import", "mrio"])
    assert code == 2 and err.startswith("error: give the folder")
    code, _, err = run_cli(["import", "mrio", str(tmp_path / "nothing")])
    assert code == 2 and "no such folder" in err


def test_saved_system_folder(tmp_path):
    io = pymrio.load_test()
    io.save_all(tmp_path / "sys")
    again = import_mrio(tmp_path / "sys")
    assert again.data["edges"] == import_mrio(test_system=True).data["edges"]


def test_missing_pymrio_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pymrio", None)  # as if not installed
    with pytest.raises(ChokegraphError, match=r"chokegraph\[mrio\]"):
        import_mrio(test_system=True)


def test_min_coefficient_leaves_small_flows_unmodelled(system):
    _, Z, x, ids = system
    A = Z / x
    kept = import_mrio(test_system=True, min_coefficient=0.01)
    edges = kept.data["edges"]
    got = {(e["from"].removesuffix("-own"), e["to"]) for e in edges if not e["to"].endswith("-own")}
    n = len(ids)
    want = {(ids[i], ids[j]) for i in range(n) for j in range(n) if Z[i, j] > 0 and A[i, j] >= 0.01}
    assert got == want
    assert f"{int(((Z > 0) & (A < 0.01)).sum()):,}" in kept.summary()
    # Shares are still of the whole use: a consumer's kept shares add up to less than 1.
    food = [
        e["share"] for e in kept.data["edges"] if e["to"] == "reg1-food" and "food" in e["from"]
    ]
    everything = [
        e["share"]
        for e in import_mrio(test_system=True).data["edges"]
        if e["to"] == "reg1-food" and "food" in e["from"]
    ]
    assert sum(food) < sum(everything) == pytest.approx(1.0)
