"""Supply risk of an importer (GeoPolRisk), worked out by hand on a tiny dataset.

The fixture: world nickel from three producers, shares 0.5, 0.3 and 0.2, so
HHI = 0.25 + 0.09 + 0.04 = 0.38. Japan's import node takes 60 t from China
(wgi 0.6), 30 t from Canada (wgi 0.2), 10 t from Ruritania (no wgi: 0.5) and
100 t of its own production (domestic), so the denominator is 200 t and

    IR     = (60 * 0.6 + 30 * 0.2 + 10 * 0.5) / 200 = 47 / 200 = 0.235
    score  = 0.38 * 0.235 = 0.0893
    factor = 0.0893 * 12 / 0.409412948 (price 12 USD/kg)
"""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

import analysis
import graph
from graph.errors import ChokegraphError

FIXTURE = """
groups:
  metals: [nickel, cobalt]
nodes:
  - {id: chn, kind: country, name: China, wgi: 0.6}
  - {id: can, kind: country, name: Canada, wgi: 0.2}
  - {id: rur, kind: country, name: Ruritania}
  - {id: jpn, kind: country, name: Japan, wgi: 0.1}
  - {id: nickel, kind: mineral, name: World nickel}
  - {id: cobalt, kind: mineral}
  - {id: jpn-imports-nickel, kind: mineral, country: jpn, commodity: nickel, price: 12}
edges:
  - {from: chn, to: nickel, share: 0.5, quantity: 500}
  - {from: can, to: nickel, share: 0.3, quantity: 300}
  - {from: jpn, to: nickel, share: 0.2, quantity: 200}
  - {from: chn, to: jpn-imports-nickel, share: 0.3, quantity: 60}
  - {from: can, to: jpn-imports-nickel, share: 0.15, quantity: 30}
  - {from: rur, to: jpn-imports-nickel, share: 0.05, quantity: 10}
  - {from: jpn, to: jpn-imports-nickel, share: 0.5, quantity: 100}
"""


@pytest.fixture
def data(write_file):
    return write_file("risk.yaml", FIXTURE)


def test_hand_worked_figures(data):
    res = analysis.risk(graph.load(data), "Japan", "nickel")
    assert res.node == "jpn-imports-nickel"
    assert res.hhi == pytest.approx(0.38, abs=1e-12)
    assert res.import_risk == pytest.approx(0.235, abs=1e-12)
    assert res.geopolrisk == pytest.approx(0.0893, abs=1e-12)
    assert res.factor == pytest.approx(0.0893 * 12 / 0.409412948, abs=1e-12)
    assert res.price == 12
    assert res.domestic == 100
    rows = {r["country"]: r for r in res.partner_records}
    assert list(rows) == ["chn", "can", "rur"]  # by contribution: 0.18, 0.03, 0.025
    assert rows["chn"]["contribution"] == pytest.approx(36 / 200)
    assert rows["can"]["contribution"] == pytest.approx(6 / 200)
    assert rows["rur"]["contribution"] == pytest.approx(5 / 200)
    assert rows["rur"]["wgi"] is None
    assert rows["can"]["share"] == pytest.approx(30 / 200)


def test_no_price_no_factor(write_file):
    text = FIXTURE.replace(", price: 12", "")
    res = analysis.risk(graph.load(write_file("p.yaml", text)), "jpn", "nickel")
    assert res.factor is None and res.price is None
    assert res.geopolrisk == pytest.approx(0.0893)


def test_a_group_is_an_error_listing_its_members(data):
    with pytest.raises(ChokegraphError, match=r"group.*cobalt, nickel"):
        analysis.risk(graph.load(data), "jpn", "metals")


def test_import_node_must_be_unique(write_file):
    # A second node in Japan that outputs nickel and is supplied by a country.
    text = FIXTURE + "  - {from: chn, to: jpn-nickel-2, share: 1.0, quantity: 1}\n"
    text = text.replace(
        "edges:\n",
        "  - {id: jpn-nickel-2, kind: mineral, country: jpn, commodity: nickel}\nedges:\n",
    )
    with pytest.raises(ChokegraphError, match="jpn-imports-nickel, jpn-nickel-2"):
        analysis.risk(graph.load(write_file("two.yaml", text)), "jpn", "nickel")


def test_no_quantity_is_an_error(write_file):
    text = FIXTURE.replace("share: 0.15, quantity: 30", "share: 0.15")
    with pytest.raises(ChokegraphError, match="can -> jpn-imports-nickel has no quantity"):
        analysis.risk(graph.load(write_file("q.yaml", text)), "jpn", "nickel")


def test_json_is_the_contract(data):
    code, out, err = run_cli(["risk", "japan", "nickel", "--data", str(data), "--format", "json"])
    assert code == 0, err
    obj = json.loads(out)
    assert list(obj) == [
        "importer", "commodity", "node", "hhi", "import_risk", "geopolrisk",
        "price", "factor", "domestic", "partners",
    ]  # fmt: skip
    assert obj["partners"][0] == {
        "country": "chn", "quantity": 60.0, "share": 0.3, "wgi": 0.6, "contribution": 0.18,
    }  # fmt: skip
    assert obj["geopolrisk"] == pytest.approx(0.0893)


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_every_format(data, fmt):
    code, out, err = run_cli(["risk", "jpn", "nickel", "--data", str(data), "--format", fmt])
    assert code == 0, err
    assert "chn" in out and ("0.0893" in out or "8.93" in out)


def test_cli_group_error_exit_2(data):
    code, _, err = run_cli(["risk", "jpn", "metals", "--data", str(data)])
    assert code == 2 and err.startswith("error: ") and "nickel" in err


def test_plot(data, tmp_path):
    res = analysis.risk(graph.load(data), "jpn", "nickel")
    _, ax = res.plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["chn", "can", "rur"]
    code, _, err = run_cli(
        ["risk", "jpn", "nickel", "--data", str(data), "--plot", str(tmp_path / "r.png")]
    )
    assert code == 0, err
    assert (tmp_path / "r.png").stat().st_size > 1000


def test_missing_geopolrisk_names_the_extra(monkeypatch):
    import importlib.util

    from graph.importers import geopolrisk

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ChokegraphError, match=r"chokegraph\[geopolrisk\].*--no-deps"):
        geopolrisk.find_databases()


def test_plot_needs_a_picture_file(data, tmp_path):
    code, out, err = run_cli(
        ["risk", "jpn", "nickel", "--data", str(data), "--plot", str(tmp_path / "r.dot")]
    )
    assert code == 2 and "--plot" in err and out == ""
