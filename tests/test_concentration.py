"""Supplier concentration (HHI) and mineral country shares, worked out on paper."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from helpers import run_cli

import analysis
import graph
from analysis.concentration import hhi
from analysis.output import TEXT_FORMATS as FORMATS  # xlsx: tests/test_cli_output.py
from graph.errors import UnknownNameError

# World supply of a rare mineral: a Kazakh mine that China partly controls, an
# Australian mine, China's own output, and a trader with no country.
RARE = """
groups:
  critical: [rare]
nodes:
  - {id: chn, kind: country, name: China}
  - {id: kaz, kind: country, name: Kazakhstan}
  - {id: aus, kind: country, name: Australia}
  - {id: kz-mine, kind: mineral, country: kaz, commodity: rare}
  - {id: au-mine, kind: mineral, country: aus, commodity: rare}
  - {id: trader, kind: refiner, commodity: rare}
  - {id: rare, kind: mineral}
  - {id: grid, kind: component, commodity: power}
  - {id: ind, kind: industry, country: aus}
  - {id: ind2, kind: industry, country: aus}
edges:
  - {from: kz-mine, to: rare, share: 0.5}
  - {from: au-mine, to: rare, share: 0.2}
  - {from: chn, to: rare, share: 0.2}
  - {from: trader, to: rare, share: 0.05}
  - {from: chn, to: kz-mine, kind: controls, share: 0.6}
  - {from: rare, to: ind, share: 0.8}
  - {from: grid, to: ind, share: 1.0}
  - {from: kz-mine, to: ind2, share: 0.3}
  - {from: au-mine, to: ind2, share: 0.3}
