"""The ``what-if`` and ``remove`` commands: JSON contract, formats and exit codes."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli
from test_engine import ALTERNATIVE, DESIGN_EXAMPLE, ONE_INPUT

from analysis.cli import main
from analysis.output import TEXT_FORMATS as FORMATS  # xlsx: tests/test_cli_output.py


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
            # Short from day 105 (0.2352 that day), by the full 0.3192 on days
            # 106..365: 0.2352 + 260 * 0.3192 = 83.2272 days lost.
            "peak_shortfall": 0.3192,
            "days_to_peak": 106,
            "lost_days": 83.2272,
            "value_lost": pytest.approx(4e10 * 83.2272 / 365, abs=0.05),
            "via": ["chn-gallium", "jp-compound-semis"],
        }
    ]
    assert obj["summary"] == {
        "nodes_hit": 1,
        "industries_hit": 1,
        "value_at_risk": 1.2768e10,
        "value_lost": pytest.approx(4e10 * 83.2272 / 365, abs=0.05),
    }


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


def test_table_has_a_headline_and_the_via_chain(design, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough to keep the via chain on one line
    code, out, _ = run_cli(["what-if", "china", "gallium", "--to", "japan", "--data", design])
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("China restricts gallium to Japan: 1 node hit, 1 industry")
    assert "31.9%" in out
    # The via cell may wrap within the table's width (its full text: test_whatif).
    assert "chn-gallium ->" in out and "jp-compound-se" in out
    assert "105" in out and "83.2" in out  # first day hit, days lost


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works_for_what_if_and_remove(design, fmt, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no id wraps in the table
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
        "peak_shortfall",
        "days_to_peak",
        "lost_days",
        "value_lost",
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
        (["what-if", "chn", "gallium", "--end-day", "0"], "--end-day must be after --start-day"),
        (
            ["what-if", "chn", "gallium", "--start-day", "9", "--end-day", "5"],
            "--end-day must be after --start-day (9), got 5",
        ),
        (["remove", "chn", "--end-day", "5"], "No such option"),
        (["what-if", "--remove", "chn", "--end-day", "5"], "give COUNTRY COMMODITY... too"),
        (
            ["what-if", "--scenario", "2010-rare-earths-japan", "--end-day", "5"],
            "--end-day goes with COUNTRY COMMODITY",
        ),
        (["what-if", "chn", "gallium", "--set", "jp-compound-semis"], "--set 'jp-compound-semis'"),
        (["what-if", "chn", "gallium", "--set", "nowhere:value=1"], "--set 'nowhere:value=1'"),
        (
            ["what-if", "chn", "gallium", "--set", "jp-compound-semis:gallium:dependence=2"],
            "--set 'jp-compound-semis:gallium:dependence=2': the change breaks a rule",
        ),
        (["what-if", "--set", "jp-compound-semis:value=1"], "--set changes the data of a scenario"),
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
    assert [p.name for p in cli.commands["remove"].params][:9] == [
        *("removed", "changes", "samples", "seed", "distribution", "sensitivity", "scheduler"),
        *("day", "horizon"),
    ]
    # The second edition's options follow, in what-if and render alike.
    names = [p.name for p in cli.commands["what-if"].params]
    assert names[7:9] == ["end_day", "changes"]
    assert [p.name for p in cli.commands["render"].params][7:9] == ["end_day", "changes"]


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


# --------------------------------------------------------------------------- second edition


def _json(args: list[str]) -> dict:
    code, out, err = run_cli([*args, "--format", "json"])
    assert code == 0, err
    return json.loads(out)


def test_the_design_3b_alternative_ramps_up(tmp_path):
    """DESIGN 3b's example: China cuts its 0.6; Australia's 0.3 has 0.2 spare over 100 days."""
    path = tmp_path / "alt.yaml"
    path.write_text(ALTERNATIVE, encoding="utf-8")
    obj = _json(["what-if", "chn", "ree", "--data", str(path)])
    (row,) = obj["impacts"]
    # Steady state: lost 0.6, extra 0.2 (fully ramped): A = 0.1 + 0.3 + 0.2 = 0.6.
    assert row["shortfall"] == pytest.approx(0.4, abs=1e-9)
    # Day t < 100: the ramp adds 0.2 * t / 100, so short by 0.6 - 0.002 t: most on day 0.
    assert row["peak_shortfall"] == pytest.approx(0.6, abs=1e-9)
    assert row["days_to_peak"] == 0
    assert row["days_to_impact"] == 0
    # sum_{t=0..99} (0.6 - 0.002 t) + 266 * 0.4 = (60 - 9.9) + 106.4 = 156.5
    assert row["lost_days"] == pytest.approx(156.5, abs=1e-6)
    # value 3.65e9 a year: 3.65e9 * 156.5 / 365 = 1.565e9 lost; 3.65e9 * 0.4 at risk
    assert row["value_lost"] == pytest.approx(1.565e9, rel=1e-9)
    assert row["value_at_risk"] == pytest.approx(1.46e9, rel=1e-9)
    assert obj["summary"]["value_lost"] == pytest.approx(1.565e9, rel=1e-9)


def test_set_gives_the_same_alternative_on_the_command_line(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(ALTERNATIVE.replace(", spare: 0.2, ramp_days: 100", ""), encoding="utf-8")
    base = ["what-if", "chn", "ree", "--data", str(path)]
    # Without the alternative: the 0.6 is simply gone, every day.
    assert _json(base)["impacts"][0]["lost_days"] == pytest.approx(366 * 0.6)
    obj = _json(
        [*base, "--set", "au-ree->magnets:spare=0.2", "--set", "au-ree->magnets:ramp_days=100"]
    )
    assert obj["impacts"][0]["lost_days"] == pytest.approx(156.5, abs=1e-6)
    assert obj["scenario"]["set"] == [
        {"edge": ["au-ree", "magnets"], "spare": 0.2},
        {"edge": ["au-ree", "magnets"], "ramp_days": 100},
    ]
    # The file itself is untouched.
    assert "spare" not in path.read_text(encoding="utf-8")


def test_end_day_closes_the_window(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(ONE_INPUT, encoding="utf-8")
    obj = _json(["what-if", "xx", "ore", "--end-day", "40", "--data", str(path)])
    (row,) = obj["impacts"]
    assert obj["scenario"]["restrictions"][0]["end_day"] == 40
    # The long run counts the restriction as if it stayed: 0.3.
    assert row["shortfall"] == pytest.approx(0.3)
    # 10 days of stock at 0.3 a day: days 0..32 covered, day 33 short 0.2,
    # days 34..39 short 0.3, and from day 40 the ore comes back.
    assert row["days_to_impact"] == 33
    assert row["days_to_peak"] == 34
    assert row["peak_shortfall"] == pytest.approx(0.3)
    assert row["lost_days"] == pytest.approx(0.2 + 6 * 0.3)
    assert row["value_lost"] is None and obj["summary"]["value_lost"] is None
    assert "date_to_impact" not in row  # no day0: no dates


def test_dates_with_day0(tmp_path):
    data = tmp_path / "one.yaml"
    data.write_text(ONE_INPUT, encoding="utf-8")
    scenario = tmp_path / "dated.yaml"
    scenario.write_text(
        "id: dated\nday0: 2010-09-21\nrestrictions:\n"
        "  - {by: xx, commodities: [ore], start: 2010-10-01, end: 2010-11-20}\n",
        encoding="utf-8",
    )
    obj = _json(["what-if", "--scenario", str(scenario), "--data", str(data)])
    # 2010-09-21 is day 0, so 2010-10-01 is day 10 and 2010-11-20 day 60 (30 + 30).
    assert obj["scenario"]["day0"] == "2010-09-21"
    (restriction,) = obj["scenario"]["restrictions"]
    assert restriction["start_day"] == 10 and restriction["end_day"] == 60
    assert (restriction["start"], restriction["end"]) == ("2010-10-01", "2010-11-20")
    (row,) = obj["impacts"]
    # The stock of 10 days lasts days 10..42 (33 * 0.3 = 9.9), day 43 short 0.2,
    # days 44..59 short 0.3: 0.2 + 16 * 0.3 = 5.0 days lost.
    assert (row["days_to_impact"], row["days_to_peak"]) == (43, 44)
    assert (row["date_to_impact"], row["date_to_peak"]) == ("2010-11-03", "2010-11-04")
    assert row["lost_days"] == pytest.approx(5.0)
    assert list(row)[-3:] == ["date_to_impact", "date_to_peak", "via"]


def test_set_adds_to_a_scenario_files_own(tmp_path):
    data = tmp_path / "one.yaml"
    data.write_text(ONE_INPUT, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "id: s\nrestrictions:\n  - {by: xx, commodities: [ore]}\n"
        "set:\n  - {node: plant, value: 3.65e9}\n",
        encoding="utf-8",
    )
    args = ["what-if", "--scenario", str(scenario), "--data", str(data)]
    obj = _json([*args, "--set", "plant:stockpile_days=20"])
    assert obj["scenario"]["set"] == [
        {"node": "plant", "value": 3.65e9},
        {"node": "plant", "stockpile_days": 20},
    ]
    (row,) = obj["impacts"]
    # 20 days of stock at 0.3 a day: days 0..65 covered (66 * 0.3 = 19.8).
    assert row["days_to_impact"] == 66
    assert row["value_at_risk"] == pytest.approx(3.65e9 * 0.3)


def test_a_scenario_files_bad_set_is_located(tmp_path):
    data = tmp_path / "one.yaml"
    data.write_text(ONE_INPUT, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "id: s\nrestrictions:\n  - {by: xx, commodities: [ore]}\n"
        "set:\n  - {node: plant, stockpile_days: -1}\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(["what-if", "--scenario", str(scenario), "--data", str(data)])
    assert code == 2 and out == ""
    assert err.startswith(f"{scenario}:5:5: error: ")


def test_remove_takes_set(design):
    obj = _json(
        ["remove", "chn-gallium", "--set", "jp-compound-semis:value=8e10", "--data", design]
    )
    semis = next(r for r in obj["impacts"] if r["node"] == "jp-compound-semis")
    assert semis["value_at_risk"] == pytest.approx(8e10 * 0.3192)


# --- the bundled data: `cobalt` and `lithium` name both stages (issue 19) ---------


def _bundled_shortfalls(args):
    code, out, err = run_cli(["what-if", *args, "--format", "json"])
    assert code == 0, err
    return {i["node"]: i["shortfall"] for i in json.loads(out)["impacts"]}


def test_china_cobalt_hits_the_refining_stage():
    # seeds/battery-metals.yaml: China mines no cobalt but refines 74% of it.
    # refined-cobalt (world market) keeps 1 - 0.74 = 0.26; Japan's batteries get
    # 0.5 straight from China (cut) and 0.5 from that market: 0.5 x 0.26 = 0.13,
    # a gap of 0.87, times dependence 0.9 on cobalt = 0.783.
    got = _bundled_shortfalls(["china", "cobalt"])
    assert got["refined-cobalt"] == pytest.approx(0.74)
    assert got["jp-batteries"] == pytest.approx(0.87 * 0.9)


def test_china_lithium_to_japan_hits_japans_batteries():
    # 86% of Japan's lithium hydroxide comes from China (32,354 of 37,640 t, 2024);
    # the other 14% rests on the world market, which a restriction aimed at Japan
    # does not touch: gap 0.86 x dependence 1.
    got = _bundled_shortfalls(["china", "lithium", "--to", "japan"])
    assert got["jp-batteries"] == pytest.approx(0.86)
    assert "lithium" not in got and "lithium-chemicals" not in got
