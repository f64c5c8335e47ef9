"""Every rule a dataset must satisfy, checked across all of its files at once.

YAML files and tables are both turned into the same column form
(``Columns``: one list per field, one position per row), then checked here
by one set of rules with one set of messages. Every problem is collected and
returned, located at the offending value; nothing stops at the first.

The rules, one function per family called in order by ``check`` (sources,
nodes, edges, share sums, inputs, groups); each message says what to do:

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
- numbers lie within the limits ``graph.schema`` declares for them
  (supplies and controls shares in (0, 1], dependence, substitutable, spare
  and wgi in [0, 1], value, price, stockpile days, ramp days and quantity
  >= 0); a supplies share may be 0 on an edge with spare > 0;
- a field is carried only by the kinds its declaration allows (``country``,
  ``commodity`` and ``inputs`` not by a country, ``wgi`` only by a country,
  ``spare``, ``spare_range`` and ``ramp_days`` only by a supplies edge);
- every ``[low, high]`` field (``range`` of the share, ``spare_range``,
  ``dependence_range``, ...) has low <= high within the limits of its number
  and holds the value the model uses for it (its default when absent);
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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.errors import Problem
from graph.lookup import did_you_mean
from graph.records import Columns, Dataset, Resolved, YamlLocator, show
from graph.schema import (
    CONFIDENCES,
    EDGE_KINDS,
    NODE_KINDS,
    RESERVED_NAMES,
    Edge,
    Inputs,
    Node,
    Rule,
    numbers,
    rules,
)

SHARE_TOLERANCE = 1e-6
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
#: Suggestions are worked out for this many unknown names of each kind; past
#: that, a big table full of mistakes would spend its time in difflib.
_MAX_SUGGESTIONS = 50
#: From this many rows on, a table's rows are first checked on whole columns
#: (``graph.bulk``); below it the row walk is quicker than importing pandas.
BULK_FROM = 20_000

# --------------------------------------------------------------------------- rules

#: The declared rules of each record's fields (``graph.schema``), read once.
_NODE_RULES = rules(Node)
_EDGE_RULES = rules(Edge)
_INPUT_RULES = rules(Inputs)
_NODE_NUMBERS = numbers(Node)
_INPUT_NUMBERS = numbers(Inputs)
#: An edge's share is checked by its kind's own rule (its meaning differs).
_EDGE_NUMBERS = {k: r for k, r in numbers(Edge).items() if k != "share"}
_KIND_BOUND = {k: r for k, r in _NODE_RULES.items() if r.kinds is not None}
_EDGE_KIND_BOUND = {k: r for k, r in _EDGE_RULES.items() if r.kinds is not None}


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


@dataclass
class _Run:
    """What the rules have found so far, shared from one rule family to the next."""

    problems: list[Problem]
    source_ids: dict[str, int] = field(default_factory=dict)  # id -> first row
    node_first: dict[str, int] = field(default_factory=dict)
    node_kind: dict[str, str | None] = field(default_factory=dict)
    node_commodity: list[str | None] = field(default_factory=list)
    #: Where each commodity is first named: (columns, row).
    commodity_where: dict[str, tuple[Columns, int]] = field(default_factory=dict)
    inputs_to_check: list[tuple[int, str]] = field(default_factory=list)
    bulk: bool = False  # whether the node columns passed ``graph.bulk`` as a whole
    suggestions_left: dict[str, int] = field(
        default_factory=lambda: {"node": _MAX_SUGGESTIONS, "source": _MAX_SUGGESTIONS}
    )

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def suggest(self, what: str, name: Any, candidates: Iterable[str]) -> str:
        if self.suggestions_left[what] <= 0:
            return ""
        self.suggestions_left[what] -= 1
        return did_you_mean(name, candidates)


@dataclass
class _Edges:
    """The resolved edge columns, and the supplies shares of each consumer and commodity."""

    kind: list[str] = field(default_factory=list)
    commodity: list[str | None] = field(default_factory=list)
    share: list[float] = field(default_factory=list)
    first: dict[tuple, int] = field(default_factory=dict)
    sums: dict[tuple[str, str], list] = field(default_factory=dict)  # -> [total, last row]


def check(ds: Dataset) -> tuple[list[Problem], Resolved]:
    """Apply every rule to a dataset; return the problems and the resolved values.

    The rule families run in this order, which is the order of the messages.

    Examples
    --------
    >>> from graph.records import TableLocator
    >>> ds = Dataset()
    >>> ds.nodes.extend({"id": ["Chn"], "kind": ["country"]}, 1, TableLocator("n.csv", ["id"]))
    >>> problem = check(ds)[0][0]
    >>> problem.line, problem.message[:30]
    (2, "node id 'Chn' is not a lowerca")
    """
    run = _Run(problems=list(ds.problems))
    _check_sources(ds.sources, run)
    _check_node_ids(ds.nodes, run)
    if not run.bulk:
        for i in range(ds.nodes.n):
            _check_node(ds.nodes, i, run)
    edges = _check_edges(ds.edges, ds.nodes.data["kind"], run)
    _check_share_sums(ds.edges, edges, run)
    commodities = set(run.commodity_where)
    _check_inputs_named(ds.nodes, commodities, run)
    groups = _check_groups(ds.groups, commodities, run)
    resolved = Resolved(
        node_commodity=run.node_commodity,
        edge_kind=edges.kind,
        edge_commodity=edges.commodity,
        edge_share=edges.share,
        commodities=sorted(commodities),
        groups={name: sorted(members) for name, members in sorted(groups.items())},
    )
    return run.problems, resolved


# --------------------------------------------------------------------------- sources


def _check_sources(S: Columns, run: _Run) -> None:
    """Source ids are slugs, each defined once."""
    for i, sid in enumerate(S.data["id"]):
        if sid is None:
            continue
        if not _SLUG.fullmatch(sid):
            run.add(S.problem(i, "id", _slug_message("source id", sid)))
        if sid in run.source_ids:
            run.add(
                S.problem(
                    i,
                    "id",
                    f"duplicate source id {sid!r} (first defined at "
                    f"{S.where(run.source_ids[sid])}): give each source its own id",
                )
            )
        else:
            run.source_ids[sid] = i


def _check_provenance(C: Columns, i: int, src: Any, conf: Any, run: _Run) -> None:
    """``source`` names a source; ``confidence`` is one of ``CONFIDENCES``."""
    if src is not None and src not in run.source_ids:
        hint = run.suggest("source", src, run.source_ids)
        run.add(
            C.problem(
                i,
                "source",
                f"source {src!r} is not in sources{hint}: add it to a sources list or fix the id",
            )
        )
    if conf is not None and conf not in CONFIDENCES:
        run.add(
            C.problem(
                i,
                "confidence",
                f"confidence {conf!r} must be one of {', '.join(CONFIDENCES)}"
                f"{did_you_mean(conf, CONFIDENCES)}: say how sure the figure is",
            )
        )


# --------------------------------------------------------------------------- nodes


def _check_node_ids(N: Columns, run: _Run) -> None:
    """Node kinds are known, ids are slugs and unique (the first pass over nodes).

    A big table whose nodes all pass is checked on whole columns instead
    (``graph.bulk``), and its rows are not walked at all.
    """
    nd = N.data
    if not run.problems and N.n >= BULK_FROM:
        from graph.bulk import clean_nodes

        found = clean_nodes(nd, set(run.source_ids), _SLUG)
        if found is not None:  # every node passed every rule: no need to walk them
            run.node_first, run.node_commodity, first_output, run.inputs_to_check = found
            run.node_kind = dict(zip(nd["id"], nd["kind"], strict=True))
            run.commodity_where = {name: (N, i) for name, i in first_output.items()}
            run.bulk = True
            return
    for i, (nid, kind) in enumerate(zip(nd["id"], nd["kind"], strict=True)):
        if kind is not None and kind not in NODE_KINDS:
            run.add(
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
            run.add(N.problem(i, "id", _slug_message("node id", nid)))
        if nid in run.node_first:
            run.add(
                N.problem(
                    i,
                    "id",
                    f"duplicate node id {nid!r} (first defined at "
                    f"{N.where(run.node_first[nid])}): give each node its own id, or merge the two",
                )
            )
            continue
        run.node_first[nid] = i
        run.node_kind[nid] = kind


def _unknown_node(C: Columns, i: int, fieldname: str, name: str, run: _Run) -> None:
    hint = run.suggest("node", name, run.node_kind)
    run.add(
        C.problem(
            i, fieldname, f"{fieldname} {name!r} names no node{hint}: add the node or fix the id"
        )
    )


def _not_on_kind(
    C: Columns, i: int, kind: Any, row: dict, bound: dict[str, Rule], what: str, run: _Run
) -> set[str]:
    """Report the fields a record of this kind may not carry; return their names."""
    wrong = set()
    for name, rule in bound.items():
        x = row.get(name)
        if x is None or x == {} or kind is None or kind in rule.kinds:
            continue
        if what == "node" and kind not in NODE_KINDS:
            continue  # an unknown kind was reported already
        wrong.add(name)
        allowed = " or ".join(rule.kinds)
        message = rule.wrong_kind or (
            f"{name} is only for {allowed} {what}s, not for {_a(kind)} {what}: remove it"
        )
        run.add(C.problem(i, name, message))
    return wrong


def _check_node(N: Columns, i: int, run: _Run) -> None:
    """One node's fields: where it is, what it outputs, its numbers and inputs."""
    row = {f: N.data[f][i] for f in N.fields}
    nid, kind, country, com = row["id"], row["kind"], row["country"], row["commodity"]
    wrong = _not_on_kind(N, i, kind, row, _KIND_BOUND, "node", run)
    if country is not None and "country" not in wrong:
        if country not in run.node_kind:
            _unknown_node(N, i, "country", country, run)
        elif run.node_kind[country] not in ("country", None):
            run.add(
                N.problem(
                    i,
                    "country",
                    f"country {country!r} is {_a(run.node_kind[country])} node, not a country: "
                    "name a node of kind country",
                )
            )
    output = None
    if kind != "country" and (nid is not None or com is not None):
        output = com if com is not None else nid
        fieldname = "commodity" if com is not None else "id"
        if _commodity_name_ok(N, i, fieldname, output, run.add):
            run.commodity_where.setdefault(output, (N, i))
        else:
            output = None
    run.node_commodity.append(output)
    for name, rule in _NODE_NUMBERS.items():
        if name not in wrong and row[name] is not None and not rule.holds(row[name]):
            run.add(N.problem(i, name, _limit_message(name, row[name], rule)))
    if row["inputs"] and "inputs" not in wrong:
        for com_in, settings in row["inputs"].items():
            run.inputs_to_check.append((i, com_in))
            _check_input(N, i, com_in, settings, row["stockpile_days"], run)
    _check_provenance(N, i, row["source"], row["confidence"], run)


