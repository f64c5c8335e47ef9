"""The ``what-if`` and ``remove`` commands: JSON contract, formats and exit codes."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli
from test_engine import DESIGN_EXAMPLE, ONE_INPUT

from analysis.cli import main
from analysis.output import FORMATS


@pytest.fixture
def design(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(DESIGN_EXAMPLE, encoding="utf-8")
    return str(path)


def test_json_contract_on_the_design_example(design):
    code, out, err = run_cli(
        ["what-if", "china", "gallium", "--to", "japan", "--format", "json", "--data", design]
    )
    assert code == 0, err
    obj = json.loads(out)
    assert obj["scenario"] == {
        "restrictions": [
            {
                "by": "chn",
                "commodities": ["gallium"],
                "to": ["jpn"],
                "severity": 1.0,
                "start_day": 0,
            }
        ],
        "removed": [],
        "horizon": 365,
        "day": None,
    }
    assert obj["impacts"] == [
        {
            "node": "jp-compound-semis",
            "name": "jp-compound-semis",
            "kind": "industry",
            "country": "jpn",
            "shortfall": 0.3192,
            "days_to_impact": 105,
            "shortfall_on_day": None,
            "value_at_risk": 1.2768e10,
            "via": ["chn-gallium", "jp-compound-semis"],
        }
    ]
    assert obj["summary"] == {"nodes_hit": 1, "industries_hit": 1, "value_at_risk": 1.2768e10}


def test_json_is_byte_identical_across_runs(design):
    args = ["what-if", "chn", "all", "--day", "50", "--format", "json", "--data", design]
    first = run_cli(args)[1]
    assert first == run_cli(args)[1]


def test_day_option_fills_shortfall_on_day(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(ONE_INPUT, encoding="utf-8")
    code, out, _ = run_cli(
        ["what-if", "xx", "ore", "--day", "33", "--format", "json", "--data", str(path)]
    )
    assert code == 0
    (row,) = json.loads(out)["impacts"]
    # 10 days of stock against a daily gap of 0.3: 0.1 left on day 33
    assert row["days_to_impact"] == 33
    assert row["shortfall_on_day"] == pytest.approx(0.2)
    assert json.loads(out)["scenario"]["day"] == 33


def test_table_has_a_headline_and_the_via_chain(design):
    code, out, _ = run_cli(["what-if", "china", "gallium", "--to", "japan", "--data", design])
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("China restricts gallium to Japan: 1 nodes hit, 1 industries")
    assert "31.9%" in out
    assert "chn-gallium -> jp-compound-semis" in out
    assert "105" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works_for_what_if_and_remove(design, fmt):
    for args in (["what-if", "chn", "gallium"], ["remove", "chn-gallium"]):
        code, out, err = run_cli([*args, "--format", fmt, "--data", design])
        assert code == 0, err
        assert "jp-compound-semis" in out


def test_csv_columns(design):
    code, out, _ = run_cli(["remove", "chn-gallium", "--format", "csv", "--data", design])
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split(",") == [
        "node",
        "name",
        "kind",
        "country",
        "shortfall",
        "days_to_impact",
        "shortfall_on_day",
        "value_at_risk",
        "via",
    ]
    assert rows[0].startswith("chn-gallium,")


def test_top_limits_rows_but_not_the_summary(design):
    code, out, _ = run_cli(["remove", "chn", "--top", "1", "--format", "json", "--data", design])
    assert code == 0
    obj = json.loads(out)
    assert len(obj["impacts"]) == 1
    # chn, gallium and jp-compound-semis are all hit
    assert obj["summary"]["nodes_hit"] == 3


def test_scenario_file(design, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "id: test\nname: Test\nrestrictions:\n"
        "  - {by: chn, commodities: [gallium], to: [jpn], severity: 0.5}\nremove: []\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(
        ["what-if", "--scenario", str(scenario), "--format", "json", "--data", design]
    )
    assert code == 0, err
    # half the refiner's 0.42 is held back: 0.8 * 0.21 * 0.95 = 0.1596
    assert json.loads(out)["impacts"][0]["shortfall"] == pytest.approx(0.1596)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["what-if", "chna", "gallium"], "unknown country 'chna' (did you mean 'china' or 'chn'?)"),
        (["what-if", "china", "galium"], "unknown commodity or group 'galium' (did you mean"),
        (["what-if", "china", "gallium", "--to", "japn"], "unknown country 'japn'"),
        (["what-if", "china", "gallium", "--severity", "0"], "severity must be in (0, 1]"),
        (["what-if", "china", "gallium", "--severity", "1.5"], "severity must be in (0, 1]"),
        (["what-if", "china", "gallium", "--start-day", "-1"], "start_day must be 0 or more"),
        (["what-if", "china", "gallium", "--day", "-3"], "--day"),
        (["what-if", "china"], "name at least one COMMODITY"),
        (["what-if"], "give COUNTRY COMMODITY"),
        (["what-if", "--scenario", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["what-if", "--scenario", "missing.yaml"], "does not exist"),
        (["remove", "nothing-here"], "unknown node 'nothing-here'"),
        (["what-if", "--severity", "abc", "chn", "gallium"], "'abc' is not a valid float"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(design, args, message):
    code, out, err = run_cli([*args, "--data", design])
    assert code == 2
    assert message in err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert out == ""


def test_main_exits_with_the_code():
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0


# --------------------------------------------------------------------------- the option set


def test_what_if_and_render_share_the_scenario_options():
    from analysis.cli import cli

    def scenario_params(name: str) -> list[str]:
        return [p.name for p in cli.commands[name].params][:7]

    assert (
        scenario_params("what-if")
        == scenario_params("render")
        == [
            "country",
            "commodities",
            "to",
            "severity",
            "start_day",
            "scenario_name",
            "removed",
        ]
    )
    assert [p.name for p in cli.commands["remove"].params][:8] == [
        *("removed", "samples", "seed", "distribution", "sensitivity", "scheduler"),
        *("day", "horizon"),
    ]


def test_scenario_options_build():
    from click import UsageError

    from analysis.cli import ScenarioOptions
    from analysis.scenario import DEFAULT_HORIZON

    assert ScenarioOptions().build() is None
    assert ScenarioOptions(severity=0.5, to=("jpn",)).build() is None  # no country: no restriction
    built = ScenarioOptions(country="chn", commodities=("gallium",), to=("jpn",), day=3).build()
    assert built.restrictions[0].to == ("jpn",)
    assert (built.day, built.horizon, built.removed) == (3, DEFAULT_HORIZON, ())
    removal = ScenarioOptions(removed=("chn-gallium",), horizon=10).build()
    assert (removal.restrictions, removal.removed, removal.horizon) == ((), ("chn-gallium",), 10)
    loaded = ScenarioOptions(scenario_name="2023-gallium-germanium", removed=("x",)).build()
    assert loaded.removed[-1] == "x" and loaded.restrictions
    with pytest.raises(UsageError, match="either --scenario or COUNTRY"):
        ScenarioOptions(scenario_name="2023-gallium-germanium", country="chn").build()
    with pytest.raises(UsageError, match="name at least one COMMODITY"):
        ScenarioOptions(country="chn").build()


def test_horizon_default_is_the_library_one():
    from analysis.scenario import DEFAULT_HORIZON

    code, out, _ = run_cli(["what-if", "--help"])
    assert code == 0 and f"[default: {DEFAULT_HORIZON}]" in out


def test_render_kind_choices_are_the_node_kinds():
    from graph.schema import NODE_KINDS

    code, out, _ = run_cli(["render", "--help"])
    assert code == 0 and "[" + "|".join(NODE_KINDS) + "]" in out
    code, _, err = run_cli(["render", "--kind", "nation", "-o", "x.dot"])
    assert code == 2 and "'nation' is not one of 'country'" in err
