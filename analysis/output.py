"""Output formats: one enum, ``Format``, with one formatter each.

A result (``WhatIf``, ``Chokepoints``, ...) does not format itself: it is a
``Report`` that hands over what each format needs (its JSON object, its rows
for CSV, its sections for people), and the format's formatter turns that into
text: a table for people (rich), JSON, CSV or markdown. So every command and
every result prints the same way, and a new format is one function here.

Examples
--------
>>> class Hello(Report):
...     def to_json(self):
...         return {"greeting": "hello"}
...     def data_table(self):
...         return Table([{"greeting": "hello"}], ["greeting"])
...     def people_sections(self):
...         return [Section("Greetings", self.data_table())]
>>> print(Format.CSV.formatter(Hello()), end="")
greeting
hello
>>> print(Hello().to_text("markdown"), end="")
**Greetings**
<BLANKLINE>
| greeting |
|---|
| hello |
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from analysis.textwidth import column_widths, wrap_words

#: The width of a table for people when stdout is not a terminal and ``COLUMNS`` is not set
#: (a file, a pipe): that of a wide terminal, so that files read well in a pager or an editor.
TABLE_WIDTH = 100


def table_width() -> int:
    """The width of a table for people, in characters.

    ``COLUMNS`` when it is set to a positive number; else the terminal's width
    when stdout is a terminal; else ``TABLE_WIDTH`` (a pipe or a file). The
    exposure matrix fits its columns to it; rich wraps the other tables to it.

    Examples
    --------
    >>> import os
    >>> os.environ["COLUMNS"] = "80"
    >>> table_width()
    80
    >>> del os.environ["COLUMNS"]
    """
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout
    try:
        if stream is not None and stream.isatty():
            import shutil

            return shutil.get_terminal_size((TABLE_WIDTH, 24)).columns
    except (AttributeError, ValueError, OSError):  # a closed or unusual stream
        pass
    return TABLE_WIDTH


def _unicode_ok() -> bool:
    """Whether stdout can print box-drawing characters (else tables use ASCII)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "─━│┃".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class Format(str, Enum):
    """An output format of the command line and of ``Report.to_text``.

    Examples
    --------
    >>> Format("json").formatter is format_json
    True
    >>> [f.value for f in Format]
    ['table', 'json', 'csv', 'markdown', 'xlsx']
    """

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    XLSX = "xlsx"

    @property
    def binary(self) -> bool:
        """Whether the format is bytes, written only to a file (``analysis.spreadsheet``)."""
        return self is Format.XLSX

    @property
    def formatter(self) -> Callable[[Report], str]:
        """The function that writes a ``Report`` in this format."""
        return _FORMATTERS[self]


#: The format names, in the order the command line lists them.
FORMATS = tuple(f.value for f in Format)
#: The formats that are text, printed to stdout.
TEXT_FORMATS = tuple(f.value for f in Format if not f.binary)


def round_floats(obj: Any, digits: int = 12) -> Any:
    """Round every float in a JSON-like object to ``digits`` significant digits.

    Floating-point noise (``0.31920000000000004``) would make output differ in
    its last digit across platforms; 12 significant digits keep every figure
    exact to far beyond what the model can claim, and make JSON byte-stable.

    Examples
    --------
    >>> round_floats({"a": [0.1 + 0.2, 3]})
    {'a': [0.3, 3]}
    """
    if isinstance(obj, float):
        if not math.isfinite(obj) or obj == 0:
            return obj + 0.0  # -0.0 + 0.0 is 0.0: a zero has no sign in what we print
        return float(f"{obj:.{digits}g}")
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, digits) for v in obj]
    return obj