def _check_input(
    N: Columns, i: int, com_in: str, settings: dict, node_days: Any, run: _Run
) -> None:
    """One input's numbers and their ranges (``inputs.<commodity>.<field>``)."""
    label = f"inputs.{com_in}"
    for name, rule in _INPUT_NUMBERS.items():
        x = settings.get(name)
        if x is not None and not rule.holds(x):
            run.add(
                N.problem(i, ("inputs", com_in, name), _limit_message(f"{label}.{name}", x, rule))
            )
    for name, rule in _INPUT_RULES.items():
        rng = settings.get(name)
        if rule.bounds is None or rng is None:
            continue
        of, of_rule = rule.bounds, _INPUT_RULES[rule.bounds]
        # Absent, an input's stock is the node's; any other number its default.
        absent = node_days if of == "stockpile_days" else of_rule.default
        value = _value_used(settings.get(of), of_rule, absent)
        _check_bounds(
            N, i, ("inputs", com_in, name), f"{label}.", name, rng, of, of_rule, value, run
        )


def _value_used(x: Any, rule: Rule, absent: Any) -> Any:
    """The value the model uses for a number: ``x``; ``absent`` (or 0) when it is not given.

    None when ``x`` is out of range: that was reported, and no range is checked against it.
    """
    if x is None:
        return 0 if absent is None else absent
    return x if rule.holds(x) else None


