"""The data commands: validate, show and schema (output and exit codes), and
``analysis.neighbours``, the library function behind ``show``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import dataset, run_cli

import analysis
import graph
from analysis.neighbours import LINK_FIELDS, Neighbours
from graph.errors import UnknownNameError
from graph.schema import json_schema

EXAMPLE = str(Path(__file__).parent / "fixtures" / "example.yaml")


# --------------------------------------------------------------------------- validate


def test_validate_ok_prints_a_summary():
    code, out, err = run_cli(["validate", EXAMPLE])
    assert (code, err) == (0, "")
    # chn, jpn, kaz; gallium, kz-ree-mine; chn-gallium; jp-compound-semis.
    assert out == "ok: 7 nodes (3 country, 2 mineral, 1 refiner, 1 industry), 4 edges, 2 sources\n"


def test_validate_default_is_the_bundled_dataset():
    code, out, _ = run_cli(["validate"])
    assert code == 0 and out.startswith("ok: ")


def test_validate_reports_every_problem_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(
        "nodes:\n  - {id: chn, kind: nation}\n  - {id: chn, kind: country}\n"
    )
    code, out, err = run_cli(["validate", "bad.yaml"])
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "bad.yaml:2:21: error: node kind 'nation' must be one of country, mineral, refiner, "
        "component, industry",
        "bad.yaml:3:10: error: duplicate node id 'chn' (first defined at bad.yaml:2:5): give "
        "each node its own id, or merge the two",
    ]


def test_validate_missing_path():
    code, out, err = run_cli(["validate", "/no/such/place"])
    assert (code, out, err) == (2, "", "error: /no/such/place does not exist\n")


def test_validate_folder_without_data(tmp_path):
    code, _, err = run_cli(["validate", str(tmp_path)])
    assert code == 2
    assert err.startswith(f"error: {tmp_path} holds no dataset files")


def test_validate_in_a_subprocess_has_no_traceback(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(b"nodes: [\xff]\n")
    exe = Path(sys.executable).parent / "chokegraph"
    if not exe.exists():
        pytest.skip("the chokegraph console script is not installed")
    run = subprocess.run([str(exe), "validate", str(tmp_path / "bad.yaml")], capture_output=True)
    assert run.returncode == 2
    assert b"Traceback" not in run.stderr
    assert run.stderr.decode().endswith(
        ":1:9: error: not UTF-8: byte 0xff at offset 8; save the file as UTF-8\n"
    )


# --------------------------------------------------------------------------- show


def test_show_json():
    code, out, err = run_cli(["show", "jp-compound-semis", "--data", EXAMPLE, "--format", "json"])
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "node": "jp-compound-semis",
        "name": "jp-compound-semis",
        "kind": "industry",
        "country": "jpn",
        "suppliers": [  # by share, largest first
            {
                "node": "gallium",
                "commodity": "gallium",
                "share": 0.58,
                "kind": "supplies",
                "source": "lu-yi-2026",
            },
            {
                "node": "chn-gallium",
                "commodity": "gallium",
                "share": 0.42,
                "kind": "supplies",
                "source": "lu-yi-2026",
            },
        ],
        "customers": [],
    }


def test_show_resolves_display_names_and_lists_controls():
    code, out, _ = run_cli(["show", "CHINA", "--data", EXAMPLE, "--format", "json"])
    assert code == 0
    shown = json.loads(out)
    assert shown["node"] == "chn" and shown["country"] is None
    assert shown["suppliers"] == []
    assert shown["customers"] == [
        {
            "node": "gallium",
            "commodity": "gallium",
            "share": 0.98,
            "kind": "supplies",
            "source": "shu-biquan-2025",
        },
        {
            "node": "kz-ree-mine",
            "commodity": None,
            "share": 0.5,
            "kind": "controls",
            "source": None,
        },
    ]


def test_show_csv_has_a_direction_column():
    code, out, _ = run_cli(["show", "gallium", "--data", EXAMPLE, "--format", "csv"])
    assert code == 0
    assert out.splitlines() == [
        "direction,node,commodity,share,kind,source",
        "supplier,chn,gallium,0.98,supplies,shu-biquan-2025",
        "customer,jp-compound-semis,gallium,0.58,supplies,lu-yi-2026",
    ]


def test_show_markdown_and_table():
    code, out, _ = run_cli(["show", "gallium", "--data", EXAMPLE, "--format", "markdown"])
    assert code == 0
    assert "| direction | node | commodity | share | kind | source |" in out
    assert "| supplier | chn | gallium | 0.98 | supplies | shu-biquan-2025 |" in out
    code, out, _ = run_cli(["show", "gallium", "--data", EXAMPLE])
    assert code == 0
    assert "Primary gallium (world supply) (gallium): mineral" in out
    assert "customer" in out and "jp-compound-semis" in out


def test_show_unknown_node_suggests():
    code, out, err = run_cli(["show", "galium", "--data", EXAMPLE])
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown node 'galium' (did you mean 'gallium'")


def test_neighbours_tables():
    res = analysis.neighbours(graph.load(EXAMPLE), "jp-compound-semis")
    assert isinstance(res, Neighbours)
    assert (res.node, res.name, res.kind, res.country) == (
        "jp-compound-semis",
        "jp-compound-semis",
        "industry",
        "jpn",
    )
    assert isinstance(res.suppliers, pd.DataFrame)
    assert list(res.suppliers.columns) == list(LINK_FIELDS)
    assert res.suppliers[["node", "share"]].values.tolist() == [
        ["gallium", 0.58],
        ["chn-gallium", 0.42],
    ]
    assert list(res.customers.columns) == list(LINK_FIELDS) and res.customers.empty


def test_neighbours_json_is_what_show_prints():
    res = analysis.neighbours(graph.load(EXAMPLE), "China")
    _, out, _ = run_cli(["show", "china", "--data", EXAMPLE, "--format", "json"])
    assert res.to_json() == json.loads(out)
    assert list(res.to_json()) == ["node", "name", "kind", "country", "suppliers", "customers"]
    assert [list(e) for e in res.to_json()["customers"]] == [list(LINK_FIELDS)] * 2


def test_neighbours_sort_by_share_then_id_then_commodity():
    G = dataset(
        """
        nodes:
          - {id: a, kind: country}
          - {id: m1, kind: mineral}
          - {id: m2, kind: mineral}
          - {id: r, kind: refiner, country: a}
          - {id: z, kind: refiner, country: a}
          - {id: c, kind: component}
        edges:
          - {from: z, to: c, share: 0.3}
          - {from: r, to: c, share: 0.3}
          - {from: m2, to: c, share: 0.4}
          - {from: m1, to: c, share: 0.3}
        """
    )
    res = analysis.neighbours(G, "c")
    assert [(r["node"], r["share"]) for r in res.supplier_records] == [
        ("m2", 0.4),
        ("m1", 0.3),
        ("r", 0.3),
        ("z", 0.3),
    ]


def test_neighbours_display():
    res = analysis.neighbours(graph.load(EXAMPLE), "gallium")
    assert res.title() == "Primary gallium (world supply) (gallium): mineral"
    assert repr(res) == (
        "<Neighbours Primary gallium (world supply) (gallium): mineral: 1 suppliers, 1 customers>"
    )
    html = res._repr_html_()
    assert "<b>Suppliers</b>" in html and "shu-biquan-2025" in html


def test_neighbours_unknown_node():
    with pytest.raises(UnknownNameError, match="did you mean 'gallium'"):
        analysis.neighbours(graph.load(EXAMPLE), "galium")


# --------------------------------------------------------------------------- schema


def test_schema_prints_json():
    code, out, _ = run_cli(["schema"])
    assert code == 0
    assert json.loads(out) == json_schema()


def test_schema_writes_a_file(tmp_path):
    target = tmp_path / "schema.json"
    code, out, err = run_cli(["schema", "-o", str(target)])
    assert (code, out) == (0, "")
    assert json.loads(target.read_text()) == json_schema()
    assert err == f"wrote {target}\n"


def test_schema_into_a_missing_folder(tmp_path):
    code, _, err = run_cli(["schema", "-o", str(tmp_path / "no" / "schema.json")])
    assert code == 2 and err.startswith("error: cannot write")
