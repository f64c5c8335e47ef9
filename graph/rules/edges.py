"""The edges rules: kind, ends, share and commodity of each edge, no duplicates; share sums.

A supplies share is added to its consumer's sum for its commodity as the
edge is checked (``Edges.sums``); ``check_share_sums`` then reports each sum
over 1, naming every share in it.
"""

from __future__ import annotations

from typing import Any

from graph.lookup import did_you_mean
from graph.records import Columns, show
from graph.rules.common import (
    EDGE_KIND_BOUND,
    EDGE_NUMBERS,
    EDGE_RULES,
    SHARE_TOLERANCE,
    SLUG,
    Edges,
    Run,
    article,
    check_bounds,
    commodity_name_ok,
    is_number,
    limit_message,
    not_on_kind,
    unknown_node,
    value_used,
)
from graph.rules.sources import check_provenance
from graph.schema import EDGE_KINDS


def check_edges(E: Columns, node_kinds: list, run: Run) -> Edges:
    """Every edge: its kind, ends, share, commodity, numbers; no duplicates.

    A big table whose edges all pass is checked on whole columns instead
    (``graph.bulk``), and its rows are not walked at all.
    """
    ed = E.data
    edges = Edges()
    if not run.problems and E.n >= run.bulk_from:
        from graph.bulk import clean_edges

        found = clean_edges(
            ed,
            run.node_first,
            node_kinds,
            run.node_commodity,
            set(run.source_ids),
            SLUG,
            1 + SHARE_TOLERANCE,
        )
        if found is not None:  # every edge passed every rule: no need to walk them
            edges.kind, edges.commodity, edges.share, first_named = found
            for name, i in first_named.items():
                run.commodity_where.setdefault(name, (E, i))
            return edges
    for i, values in enumerate(zip(*(ed[f] for f in E.fields), strict=True)):
        check_edge(E, i, dict(zip(E.fields, values, strict=True)), edges, run)
    return edges


def check_edge(E: Columns, i: int, row: dict, edges: Edges, run: Run) -> None:
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
        unknown_node(E, i, "from", u, run)
    if kv == "?":
        unknown_node(E, i, "to", v, run)
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
        share = check_controls(E, i, row, ku, run)
    elif kind == "supplies":
        share, flow = check_supplies(E, i, row, ku, kv, run)
        known = ku not in (None, "?") and kv not in (None, "?")
        if known and flow is not None and share is not None and kv != "country":
            entry = edges.sums.get((v, flow))
            if entry is None:
                edges.sums[(v, flow)] = [share, i]
            else:
                entry[0] += share
                entry[1] = i
    wrong = not_on_kind(E, i, kind, row, EDGE_KIND_BOUND, "edge", run)
    check_edge_numbers(E, i, row, share, wrong, run)
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
        check_provenance(E, i, row["source"], row["confidence"], run)
    edges.kind.append(kind)
    edges.commodity.append(flow if kind == "supplies" else None)
    edges.share.append(share)


def check_controls(E: Columns, i: int, row: dict, ku: Any, run: Run) -> Any:
    """A controls edge starts at a country and carries no commodity; return its share."""
    share = row["share"]
    if share is None:
        share = 1.0
    elif not EDGE_RULES["share"].holds(share):
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
                f"a controls edge starts at a country, but {row['from']!r} is {article(ku)} node: "
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


def check_supplies(
    E: Columns, i: int, row: dict, ku: Any, kv: Any, run: Run
) -> tuple[Any, str | None]:
    """A supplies edge's share, consumer and commodity; return its share and commodity.

    The share is None when it is missing or out of range. A share of 0 is
    allowed on an edge with spare: a supplier that delivers nothing today.
    """
    u, v, share = row["from"], row["to"], row["share"]
    spare = row.get("spare")
    has_spare = is_number(spare) and spare > 0 and EDGE_RULES["spare"].holds(spare)
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
    elif not (EDGE_RULES["share"].holds(share) or (share == 0 and has_spare)):
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
    return share, edge_flow(E, i, row, ku, kv, run)


def edge_flow(E: Columns, i: int, row: dict, ku: Any, kv: Any, run: Run) -> str | None:
    """The commodity a supplies edge carries: named, its target's, or its supplier's."""
    u, v, com = row["from"], row["to"], row["commodity"]
    known = ku not in (None, "?") and kv not in (None, "?")
    if com is not None:
        flow = com if commodity_name_ok(E, i, "commodity", com, run.add) else None
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
                f"edge from the country {u!r} to {article(kv)} node {v!r} names no "
                "commodity: add 'commodity' (a country's edges carry their "
                "target's commodity only when the target is a mineral)",
            )
        )
        return None
    return run.node_commodity[run.node_first[u]] if known else None


def check_edge_numbers(
    E: Columns, i: int, row: dict, share: Any, wrong: set[str], run: Run
) -> None:
    """An edge's numbers other than its share, and every ``[low, high]`` range."""
    for name, rule in EDGE_RULES.items():
        x = row.get(name)
        if x is None or name in wrong:
            continue
        if name in EDGE_NUMBERS and not rule.holds(x):
            run.add(E.problem(i, name, limit_message(name, x, rule)))
        elif rule.bounds is not None:
            of, of_rule = rule.bounds, EDGE_RULES[rule.bounds]
            # The share is what its kind's rule made of it (None if missing or out of range).
            value = share if of == "share" else value_used(row.get(of), of_rule, of_rule.default)
            check_bounds(E, i, (name,), "", name, x, of, of_rule, value, run)


def check_share_sums(E: Columns, edges: Edges, run: Run) -> None:
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