def _limit_message(label: str, x: Any, rule: Rule) -> str:
    """What to say of a number outside its declared limits."""
    if rule.high is None:
        below = "is negative" if rule.low == 0 else f"is below {show(rule.low)}"
        return f"{label} {show(x)} {below}: it must be >= {show(rule.low)}"
    if (rule.low, rule.high) == (0, 1):
        return f"{label} {show(x)} is out of range: it is a fraction in [0, 1]"
    return f"{label} {show(x)} is out of range: it lies in [{show(rule.low)}, {show(rule.high)}]"


# --------------------------------------------------------------------------- edges


def _check_edges(E: Columns, node_kinds: list, run: _Run) -> _Edges:
    """Every edge: its kind, ends, share, commodity, numbers; no duplicates.

    A big table whose edges all pass is checked on whole columns instead
    (``graph.bulk``), and its rows are not walked at all.
    """
    ed = E.data
    edges = _Edges()
    if not run.problems and E.n >= BULK_FROM:
        from graph.bulk import clean_edges

        found = clean_edges(
            ed,
            run.node_first,
            node_kinds,
            run.node_commodity,
            set(run.source_ids),
            _SLUG,
            1 + SHARE_TOLERANCE,
        )
        if found is not None:  # every edge passed every rule: no need to walk them
            edges.kind, edges.commodity, edges.share, first_named = found
            for name, i in first_named.items():
                run.commodity_where.setdefault(name, (E, i))
            return edges
    for i, values in enumerate(zip(*(ed[f] for f in E.fields), strict=True)):
        _check_edge(E, i, dict(zip(E.fields, values, strict=True)), edges, run)
    return edges


