"""``chokegraph list`` and ``chokegraph validate --format``: the names a dataset holds."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

EXAMPLE = "tests/fixtures/example.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])


def test_list_groups_names_their_members():
    code, out, _ = run_cli(["list", "groups", "--format", "csv"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "group,members"
    assert 'graphite,"natural-graphite, spherical-graphite"' in lines


def test_list_commodities_gives_names_and_groups():
    code, out, _ = run_cli(["list", "commodities", "--format", "json"])
    assert code == 0
    rows = {r["commodity"]: r for r in json.loads(out)["commodities"]}
    # refined-cobalt is in two groups (seeds/battery-metals.yaml), listed by name.
    assert rows["refined-cobalt"]["groups"] == "battery-metals, cobalt"
    # Every node that outputs gallium, by display name (seeds/gallium-germanium.yaml).
    assert "Primary gallium (world supply)" in rows["gallium"]["name"].split("; ")


def test_list_sources_gives_title_author_date_and_url():
    code, out, _ = run_cli(["list", "sources", "--format", "json"])
    assert code == 0
    usgs = {r["source"]: r for r in json.loads(out)["sources"]}["usgs-mcs-2025"]
    assert usgs["author"] == "U.S. Geological Survey"
    assert usgs["year"] == 2025
    assert usgs["url"] == "https://doi.org/10.5066/P13XCP3R"
    assert usgs["published"].startswith("January 2025")


def test_list_scenarios_gives_their_assumptions():
    code, out, _ = run_cli(["list", "scenarios", "--format", "json"])
    assert code == 0
    rows = {r["scenario"]: r for r in json.loads(out)["scenarios"]}
    assert set(rows) >= {"2010-rare-earths-japan", "2025-graphite", "2026-dual-use-japan"}
    assert (
        rows["2025-graphite"]["assumptions"] == "chn restricts spherical-graphite (severity 0.42)"
    )
    assert rows["2025-graphite"]["description"].startswith("China requires export licences")


def test_list_countries_of_a_dataset():
    code, out, _ = run_cli(["list", "countries", "--data", EXAMPLE, "--format", "csv"])
    assert code == 0
    assert out.splitlines()[0] == "country,name,supplies,nodes_located"


def test_list_of_something_else_is_a_usage_error():
    code, out, err = run_cli(["list", "minerals"])
    assert (code, out) == (2, "")
    assert "'minerals' is not one of" in err


def test_validate_json_summary():
    code, out, _ = run_cli(["validate", EXAMPLE, "--format", "json"])
    assert code == 0
    obj = json.loads(out)
    # The example dataset: 3 countries, 2 minerals, a refiner, an industry; 4 edges.
    assert obj["ok"] is True and obj["errors"] == []
    assert obj["nodes_by_kind"] == {"country": 3, "mineral": 2, "refiner": 1, "industry": 1}
    assert (obj["nodes"], obj["edges"], obj["sources"]) == (7, 4, 2)


def test_validate_json_of_a_broken_dataset_lists_the_errors(write_file):
    path = write_file("bad.yaml", "nodes:\n  - {id: chn, kind: nation}\n")
    code, out, err = run_cli(["validate", str(path), "--format", "json"])
    assert code == 2
    obj = json.loads(out)
    assert obj["ok"] is False
    assert obj["errors"] == err.splitlines()
    assert obj["errors"][0].startswith(f"{path}:2:")


def test_validate_table_is_one_line():
    code, out, _ = run_cli(["validate", EXAMPLE])
    assert code == 0
    assert out == "ok: 7 nodes (3 country, 2 mineral, 1 refiner, 1 industry), 4 edges, 2 sources\n"


def test_list_scenarios_gives_their_dates():
    code, out, _ = run_cli(["list", "scenarios", "--format", "json"])
    assert code == 0
    rows = {r["scenario"]: r for r in json.loads(out)["scenarios"]}
    # The 2010 hold: 21 September to 21 November 2010 (estimated days).
    assert (rows["2010-rare-earths-japan"]["start"], rows["2010-rare-earths-japan"]["end"]) == (
        "2010-09-21",
        "2010-11-21",
    )
    # The US ban: 3 December 2024, suspended 9 November 2025 (MOFCOM No. 46 of 2024).
    assert (rows["2024-us-ban"]["start"], rows["2024-us-ban"]["end"]) == (
        "2024-12-03",
        "2025-11-09",
    )
    # In force: no end.
    assert rows["2026-dual-use-japan"]["end"] is None
    code, out, _ = run_cli(["list", "scenarios", "--format", "csv"])
    assert out.splitlines()[0] == "scenario,name,start,end,assumptions,description,sources"
