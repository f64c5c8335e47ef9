"""Scenarios side by side: ``compare_scenarios`` and ``chokegraph compare --scenario``."""

from __future__ import annotations

import json

import pytest
from helpers import TWO_SUPPLIERS, dataset, run_cli

from analysis.compare import compare_scenarios
from analysis.scenario import Restriction, Scenario
from graph.errors import ChokegraphError


def scenarios():
    return [
        Scenario(restrictions=(Restriction("chn", ["m"]),), id="chn-ban"),
        Scenario(restrictions=(Restriction("aus", ["m"], severity=0.5),), id="aus-half"),
    ]


def test_shortfalls_side_by_side_by_hand():
    result = compare_scenarios(dataset(TWO_SUPPLIERS), scenarios())
    assert result.labels == ["chn-ban", "aus-half"]
    # chn's ban loses 60% of m, and so of x; aus holding back half loses 20%.
    assert [r["node"] for r in result.rows] == ["m", "x"]  # a tie at 60%: by id
    m, x = result.rows
    assert m["chn-ban"] == pytest.approx(0.6) and m["aus-half"] == pytest.approx(0.2)
    assert x["chn-ban"] == pytest.approx(0.6) and x["aus-half"] == pytest.approx(0.2)
    assert x["name"] == "Widgets" and x["kind"] == "industry"


def test_a_node_one_scenario_leaves_alone_reads_zero():
    G = dataset(TWO_SUPPLIERS)
    only_chn = Scenario(restrictions=(Restriction("chn", ["m"]),), id="a")
    nothing = Scenario(removed=(), restrictions=(Restriction("chn", ["x"]),), id="b")
    result = compare_scenarios(G, [only_chn, nothing])
    assert [r["b"] for r in result.rows] == [0.0, 0.0]


def test_formats():
    result = compare_scenarios(dataset(TWO_SUPPLIERS), scenarios())
    csv = result.to_text("csv").splitlines()
    assert csv[0] == "node,name,kind,chn-ban,aus-half"
    assert csv[1] == "m,m,mineral,0.6,0.2"
    doc = json.loads(result.to_text("json"))
    assert [s["label"] for s in doc["scenarios"]] == ["chn-ban", "aus-half"]
    assert doc["scenarios"][0]["nodes_hit"] == 2
    table = result.to_text("table")
    assert "chn-ban: " in table and "60.0%" in table and "20.0%" in table
    assert result.head(1).rows == result.rows[:1]


def test_bad_comparisons():
    G = dataset(TWO_SUPPLIERS)
    with pytest.raises(ChokegraphError, match="at least two"):
        compare_scenarios(G, scenarios()[:1])
    with pytest.raises(ChokegraphError, match="given twice"):
        compare_scenarios(G, scenarios(), labels=["a", "a"])


def test_cli_matches_what_if_of_each_scenario():
    names = ["2023-gallium-germanium", "2026-dual-use-japan"]
    code, out, err = run_cli(
        ["compare", "--scenario", names[0], "--scenario", names[1], "--format", "json"]
    )
    assert code == 0, err
    doc = json.loads(out)
    for name in names:
        code, alone, _ = run_cli(["what-if", "--scenario", name, "--format", "json"])
        impacts = {r["node"]: r["shortfall"] for r in json.loads(alone)["impacts"]}
        got = {r["node"]: r[name] for r in doc["rows"] if r[name] > 0}
        assert got == pytest.approx(impacts)


def test_cli_top_and_chart(tmp_path):
    out = tmp_path / "both.png"
    code, text, err = run_cli(
        [
            "compare",
            "--scenario",
            "2023-gallium-germanium",
            "--scenario",
            "2025-graphite",
            "--top",
            "2",
            "--format",
            "csv",
            "--render",
            str(out),
        ]
    )
    assert code == 0, err
    assert len(text.splitlines()) == 3  # the header and two rows
    assert err.strip() == f"wrote {out}"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--scenario", "2025-graphite"], "compare two or more scenarios"),
        (["seeds/", "--scenario", "2025-graphite"], "give either DATASET OTHER or --scenario"),
        (["seeds/"], "give two datasets"),
        (["a.yaml", "b.yaml", "--top", "3"], "--top goes with --scenario"),
        (["--scenario", "2025-graphite", "--scenario", "nonesuch"], "unknown scenario 'nonesuch'"),
        (["--scenario", "a", "--scenario", "b", "--render", "x.html"], "a comparison is a picture"),
    ],
)
def test_cli_bad_input(args, message):
    code, _, err = run_cli(["compare", *args])
    assert code == 2
    assert message in err
    assert "Traceback" not in err