def _check_edge(E: Columns, i: int, row: dict, edges: _Edges, run: _Run) -> None:
    """One edge's rules, in the order of their messages."""
    u, v, share = row["from"], row["to"], row["share"]
    kind = row["kind"]
    if kind is None:
        kind = "supplies"
    elif kind not in EDGE_KINDS:
        message = f"edge kind {kind!r} must be supplies or controls{did_you_mean(kind, EDGE_KINDS)}"
        run.add(E.problem(i, "kind", message))
        kind = None
    ku = run.node_kind.get(u, "?") if u is not None else None
    kv = run.node_kind.get(v, "?") if v is not None else None
    if ku == "?":
        _unknown_node(E, i, "from", u, run)
    if kv == "?":
        _unknown_node(E, i, "to", v, run)
    if u is not None and u == v:
        run.add(
            E.problem(
                i,
                "to",
                f"edge from {u!r} to itself: a node cannot supply or control itself; "
                "remove the edge",
            )
        )
    flow = None
    if kind == "controls":
        share = _check_controls(E, i, row, ku, run)
    elif kind == "supplies":
        share, flow = _check_supplies(E, i, row, ku, kv, run)
        known = ku not in (None, "?") and kv not in (None, "?")
        if known and flow is not None and share is not None and kv != "country":
            entry = edges.sums.get((v, flow))
            if entry is None:
                edges.sums[(v, flow)] = [share, i]
            else:
                entry[0] += share
                entry[1] = i
    wrong = _not_on_kind(E, i, kind, row, _EDGE_KIND_BOUND, "edge", run)
    _check_edge_numbers(E, i, row, share, wrong, run)
    if kind is not None and u is not None and v is not None:
        key = (u, v, kind, flow)
        if key in edges.first:
            what = f"{flow} " if flow else ""
            run.add(
                E.problem(
                    i,
                    (),
                    f"duplicate {what}{kind} edge {u} -> {v} (first at "
                    f"{E.where(edges.first[key])}): merge them into one edge",
                )
            )
        else:
            edges.first[key] = i
    if row["source"] is not None or row["confidence"] is not None:
        _check_provenance(E, i, row["source"], row["confidence"], run)
    edges.kind.append(kind)
    edges.commodity.append(flow if kind == "supplies" else None)
    edges.share.append(share)


def _check_controls(E: Columns, i: int, row: dict, ku: Any, run: _Run) -> Any:
    """A controls edge starts at a country and carries no commodity; return its share."""
    share = row["share"]
    if share is None:
        share = 1.0
    elif not _EDGE_RULES["share"].holds(share):
        run.add(
            E.problem(
                i,
                "share",
                f"share {show(share)} is out of range: a controls share is the fraction "
                "0 < share <= 1 of the target's output the country can hold back",
            )
        )
    if ku not in (None, "?", "country"):
        run.add(
            E.problem(
                i,
                "from",
                f"a controls edge starts at a country, but {row['from']!r} is {_a(ku)} node: "
                "start it at the controlling country",
            )
        )
    if row["commodity"] is not None:
        run.add(
            E.problem(
                i,
                "commodity",
                "a controls edge carries no commodity: remove 'commodity' "
                "(it controls all of the target's output)",
            )
        )
    return share


