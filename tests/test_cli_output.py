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
import re
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


def table_body(out: str) -> list[str]:
    """The lines of the first table in ``out``: from its heading to its last row."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if "┃" in line)
    end = next((i for i in range(first, len(lines)) if not lines[i].strip() or
                "hidden at" in lines[i]), len(lines))  # fmt: skip
    return lines[first:end]


def test_every_row_keeps_its_borders_at_80_columns(monkeypatch):
    # Each line of the table has the same number of column separators: a row
    # that wraps wraps inside its cells, never across the border.
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run_cli(["what-if", "china", "gallium", "--to", "japan"])
    body = table_body(out)
    assert len(body) > 6, out
    separators = {line.count("┃") + line.count("│") + line.count("╇") for line in body}
    assert len(separators) == 1 and separators.pop() >= 5, out


# --------------------------------------------------------------------------- words stay whole

#: The what-if command lines of issue 19: the widest tables (9 columns, dates, bands).
WIDE_WHAT_IFS = [
    ["what-if", "--scenario", "2026-dual-use-japan"],
    ["what-if", "china", "gallium", "germanium", "--to", "japan"],
    ["what-if", "china", "gallium", "germanium", "--to", "japan", "--samples", "50"],
    ["what-if", "--scenario", "2026-dual-use-japan", "--samples", "50"],
]
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def tokens(text: str) -> set[str]:
    """The words of ``text``, without box characters and the brackets around a figure."""
    words = re.split(r"[\s│┃━╇]+", text)
    return {w.strip("(),;:") for w in words if w.strip("(),;:")}


#: A figure as the table prints it: 85.5%, 312.9, $252.0B, 0, or a band 24.5-73.1.
FIGURE = re.compile(r"\$?\d+(\.\d)?[%kMBT]?|\d+\.\d-\d+\.\d")


#: A figure as the table prints it: 85.5%, 312.9, $252.0B, 0, or a band 24.5-73.1.
FIGURE = re.compile(r"\$?\d+(\.\d)?[%kMBT]?|\d+\.\d-\d+\.\d")


@pytest.mark.parametrize("columns", [80, 100, 60])
@pytest.mark.parametrize("args", WIDE_WHAT_IFS, ids=lambda a: " ".join(a[1:4]))
def test_dates_and_ids_are_never_split_across_lines(args, columns, monkeypatch):
    _, data, _ = run_cli([*args, "--format", "json"])
    impacts = json.loads(data)["impacts"]
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, err = run_cli(args)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= columns, out
    body = table_body(out)
    seen = tokens("\n".join(body))
    ids = {r["country"] for r in impacts} | {n for r in impacts for n in r["via"]}
    dates = {r[k] for r in impacts for k in ("date_to_impact", "date_to_peak") if r.get(k)}
    words = tokens(" ".join(r["name"] for r in impacts)) | tokens(" ".join(body[:4]))
    # Every word of the table is a whole word of a cell: a piece of a cut id
    # ("chn-graph"), date ("2026-01-0") or figure ("312.") is none of these.
    pieces = {t for t in seen if t not in ids | dates | words | {"->"} and not FIGURE.fullmatch(t)}
    assert not pieces, f"cut at {columns} columns: {sorted(pieces)}\n{out}"
    # What is kept at every width here is there whole on every row.
    assert {r["country"] for r in impacts} <= seen
    if "2026-dual-use-japan" in args and columns >= 80:
        assert {r["date_to_impact"] for r in impacts} <= seen
        assert {f"{r['lost_days']:.1f}" for r in impacts} <= seen


@pytest.mark.parametrize(
    ("args", "columns", "hidden"),
    [
        # Each column as narrow as its longest word (names 15: "semiconductors:",
        # country 7, long-run shortfall 9, peak 12 "(2026-01-06)" or 5 "70.0%", first hit 10
        # "2026-01-06" or 5 "first", days lost 5, values 7 "$252.0B" or 6 "$10.7B", via 26
        # "jp-semiconductor-materials" or 22 "chn-germanium-refining"), plus 3 between
        # columns: the values, then via, then days lost go first, and come back if they fit.
        (WIDE_WHAT_IFS[0], 100, ["via"]),  # 122 > 100; without both values 102; all but via 93
        (WIDE_WHAT_IFS[0], 80, ["value at risk", "value lost", "via"]),  # 73; +value 83 > 80
        # 73 without those > 60; without days lost 65; without first hit 52, days lost back: 60
        (WIDE_WHAT_IFS[0], 60, ["first hit on", "value at risk", "value lost", "via"]),
        (WIDE_WHAT_IFS[1], 100, ["value lost"]),  # 104 > 100; 95 without value lost
        (WIDE_WHAT_IFS[1], 80, ["via"]),  # 61 without the three; values back: 70, 79
        (WIDE_WHAT_IFS[1], 60, ["days lost", "value at risk", "value lost", "via"]),  # 53
    ],
)
def test_a_table_too_wide_hides_its_least_needed_columns_and_says_which(
    args, columns, hidden, monkeypatch
):
    monkeypatch.setenv("COLUMNS", str(columns))
    _, out, _ = run_cli(args)
    note = out[out.index(f"hidden at {columns} columns") - 10 :].split("\n\n")[0]
    n = len(hidden)
    assert " ".join(note.split()).endswith(
        f"{n} column{'s' if n > 1 else ''} hidden at {columns} columns: {', '.join(hidden)}; "
        "use --format csv or a wider terminal"
    ), out
    heading = " ".join(table_body(out)[:4])
    for header in hidden:
        assert header not in heading.replace("┃", " "), (header, out)


def test_a_wide_terminal_shows_every_column_and_no_note(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = run_cli(WIDE_WHAT_IFS[0])
    assert "hidden" not in out
    body = table_body(out)
    assert body[0].split("┃")[-1].strip() == "" and body[1].split("┃")[-1].strip() == "via"
    assert body[3].count("│") == 8  # 9 columns


def test_the_headline_wraps_between_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    _, out, _ = run_cli(WIDE_WHAT_IFS[0])
    head = out.splitlines()[:4]
    assert max(len(line) for line in head) <= 60
    monkeypatch.setenv("COLUMNS", "1000")
    _, wide, _ = run_cli(WIDE_WHAT_IFS[0])
    headline = wide.splitlines()[0]
    assert headline.startswith("China's dual-use export controls on Japan (2026) (China restricts")
    assert " ".join(head) == headline


def test_to_table_keeps_a_date_and_an_id_whole_and_wraps_the_text(monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    rows = [{"day": "2026-01-06", "node": "jp-compound-semis", "name": "Gallium arsenide wafers"}]
    text = to_table(rows, ["day", "node", "name"])
    # 10 + 17 + 8 ("arsenide") + 2 x 3 = 41 > 30: the name goes; 10 + 17 + 3 = 30 fits.
    assert text.splitlines()[2:] == [
        "2026-01-06 │ jp-compound-semis",
        "1 column hidden at 30 columns:",
        "name; use --format csv or a",
        "wider terminal",
    ]
    monkeypatch.setenv("COLUMNS", "45")
    text = to_table(rows, ["day", "node", "name"])
    # 45 - 6 = 39: 10 + 17 leave 12 for the name, which wraps between its words.
    assert text.splitlines()[2:] == [
        "2026-01-06 │ jp-compound-semis │ Gallium",
        "           │                   │ arsenide",
        "           │                   │ wafers",
    ]


def test_to_table_leaves_out_the_spare_columns_first(monkeypatch):
    monkeypatch.setenv("COLUMNS", "20")
    rows = [{"a": "aaaaa", "b": "bbbbb", "c": "ccccc"}]
    # 3 x 5 + 2 x 3 = 21 > 20: one goes; "a" is named spare, so "a" rather than the last.
    assert to_table(rows, ["a", "b", "c"], spare=["a"]).splitlines()[:3] == [
        "b     ┃ c",
        "━━━━━━╇━━━━━━",
        "bbbbb │ ccccc",
    ]
    assert to_table(rows, ["a", "b", "c"]).splitlines()[2] == "aaaaa │ bbbbb"


def test_a_word_wider_than_the_whole_table_is_folded_as_a_last_resort(monkeypatch):
    monkeypatch.setenv("COLUMNS", "10")
    text = to_table([{"node": "x" * 25}], ["node"])
    assert text.splitlines()[2:] == ["x" * 10, "x" * 10, "x" * 5]


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
    headline = " ".join(out.split("\n\n")[0].splitlines()[:2])  # it wraps at 100 columns
    assert "(top 3 pairs shown)" in headline


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