def finite_or_null(obj: Any) -> Any:
    """Replace every infinite or NaN float of a JSON-like object by None.

    JSON has no infinity and no NaN. A figure that overflows (two values of
    1e308 summed) is printed as ``null``, as a figure that cannot be given,
    rather than as invalid JSON or an error that hides every other figure.

    Examples
    --------
    >>> finite_or_null({"a": [float("inf"), 1.5], "b": float("nan")})
    {'a': [None, 1.5], 'b': None}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_null(v) for v in obj]
    return obj


def to_json(obj: Any) -> str:
    """Serialise a result object as stable, indented JSON.

    Floats are rounded (``round_floats``), ``-0.0`` prints as ``0.0`` and an
    infinite or NaN figure as ``null`` (``finite_or_null``).

    Examples
    --------
    >>> print(to_json({"x": -0.0, "y": 1e308 + 1e308}))
    {
      "x": 0.0,
      "y": null
    }
    """
    return json.dumps(
        finite_or_null(round_floats(obj)), indent=2, ensure_ascii=False, allow_nan=False
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value + 0.0:.6g}"  # + 0.0: -0.0 prints as 0
    if isinstance(value, (list, tuple)):
        return " -> ".join(str(v) for v in value)
    return str(value)


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Text (names, ids, the ``via`` chain) that starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading single quote, as OWASP
    recommends. Numbers are never changed: ``-0.5`` is a number, not a formula,
    and a program reading the CSV must get it back as written.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(1)"), csv_safe(-0.5), csv_safe("-0.5"), csv_safe("Gallium")
    ("'=HYPERLINK(1)", '-0.5', "'-0.5", 'Gallium')
    """
    text = _cell(value)
    if isinstance(value, (str, list, tuple)) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(records: Sequence[dict], columns: Sequence[str]) -> str:
    """Write records as CSV with the given columns (lists joined with ``->``).

    Text cells that a spreadsheet would run as a formula are neutralised (``csv_safe``).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in columns])
    for row in records:
        writer.writerow([csv_safe(row.get(c)) for c in columns])
    return buf.getvalue()


def _shown_columns(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], headers: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The columns (and their headings) that have a value in at least one row.

    A column empty on every row (value at risk on data without values) says
    nothing to people in a terminal; markdown and the formats for programs keep
    it, for a header that does not depend on the data.
    """
    if not records:
        return list(columns), list(headers)
    kept = [
        (c, h)
        for c, h in zip(columns, headers, strict=True)
        if any(_cell(r.get(c)) for r in records)
    ]
    return [c for c, _ in kept], [h for _, h in kept]


