"""``compare``: supplies shares of two datasets side by side, differences in pp."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from helpers import run_cli

from analysis.compare import COLUMNS, compare_shares

CURATED = """\
sources:
  - {id: curated, title: Curated figures}
nodes:
  - {id: chn, kind: country, name: China}
  - {id: rus, kind: country, name: Russia}
  - {id: jpn, kind: country, name: Japan}
  - {id: gallium, kind: mineral}
  - {id: cobalt, kind: mineral}
  - {id: jp-semis, kind: industry, country: jpn}
edges:
  - {from: chn, to: gallium, share: 0.98, source: curated}
  - {from: rus, to: gallium, share: 0.01, source: curated}
  - {from: jpn, to: gallium, share: 0.004, source: curated}
  - {from: chn, to: cobalt, share: 0.02, source: curated}
  - {from: gallium, to: jp-semis, share: 0.5, source: curated}
"""

IMPORTED = """\
sources:
  - {id: usgs, title: Imported figures}
nodes:
  - {id: chn, kind: country, name: China}
  - {id: rus, kind: country, name: Russia}
  - {id: jpn, kind: country, name: Japan}
  - {id: kor, kind: country, name: South Korea}
  - {id: gallium, kind: mineral}
  - {id: cobalt, kind: mineral}
edges:
  - {from: chn, to: gallium, share: 0.9843, source: usgs}
  - {from: rus, to: gallium, share: 0.0079, source: usgs}
  - {from: jpn, to: gallium, share: 0.004, source: usgs}
  - {from: kor, to: gallium, share: 0.0038, source: usgs}
  - {from: chn, to: cobalt, share: 0.05, source: usgs}
"""
# Compared (edges in both): chn->gallium, rus->gallium, jpn->gallium, chn->cobalt = 4.
# Differences (curated - imported) in pp:
#   chn->cobalt  (0.02 - 0.05) * 100   = -3.0   > 1 pp
#   chn->gallium (0.98 - 0.9843) * 100 = -0.43
#   rus->gallium (0.01 - 0.0079) * 100 = +0.21
#   jpn->gallium 0
# kor->gallium and gallium->jp-semis are in one dataset only: not compared.


@pytest.fixture
def two_datasets(tmp_path):
    curated, imported = tmp_path / "curated.yaml", tmp_path / "imported.yaml"
    curated.write_text(CURATED, encoding="utf-8")
    imported.write_text(IMPORTED, encoding="utf-8")
    return str(curated), str(imported)


def test_compare_by_hand(two_datasets):
    import graph

    result = compare_shares(graph.load(two_datasets[0]), graph.load(two_datasets[1]))
    assert result.compared == 4
    assert result.differing == 1
    order = [(r["from"], r["to"]) for r in result.rows]
    assert order == [("chn", "cobalt"), ("chn", "gallium"), ("rus", "gallium"), ("jpn", "gallium")]
    first = result.rows[0]
    assert first == {
        "from": "chn",
        "to": "cobalt",
        "commodity": "cobalt",
        "share": 0.02,
        "source": "curated",
        "other_share": 0.05,
        "other_source": "usgs",
        "difference": pytest.approx(-3.0),
    }
    assert [r["difference"] for r in result.rows[1:]] == pytest.approx([-0.43, 0.21, 0.0])
    assert result.count_line() == "1 share differs by more than 1.0 pp out of 4 compared"
    # A tolerance of 0.2 pp counts three (3.0, 0.43 and 0.21 pp).
    looser = compare_shares(
        graph.load(two_datasets[0]), graph.load(two_datasets[1]), tolerance=0.002
    )
    assert looser.differing == 3


def test_difference_exactly_at_the_tolerance_is_not_differing():
    G, H = nx.MultiDiGraph(), nx.MultiDiGraph()
    G.add_edge("a", "m", "m", kind="supplies", commodity="m", share=0.3, source="x")
    H.add_edge("a", "m", "m", kind="supplies", commodity="m", share=0.29, source="y")
    # 0.3 - 0.29 is 0.01000000000000001 in floating point: still "not more than 1 pp".
    assert compare_shares(G, H, tolerance=0.01).differing == 0


def test_ties_are_sorted_by_ids_and_controls_edges_ignored():
    G, H = nx.MultiDiGraph(), nx.MultiDiGraph()
    for u in ("b", "a"):
        G.add_edge(u, "m", "m", kind="supplies", commodity="m", share=0.2, source="x")
        H.add_edge(u, "m", "m", kind="supplies", commodity="m", share=0.1, source="y")
    G.add_edge("a", "m", "controls", kind="controls", commodity=None, share=1.0)
    H.add_edge("a", "m", "controls", kind="controls", commodity=None, share=0.5)
    result = compare_shares(G, H)
    assert [r["from"] for r in result.rows] == ["a", "b"]
    assert result.compared == 2


def test_bad_tolerance():
    from graph.errors import ChokegraphError

    with pytest.raises(ChokegraphError, match="tolerance"):
        compare_shares(nx.MultiDiGraph(), nx.MultiDiGraph(), tolerance=2)


def test_cli_json(two_datasets):
    code, out, err = run_cli(["compare", *two_datasets, "--format", "json"])
    assert code == 0, err
    obj = json.loads(out)
    assert obj["compared"] == 4 and obj["differing"] == 1
    assert list(obj["rows"][0]) == list(COLUMNS)
    assert obj["rows"][0]["difference"] == pytest.approx(-3.0)
    assert "1 share differs by more than 1.0 pp out of 4 compared" in err


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_cli_other_formats(two_datasets, fmt):
    code, out, err = run_cli(["compare", *two_datasets, "--format", fmt])
    assert code == 0, err
    assert "cobalt" in out
    line = "1 share differs by more than 1.0 pp out of 4 compared"
    assert line in (err if fmt == "csv" else out)


def test_cli_tolerance_and_bad_data(two_datasets, tmp_path):
    code, out, _ = run_cli(["compare", *two_datasets, "--tolerance", "0.05"])
    assert code == 0
    assert "0 shares differ by more than 5.0 pp out of 4 compared" in out
    code, _, err = run_cli(["compare", two_datasets[0], str(tmp_path / "missing.yaml")])
    assert code == 2 and err.startswith("error:")
