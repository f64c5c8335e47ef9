"""Exposure matrices, worked out on paper."""

from __future__ import annotations

import json

import pytest
import yaml
from helpers import run_cli
from test_chokepoints import TWO_REFINERS

import analysis
import graph
from analysis.output import TEXT_FORMATS as FORMATS  # xlsx: tests/test_cli_output.py
from graph.errors import UnknownNameError

# Japan buys refined gallium from a Belgian refinery only; the refinery buys
# 90% of its raw gallium from a Chinese mine. Japan buys nothing from China
# directly, yet a Chinese ban reaches it through Belgium.
BELGIUM = """
nodes:
  - {id: chn, kind: country, name: China}
  - {id: bel, kind: country, name: Belgium}
  - {id: jpn, kind: country, name: Japan}
  - {id: usa, kind: country, name: United States}
  - {id: chn-raw-gallium, kind: mineral, country: chn, commodity: raw-gallium}
  - {id: be-gallium-refinery, kind: refiner, country: bel, commodity: gallium}
  - {id: jp-semis, kind: industry, country: jpn}
  - {id: jp-leds, kind: industry, country: jpn, inputs: {gallium: {substitutable: 0.5}}}
edges:
  - {from: chn-raw-gallium, to: be-gallium-refinery, share: 0.9}
  - {from: be-gallium-refinery, to: jp-semis, share: 0.5}
  - {from: be-gallium-refinery, to: jp-leds, share: 0.5}
"""


def build(text: str):
    return graph.from_dict(yaml.safe_load(text))


def headline_and_header(out: str) -> tuple[str, str]:
    """The headline (joined: in a table it wraps between words) and the table's header."""
    lines = [line for line in out.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if "┃" in line or line.startswith("|"))
    return " ".join(lines[:at]), lines[at]


@pytest.fixture
def belgium(tmp_path):
    path = tmp_path / "belgium.yaml"
    path.write_text(BELGIUM, encoding="utf-8")
    return str(path)


def test_multi_tier_dependence_through_belgium():
    res = analysis.exposure(build(BELGIUM), "Japan")
    assert res.target == "jpn"
    assert res.industries == ["jp-leds", "jp-semis"]
    assert res.countries == ["bel", "chn", "usa"]
    # Belgian ban: the refinery's edges to Japan are cut.
    #   jp-semis A = 0.5 (unmodelled) -> shortfall 0.5
    #   jp-leds  gap 0.5, half substitutable -> 0.25
    # Chinese ban: the mine's edge to the Belgian refinery is cut.
    #   refinery A = 0.1 -> a 0.1
    #   jp-semis A = 0.5 + 0.5 * 0.1 = 0.55 -> 0.45
    #   jp-leds  gap 0.45 * 0.5 = 0.225
    # The United States controls nothing: no entry.
    assert res.to_json() == {
        "target": "jpn",
        "exposure": [
            {"node": "jp-semis", "country": "bel", "shortfall": pytest.approx(0.5)},
            {"node": "jp-semis", "country": "chn", "shortfall": pytest.approx(0.45)},
            {"node": "jp-leds", "country": "bel", "shortfall": pytest.approx(0.25)},
            {"node": "jp-leds", "country": "chn", "shortfall": pytest.approx(0.225)},
        ],
    }
    matrix = res.matrix
    assert list(matrix.index) == ["jp-leds", "jp-semis"]
    assert list(matrix.columns) == ["bel", "chn", "usa"]
    assert matrix.loc["jp-semis", "chn"] == pytest.approx(0.45)
    assert matrix.loc["jp-leds", "usa"] == 0.0
    assert list(res.table.columns) == ["node", "country", "shortfall"]
    assert len(res.table) == 4


def test_node_target_is_the_node_alone_against_other_countries():
    G = build(TWO_REFINERS)
    # ind1 is in bb: only aa's ban counts; from the leverage test,
    # ind1 A = 0.21 under aa's ban -> 0.79.
    res = analysis.exposure(G, "ind1")
    assert res.to_json() == {
        "target": "ind1",
        "exposure": [{"node": "ind1", "country": "aa", "shortfall": pytest.approx(0.79)}],
    }
    # A node with no country is looked at against every country:
    # ore loses aa's 0.6 or bb's 0.4 of its supply.
    res = analysis.exposure(G, "ore")
    assert [(r["country"], r["shortfall"]) for r in res.records] == [
        ("aa", pytest.approx(0.6)),
        ("bb", pytest.approx(0.4)),
    ]