"""


def build(text: str = RARE):
    return graph.from_dict(yaml.safe_load(text))


@pytest.fixture
def rare(tmp_path):
    path = tmp_path / "rare.yaml"
    path.write_text(RARE, encoding="utf-8")
    return str(path)


def test_hhi_scale():
    # (100 * 0.6)^2 + (100 * 0.4)^2 = 3600 + 1600
    assert hhi([0.6, 0.4]) == pytest.approx(5200)
    assert hhi([1.0]) == 10_000
    assert hhi([]) == 0


def test_inputs_hhi_coverage_and_top_supplier():
    res = analysis.concentration(build())
    rows = {(r["consumer"], r["commodity"]): r for r in res.input_records}
    # rare: 50^2 + 20^2 + 20^2 + 5^2 = 2500 + 400 + 400 + 25 = 3325; coverage 0.95.
    assert rows["rare", "rare"]["hhi"] == pytest.approx(3325)
    assert rows["rare", "rare"]["coverage"] == pytest.approx(0.95)
    assert rows["rare", "rare"]["suppliers"] == 4
    assert rows["rare", "rare"]["top_supplier"] == "kz-mine"
    assert rows["rare", "rare"]["top_share"] == pytest.approx(0.5)
    # ind buys rare from one supplier with 0.8 (the other 0.2 unmodelled, left
    # out): 80^2 = 6400; and power from one supplier: 10000.
    assert rows["ind", "rare"]["hhi"] == pytest.approx(6400)
    assert rows["ind", "rare"]["coverage"] == pytest.approx(0.8)
    assert rows["ind", "power"]["hhi"] == pytest.approx(10_000)
    # ind2: two suppliers at 0.3: 900 + 900 = 1800; the top is a tie, broken by id.
    assert rows["ind2", "rare"]["hhi"] == pytest.approx(1800)
    assert rows["ind2", "rare"]["top_supplier"] == "au-mine"
    # Sorted by HHI, largest first, then consumer, then commodity.
    assert [(r["consumer"], r["commodity"]) for r in res.input_records] == [
        ("ind", "power"),
        ("ind", "rare"),
        ("rare", "rare"),
        ("ind2", "rare"),
    ]
    assert list(res.inputs.columns) == [
        "consumer",
        "kind",
        "commodity",
        "suppliers",
        "coverage",
        "hhi",
        "top_supplier",
        "top_share",
    ]


def test_mineral_country_shares_direct_and_controlled():
    res = analysis.concentration(build())
    rare = [r for r in res.mineral_records if r["mineral"] == "rare"]
    # Direct: kaz 0.5 (its mine), aus 0.2, chn 0.2 (country -> mineral edge);
    # the trader (0.05) has no country. Controlled: chn 0.2 * 1 (itself) +
    # 0.5 * 0.6 (controls edge on the Kazakh mine) = 0.5; kaz 0.5; aus 0.2.
    assert [(r["country"], r["share"], r["controlled_share"]) for r in rare] == [
        ("kaz", pytest.approx(0.5), pytest.approx(0.5)),
        ("chn", pytest.approx(0.2), pytest.approx(0.5)),
        ("aus", pytest.approx(0.2), pytest.approx(0.2)),
    ]
    # A mine with no suppliers is its own sole supplier: 100% Kazakh, 60% Chinese-controlled.
    kz = [r for r in res.mineral_records if r["mineral"] == "kz-mine"]
    assert [(r["country"], r["share"], r["controlled_share"]) for r in kz] == [
        ("kaz", 1.0, 1.0),
        ("chn", 0.0, pytest.approx(0.6)),
    ]
    assert {r["mineral"] for r in res.mineral_records} == {"au-mine", "kz-mine", "rare"}
    assert list(res.minerals.columns) == [
        "mineral",
        "commodity",
        "country",
        "share",
        "controlled_share",
    ]


def test_commodity_filter_by_name_and_group():
    res = analysis.concentration(build(), "Rare")
    assert res.commodity == "rare"
    assert {r["commodity"] for r in res.input_records} == {"rare"}
    assert len(res.input_records) == 3
    assert {r["mineral"] for r in res.mineral_records} == {"au-mine", "kz-mine", "rare"}
    group = analysis.concentration(build(), "critical")
    assert group.input_records == res.input_records
    power = analysis.concentration(build(), "power")
    assert [r["consumer"] for r in power.input_records] == ["ind"]
    assert power.mineral_records == []


def test_unknown_commodity_raises():
    with pytest.raises(UnknownNameError, match="did you mean 'rare'"):
        analysis.concentration(build(), "rarre")


def test_result_displays():
    res = analysis.concentration(build())
    assert "kz-mine" in res._repr_html_()
    assert "4 inputs" in repr(res)
    assert list(res.to_json()) == ["commodity", "inputs", "minerals"]


# Command line


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works(rare, fmt):
    code, out, err = run_cli(["concentration", "--format", fmt, "--data", rare])
    assert code == 0, err
    if fmt == "json":
        obj = json.loads(out)
        assert obj["commodity"] is None
        assert obj["inputs"][2]["hhi"] == 3325
        assert obj["minerals"][-1] == {
            "mineral": "rare",
            "commodity": "rare",
            "country": "aus",
            "share": 0.2,
            "controlled_share": 0.2,
        }
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {r["table"] for r in rows} == {"inputs", "minerals"}
        first = rows[0]
        assert (first["consumer"], first["hhi"], first["top_supplier"]) == ("ind", "10000", "grid")
    else:
        assert "3325" in out and "50.0%" in out


def test_cli_commodity_argument(rare):
    code, out, _ = run_cli(["concentration", "critical", "--format", "json", "--data", rare])
    assert code == 0
    obj = json.loads(out)
    assert obj["commodity"] == "critical"
    assert {r["commodity"] for r in obj["inputs"]} == {"rare"}


def test_cli_unknown_commodity_is_exit_2(rare):
    code, out, err = run_cli(["concentration", "rarre", "--data", rare])
    assert code == 2
    assert out == ""
    assert "did you mean 'rare'" in err


def test_bundled_dataset_smoke():
    code, out, err = run_cli(["concentration", "gallium", "--format", "json"])
    assert code == 0, err
    obj = json.loads(out)
    assert obj["commodity"] == "gallium"
    assert obj["inputs"] and all(r["commodity"] == "gallium" for r in obj["inputs"])
    assert all(0 < r["hhi"] <= 10_000 for r in obj["inputs"])
    assert all(0 < r["coverage"] <= 1 + 1e-6 for r in obj["inputs"])
