"""What every command prints, whatever the terminal, the pipe or the spreadsheet.

Tables fit the terminal (``COLUMNS``) or, in a pipe, ``TABLE_WIDTH``; names
are data, never markup; CSV cells never run as formulas; JSON has no inf or
NaN; a terminal that is not UTF-8 and a reader that stops early are no
errors; ``--top`` lists the first N rows on every listing command; xlsx is a
workbook written to ``-o FILE``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli

from analysis.output import TABLE_WIDTH, Table, csv_safe, to_csv, to_json, to_table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "tests" / "fixtures" / "example.yaml")

#: A dataset whose names look like rich markup and spreadsheet formulas.
TRICKY = """
sources:
  - {id: s, title: "=HYPERLINK(\\"http://x\\")"}
nodes:
  - {id: chn, kind: country, name: China}
  - {id: jpn, kind: country, name: Japan}
  - {id: ore, kind: mineral, name: "Plant [/]"}
  - {id: plant, kind: industry, country: jpn, name: "[primary] [link=http://x]here[/link]"}
  - {id: calc, kind: industry, country: jpn, name: "=1+2"}
edges:
  - {from: chn, to: ore, share: 0.5, source: s}
  - {from: ore, to: plant, share: 1.0, source: s}
  - {from: ore, to: calc, share: 1.0, source: s}
"""


@pytest.fixture
def tricky(write_file):
    return str(write_file("tricky.yaml", TRICKY))


# --------------------------------------------------------------------------- width


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", ["80", "60", "120"])
@pytest.mark.parametrize(
    "args",
    [
        ["what-if", "china", "rare-earths", "--to", "japan"],
        ["chokepoints", "--top", "5"],
        ["exposure", "japan"],
        ["concentration", "gallium"],
        ["show", "jp-compound-semis"],
        ["list", "sources"],
    ],
    ids=lambda a: a[0],
)
def test_tables_fit_columns_and_no_line_ends_in_a_space(args, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    code, out, err = run_cli(args)
    assert code == 0, err
    table_lines = [line for line in out.splitlines() if "│" in line or "━" in line]
    assert table_lines, out
    assert max(len(line) for line in table_lines) <= int(columns)
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_in_a_pipe_without_columns_tables_are_table_width_at_most():
    code, out, _ = run_cli(["what-if", "china", "rare-earths", "--to", "japan"])
    assert code == 0
    lines = [line for line in out.splitlines() if "│" in line]
    assert TABLE_WIDTH == 100
    assert max(len(line) for line in lines) <= TABLE_WIDTH


def test_every_row_keeps_its_borders_at_80_columns(monkeypatch):
    # Each line of the table has the same number of column separators: a row
    # that wraps wraps inside its cells, never across the border.
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run_cli(["what-if", "china", "gallium", "--to", "japan"])
    body = [line for line in out.splitlines()[1:] if line.strip()]
    separators = {line.count("┃") + line.count("│") + line.count("╇") for line in body}
    assert len(separators) == 1 and separators.pop() >= 5, out


def test_short_cells_stay_whole_and_long_ones_wrap(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    text = to_table([{"a": "12.5%", "b": "one two three four five six seven eight"}], ["a", "b"])
    lines = text.splitlines()
    assert lines[2].startswith("12.5% │ one two")
    assert max(len(line) for line in lines) <= 40
    assert "eight" in lines[-1]


def test_a_column_empty_on_every_row_is_left_out_of_the_table():
    text = to_table([{"a": "x", "b": None}, {"a": "y", "b": ""}], ["a", "b"])
    assert text.splitlines()[0] == "a"
    # The formats for programs keep it: the header does not depend on the data.
    assert to_csv([{"a": "x", "b": None}], ["a", "b"]).splitlines()[0] == "a,b"


def test_value_at_risk_is_hidden_where_no_node_has_a_value(tmp_path):
    # No node here carries a value: "value at risk" would be empty on every row.
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "nodes:\n  - {id: cn, kind: country}\n  - {id: ore, kind: mineral}\n"
        "  - {id: plant, kind: industry}\n"
        "edges:\n  - {from: cn, to: ore, share: 1}\n  - {from: ore, to: plant, share: 0.5}\n",
        encoding="utf-8",
    )
    _, out, _ = run_cli(["what-if", "cn", "ore", "--data", str(bare)])
    assert "value" not in "".join(out.splitlines()[1:4])
    assert "first" in out and "days lost" in out
    # The example dataset has values: the column is there.
    _, out, _ = run_cli(["what-if", "china", "gallium", "--data", EXAMPLE])
    assert "value at" in out


# --------------------------------------------------------------------------- names are data


def test_names_that_look_like_markup_print_as_typed(tricky, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run_cli(["what-if", "china", "ore", "--data", tricky])
    assert code == 0, err
    assert "Plant [/]" in out
    assert "[primary] [link=http://x]here[/link]" in out
    assert "\x1b" not in out  # no terminal codes: no link, no style


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(tricky):
    code, out, _ = run_cli(["what-if", "china", "ore", "--format", "csv", "--data", tricky])
    assert code == 0
    rows = {r["node"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["calc"]["name"] == "'=1+2"
    assert rows["plant"]["name"] == "[primary] [link=http://x]here[/link]"
    # Numbers are never changed: the shortfall is 0.5, not '0.5.
    assert rows["calc"]["shortfall"] == "0.5"


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (-0.5, "-0.5"),
        (-2, "-2"),
        (["-a", "b"], "'-a -> b"),
    ],
)
def test_csv_safe(value, cell):
    assert csv_safe(value) == cell


# --------------------------------------------------------------------------- JSON numbers


def test_json_has_no_infinity_and_no_negative_zero():
    text = to_json({"sum": 1e308 + 1e308, "nan": float("nan"), "zero": -0.0, "x": [-0.0]})
    assert json.loads(text) == {"sum": None, "nan": None, "zero": 0.0, "x": [0.0]}
    assert "-0" not in text and "Infinity" not in text and "NaN" not in text


def test_value_at_risk_that_overflows_is_null_in_json(write_file):
    # Two plants worth 1e308 each, both fully cut: the summed value at risk is
    # inf in floating point; JSON says null (no figure can be given).
    path = write_file(
        "huge.yaml",
        """
        nodes:
          - {id: chn, kind: country}
          - {id: a, kind: industry, value: 1.0e308}
          - {id: b, kind: industry, value: 1.0e308}
        edges:
          - {from: chn, to: a, share: 1.0, commodity: x}
          - {from: chn, to: b, share: 1.0, commodity: x}
        """,
    )
    code, out, err = run_cli(["what-if", "chn", "x", "--format", "json", "--data", str(path)])
    assert code == 0, err
    obj = json.loads(out)
    assert obj["summary"]["value_at_risk"] is None
    assert [r["value_at_risk"] for r in obj["impacts"]] == [1e308, 1e308]


# --------------------------------------------------------------------------- terminals and pipes


def run_process(args: list[str], **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-c", "from analysis.cli import main; main()", *args],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
    )


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "latin-1"}, {"PYTHONIOENCODING": "ascii"}])
def test_a_terminal_that_is_not_utf8_gets_ascii_tables(env):
    done = run_process(["what-if", "china", "gallium", "--to", "japan"], **env)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("ascii")  # nothing but ASCII: the box is +, - and |
    assert "| shortfall" in out or "shortfall |" in out


def test_a_name_the_terminal_cannot_show_is_replaced(write_file):
    path = write_file(
        "utf.yaml",
        """
        nodes:
          - {id: chn, kind: country}
          - {id: a, kind: industry, name: "Pr\u00e9cis \u2192 \u9435"}
        edges:
          - {from: chn, to: a, share: 1.0, commodity: x}
        """,
    )
    done = run_process(["what-if", "chn", "x", "--data", str(path)], PYTHONIOENCODING="latin-1")
    assert done.returncode == 0, done.stderr
    # é is Latin-1 (byte 0xe9); the arrow and the CJK character are not: "?".
    assert b"Pr\xe9cis ?" in done.stdout
    assert "\u2192".encode() not in done.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_a_reader_that_stops_early_is_no_error(fmt):
    # `chokegraph ... | head -1`: the pipe closes after the first line.
    script = (
        f"{sys.executable} -c 'from analysis.cli import main; main()' "
        f"concentration --format {fmt} | head -1"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, cwd=ROOT, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


# --------------------------------------------------------------------------- --top


@pytest.mark.parametrize(
    "args, key",
    [
        (["what-if", "china", "all"], "impacts"),
        (["remove", "chn"], "impacts"),
        (["chokepoints"], "chokepoints"),
        (["exposure", "japan"], "exposure"),
        (["concentration"], "inputs"),
        (["list", "countries"], "countries"),
    ],
    ids=lambda a: a[0] if isinstance(a, list) else a,
)
def test_top_lists_the_first_rows_of_every_listing_command(args, key):
    _, full, _ = run_cli([*args, "--format", "json"])
    code, out, err = run_cli([*args, "--top", "2", "--format", "json"])
    assert code == 0, err
    assert json.loads(out)[key] == json.loads(full)[key][:2]
    code, out, err = run_cli([*args, "--top", "-1"])
    assert (code, out) == (2, "")
    assert err.startswith("error: Invalid value for --top: must be 0 or more, got -1")


def test_exposure_top_says_the_list_is_cut():
    _, out, _ = run_cli(["exposure", "japan", "--top", "3"])
    assert "(top 3 pairs shown)" in out.splitlines()[0]


# --------------------------------------------------------------------------- xlsx


def test_xlsx_needs_an_output_file():
    code, out, err = run_cli(["what-if", "china", "gallium", "--format", "xlsx"])
    assert (code, out) == (2, "")
    assert "write it to a file with -o FILE.xlsx" in err


def test_xlsx_has_a_sheet_per_table_the_scenario_and_the_sources(tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
    path = tmp_path / "out.xlsx"
    code, _, err = run_cli(
        ["what-if", "china", "gallium", "--to", "japan", "--format", "xlsx", "-o", str(path)]
    )
    assert code == 0, err
    assert err == f"wrote {path}\n"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["impacts", "scenario", "sources"]
    rows = list(book["impacts"].iter_rows(values_only=True))
    assert rows[0][:5] == ("node", "name", "kind", "country", "shortfall")
    # China's gallium refining carries 0.42 of Japan's compound-semiconductor
    # gallium, on which it depends fully: a number in the sheet, not text.
    first = dict(zip(rows[0], rows[1], strict=True))
    # 0.42 from China, less Umicore's spare of 0.10 (seeds/gallium-germanium.yaml)
    assert first["node"] == "jp-compound-semis" and first["shortfall"] == pytest.approx(0.32)
    scenario = list(book["scenario"].iter_rows(values_only=True))
    assert scenario[1][1:6] == ("chn", "gallium", "jpn", 1.0, 0)
    sources = {r[0]: r for r in book["sources"].iter_rows(min_row=2, values_only=True)}
    assert sources["usgs-mcs-2025"][5] == "https://doi.org/10.5066/P13XCP3R"


def test_xlsx_splits_a_table_that_holds_two(tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
    path = tmp_path / "c.xlsx"
    code, _, err = run_cli(["concentration", "--format", "xlsx", "-o", str(path)])
    assert code == 0, err
    assert openpyxl.load_workbook(path).sheetnames == ["inputs", "minerals", "sources"]


def test_xlsx_without_openpyxl_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    code, out, err = run_cli(
        ["show", "gallium", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")]
    )
    assert (code, out) == (2, "")
    assert (
        err
        == 'error: writing xlsx needs openpyxl, an optional extra: pip install "chokegraph[xlsx]"\n'
    )
    assert not (tmp_path / "x.xlsx").exists()


def test_output_file_for_text_formats(tmp_path):
    path = tmp_path / "g.json"
    code, out, err = run_cli(["show", "gallium", "--format", "json", "-o", str(path)])
    assert (code, out, err) == (0, "", f"wrote {path}\n")
    assert json.loads(path.read_text(encoding="utf-8"))["node"] == "gallium"


def test_table_is_a_dataclass_of_rows():
    assert Table([{"a": 1}], ["a"]).columns == ["a"]
