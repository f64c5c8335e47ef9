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
        assert (result.summary["industries_hit"] > 0) == (name not in NO_INDUSTRY), name


#: Replays whose restrictions reach no industry of the bundled data, as their
#: descriptions say: it holds no consumer of antimony, and no US user of
#: gallium, germanium, antimony or superhard materials.
NO_INDUSTRY = {"2024-antimony", "2024-us-ban"}


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
        "severity, start_day, end_day, start, end, severity_range",
        f"{path}:5:1: error: unknown key 'colour' in a scenario; allowed: id, name, "
        "description, sources, day0, restrictions, remove, set, samples",
    ]


def test_unknown_scenario_name_suggests_a_bundled_one():
    with pytest.raises(ScenarioError, match="did you mean '2025-graphite'"):
        load_scenario("2025-grafite")


def _load(tmp_path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path, load_scenario(path)


def test_dates_become_day_numbers_from_day0(tmp_path):
    _, s = _load(
        tmp_path,
        "day0: 2023-08-01\n"
        "restrictions:\n"
        "  - {by: chn, commodities: gallium, start: 2023-12-01, end: 2024-01-31}\n",
    )
    # August 31 + September 30 + October 31 + November 30 = 122 days to December 1;
    # December 31 + January 30 = 61 more to January 31: end_day 183
    r = s.restrictions[0]
    assert (r.start_day, r.end_day) == (122, 183)
    echoed = s.to_dict()
    assert echoed["day0"] == "2023-08-01"
    assert echoed["restrictions"][0]["start"] == "2023-12-01"
    assert echoed["restrictions"][0]["end"] == "2024-01-31"
    assert echoed["restrictions"][0]["end_day"] == 183
    assert s.date(122) == "2023-12-01" and s.date(None) is None


def test_day_numbers_and_no_day0_leave_the_json_as_it_was():
    r = Restriction("chn", ["gallium"])
    assert sorted(r.to_dict()) == ["by", "commodities", "severity", "start_day", "to"]
    assert sorted(Scenario(restrictions=(r,)).to_dict()) == [
        "day",
        "horizon",
        "removed",
        "restrictions",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{by: chn, commodities: gallium, start_day: 3, start: 2023-08-05}",
         "give start_day or start, not both"),
        ("{by: chn, commodities: gallium, start: 2023-07-31}",
         "start 2023-07-31 is before day0 2023-08-01"),
        ("{by: chn, commodities: gallium, end: soon}", "end must be an ISO date"),
        ("{by: chn, commodities: gallium, start_day: 5, end_day: 5}",
         "end_day must be after start_day (5), got 5"),
        ("{by: chn, commodities: gallium, start: 2023-08-10, end: 2023-08-10}",
         "end_day must be after start_day (9), got 9"),
    ],
)  # fmt: skip
def test_bad_bounds_are_located_errors(tmp_path, line, message):
    path = tmp_path / "s.yaml"
    path.write_text(f"day0: 2023-08-01\nrestrictions:\n  - {line}\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == (str(path), 3)
    assert message in problem.message


def test_a_date_without_day0_is_an_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("restrictions:\n  - {by: chn, commodities: gallium, end: 2023-09-01}\n")
    with pytest.raises(DataError, match=r"s.yaml:2:\d+: error: end is a date: give"):
        load_scenario(path)


def test_bad_day0_is_an_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("day0: August\nrestrictions: []\n")
    with pytest.raises(DataError, match=r"s.yaml:1:7: error: day0 must be an ISO date"):
        load_scenario(path)


def test_end_day_must_be_a_whole_number():
    with pytest.raises(ScenarioError, match="end_day must be a whole number"):
        Restriction("chn", ["gallium"], end_day=2.5)


def test_set_entries_are_read_and_echoed(tmp_path):
    _, s = _load(
        tmp_path,
        "set:\n"
        "  - {node: jp-automotive, value: 4.5e11}\n"
        "  - {node: jp-ndfeb-magnets, input: heavy-rare-earths, stockpile_days: 180}\n"
        "  - {edge: [lynas, jp-ndfeb-magnets], spare: 0.2, ramp_days: 90}\n",
    )
    assert s.to_dict()["set"] == [
        {"node": "jp-automotive", "value": 4.5e11},
        {"node": "jp-ndfeb-magnets", "input": "heavy-rare-earths", "stockpile_days": 180},
        {"edge": ["lynas", "jp-ndfeb-magnets"], "spare": 0.2, "ramp_days": 90},
    ]


def test_bad_set_entries_are_located_errors(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "set:\n  - {node: jp-automotive, valeu: 1}\n  - {value: 1}\n  - 7\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        load_scenario(path)
    lines = [(p.line, p.message) for p in info.value.problems]
    assert [line for line, _ in lines] == [2, 3, 4]
    assert "unknown field 'valeu' for a node (did you mean 'value'?)" in lines[0][1]
    assert "a change names a node (node: ID) or an edge" in lines[1][1]
    assert "each entry of set must be a mapping" in lines[2][1]


def test_title_says_when_a_restriction_is_lifted():
    r = Restriction("chn", ["gallium"], start_day=10, end_day=40)
    assert (
        Scenario(restrictions=(r,)).title() == "chn restricts gallium from day 10, lifted on day 40"
    )
