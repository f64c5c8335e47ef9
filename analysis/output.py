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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

#: The width of a table for people, in characters (the exposure matrix fits its columns to it).
TABLE_WIDTH = 160


class Format(str, Enum):
    """An output format of the command line and of ``Report.to_text``.

    Examples
    --------
    >>> Format("json").formatter is format_json
    True
    >>> [f.value for f in Format]
    ['table', 'json', 'csv', 'markdown']
    """

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"

    @property
    def formatter(self) -> Callable[[Report], str]:
        """The function that writes a ``Report`` in this format."""
        return _FORMATTERS[self]


#: The format names, in the order the command line lists them.
FORMATS = tuple(f.value for f in Format)


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
            return obj
        return float(f"{obj:.{digits}g}")
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, digits) for v in obj]
    return obj


def to_json(obj: Any) -> str:
    """Serialise a result object as stable, indented JSON (floats rounded)."""
    return json.dumps(round_floats(obj), indent=2, ensure_ascii=False, allow_nan=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return " -> ".join(str(v) for v in value)
    return str(value)


def to_csv(records: Sequence[dict], columns: Sequence[str]) -> str:
    """Write records as CSV with the given columns (lists joined with ``->``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in records:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


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
) -> str:
    """Render records as a plain-text table for people (rich, no colour codes)."""
    from rich.console import Console
    from rich.table import Table as RichTable

    table = RichTable(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for header in headers or columns:
        table.add_column(header, overflow="fold")
    for row in records:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    buf = io.StringIO()
    Console(file=buf, width=TABLE_WIDTH, no_color=True, highlight=False).print(table)
    return buf.getvalue()


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
    """

    records: Sequence[Mapping[str, Any]]
    columns: Sequence[str]
    headers: Sequence[str] | None = None
    title: str | None = None


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
    for section in report.people_sections():
        table = section.table
        if table is None:
            parts.append(section.text or "")
            continue
        text = to_table(table.records, table.columns, table.title, table.headers)
        parts.append(text if section.text is None else f"{section.text}\n{text}")
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


_FORMATTERS: dict[Format, Callable[[Report], str]] = {
    Format.TABLE: format_table,
    Format.JSON: format_json,
    Format.CSV: format_csv,
    Format.MARKDOWN: format_markdown,
}


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