def _check_supplies(
    E: Columns, i: int, row: dict, ku: Any, kv: Any, run: _Run
) -> tuple[Any, str | None]:
    """A supplies edge's share, consumer and commodity; return its share and commodity.

    The share is None when it is missing or out of range. A share of 0 is
    allowed on an edge with spare: a supplier that delivers nothing today.
    """
    u, v, share = row["from"], row["to"], row["share"]
    spare = row.get("spare")
    has_spare = _is_number(spare) and spare > 0 and _EDGE_RULES["spare"].holds(spare)
    if share is None:
        if not row["_invalid"]:
            run.add(
                E.problem(
                    i,
                    (),
                    f"supplies edge {u} -> {v} needs a share: the fraction "
                    "(0 < share <= 1) of the consumer's use of the commodity that "
                    "comes from this supplier",
                )
            )
    elif not (_EDGE_RULES["share"].holds(share) or (share == 0 and has_spare)):
        run.add(
            E.problem(
                i,
                "share",
                f"share {show(share)} is out of range: a supplies share is the fraction "
                "0 < share <= 1 of the consumer's use that comes from this supplier",
            )
        )
        share = None
    if kv == "country":
        run.add(
            E.problem(
                i,
                "to",
                f"supplies edge into the country node {v!r}: a country supplies, it does "
                f"not consume; model its imports as a node located in it (country: {v})",
            )
        )
    return share, _flow(E, i, row, ku, kv, run)


def _flow(E: Columns, i: int, row: dict, ku: Any, kv: Any, run: _Run) -> str | None:
    """The commodity a supplies edge carries: named, its target's, or its supplier's."""
    u, v, com = row["from"], row["to"], row["commodity"]
    known = ku not in (None, "?") and kv not in (None, "?")
    if com is not None:
        flow = com if _commodity_name_ok(E, i, "commodity", com, run.add) else None
        if flow is not None:
            run.commodity_where.setdefault(flow, (E, i))
        return flow
    if known and ku == "country":
        if kv == "mineral":
            return run.node_commodity[run.node_first[v]]
        run.add(
            E.problem(
                i,
                (),
                f"edge from the country {u!r} to {_a(kv)} node {v!r} names no "
                "commodity: add 'commodity' (a country's edges carry their "
                "target's commodity only when the target is a mineral)",
            )
        )
        return None
    return run.node_commodity[run.node_first[u]] if known else None


def _check_edge_numbers(
    E: Columns, i: int, row: dict, share: Any, wrong: set[str], run: _Run
) -> None:
    """An edge's numbers other than its share, and every ``[low, high]`` range."""
    for name, rule in _EDGE_RULES.items():
        x = row.get(name)
        if x is None or name in wrong:
            continue
        if name in _EDGE_NUMBERS and not rule.holds(x):
            run.add(E.problem(i, name, _limit_message(name, x, rule)))
        elif rule.bounds is not None:
            of, of_rule = rule.bounds, _EDGE_RULES[rule.bounds]
            # The share is what its kind's rule made of it (None if missing or out of range).
            value = share if of == "share" else _value_used(row.get(of), of_rule, of_rule.default)
            _check_bounds(E, i, (name,), "", name, x, of, of_rule, value, run)


def _check_share_sums(E: Columns, edges: _Edges, run: _Run) -> None:
    """Supplies shares into one consumer of one commodity add up to at most 1."""
    over = {k: e for k, e in edges.sums.items() if e[0] > 1 + SHARE_TOLERANCE}
    if not over:
        return
    parts: dict[tuple, list[str]] = {k: [] for k in over}
    for i, (u, v, flow, share) in enumerate(
        zip(E.data["from"], E.data["to"], edges.commodity, edges.share, strict=True)
    ):
        if (v, flow) in parts and edges.kind[i] == "supplies" and share is not None:
            parts[(v, flow)].append(f"{u} {show(share)}")
    for (v, flow), (total, last) in over.items():
        run.add(
            E.problem(
                last,
                "share",
                f"supplies of {flow} into {v} add up to {total:.10g} (from "
                f"{', '.join(parts[(v, flow)])}), more than 1: shares are fractions of "
                f"{v}'s use of {flow}; correct them so that they add up to at most 1",
            )
        )


