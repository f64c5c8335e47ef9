"""The nodes rules: kinds and ids, then each node's place, output, numbers and inputs.

``check_inputs_named`` runs last of the node rules, once the edges have
named every commodity of the dataset.
"""

from __future__ import annotations

from typing import Any

from graph.lookup import did_you_mean
from graph.records import Columns
from graph.rules.common import (
    INPUT_NUMBERS,
    INPUT_RULES,
    KIND_BOUND,
    NODE_NUMBERS,
    SLUG,
    Run,
    article,
    check_bounds,
    commodity_name_ok,
    limit_message,
    not_on_kind,
    slug_message,
    unknown_node,
    value_used,
)
from graph.rules.sources import check_provenance
from graph.schema import NODE_KINDS


def check_node_ids(N: Columns, run: Run) -> None:
    """Node kinds are known, ids are slugs and unique (the first pass over nodes).

    A big table whose nodes all pass is checked on whole columns instead
    (``graph.bulk``), and its rows are not walked at all.
    """
    nd = N.data
    if not run.problems and N.n >= run.bulk_from:
        from graph.bulk import clean_nodes

        found = clean_nodes(nd, set(run.source_ids), SLUG)
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
        if not SLUG.fullmatch(nid):
            run.add(N.problem(i, "id", slug_message("node id", nid)))
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


def check_node(N: Columns, i: int, run: Run) -> None:
    """One node's fields: where it is, what it outputs, its numbers and inputs."""
    row = {f: N.data[f][i] for f in N.fields}
    nid, kind, country, com = row["id"], row["kind"], row["country"], row["commodity"]
    wrong = not_on_kind(N, i, kind, row, KIND_BOUND, "node", run)
    if country is not None and "country" not in wrong:
        if country not in run.node_kind:
            unknown_node(N, i, "country", country, run)
        elif run.node_kind[country] not in ("country", None):
            run.add(
                N.problem(
                    i,
                    "country",
                    f"country {country!r} is {article(run.node_kind[country])} node, "
                    "not a country: name a node of kind country",
                )
            )
    output = None
    if kind != "country" and (nid is not None or com is not None):
        output = com if com is not None else nid
        fieldname = "commodity" if com is not None else "id"
        if commodity_name_ok(N, i, fieldname, output, run.add):
            run.commodity_where.setdefault(output, (N, i))
        else:
            output = None
    run.node_commodity.append(output)
    for name, rule in NODE_NUMBERS.items():
        if name not in wrong and row[name] is not None and not rule.holds(row[name]):
            run.add(N.problem(i, name, limit_message(name, row[name], rule)))
    if row["inputs"] and "inputs" not in wrong:
        for com_in, settings in row["inputs"].items():
            run.inputs_to_check.append((i, com_in))
            check_input(N, i, com_in, settings, row["stockpile_days"], run)
    check_provenance(N, i, row["source"], row["confidence"], run)


def check_input(N: Columns, i: int, com_in: str, settings: dict, node_days: Any, run: Run) -> None:
    """One input's numbers and their ranges (``inputs.<commodity>.<field>``)."""
    label = f"inputs.{com_in}"
    for name, rule in INPUT_NUMBERS.items():
        x = settings.get(name)
        if x is not None and not rule.holds(x):
            run.add(
                N.problem(i, ("inputs", com_in, name), limit_message(f"{label}.{name}", x, rule))
            )
    for name, rule in INPUT_RULES.items():
        rng = settings.get(name)
        if rule.bounds is None or rng is None:
            continue
        of, of_rule = rule.bounds, INPUT_RULES[rule.bounds]
        # Absent, an input's stock is the node's; any other number its default.
        absent = node_days if of == "stockpile_days" else of_rule.default
        value = value_used(settings.get(of), of_rule, absent)
        check_bounds(
            N, i, ("inputs", com_in, name), f"{label}.", name, rng, of, of_rule, value, run
        )


def check_inputs_named(N: Columns, commodities: set[str], run: Run) -> None:
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
