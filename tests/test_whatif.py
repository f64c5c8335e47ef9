"""The ``WhatIf`` result (``analysis/whatif.py``): its tables, its JSON, its text.

Worked on the example dataset of DESIGN.md section 2 (``fixtures/example.yaml``),
where every number can be checked by hand: China cuts the refiner's 0.42 of
the gallium of ``jp-compound-semis`` (to Japan), 5% of the gap is substituted
and gallium carries 0.8 of the industry's output, so its shortfall is
``0.8 * 0.42 * 0.95 = 0.3192`` and its value at risk ``4e10 * 0.3192 =
1.2768e10``. The daily gap is ``0.42 * 0.95 = 0.399``; 42 days of stock cover
days 0..104 in full (``105 * 0.399 = 41.895``), leaving 0.105 for day 105: the
day of impact, with a shortfall that day of ``0.8 * (0.399 - 0.105) = 0.2352``.
From day 106 to the horizon (day 365, 260 days) it is short by the full
0.3192: its peak, first reached on day 106, and ``lost_days = 0.2352 + 260 *
0.3192 = 83.2272``, so ``value_lost = 4e10 * 83.2272 / 365``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import analysis
import graph
from analysis.output import Format, Section, Table
from analysis.overrides import parse_set
from analysis.whatif import FRAME_COLUMNS, IMPACT_FIELDS, WhatIf

EXAMPLE = Path(__file__).parent / "fixtures" / "example.yaml"


@pytest.fixture(scope="module")
def G():
    return graph.load(EXAMPLE)


@pytest.fixture(scope="module")
def cut(G) -> WhatIf:
    """China restricts gallium to Japan: the example of DESIGN.md section 5."""
    return analysis.what_if(G, [analysis.Restriction("china", ["gallium"], to=["japan"])])


@pytest.fixture(scope="module")
def ban(G) -> WhatIf:
    """China stops selling anything, and we look at day 105."""
    return analysis.what_if(G, [analysis.Restriction("chn", ["all"])], day=105)


def test_to_json_is_the_design_example(cut):
    obj = cut.to_json()
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
    (impact,) = obj["impacts"]
    assert list(impact) == list(IMPACT_FIELDS)
    assert impact == {
        "node": "jp-compound-semis",
        "name": "jp-compound-semis",
        "kind": "industry",
        "country": "jpn",
        "shortfall": pytest.approx(0.3192, abs=1e-12),
        "days_to_impact": 105,
        "shortfall_on_day": None,
        "value_at_risk": pytest.approx(1.2768e10, rel=1e-12),
        "peak_shortfall": pytest.approx(0.3192, abs=1e-12),
        "days_to_peak": 106,
        "lost_days": pytest.approx(0.2352 + 260 * 0.3192, abs=1e-9),
        "value_lost": pytest.approx(4e10 * 83.2272 / 365, rel=1e-12),
        "via": ["chn-gallium", "jp-compound-semis"],
    }
    assert obj["summary"] == {
        "nodes_hit": 1,
        "industries_hit": 1,
        "value_at_risk": pytest.approx(1.2768e10, rel=1e-12),
        "value_lost": pytest.approx(4e10 * 83.2272 / 365, rel=1e-12),
    }
    assert set(obj) == {"scenario", "impacts", "summary", "provenance"}


def test_impacts_frame_columns_and_order(ban):
    frame = ban.impacts
    assert isinstance(frame, pd.DataFrame)
    # The JSON's fields, the key ones first (a narrow REPL shows the shortfall).
    assert list(frame.columns[:5]) == [
        "node",
        "name",
        "shortfall",
        "peak_shortfall",
        "days_to_peak",
    ]
    assert sorted(frame.columns) == sorted(IMPACT_FIELDS)
    # The world's gallium (0.98 of it from China), then the industry (see
    # below): largest shortfall first. China itself is not hit by its own ban.
    assert list(frame["node"]) == ["gallium", "jp-compound-semis"]
    assert frame["shortfall"].tolist() == pytest.approx([0.98, 0.8 * 0.93898])


def test_a_full_ban_worked_by_hand(ban):
    by_node = {r["node"]: r for r in ban.records}
    semis = by_node["jp-compound-semis"]
    # Gallium arrives at 0.02 of 0.58 and not at all from the refiner:
    # lost 0.58 * 0.98 + 0.42 = 0.9884, gap 0.9884 * 0.95 = 0.93898, times 0.8.
    assert semis["shortfall"] == pytest.approx(0.8 * 0.93898)
    # 42 days of stock against a daily gap of 0.93898: days 0..43 are covered
    # (44 * 0.93898 = 41.315), day 44 is not.
    assert semis["days_to_impact"] == 44
    # The world's gallium lost 0.58 * 0.98 = 0.5684, more than the refiner's
    # 0.42; it is hit itself, through its cut edge from China (unaffected).
    assert semis["via"] == ["chn", "gallium", "jp-compound-semis"]
    assert by_node["gallium"]["via"] == ["chn", "gallium"]
    assert by_node["gallium"]["value_at_risk"] is None
    # Day 44 has 42 - 44 * 0.93898 = 0.68488 of stock left: short 0.8 * (0.93898
    # - 0.68488) = 0.20328 that day, then the full 0.751184 on days 45..365.
    assert semis["lost_days"] == pytest.approx(0.20328 + 321 * 0.751184)
    assert semis["days_to_peak"] == 45
    # The world's gallium has no stock: short 0.98 on each of days 0..365; no value.
    assert by_node["gallium"]["lost_days"] == pytest.approx(366 * 0.98)
    assert by_node["gallium"]["value_lost"] is None
    assert ban.summary == {
        "nodes_hit": 2,
        "industries_hit": 1,
        "value_at_risk": pytest.approx(4e10 * 0.751184),
        "value_lost": pytest.approx(4e10 * (0.20328 + 321 * 0.751184) / 365),
    }


def test_shortfall_on_day_of_impact(G):
    res = analysis.what_if(G, [analysis.Restriction("chn", ["gallium"], to=["jpn"])], day=105)
    (row,) = res.records
    assert row["shortfall_on_day"] == pytest.approx(0.8 * (0.399 - 0.105))
    before = analysis.what_if(G, [analysis.Restriction("chn", ["gallium"], to=["jpn"])], day=104)
    assert before.records[0]["shortfall_on_day"] == pytest.approx(0.0, abs=1e-12)


def test_head_keeps_the_summary(ban):
    shown = ban.head(1)
    assert [r["node"] for r in shown.records] == ["gallium"]
    assert len(shown.impacts) == 1
    assert shown.summary == ban.summary
    assert shown.to_json()["summary"]["nodes_hit"] == 2
    assert ban.head(None) is ban
    assert len(ban.records) == 2  # the original is untouched


def test_people_sections(cut):
    (section,) = cut.people_sections()
    assert section.text == "China restricts gallium to Japan: 1 node hit, 1 industry, " + (
        "value at risk $12.8B"
    )
    table = section.table
    assert list(table.columns) == [
        "name",
        "country",
        "shortfall",
        "peak",
        "days",
        "lost_days",
        "value",
        "value_lost",
        "via",
    ]
    assert list(table.headers) == [
        "name",
        "country",
        "long-run shortfall",
        "peak (day)",
        "first day hit",
        "days lost",
        "value at risk",
        "value lost",
        "via",
    ]
    (row,) = table.records
    # See the module's docstring: 83.2272 days lost, 4e10 * 83.2272 / 365 = $9.12B.
    assert {k: row[k] for k in table.columns} == {
        "name": "jp-compound-semis",
        "country": "jpn",
        "shortfall": "31.9%",
        "peak": "31.9% (106)",
        "days": 105,
        "lost_days": "83.2",
        "value": "$12.8B",
        "value_lost": "$9.1B",
        "via": "chn-gallium -> jp-compound-semis",
    }


def test_people_table_without_values_or_with_dates(G):
    import datetime as dt

    from analysis.scenario import Scenario
    from analysis.whatif import run_scenario

    restriction = analysis.Restriction("chn", ["gallium"], to=["jpn"], end_day=120)
    no_values = run_scenario(
        G,
        Scenario(restrictions=(restriction,), overrides=(parse_set("jp-compound-semis:value=0"),)),
    )
    # A value of 0 is a value: the columns stay. Without one they go.
    assert "value" in no_values.people_sections()[0].table.columns
    bare = graph.load(EXAMPLE)
    del bare.nodes["jp-compound-semis"]["value"]
    table = analysis.what_if(bare, [restriction]).people_sections()[0].table
    assert "value" not in table.columns and "value_lost" not in table.columns
    # Window [0, 120): short 0.2352 on day 105, 0.3192 on days 106..119 (14 days).
    assert table.records[0]["lost_days"] == f"{0.2352 + 14 * 0.3192:.1f}"  # 4.7
    dated = run_scenario(G, Scenario(restrictions=(restriction,), day0=dt.date(2026, 1, 1)))
    table = dated.people_sections()[0].table
    assert table.headers[3:5] == ["peak (date)", "first hit on"]
    # Day 105 after 2026-01-01 is 2026-04-16 (31 + 28 + 31 + 15 days to go).
    assert (table.records[0]["days"], table.records[0]["peak"]) == (
        "2026-04-16",
        "31.9% (2026-04-17)",
    )


def test_people_sections_with_a_day_and_without_impacts(G, ban):
    table = ban.people_sections()[0].table
    # The shortfall on the day asked about goes just before the value columns.
    assert table.columns[6:8] == ["on_day", "value"] and table.headers[6] == "on day 105"
    nothing = analysis.what_if(G, [analysis.Restriction("kaz", ["gallium"])])
    assert nothing.records == []
    # An empty answer says why: Kazakhstan supplies no gallium in the example
    # dataset, whose one gallium supplier is China, with 98% of its refining.
    assert nothing.people_sections() == [
        Section(
            "Kazakhstan restricts gallium: 0 nodes hit, 0 industries. Kazakhstan supplies "
            "no gallium in this dataset; its largest suppliers are China (98%)"
        )
    ]
    assert nothing.data_table() == Table([], ["node", "shortfall"])


def test_markdown_lists_every_field_under_the_headline(cut):
    assert cut.to_text(Format.MARKDOWN) == (
        "**China restricts gallium to Japan: 1 node hit, 1 industry, value at risk $12.8B**\n"
        "\n"
        "| node | name | kind | country | shortfall | days_to_impact | shortfall_on_day "
        "| value_at_risk | peak_shortfall | days_to_peak | lost_days | value_lost | via |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        "| jp-compound-semis | jp-compound-semis | industry | jpn | 0.3192 | 105 |  "
        "| 1.2768e+10 | 0.3192 | 106 | 83.2272 | 9.12079e+09 | chn-gallium -> jp-compound-semis |\n"
    )


def test_csv_has_the_json_fields(cut):
    assert cut.to_text("csv").splitlines() == [
        ",".join(IMPACT_FIELDS),
        "jp-compound-semis,jp-compound-semis,industry,jpn,0.3192,105,,1.2768e+10,"
        "0.3192,106,83.2272,9.12079e+09,chn-gallium -> jp-compound-semis",
    ]


def test_remove_a_country_removes_what_it_supplies(G):
    res = analysis.remove(G, "chn")
    assert res.records[0]["node"] == "chn"
    assert res.scenario.removed == ("chn",)


def test_impacts_have_nullable_numbers(ban):
    frame = ban.impacts
    assert str(frame["days_to_impact"].dtype) == "Int64"
    assert str(frame["value_at_risk"].dtype) == "Float64"
    # The world's gallium has no value in the example: <NA>, not None or NaN.
    by_node = frame.set_index("node")
    assert by_node.loc["gallium", "value_at_risk"] is pd.NA
    assert by_node.loc["jp-compound-semis", "days_to_impact"] == 44


def test_impacts_print_rounded_and_keep_exact_values(ban, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    text = repr(ban.impacts)
    # 0.8 * 0.93898 = 0.751184, printed to 4 decimals; the key columns come first.
    assert text.splitlines()[0].split()[:3] == ["node", "name", "shortfall"]
    assert "0.7512" in text and "0.751184" not in text
    assert "not shown:" in text and text.rstrip().endswith("via]")
    assert ban.impacts["shortfall"].tolist() == pytest.approx([0.98, 0.751184])
    # A table made from it is a plain DataFrame, which pandas prints as usual.
    assert type(ban.impacts[["node"]]) is pd.DataFrame


def test_plot_kind_must_be_known(ban):
    with pytest.raises(ValueError, match="'graph', 'timeline' or 'sensitivity', got 'nonsense'"):
        ban.plot("nonsense")


def test_a_named_scenario_states_its_assumptions_in_the_headline():
    G = graph.load()
    res = analysis.run_scenario(G, analysis.load_scenario("2025-graphite"))
    # seeds/scenarios/2025-graphite.yaml: China, spherical graphite, severity 0.42.
    assert res.headline().startswith(
        "China's export licences for battery-grade spherical graphite "
        "(China restricts spherical-graphite (severity 0.42)): "
    )


def test_headline_counts_in_the_singular_for_one(G):
    res = analysis.remove(G, ["jp-compound-semis"])
    # Removing the one industry of the example hits it alone, in full: its
    # value 4.0e10 times shortfall 1 is at risk.
    assert res.headline() == (
        "removed: jp-compound-semis: 1 node hit, 1 industry, value at risk $40.0B"
    )


def test_a_node_hit_only_for_a_while_is_an_impact():
    from test_engine import ALTERNATIVE, build

    # Australia's spare of 0.6 over 100 days makes up China's 0.6 in the long run.
    G = build(ALTERNATIVE.replace("spare: 0.2", "spare: 0.6"))
    res = analysis.what_if(G, [analysis.Restriction("chn", ["ree"])])
    (row,) = res.records
    assert row["node"] == "magnets"
    assert row["shortfall"] == pytest.approx(0.0, abs=1e-12)
    # Day t < 100: short by 0.6 - 0.6 * t / 100; sum_{t=0..99} = 60 - 0.006 * 4950 = 30.3.
    assert (row["peak_shortfall"], row["days_to_peak"]) == (pytest.approx(0.6), 0)
    assert row["lost_days"] == pytest.approx(30.3)
    # 3.65e9 a year: 3.65e9 * 30.3 / 365 = 3.03e8 lost; nothing at risk in the long run.
    assert row["value_lost"] == pytest.approx(3.03e8)
    assert row["value_at_risk"] == pytest.approx(0.0, abs=1e-3)
    # The cut edge from China explains it, though the long run is whole.
    assert row["via"] == ["cn-ree", "magnets"]


def test_impacts_frame_gains_the_dates_with_day0(G):
    import datetime as dt

    from analysis.scenario import Scenario
    from analysis.whatif import run_scenario

    scenario = Scenario(
        restrictions=(analysis.Restriction("chn", ["gallium"], to=["jpn"]),),
        day0=dt.date(2026, 1, 1),
    )
    frame = run_scenario(G, scenario).impacts
    assert list(frame.columns) == [*FRAME_COLUMNS[:-1], "date_to_impact", "date_to_peak", "via"]
    assert frame["date_to_impact"].tolist() == ["2026-04-16"]  # day 105
