"""Every rule a dataset must satisfy, checked across all of its files at once.

YAML files and tables are both turned into the same column form
(``Columns``: one list per field, one position per row), then checked here
by one set of rules with one set of messages. Every problem is collected and
returned, located at the offending value; nothing stops at the first.

The rules (each message says what to do):

- ids of nodes and sources, commodity and group names are lowercase slugs
  ``[a-z0-9][a-z0-9._-]*``, unique across the dataset;
- a node's ``kind`` is one of ``NODE_KINDS``; its ``country`` names a country
  node and is not set on a country node, which also has no ``commodity`` or
  ``inputs`` (a country supplies, it does not consume);
- an edge's ``from`` and ``to`` name nodes, and differ; its ``kind`` is
  ``supplies`` or ``controls``; a ``controls`` edge starts at a country and
  names no commodity; a ``supplies`` edge has a ``share``, does not end at a
  country, and if it starts at a country either ends at a mineral or names a
  ``commodity``; no two edges have the same from, to, kind and commodity;
- numbers lie in range: supplies and controls shares in (0, 1], dependence
  and substitutable in [0, 1], value and stockpile days >= 0, ``range`` is
  ``[low, high]`` with 0 <= low <= share <= high <= 1;
- for every consumer and commodity, supplies shares add up to at most 1
  (within ``SHARE_TOLERANCE``);
- ``source`` names an entry of ``sources``; ``confidence`` is ``reported``,
  ``estimate`` or ``recalled``;
- group members and the keys of ``inputs`` are commodities of the dataset
  (its nodes' output commodities and its edges' ``commodity`` values); a
  group does not share its name with a commodity; ``all`` and ``controls``
  name neither.

Examples
--------
>>> import graph
>>> graph.from_dict({"nodes": [{"id": "chn", "kind": "country"}]}).nodes["chn"]["kind"]
'country'
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph.errors import Problem
from graph.lookup import did_you_mean
from graph.schema import (
    CONFIDENCES,
    EDGE_KINDS,
    NODE_KINDS,
    RESERVED_NAMES,
    Edge,
    Inputs,
    Node,
    Source,
    field_names,
)
from graph.yamlio import Document

SHARE_TOLERANCE = 1e-6
SOURCE_FIELDS = tuple(field_names(Source))
NODE_FIELDS = tuple(field_names(Node))
#: Edges carry one more column: True where a field was dropped for a type
#: error, so that a bad ``share`` is not reported a second time as missing.
EDGE_FIELDS = (*field_names(Edge), "_invalid")
INPUT_FIELDS = tuple(field_names(Inputs))
GROUP_FIELDS = ("group", "member")
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
#: Suggestions are worked out for this many unknown names of each kind; past
#: that, a big table full of mistakes would spend its time in difflib.
_MAX_SUGGESTIONS = 50
#: From this many rows on, a table's rows are first checked on whole columns
#: (``graph.bulk``); below it the row walk is quicker than importing pandas.
BULK_FROM = 20_000

# --------------------------------------------------------------------------- positions


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


# --------------------------------------------------------------------------- messages


def _show(value: Any) -> str:
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
            f"key {_show(loc[-1])} in {what} must be text: "
            f"the keys of {what} are {', '.join(allowed)}"
        )
    if loc and loc[-1] == "[key]":
        return f"{loc[0]}: the commodity name {_show(value)} must be text: put it in quotes"
    if error_type in ("float_type", "int_type", "finite_number"):
        number = "a whole number" if error_type == "int_type" else "a number"
        if isinstance(value, str):
            return f"{name} must be {number}, not the text {value!r}: remove the quotes"
        if isinstance(value, bool):
            return f"{name} must be {number}, not {_show(value)}"
        if error_type == "finite_number" or (isinstance(value, int) and error_type == "float_type"):
            return f"{name} must be a finite number, not {_show(value)}: give a real value"
        return f"{name} must be {number}, not {_show(value)}"
    if error_type == "string_type":
        hint = (
            ": put it in quotes (YAML reads yes/no/on/off as true/false)"
            if isinstance(value, bool)
            else ": put it in quotes"
        )
        return f"{name} must be text, not {_show(value)}{hint}"
    if error_type == "list_type":
        return f"{name} must be a list such as [0.4, 0.5], not {_show(value)}"
    if error_type in ("dict_type", "model_type"):
        if loc[:1] == ("inputs",) and len(loc) == 1:
            return (
                "inputs must map commodities to settings, e.g. "
                f"{{gallium: {{dependence: 0.8}}}}, not {_show(value)}"
            )
        return f"{name} must be a mapping such as {{dependence: 0.8}}, not {_show(value)}"
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


# --------------------------------------------------------------------------- rules


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check(ds: Dataset) -> tuple[list[Problem], Resolved]:
    """Apply every rule to a dataset; return the problems and the resolved values."""
    problems = list(ds.problems)
    add = problems.append
    suggestions_left = {"node": _MAX_SUGGESTIONS, "source": _MAX_SUGGESTIONS}

    def suggest(what: str, name: Any, candidates: Iterable[str]) -> str:
        if suggestions_left[what] <= 0:
            return ""
        suggestions_left[what] -= 1
        return did_you_mean(name, candidates)

    # Sources: ids.
    S = ds.sources
    source_first: dict[str, int] = {}
    for i, sid in enumerate(S.data["id"]):
        if sid is None:
            continue
        if not _SLUG.fullmatch(sid):
            add(S.problem(i, "id", _slug_message("source id", sid)))
        if sid in source_first:
            add(
                S.problem(
                    i,
                    "id",
                    f"duplicate source id {sid!r} (first defined at "
                    f"{S.where(source_first[sid])}): give each source its own id",
                )
            )
        else:
            source_first[sid] = i
    source_ids = source_first.keys()

    def check_provenance(C: Columns, i: int, src: Any, conf: Any) -> None:
        if src is not None and src not in source_ids:
            add(
                C.problem(
                    i,
                    "source",
                    f"source {src!r} is not in sources{suggest('source', src, source_ids)}: "
                    "add it to a sources list or fix the id",
                )
            )
        if conf is not None and conf not in CONFIDENCES:
            add(
                C.problem(
                    i,
                    "confidence",
                    f"confidence {conf!r} must be one of {', '.join(CONFIDENCES)}"
                    f"{did_you_mean(conf, CONFIDENCES)}: say how sure the figure is",
                )
            )

    # Nodes, first pass: ids and kinds.
    N = ds.nodes
    nd = N.data
    node_first: dict[str, int] = {}
    node_kind: dict[str, str | None] = {}
    node_commodity: list[str | None] = []
    commodity_where: dict[str, tuple[Columns, int]] = {}  # where each is first named
    inputs_to_check: list[tuple[int, str]] = []
    bulk_nodes = None
    if not problems and len(nd["id"]) >= BULK_FROM:
        from graph.bulk import clean_nodes

        bulk_nodes = clean_nodes(nd, set(source_ids), _SLUG)
    node_rows: Iterable = enumerate(zip(nd["id"], nd["kind"], strict=True))
    if bulk_nodes is not None:  # every node passed every rule: no need to walk them
        node_first, node_commodity, first_output, inputs_to_check = bulk_nodes
        node_kind = dict(zip(nd["id"], nd["kind"], strict=True))
        commodity_where = {name: (N, i) for name, i in first_output.items()}
        node_rows = ()
    for i, (nid, kind) in node_rows:
        if kind is not None and kind not in NODE_KINDS:
            add(
                N.problem(
                    i,
                    "kind",
                    f"node kind {kind!r} must be one of {', '.join(NODE_KINDS)}"
                    f"{did_you_mean(kind, NODE_KINDS)}",
                )
            )
            kind = None
        if nid is None:
            continue
        if not _SLUG.fullmatch(nid):
            add(N.problem(i, "id", _slug_message("node id", nid)))
        if nid in node_first:
            add(
                N.problem(
                    i,
                    "id",
                    f"duplicate node id {nid!r} (first defined at {N.where(node_first[nid])}): "
                    "give each node its own id, or merge the two",
                )
            )
            continue
        node_first[nid] = i
        node_kind[nid] = kind

    def unknown_node(C: Columns, i: int, fieldname: str, name: str) -> None:
        add(
            C.problem(
                i,
                fieldname,
                f"{fieldname} {name!r} names no node{suggest('node', name, node_kind)}: "
                "add the node or fix the id",
            )
        )

    # Nodes, second pass: fields.
    field_rows: Iterable = ()
    if bulk_nodes is None:
        field_rows = enumerate(
            zip(
                nd["id"],
                nd["kind"],
                nd["country"],
                nd["commodity"],
                nd["value"],
                nd["stockpile_days"],
                nd["inputs"],
                nd["source"],
                nd["confidence"],
                strict=True,
            )
        )
    for i, (nid, kind, country, com, value, stock, inputs, src, conf) in field_rows:
        is_country = kind == "country"
        if country is not None:
            if is_country:
                add(
                    N.problem(
                        i,
                        "country",
                        "a country node has no country: remove 'country' "
                        "(or give the node another kind)",
                    )
                )
            elif country not in node_kind:
                unknown_node(N, i, "country", country)
            elif node_kind[country] not in ("country", None):
                add(
                    N.problem(
                        i,
                        "country",
                        f"country {country!r} is {_a(node_kind[country])} node, not a country: "
                        "name a node of kind country",
                    )
                )
        output = None
        if is_country:
            if com is not None:
                add(
                    N.problem(
                        i,
                        "commodity",
                        "a country node outputs no commodity of its own: remove 'commodity' and "
                        "give what it produces as edges from the country to mineral nodes",
                    )
                )
            if inputs:
                add(
                    N.problem(
                        i,
                        "inputs",
                        "a country node has no inputs (a country supplies, it does not consume): "
                        "model its imports as a node located in it",
                    )
                )
        elif nid is not None or com is not None:
            output = com if com is not None else nid
            fieldname = "commodity" if com is not None else "id"
            if _commodity_name_ok(N, i, fieldname, output, add):
                commodity_where.setdefault(output, (N, i))
            else:
                output = None
        node_commodity.append(output)
        for fieldname, number in (("value", value), ("stockpile_days", stock)):
            if number is not None and not number >= 0:
                add(
                    N.problem(
                        i, fieldname, f"{fieldname} {_show(number)} is negative: it must be >= 0"
                    )
                )
        if inputs and not is_country:
            for com_in, settings in inputs.items():
                inputs_to_check.append((i, com_in))
                for name in ("dependence", "substitutable"):
                    x = settings.get(name)
                    if x is not None and not 0 <= x <= 1:
                        add(
                            N.problem(
                                i,
                                ("inputs", com_in, name),
                                f"inputs.{com_in}.{name} {_show(x)} is out of range: "
                                "it is a fraction in [0, 1]",
                            )
                        )
                x = settings.get("stockpile_days")
                if x is not None and not x >= 0:
                    add(
                        N.problem(
                            i,
                            ("inputs", com_in, "stockpile_days"),
                            f"inputs.{com_in}.stockpile_days {_show(x)} is negative: "
                            "it must be >= 0",
                        )
                    )
        check_provenance(N, i, src, conf)

    # Edges.
    E = ds.edges
    ed = E.data
    edge_kind: list[str] = []
    edge_commodity: list[str | None] = []
    edge_share: list[float] = []
    first_edge: dict[tuple, int] = {}
    sums: dict[tuple[str, str], list] = {}
    bulk = None
    if not problems and len(ed["from"]) >= BULK_FROM:
        from graph.bulk import clean_edges

        bulk = clean_edges(
            ed,
            node_first,
            nd["kind"],
            node_commodity,
            set(source_ids),
            _SLUG,
            1 + SHARE_TOLERANCE,
        )
    if bulk is not None:  # every edge passed every rule: no need to walk them
        edge_kind, edge_commodity, edge_share, first_named = bulk
        for name, i in first_named.items():
            commodity_where.setdefault(name, (E, i))
    edge_rows: Iterable = ()
    if bulk is None:
        edge_rows = enumerate(
            zip(
                ed["from"],
                ed["to"],
                ed["kind"],
                ed["commodity"],
                ed["share"],
                ed["range"],
                ed["source"],
                ed["confidence"],
                ed["_invalid"],
                strict=True,
            )
        )
    for i, (u, v, kind, com, share, rng, src, conf, invalid) in edge_rows:
        if kind is None:
            kind = "supplies"
        elif kind not in EDGE_KINDS:
            add(
                E.problem(
                    i,
                    "kind",
                    f"edge kind {kind!r} must be supplies or controls"
                    f"{did_you_mean(kind, EDGE_KINDS)}",
                )
            )
            kind = None
        ku = node_kind.get(u, "?") if u is not None else None
        kv = node_kind.get(v, "?") if v is not None else None
        if ku == "?":
            unknown_node(E, i, "from", u)
        if kv == "?":
            unknown_node(E, i, "to", v)
        if u is not None and u == v:
            add(
                E.problem(
                    i,
                    "to",
                    f"edge from {u!r} to itself: a node cannot supply or control itself; "
                    "remove the edge",
                )
            )
        known = ku not in (None, "?") and kv not in (None, "?")
        flow = None
        if kind == "controls":
            if share is None:
                share = 1.0
            elif not 0 < share <= 1:
                add(
                    E.problem(
                        i,
                        "share",
                        f"share {_show(share)} is out of range: a controls share is the fraction "
                        "0 < share <= 1 of the target's output the country can hold back",
                    )
                )
            if ku not in (None, "?", "country"):
                add(
                    E.problem(
                        i,
                        "from",
                        f"a controls edge starts at a country, but {u!r} is {_a(ku)} node: "
                        "start it at the controlling country",
                    )
                )
            if com is not None:
                add(
                    E.problem(
                        i,
                        "commodity",
                        "a controls edge carries no commodity: remove 'commodity' "
                        "(it controls all of the target's output)",
                    )
                )
        elif kind == "supplies":
            if share is None:
                if not invalid:
                    add(
                        E.problem(
                            i,
                            (),
                            f"supplies edge {u} -> {v} needs a share: the fraction "
                            "(0 < share <= 1) of the consumer's use of the commodity that "
                            "comes from this supplier",
                        )
                    )
            elif not 0 < share <= 1:
                add(
                    E.problem(
                        i,
                        "share",
                        f"share {_show(share)} is out of range: a supplies share is the fraction "
                        "0 < share <= 1 of the consumer's use that comes from this supplier",
                    )
                )
                share = None
            if kv == "country":
                add(
                    E.problem(
                        i,
                        "to",
                        f"supplies edge into the country node {v!r}: a country supplies, it does "
                        "not consume; model its imports as a node located in it "
                        f"(country: {v})",
                    )
                )
            if com is not None:
                flow = com if _commodity_name_ok(E, i, "commodity", com, add) else None
                if flow is not None:
                    commodity_where.setdefault(flow, (E, i))
            elif known and ku == "country":
                if kv == "mineral":
                    flow = node_commodity[node_first[v]]
                else:
                    add(
                        E.problem(
                            i,
                            (),
                            f"edge from the country {u!r} to {_a(kv)} node {v!r} names no "
                            "commodity: add 'commodity' (a country's edges carry their "
                            "target's commodity only when the target is a mineral)",
                        )
                    )
            elif known:
                flow = node_commodity[node_first[u]]
            if known and flow is not None and share is not None and kv != "country":
                entry = sums.get((v, flow))
                if entry is None:
                    sums[(v, flow)] = [share, i]
                else:
                    entry[0] += share
                    entry[1] = i
        if rng is not None:
            _check_range(E, i, rng, share, add)
        if kind is not None and u is not None and v is not None:
            key = (u, v, kind, flow)
            if key in first_edge:
                what = f"{flow} " if flow else ""
                add(
                    E.problem(
                        i,
                        (),
                        f"duplicate {what}{kind} edge {u} -> {v} (first at "
                        f"{E.where(first_edge[key])}): merge them into one edge",
                    )
                )
            else:
                first_edge[key] = i
        if src is not None or conf is not None:
            check_provenance(E, i, src, conf)
        edge_kind.append(kind)
        edge_commodity.append(flow if kind == "supplies" else None)
        edge_share.append(share)

    # Shares into one consumer of one commodity add up to at most 1.
    over = {k: e for k, e in sums.items() if e[0] > 1 + SHARE_TOLERANCE}
    if over:
        parts: dict[tuple, list[str]] = {k: [] for k in over}
        for i, (u, v, flow, share) in enumerate(
            zip(ed["from"], ed["to"], edge_commodity, edge_share, strict=True)
        ):
            if (v, flow) in parts and edge_kind[i] == "supplies" and share is not None:
                parts[(v, flow)].append(f"{u} {_show(share)}")
        for (v, flow), (total, last) in over.items():
            add(
                E.problem(
                    last,
                    "share",
                    f"supplies of {flow} into {v} add up to {total:.10g} (from "
                    f"{', '.join(parts[(v, flow)])}), more than 1: shares are fractions of "
                    f"{v}'s use of {flow}; correct them so that they add up to at most 1",
                )
            )

    commodities = set(commodity_where)

    # Inputs name commodities.
    for i, com_in in inputs_to_check:
        if com_in not in commodities:
            add(
                N.problem(
                    i,
                    ("inputs", com_in),
                    f"input {com_in!r} is not a commodity of the dataset"
                    f"{did_you_mean(com_in, commodities)}: fix the name, or add a node "
                    "or edge that carries it",
                    key=True,
                )
            )

    # Groups.
    G = ds.groups
    groups: dict[str, set[str]] = {}
    group_first: dict[str, tuple[int, int]] = {}  # name -> (segment, row)
    reported_twice: set[tuple[str, int]] = set()
    for i, (name, member) in enumerate(zip(G.data["group"], G.data["member"], strict=True)):
        segment = bisect.bisect_right(G.starts, i) - 1
        if name is None:
            continue
        if name not in group_first:
            group_first[name] = (segment, i)
            groups[name] = set()
            if not _SLUG.fullmatch(name):
                add(G.problem(i, "group", _slug_message("group name", name)))
            elif name in RESERVED_NAMES:
                add(
                    G.problem(
                        i, "group", f"{name!r} is a reserved word, not a group name: rename it"
                    )
                )
            elif name in commodities:
                N_or_E, j = commodity_where[name]
                add(
                    G.problem(
                        i,
                        "group",
                        f"group {name!r} has the name of a commodity (at "
                        f"{N_or_E.where(j)}): rename the group",
                    )
                )
        elif group_first[name][0] != segment and isinstance(G.locators[segment], YamlLocator):
            if (name, segment) in reported_twice:
                continue
            reported_twice.add((name, segment))
            add(
                G.problem(
                    i,
                    "group",
                    f"group {name!r} is defined twice (first at {G.where(group_first[name][1])}): "
                    "define each group once",
                )
            )
            continue
        if member is None:
            continue
        if member not in commodities:
            add(
                G.problem(
                    i,
                    "member",
                    f"group {name!r} names {member!r}, which is not a commodity of the dataset"
                    f"{did_you_mean(member, commodities)}: fix the name, or add a node or "
                    "edge that carries it",
                )
            )
        groups[name].add(member)

    resolved = Resolved(
        node_commodity=node_commodity,
        edge_kind=edge_kind,
        edge_commodity=edge_commodity,
        edge_share=edge_share,
        commodities=sorted(commodities),
        groups={name: sorted(members) for name, members in sorted(groups.items())},
    )
    return problems, resolved


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _slug_message(what: str, name: str) -> str:
    fixed = re.sub(r"[^a-z0-9._-]+", "-", name.strip().lower()).strip("-._")
    hint = f" such as {fixed!r}" if fixed and _SLUG.fullmatch(fixed) else ""
    return (
        f"{what} {name!r} is not a lowercase slug [a-z0-9][a-z0-9._-]*: "
        f"use lowercase letters, digits, '.', '_' and '-'{hint}"
    )


def _commodity_name_ok(C: Columns, i: int, fieldname: str, name: str, add: Any) -> bool:
    if name in RESERVED_NAMES:
        add(
            C.problem(
                i,
                fieldname,
                f"{name!r} is a reserved word and cannot name a commodity: "
                + ("give the node another id" if fieldname == "id" else "rename the commodity"),
            )
        )
        return False
    if fieldname != "id" and not _SLUG.fullmatch(name):
        add(C.problem(i, fieldname, _slug_message("commodity", name)))
        return False
    return True


def _check_range(E: Columns, i: int, rng: Any, share: Any, add: Any) -> None:
    ok_shape = (
        isinstance(rng, (list, tuple))
        and len(rng) == 2
        and all(_is_number(x) and math.isfinite(x) for x in rng)
    )
    if not ok_shape:
        add(E.problem(i, "range", "range must be two numbers [low, high], e.g. [0.4, 0.5]"))
        return
    low, high = rng
    if not 0 <= low <= high <= 1:
        add(
            E.problem(
                i,
                "range",
                f"range [{_show(low)}, {_show(high)}] must have 0 <= low <= high <= 1: "
                "fix the bounds",
            )
        )
    elif share is not None and not low <= share <= high:
        add(
            E.problem(
                i,
                "range",
                f"share {_show(share)} lies outside its range [{_show(low)}, {_show(high)}]: "
                "widen the range or fix the share",
            )
        )
