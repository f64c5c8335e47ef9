"""``--format xlsx``: a result as an Excel workbook, one sheet per table.

The sheets are the result's tables for programs (``Report.data_table``,
split by its ``table`` or ``measure`` column where it has one: concentration's
inputs and minerals, chokepoints' removals and export bans), then, for a
what-if, the scenario as run (one row per restriction, and the removed
nodes), then the dataset's sources (title,
author, publication, year, URL), so that every figure of the workbook can be
traced. Numbers stay numbers; a text cell that a spreadsheet would run as a
formula is neutralised as in CSV (``analysis.output.csv_safe``).

A workbook is bytes, not text: the command line writes it only to a file
(``-o FILE``), atomically (``graph.files.write_atomic``). openpyxl is an
optional extra: ``pip install "chokegraph[xlsx]"``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.output import Report, _cell, csv_safe, finite_or_null, round_floats
from graph.errors import ChokegraphError

#: What a user without openpyxl is told.
NEEDS_OPENPYXL = 'writing xlsx needs openpyxl, an optional extra: pip install "chokegraph[xlsx]"'
#: The columns that tell apart the tables a table for programs holds.
_SPLIT_BY = ("table", "measure")
#: Excel's limit on a sheet's name.
_SHEET_NAME = 31


def _value(value: Any) -> Any:
    """A cell: numbers as numbers, None empty, anything else as safe text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # rounded as in JSON; Excel has no inf or NaN
        return finite_or_null(round_floats(value))
    return csv_safe(value) if isinstance(value, (str, list, tuple)) else _cell(value)


def sheets(report: Report) -> list[tuple[str, list[str], list[Sequence[Any]]]]:
    """The workbook's sheets as ``(name, header, rows)``, in order.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
    >>> [name for name, _, _ in sheets(res)]
    ['impacts', 'scenario', 'sources']
    """
    table = report.data_table()
    columns = list(table.columns)
    name = _first_name(report)
    out = []
    # A table that holds two (concentration's "table", chokepoints' "measure")
    # becomes a sheet for each.
    key = next((c for c in _SPLIT_BY if c in columns), None)
    if key is not None:
        rest = [c for c in columns if c != key]
        parts: dict[str, list[Mapping[str, Any]]] = {}
        for r in table.records:
            parts.setdefault(str(r.get(key)), []).append(r)
        for part, records in parts.items():
            used = [c for c in rest if any(r.get(c) is not None for r in records)] or rest
            out.append((part, used, [[_value(r.get(c)) for c in used] for r in records]))
    else:
        out.append((name, columns, [[_value(r.get(c)) for c in columns] for r in table.records]))
    scenario = getattr(report, "scenario", None)
    if scenario is not None and hasattr(scenario, "restrictions"):
        out.append(_scenario_sheet(scenario))
    G = getattr(report, "G", None)
    if G is not None:
        out.append(_sources_sheet(G.graph.get("sources", {})))
    return out


def _first_name(report: Report) -> str:
    names = {"WhatIf": "impacts", "Neighbours": "neighbours", "Exposure": "exposure"}
    return names.get(type(report).__name__, type(report).__name__.lower())


def _scenario_sheet(scenario: Any) -> tuple[str, list[str], list[Sequence[Any]]]:
    header = ["scenario", "by", "commodities", "to", "severity", "start_day", "removed"]
    label = scenario.id or scenario.name or ""
    rows: list[Sequence[Any]] = [
        [
            _value(label),
            r.by,
            ", ".join(r.commodities),
            ", ".join(r.to or ()),
            r.severity,
            r.start_day,
            None,
        ]
        for r in scenario.restrictions
    ]
    rows += [[_value(label), None, None, None, None, None, n] for n in scenario.removed]
    rows.append([f"horizon {scenario.horizon} days", None, None, None, None, None, None])
    return "scenario", header, rows


def _sources_sheet(sources: Mapping[str, Mapping[str, Any]]):
    header = ["source", "title", "author", "published", "year", "url"]
    rows = [
        [_value(sid), *(_value(s.get(k)) for k in header[1:])] for sid, s in sorted(sources.items())
    ]
    return "sources", header, rows


def to_xlsx(report: Report) -> bytes:
    """The workbook of a result, as bytes.

    Raises
    ------
    ChokegraphError
        When openpyxl is not installed (the message names the extra).
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:
        raise ChokegraphError(NEEDS_OPENPYXL) from exc
    book = Workbook()
    book.remove(book.active)
    for name, header, rows in sheets(report):
        sheet = book.create_sheet(name[:_SHEET_NAME])
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write_xlsx(report: Report, path: str | os.PathLike) -> Path:
    """Write a result's workbook to ``path`` atomically; return the path written.

    Examples
    --------
    >>> import graph, analysis, tempfile, os
    >>> res = analysis.neighbours(graph.load(), "gallium")
    >>> path = write_xlsx(res, os.path.join(tempfile.mkdtemp(), "gallium.xlsx"))
    >>> path.suffix
    '.xlsx'
    """
    from graph.files import write_atomic

    return write_atomic(path, to_xlsx(report))