# --------------------------------------------------------------------------- inputs, groups


def _check_inputs_named(N: Columns, commodities: set[str], run: _Run) -> None:
    """The keys of every ``inputs`` are commodities of the dataset."""
    for i, com_in in run.inputs_to_check:
        if com_in not in commodities:
            run.add(
                N.problem(
                    i,
                    ("inputs", com_in),
                    f"input {com_in!r} is not a commodity of the dataset"
                    f"{did_you_mean(com_in, commodities)}: fix the name, or add a node "
                    "or edge that carries it",
                    key=True,
                )
            )


def _check_groups(G: Columns, commodities: set[str], run: _Run) -> dict[str, set[str]]:
    """Group names are slugs, not reserved, not commodities, defined once; members exist."""
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
            _check_group_name(G, i, name, commodities, run)
        elif group_first[name][0] != segment and isinstance(G.locators[segment], YamlLocator):
            if (name, segment) not in reported_twice:
                reported_twice.add((name, segment))
                run.add(
                    G.problem(
                        i,
                        "group",
                        f"group {name!r} is defined twice (first at "
                        f"{G.where(group_first[name][1])}): define each group once",
                    )
                )
            continue
        if member is None:
            continue
        if member not in commodities:
            run.add(
                G.problem(
                    i,
                    "member",
                    f"group {name!r} names {member!r}, which is not a commodity of the dataset"
                    f"{did_you_mean(member, commodities)}: fix the name, or add a node or "
                    "edge that carries it",
                )
            )
        groups[name].add(member)
    return groups


def _check_group_name(G: Columns, i: int, name: str, commodities: set[str], run: _Run) -> None:
    if not _SLUG.fullmatch(name):
        run.add(G.problem(i, "group", _slug_message("group name", name)))
    elif name in RESERVED_NAMES:
        run.add(G.problem(i, "group", f"{name!r} is a reserved word, not a group name: rename it"))
    elif name in commodities:
        N_or_E, j = run.commodity_where[name]
        run.add(
            G.problem(
                i,
                "group",
                f"group {name!r} has the name of a commodity (at {N_or_E.where(j)}): "
                "rename the group",
            )
        )


# --------------------------------------------------------------------------- helpers


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


def _check_bounds(
    C: Columns,
    i: int,
    place: tuple,
    prefix: str,
    name: str,
    rng: Any,
    of: str,
    rule: Rule,
    value: Any,
    run: _Run,
) -> None:
    """A ``[low, high]`` field: two numbers, within the limits of ``of``, holding its value.

    ``rule`` is the rule of the number ``of``; ``value`` what the model uses
    for it, or None when it is missing or out of range (reported already).
    Messages name the fields after ``prefix`` (``"inputs.gallium."``, or "").
    """
    label, of_label = prefix + name, prefix + of
    ok_shape = (
        isinstance(rng, (list, tuple))
        and len(rng) == 2
        and all(_is_number(x) and math.isfinite(x) for x in rng)
    )
    if not ok_shape:
        example = "[0.4, 0.5]" if rule.high is not None else "[30, 60]"
        run.add(C.problem(i, place, f"{label} must be two numbers [low, high], e.g. {example}"))
        return
    low, high = rng
    floor = f"{show(rule.low)} <= " if rule.low is not None else ""
    ceiling = f" <= {show(rule.high)}" if rule.high is not None else ""
    if (
        not low <= high
        or (rule.low is not None and not rule.low <= low)
        or (rule.high is not None and not high <= rule.high)
    ):
        run.add(
            C.problem(
                i,
                place,
                f"{label} [{show(low)}, {show(high)}] must have {floor}low <= high{ceiling}: "
                "fix the bounds",
            )
        )
    elif value is not None and not low <= value <= high:
        run.add(
            C.problem(
                i,
                place,
                f"{of_label} {show(value)} lies outside its range [{show(low)}, {show(high)}]: "
                f"widen the range or fix the {of}",
            )
        )