def test_country_target_and_ties_sorted_by_node_then_country():
    G = build(
        """
nodes:
  - {id: xx, kind: country}
  - {id: yy, kind: country}
  - {id: zz, kind: country}
  - {id: m-y, kind: mineral, country: yy, commodity: ore}
  - {id: m-z, kind: mineral, country: zz, commodity: ore}
  - {id: i-b, kind: industry, country: xx}
  - {id: i-a, kind: industry, country: xx}
edges:
  - {from: m-y, to: i-a, share: 0.4}
  - {from: m-z, to: i-a, share: 0.4}
  - {from: m-y, to: i-b, share: 0.4}
  - {from: m-z, to: i-b, share: 0.2}
"""
    )
    res = analysis.exposure(G, "xx")
    # i-a loses 0.4 to either ban, i-b loses 0.4 (yy) or 0.2 (zz):
    # three ties at 0.4 sorted by node, then country.
    assert [(r["node"], r["country"]) for r in res.records] == [
        ("i-a", "yy"),
        ("i-a", "zz"),
        ("i-b", "yy"),
        ("i-b", "zz"),
    ]


def test_country_without_industries_has_empty_exposure():
    res = analysis.exposure(build(BELGIUM), "usa")
    assert res.to_json() == {"target": "usa", "exposure": []}
    assert res.matrix.empty
    assert "no industries" in res.title()


def test_unknown_target_raises_with_suggestion():
    with pytest.raises(UnknownNameError, match="did you mean"):
        analysis.exposure(build(BELGIUM), "japn")


def test_result_displays():
    res = analysis.exposure(build(BELGIUM), "jpn")
    html = res._repr_html_()
    assert "jp-semis" in html and "chn" in html and "usa" not in html
    assert "Exposure of Japan" in repr(res)


# Command line


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works(belgium, fmt):
    code, out, err = run_cli(["exposure", "japan", "--format", fmt, "--data", belgium])
    assert code == 0, err
    if fmt == "json":
        obj = json.loads(out)
        assert obj["target"] == "jpn"
        assert obj["exposure"][1] == {"node": "jp-semis", "country": "chn", "shortfall": 0.45}
    elif fmt == "csv":
        assert out.splitlines() == [
            "node,country,shortfall",
            "jp-semis,bel,0.5",
            "jp-semis,chn,0.45",
            "jp-leds,bel,0.25",
            "jp-leds,chn,0.225",
        ]
    else:
        # The matrix in percent: industries down, countries across, the
        # largest total first; the United States reaches neither industry.
        title, header = headline_and_header(out)
        assert "Shortfall in %" in title
        assert header.index("bel") < header.index("chn")
        assert "usa" not in header
        assert "45.0" in out and "22.5" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_country_without_industries_exits_0(belgium, fmt):
    code, out, err = run_cli(["exposure", "USA", "--format", fmt, "--data", belgium])
    assert code == 0, err
    if fmt == "json":
        assert json.loads(out) == {"target": "usa", "exposure": []}
    elif fmt == "csv":
        assert out == "node,country,shortfall\n"
    else:
        assert "no industries" in out


def test_unknown_name_is_exit_2(belgium):
    code, out, err = run_cli(["exposure", "japn", "--data", belgium])
    assert code == 2
    assert out == ""
    assert err.startswith("error: unknown node 'japn'")
    assert "did you mean" in err


def test_wide_table_keeps_the_countries_that_fit(tmp_path):
    # 60 countries each sell 1% of an industry's ore: 60 columns of "1.0" do
    # not fit in 160 characters, so the table keeps the first ones (ties by id)
    # and says how many it leaves out; CSV lists every pair.
    countries = [f"c{i:02d}" for i in range(60)]
    data = {
        "nodes": [{"id": "home", "kind": "country"}]
        + [{"id": c, "kind": "country"} for c in countries]
        + [{"id": f"m-{c}", "kind": "mineral", "country": c, "commodity": "ore"} for c in countries]
        + [{"id": "plant", "kind": "industry", "country": "home"}],
        "edges": [{"from": f"m-{c}", "to": "plant", "share": 0.01} for c in countries],
    }
    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, _ = run_cli(["exposure", "home", "--data", str(path)])
    assert code == 0
    title, header = headline_and_header(out)
    assert "not shown" in title
    assert "c00" in header and "c59" not in header
    assert all(len(line) <= 160 for line in out.splitlines()[1:])
    code, out, _ = run_cli(["exposure", "home", "--format", "csv", "--data", str(path)])
    assert len(out.splitlines()) == 61


def test_bundled_dataset_smoke():
    code, out, err = run_cli(["exposure", "japan", "--format", "json"])
    assert code == 0, err
    obj = json.loads(out)
    assert obj["target"] == "jpn"
    keys = [(-round(e["shortfall"], 12), e["node"], e["country"]) for e in obj["exposure"]]
    assert keys == sorted(keys)
    assert all(e["country"] != "jpn" for e in obj["exposure"])
