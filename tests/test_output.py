"""Output formats (``analysis/output.py``): one formatter per format, exact bytes.

Each formatter is checked on a tiny report whose text is written out here in
full; then every command of the command line is run in every format.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from helpers import run_cli

from analysis.cli import cli
from analysis.output import (
    FORMATS,
    TABLE_WIDTH,
    Format,
    Report,
    Section,
    Table,
    format_csv,
    format_json,
    format_markdown,
    format_table,
    format_xlsx,
    round_floats,
    to_table,
)

EXAMPLE = str(Path(__file__).parent / "fixtures" / "example.yaml")


class Tiny(Report):
    """Two rows for programs; for people, a line, a table with headings, a captioned table."""

    def to_json(self):
        return {"rows": [{"node": "chn", "share": 0.1 + 0.2, "via": ["a", "b"]}]}

    def data_table(self):
        rows = [{"node": "chn", "share": 0.1 + 0.2, "via": ["a", "b"]}, {"node": "a|b"}]
        return Table(rows, ["node", "share", "via"])

    def people_sections(self):
        shares = Table([{"node": "chn", "share": "30.0%"}], ["node", "share"], ["node", "share %"])
        return [
            Section("Two rows"),
            Section("Shares", shares),
            Section(None, Table([{"node": "x"}], ["node"], title="Cap")),
        ]


def test_the_enum_names_the_formats():
    assert FORMATS == ("table", "json", "csv", "markdown", "xlsx")
    assert [f.value for f in Format] == list(FORMATS)
    assert Format("markdown") is Format.MARKDOWN
    assert {f: f.formatter for f in Format} == {
        Format.TABLE: format_table,
        Format.JSON: format_json,
        Format.CSV: format_csv,
        Format.MARKDOWN: format_markdown,
        Format.XLSX: format_xlsx,
    }
    with pytest.raises(ValueError):
        Format("xml")


def test_table():
    # The line above a table is printed as it is; a table's own title is rich's
    # caption, left-justified; no line ends in spaces.
    assert format_table(Tiny()) == (
        "Two rows\n\nShares\nnode ┃ share %\n━━━━━╇━━━━━━━━\nchn  │ 30.0%\n\nCap\nnode\n━━━━\nx\n"
    )


def test_json():
    # Floats rounded to 12 significant digits: 0.1 + 0.2 prints as 0.3.
    assert format_json(Tiny()) == (
        "{\n"
        '  "rows": [\n'
        "    {\n"
        '      "node": "chn",\n'
        '      "share": 0.3,\n'
        '      "via": [\n'
        '        "a",\n'
        '        "b"\n'
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_csv():
    # Lists are joined with "->"; a missing field is an empty cell.
    assert format_csv(Tiny()) == "node,share,via\nchn,0.3,a -> b\na|b,,\n"


def test_markdown():
    # A table's line becomes its bold title; a line alone stays plain.
    assert format_markdown(Tiny()) == (
        "Two rows\n"
        "\n"
        "**Shares**\n"
        "\n"
        "| node | share |\n"
        "|---|---|\n"
        "| chn | 30.0% |\n"
        "\n"
        "**Cap**\n"
        "\n"
        "| node |\n"
        "|---|\n"
        "| x |\n"
    )


def test_markdown_escapes_pipes():
    class Piped(Tiny):
        def people_sections(self):
            return [Section(None, self.data_table())]

    assert format_markdown(Piped()).splitlines()[-1] == "| a\\|b |  |  |"


def test_to_text_takes_a_name_or_a_format():
    assert Tiny().to_text("csv") == Tiny().to_text(Format.CSV) == format_csv(Tiny())
    assert Tiny().to_text() == format_table(Tiny())


def test_markdown_sections_default_to_the_table_ones():
    assert Tiny().markdown_sections() == Tiny().people_sections()


def test_tables_are_at_most_the_table_width():
    text = to_table([{"a": "x" * 400}], ["a"])
    assert max(len(line) for line in text.splitlines()) == TABLE_WIDTH


def test_round_floats():
    assert round_floats({"a": [0.1 + 0.2, 1e-300, float("inf")], "b": "x"}) == {
        "a": [0.3, 1e-300, float("inf")],
        "b": "x",
    }


# --------------------------------------------------------------------------- every command


#: One command line for each command that takes --format, on the example dataset.
COMMAND_LINES = {
    "what-if": ["what-if", "chn", "gallium", "--data", EXAMPLE],
    "remove": ["remove", "chn-gallium", "--data", EXAMPLE],
    "show": ["show", "gallium", "--data", EXAMPLE],
    "chokepoints": ["chokepoints", "--data", EXAMPLE],
    "exposure": ["exposure", "jpn", "--data", EXAMPLE],
    "concentration": ["concentration", "--data", EXAMPLE],
    "compare": ["compare", EXAMPLE, EXAMPLE],
    "validate": ["validate", EXAMPLE],
    "list": ["list", "sources", "--data", EXAMPLE],
    "risk": ["risk", "jpn", "nickel", "--data", str(Path(EXAMPLE).with_name("risk.yaml"))],
}
TEXT = [f for f in Format if not f.binary]


def test_every_command_with_a_format_is_listed():
    with_format = {
        name
        for name, command in cli.commands.items()
        if any(isinstance(p, click.Option) and "--format" in p.opts for p in command.params)
    }
    assert with_format - {"convert"} == set(COMMAND_LINES)  # convert's --format is csv|parquet


@pytest.mark.parametrize("fmt", TEXT, ids=lambda f: f.value)
@pytest.mark.parametrize("command", sorted(COMMAND_LINES))
def test_every_format_works_for_every_command(command, fmt):
    code, out, err = run_cli([*COMMAND_LINES[command], "--format", fmt.value])
    assert code == 0, err
    assert out.endswith("\n") and not out.endswith("\n\n")
    if fmt is Format.JSON:
        assert isinstance(json.loads(out), dict)
    elif fmt is Format.CSV:
        header = out.splitlines()[0]
        assert "," in header and " " not in header
    elif fmt is Format.MARKDOWN:
        assert "|---|" in out
