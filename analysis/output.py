"""Output formats: one enum of names mapped to formatters.

Every command builds plain records (a list of dicts) and a JSON object; this
module turns them into a table for people (rich), JSON, CSV or markdown.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


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
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for header in headers or columns:
        table.add_column(header, overflow="fold")
    for row in records:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    buf = io.StringIO()
    Console(file=buf, width=160, no_color=True, highlight=False).print(table)
    return buf.getvalue()


def render(
    fmt: str,
    *,
    json_obj: Any,
    records: Sequence[dict],
    columns: Sequence[str],
    title: str | None = None,
    headers: Sequence[str] | None = None,
) -> str:
    """Format one command's result in the chosen output format."""
    if fmt == "json":
        return to_json(json_obj) + "\n"
    if fmt == "csv":
        return to_csv(records, columns)
    if fmt == "markdown":
        return to_markdown(records, columns, title)
    return to_table(records, columns, title, headers)


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