def to_markdown(records: Sequence[dict], columns: Sequence[str], title: str | None = None) -> str:
    """Write records as a GitHub-flavoured markdown table."""

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"**{esc(title)}**", ""] if title else []
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in records:
        lines.append("| " + " | ".join(esc(_cell(row.get(c))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_table(
    records: Sequence[dict],
    columns: Sequence[str],
    title: str | None = None,
    headers: Sequence[str] | None = None,
    spare: Sequence[str] = (),
) -> str:
    """Render records as a plain-text table for people (rich, no colour codes).

    The table is as wide as ``table_width()`` at most. Cells wrap only
    between words, so a date, an id or a number is never cut; long names and
    ``via`` chains wrap within their column. Where even that cannot fit,
    columns are left out, those in ``spare`` first, then from the right (a
    table lists its columns most important first), and a line under the
    table names them. Cells are data, never
    rich markup (``[link=...]`` prints as typed); no line ends in spaces;
    the box is ASCII when stdout cannot print box-drawing characters. A
    column empty on every row is left out.

    Examples
    --------
    >>> print(to_table([{"a": "[b]x[/b]", "b": ""}], ["a", "b"]), end="")
    a
    ━━━━━━━━
    [b]x[/b]
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    # Without headings of its own, a column's key is its heading, with spaces
    # where it has underscores: "top supplier" wraps where "top_supplier" cannot.
    headers = headers or [c.replace("_", " ") for c in columns]
    columns, headers = _shown_columns(records, columns, headers)
    cells = [[_cell(row.get(c)) for c in columns] for row in records]
    width = table_width()
    order = [columns.index(c) for c in spare if c in columns]
    order += [j for j in reversed(range(len(columns))) if j not in order]
    shown, widths = column_widths(headers, cells, width, order)
    table = RichTable(
        title=None if title is None else Text(title),
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        box=box.HEAVY_HEAD if _unicode_ok() else box.ASCII,
    )
    for j, w in zip(shown, widths, strict=True):
        table.add_column(Text(headers[j]), overflow="fold", width=w)
    for row in cells:
        table.add_row(*(Text(row[j]) for j in shown))
    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, highlight=False, markup=False, emoji=False).print(
        table
    )
    text = "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())
    hidden = [h for j, h in enumerate(headers) if j not in shown]
    if hidden:
        note = (
            f"{plural(len(hidden), 'column')} hidden at {width} columns: {', '.join(hidden)}; "
            "use --format csv or a wider terminal"
        )
        text += wrap_words(note, width)
    return text


@dataclass(frozen=True)
class Table:
    """Rows to print, and how people see them.

    Attributes
    ----------
    records : sequence of dict
        One dict per row; missing keys print as empty cells.
    columns : sequence of str
        The keys to print, in order (the header of CSV and markdown).
    headers : sequence of str, optional
        The table format's column headings, when they differ from ``columns``.
    title : str, optional
        A caption drawn as part of the table (rich's title, markdown's bold line).
    spare : sequence of str, optional
        The columns people can best do without, in the order a table too wide
        for the terminal leaves them out; after them, columns go from the
        right (``to_table``). CSV, JSON and markdown keep every column.
    """

    records: Sequence[Mapping[str, Any]]
    columns: Sequence[str]
    headers: Sequence[str] | None = None
    title: str | None = None
    spare: Sequence[str] = ()


@dataclass(frozen=True)
class Section:
    """One part of what people read: a line of text, and the table under it if any.

    Alone, the text is a plain line; above a table, the table format prints it
    on the line before and markdown makes it the table's bold title.
    """

    text: str | None
    table: Table | None = None


class Report:
    """What a result hands the formatters: subclass it and fill in the first three methods.

    ``markdown_sections`` defaults to ``people_sections``; a result overrides
    it where markdown, having no width limit, shows more than the table.
    """

    def to_json(self) -> Any:
        """The JSON object (``--format json``)."""
        raise NotImplementedError

    def data_table(self) -> Table:
        """The rows for programs (``--format csv``)."""
        raise NotImplementedError

    def people_sections(self) -> list[Section]:
        """What people read (``--format table``)."""
        raise NotImplementedError

    def markdown_sections(self) -> list[Section]:
        """What people read in markdown (``--format markdown``)."""
        return self.people_sections()

    def to_text(self, fmt: Format | str = Format.TABLE) -> str:
        """The result as text in a format: ``"table"``, ``"json"``, ``"csv"`` or ``"markdown"``.

        Examples
        --------
        >>> import graph, analysis
        >>> text = analysis.neighbours(graph.load(), "gallium").to_text("csv")
        >>> text.splitlines()[0]
        'direction,node,commodity,share,kind,source'
        """
        return Format(fmt).formatter(self)


def _join(parts: list[str]) -> str:
    # Sections are set apart by one blank line, whatever their own last lines.
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def format_table(report: Report) -> str:
    """Write a report as text for people: each section's line, then its table.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.neighbours(graph.load(), "gallium")
    >>> format_table(res).splitlines()[0].rstrip()  # rich pads the title to the table's width
    'Primary gallium (world supply) (gallium): mineral'
    """
    parts = []
    width = table_width()
    for section in report.people_sections():
        # A headline wraps between words, as the table's cells do: never inside an id.
        line = None if section.text is None else wrap_words(section.text, width)
        table = section.table
        if table is None:
            parts.append(line or "")
            continue
        text = to_table(table.records, table.columns, table.title, table.headers, table.spare)
        parts.append(text if line is None else f"{line}{text}")
    return _join(parts)


def format_markdown(report: Report) -> str:
    """Write a report as markdown: each section's table under its title in bold."""
    parts = []
    for section in report.markdown_sections():
        table = section.table
        if table is None:
            parts.append(section.text or "")
        else:
            parts.append(to_markdown(table.records, table.columns, section.text or table.title))
    return _join(parts)


def format_json(report: Report) -> str:
    """Write a report's JSON object: indented, floats rounded, one final newline."""
    return to_json(report.to_json()) + "\n"


def format_csv(report: Report) -> str:
    """Write a report's rows for programs as CSV.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.neighbours(graph.load(), "gallium")
    >>> format_csv(res).splitlines()[1]
    'supplier,chn,gallium,0.9868,supplies,usgs-mcs-2025'
    """
    table = report.data_table()
    return to_csv(table.records, table.columns)


def format_xlsx(report: Report) -> str:
    """A workbook is not text: write it with ``analysis.spreadsheet.write_xlsx``."""
    from graph.errors import ChokegraphError

    raise ChokegraphError(
        "xlsx is a workbook, not text: write it to a file with -o FILE.xlsx "
        "(in Python: analysis.spreadsheet.write_xlsx)"
    )


_FORMATTERS: dict[Format, Callable[[Report], str]] = {
    Format.TABLE: format_table,
    Format.JSON: format_json,
    Format.CSV: format_csv,
    Format.MARKDOWN: format_markdown,
    Format.XLSX: format_xlsx,
}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``count`` and the noun, in the singular for exactly one.

    Examples
    --------
    >>> plural(1, "node"), plural(0, "node"), plural(2, "industry", "industries")
    ('1 node', '0 nodes', '2 industries')
    """
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def format_usd(value: float) -> str:
    """Format a dollar amount for people.

    Examples
    --------
    >>> format_usd(1.2768e10)
    '$12.8B'
    """
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:.1f}{unit}"
    return f"${value:.0f}"
