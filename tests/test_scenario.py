"""Scenarios: the Restriction value type, scenario files and their schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import analysis
import graph
from analysis.scenario import (
    Restriction,
    Scenario,
    bundled_scenarios,
    load_scenario,
    scenario_json_schema,
)
from graph.errors import DataError, ScenarioError, UnknownNameError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("severity", [0, -0.1, 1.01, float("nan"), "high", True])
def test_severity_must_be_in_zero_one(severity):
    with pytest.raises(ScenarioError, match="severity must be"):
        Restriction("chn", ["gallium"], severity=severity)


@pytest.mark.parametrize("day", [-1, 1.5, "3"])
def test_start_day_must_be_a_whole_number_of_days(day):
    with pytest.raises(ScenarioError, match="start_day must be"):
        Restriction("chn", ["gallium"], start_day=day)


def test_a_single_name_becomes_a_tuple():
    r = Restriction("chn", "gallium", to="jpn")
    assert r.commodities == ("gallium",)
    assert r.to == ("jpn",)


def test_resolve_turns_names_into_ids():
    G = graph.load()
    r = Restriction("China", ["Gallium", "rare-earths"], to=["Japan", "jpn"]).resolve(G)
    assert (r.by, r.commodities, r.to) == ("chn", ("gallium", "rare-earths"), ("jpn",))


def test_resolve_rejects_unknown_names_with_a_suggestion():
    G = graph.load()
    with pytest.raises(UnknownNameError, match=r"did you mean 'japan'"):
        Restriction("chn", ["gallium"], to=["japna"]).resolve(G)
    with pytest.raises(UnknownNameError, match="unknown country 'gallium'"):
        Restriction("gallium", ["gallium"]).resolve(G)


def test_day_past_the_horizon_extends_it():
    assert Scenario(horizon=30, day=90).horizon == 90


def test_every_bundled_scenario_loads_and_runs():
    G = graph.load()
    assert set(bundled_scenarios()) >= {
        "2010-rare-earths-japan",
        "2023-gallium-germanium",
        "2025-graphite",
        "2026-dual-use-japan",
    }
    for name in bundled_scenarios():
        scenario = load_scenario(name)
        assert scenario.id == name
        assert scenario.description and scenario.sources
        for source in scenario.sources:
            assert source in G.graph["sources"], f"{name}: unknown source {source}"
        result = analysis.run_scenario(G, scenario)
        assert result.summary["industries_hit"] > 0, name


def test_bundled_scenarios_keep_to_the_schema():
    schema = scenario_json_schema()
    allowed = set(schema["properties"])
    allowed_restriction = set(schema["properties"]["restrictions"]["items"]["properties"])
    for path in bundled_scenarios().values():
        scenario = load_scenario(path)
        assert scenario.restrictions
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../docs/scenario.schema.json")
        import yaml

        data = yaml.safe_load(text)
        assert set(data) <= allowed
        for item in data["restrictions"]:
            assert set(item) <= allowed_restriction


def test_scenario_schema_file_is_current():
    # Regenerate with: chokegraph schema --scenario -o docs/scenario.schema.json
    on_disk = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert on_disk == scenario_json_schema()


def test_scenario_file_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\n"
        "restrictions:\n"
        "  - {by: chn, commodities: [gallium], severity: 2}\n"
        "  - {by: chn, comodities: [gallium]}\n"
        "colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert lines == [
        # column 49 is the "2" after "severity: "
        f"{path}:3:49: error: severity must be in (0, 1], got 2",
        f"{path}:4:5: error: a restriction needs 'by' and 'commodities'",
        f"{path}:4:15: error: unknown key 'comodities'; allowed: by, commodities, to, "
        "severity, start_day, end_day, start, end",
        f"{path}:5:1: error: unknown key 'colour' in a scenario; allowed: id, name, "
        "description, sources, day0, restrictions, remove, set",
    ]


def test_unknown_scenario_name_suggests_a_bundled_one():
    with pytest.raises(ScenarioError, match="did you mean '2025-graphite'"):
        load_scenario("2025-grafite")
