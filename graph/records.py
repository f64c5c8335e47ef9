"""The row container: every row of a dataset as columns, and where each row came from.

Each record is checked against its pydantic model on the way in
(``record_problems``: keys and types, with messages that say what to do);
every rule across records is in ``graph.validate``.

YAML files and tables are both turned into ``Columns`` (one list per field,
one position per row) inside one ``Dataset``; a locator per file turns a row
(and a field of it) back into ``FILE:LINE:COL``. ``graph.validate`` checks a
``Dataset`` and returns a ``Resolved``; ``graph.build`` turns both into the
networkx graph.

Examples
--------
>>> ds = Dataset()
>>> locator = TableLocator("nodes.csv", ["id", "kind"])
>>> ds.nodes.extend({"id": ["chn"], "kind": ["country"]}, 1, locator)
>>> ds.nodes.where(0), ds.nodes.data["name"]
('nodes.csv:2:1', [None])
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph.errors import Problem
from graph.lookup import did_you_mean
from graph.schema import Edge, Inputs, Node, Source, field_names
from graph.yamlio import Document

SOURCE_FIELDS = tuple(field_names(Source))
NODE_FIELDS = tuple(field_names(Node))
#: Edges carry one more column: True where a field was dropped for a type
#: error, so that a bad ``share`` is not reported a second time as missing.
EDGE_FIELDS = (*field_names(Edge), "_invalid")
GROUP_FIELDS = ("group", "member")
INPUT_FIELDS = tuple(field_names(Inputs))


class YamlLocator:
    """Positions of the rows of one YAML file (or an in-memory mapping).

    Row ``i`` is the mapping at ``prefixes[i]`` (e.g. ``("nodes", 3)``); with
    no document (``from_dict``) every position is ``(0, 0)``.
    """

    def __init__(self, path: str, doc: Document | None):
        self.path = path
        self.doc = doc
        self.prefixes: list[tuple] = []

    def at(self, i: int, field: tuple = (), key: bool = False) -> tuple[int, int]:
        if self.doc is None:
            return 0, 0
        path = self.prefixes[i] + field
        if key and path in self.doc.keys:
            return self.doc.keys[path]
        floor = len(self.prefixes[i]) - 1
        while path not in self.doc.values and len(path) > floor:
            path = path[:-1]
        return self.doc.values.get(path, (0, 0))


class GroupLocator(YamlLocator):
    """Positions of group members: row ``i`` is ``("groups", name, j)``."""

    def at(self, i: int, field: tuple = (), key: bool = False) -> tuple[int, int]:
        if self.doc is None:
            return 0, 0
        prefix = self.prefixes[i]
        if field[:1] in (("group",), ()):
            return self.doc.keys.get(prefix[:2], (0, 0))
        return self.doc.values.get(prefix, self.doc.values.get(prefix[:2], (0, 0)))


class TableLocator:
    """Positions of the rows of one table.

    Row ``i`` is on line ``i + 2`` (the header is line 1), unless ``lines``
    gives each row's line: a CSV file with blank lines or cells that span
    several lines.
    """

    def __init__(self, path: str, columns: Sequence[str], lines: Sequence[int] | None = None):
        self.path = path
        self.colpos = {name: j + 1 for j, name in enumerate(columns)}
        self.lines = lines

    def line(self, i: int) -> int:
        """The line of row ``i`` in the file."""
        return i + 2 if self.lines is None else self.lines[i]

    def at(self, i: int, field: tuple = (), key: bool = False) -> tuple[int, int]:
        return self.line(i), (self.colpos.get(field[0], 1) if field else 1)


@dataclass
class Columns:
    """Rows of one kind (nodes, edges, ...) from every file, one list per field."""

    fields: tuple[str, ...]
    data: dict[str, list] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)
    locators: list[Any] = field(default_factory=list)
    n: int = 0

    def __post_init__(self) -> None:
        self.data = {f: [] for f in self.fields}

    def add_segment(self, locator: Any) -> None:
        """Start the rows of a new file."""
        self.starts.append(self.n)
        self.locators.append(locator)

    def append(self, row: dict) -> None:
        """Append one row (a mapping; missing fields are None) to the last segment."""
        for f in self.fields:
            self.data[f].append(row.get(f))
        self.n += 1

    def extend(self, columns: dict[str, list], n: int, locator: Any) -> None:
        """Append ``n`` rows of one file given as columns (missing fields are None)."""
        self.add_segment(locator)
        for f in self.fields:
            values = columns.get(f)
            self.data[f].extend(values if values is not None else [None] * n)
        self.n += n

    def locate(self, i: int, field: tuple | str = (), key: bool = False) -> tuple[str, int, int]:
        """Return ``(path, line, col)`` of row ``i`` (or of one of its fields)."""
        if isinstance(field, str):
            field = (field,)
        s = bisect.bisect_right(self.starts, i) - 1
        locator = self.locators[s]
        return (locator.path, *locator.at(i - self.starts[s], field, key))

    def problem(self, i: int, field: tuple | str, message: str, key: bool = False) -> Problem:
        return Problem(*self.locate(i, field, key), message)

    def where(self, i: int) -> str:
        """``FILE:LINE:COL`` of row ``i``."""
        path, line, col = self.locate(i)
        return f"{path}:{line}:{col}"

    def wheres(self) -> list[str]:
        """``FILE:LINE:COL`` of every row, worked out a file at a time."""
        out: list[str] = []
        ends = [*self.starts[1:], self.n] if self.starts else []
        for start, end, locator in zip(self.starts, ends, self.locators, strict=True):
            if isinstance(locator, TableLocator):
                path = locator.path
                lines = locator.lines or range(2, end - start + 2)
                out.extend([f"{path}:{line}:1" for line in lines])
            else:
                out.extend(self.where(i) for i in range(start, end))
        return out


@dataclass
class Dataset:
    """Every row of a dataset, before the cross-file rules."""

    sources: Columns = field(default_factory=lambda: Columns(SOURCE_FIELDS))
    groups: Columns = field(default_factory=lambda: Columns(GROUP_FIELDS))
    nodes: Columns = field(default_factory=lambda: Columns(NODE_FIELDS))
    edges: Columns = field(default_factory=lambda: Columns(EDGE_FIELDS))
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Resolved:
    """What the rules worked out, for ``graph.build``: defaults filled in."""

    node_commodity: list[str | None]
    edge_kind: list[str]
    edge_commodity: list[str | None]
    edge_share: list[float]
    commodities: list[str]
    groups: dict[str, list[str]]


# --------------------------------------------------------------------------- types of one record


def show(value: Any) -> str:
    """A value as messages quote it (``true``, ``0.5``, ``'text'``, a huge number cut short)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"{str(value)[:6]}... ({len(str(abs(value)))} digits)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return repr(value) if isinstance(value, str) else f"{value}"


_WHAT = {"sources": "a source", "nodes": "a node", "edges": "an edge", "inputs": "an input"}


def type_message(kind: str, loc: tuple, error_type: str, value: Any, allowed: Sequence[str]) -> str:
    """Turn one pydantic error into a message that says what to do."""
    name = ".".join(str(p) for p in loc if p != "[key]")
    what = _WHAT.get(kind, kind)
    if error_type == "extra_forbidden":
        key = loc[-1]
        return (
            f"unknown key {key!r} in {what}{did_you_mean(key, allowed)}: "
            f"the keys of {what} are {', '.join(allowed)}"
        )
    if error_type == "missing":
        return f"{what} needs {loc[-1]!r}: add it"
    if error_type == "invalid_key":
        return (
            f"key {show(loc[-1])} in {what} must be text: "
            f"the keys of {what} are {', '.join(allowed)}"
        )
    if loc and loc[-1] == "[key]":
        return f"{loc[0]}: the commodity name {show(value)} must be text: put it in quotes"
    if error_type in ("float_type", "int_type", "finite_number"):
        number = "a whole number" if error_type == "int_type" else "a number"
        if isinstance(value, str):
            return f"{name} must be {number}, not the text {value!r}: remove the quotes"
        if isinstance(value, bool):
            return f"{name} must be {number}, not {show(value)}"
        if error_type == "finite_number" or (isinstance(value, int) and error_type == "float_type"):
            return f"{name} must be a finite number, not {show(value)}: give a real value"
        return f"{name} must be {number}, not {show(value)}"
    if error_type == "string_type":
        hint = (
            ": put it in quotes (YAML reads yes/no/on/off as true/false)"
            if isinstance(value, bool)
            else ": put it in quotes"
        )
        return f"{name} must be text, not {show(value)}{hint}"
    if error_type == "list_type":
        return f"{name} must be a list such as [0.4, 0.5], not {show(value)}"
    if error_type in ("dict_type", "model_type"):
        if loc[:1] == ("inputs",) and len(loc) == 1:
            return (
                "inputs must map commodities to settings, e.g. "
                f"{{gallium: {{dependence: 0.8}}}}, not {show(value)}"
            )
        return f"{name} must be a mapping such as {{dependence: 0.8}}, not {show(value)}"
    return f"{name}: {error_type}: fix the value"  # pragma: no cover


def record_problems(
    kind: str, model: Any, raw: dict, locate: Any
) -> tuple[dict | None, list[Problem]]:
    """Check one record's keys and types with its pydantic model.

    Returns the record with every bad field dropped (so that the rules can
    trust the types of what is left) and the problems found. ``locate(loc,
    key)`` gives ``(path, line, col)`` of a field path.
    """
    try:
        model.__pydantic_validator__.validate_python(raw)
        return raw, []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    allowed = field_names(model)
    problems = []
    clean = dict(raw)
    inputs = dict(clean["inputs"]) if isinstance(clean.get("inputs"), dict) else None
    for err in errors:
        loc = err["loc"]
        nested = loc[:1] == ("inputs",) and len(loc) >= 3
        names = list(INPUT_FIELDS) if nested else allowed
        what = "inputs" if nested else kind
        message = type_message(what, loc, err["type"], err.get("input"), names)
        if err["type"] == "missing":
            place, is_key = loc[:-1], False
        elif err["type"] == "invalid_key":
            place, is_key = loc, True
        elif loc[-1] == "[key]":
            place, is_key = loc[:-1], True
        else:
            place, is_key = loc, err["type"] == "extra_forbidden"
        problems.append(Problem(*locate(place, is_key), message))
        if nested and inputs is not None:
            inputs.pop(loc[1], None)
        else:
            clean.pop(loc[0], None)
            clean["_invalid"] = True
    if inputs is not None and "inputs" in clean:
        # Keys that are not text were reported above (pydantic names them by repr).
        clean["inputs"] = {k: v for k, v in inputs.items() if isinstance(k, str)}
    return clean, problems
