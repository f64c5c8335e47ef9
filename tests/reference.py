"""A plain, node-by-node implementation of the chokegraph model.

This is the model of ``docs/model.md`` (DESIGN.md section 3) written for a
reader, not for speed: dicts and loops, one rule per function, no numpy. The
fast engine in ``analysis/engine.py`` must agree with it to 1e-9 on every test
graph (``tests/test_agreement.py``).

Example
-------
>>> data = {
...     "nodes": [
...         {"id": "chn", "kind": "country"},
...         {"id": "jpn", "kind": "country"},
...         {"id": "gallium", "kind": "mineral"},
...         {"id": "fab", "kind": "industry", "country": "jpn"},
...     ],
...     "edges": [
...         {"from": "chn", "to": "gallium", "share": 0.5},
...         {"from": "gallium", "to": "fab", "share": 1.0},
...     ],
... }
>>> G = graph_from_mapping(data)
>>> out = reference_run(G, [{"by": "chn", "commodities": ["all"], "severity": 1.0}])
>>> round(out["steady"]["fab"], 12), out["via"]["fab"]
(0.5, ['chn', 'gallium', 'fab'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

AFFECTED = 1e-9  # a shortfall above this counts (impacts, days to impact, `via`)
CONVERGED = 1e-12  # a fixed-point sweep stops when no value moves by more than this
TIE = 1e-12  # scores this close count as equal in the `via` tie-breaks (floating-point noise)


# ---------------------------------------------------------------------------
# Building a contract graph without the loader (for the hand-worked tests)
# ---------------------------------------------------------------------------


def graph_from_mapping(data: Mapping[str, Any]) -> nx.MultiDiGraph:
    """Build the graph of the contract from a dataset mapping, without validation.

    Only the attributes the model reads are filled in; the dataset is assumed
    valid. ``graph.from_dict`` is the real loader; this lets the reference be
    checked on hand-worked examples independently of it.
    """
    G = nx.MultiDiGraph()
    for node in data.get("nodes", []):
        kind = node["kind"]
        inputs = {}
        for commodity, spec in (node.get("inputs") or {}).items():
            spec = spec or {}
            inputs[commodity] = {
                "dependence": spec.get("dependence", 1.0),
                "substitutable": spec.get("substitutable", 0.0),
                "stockpile_days": spec.get("stockpile_days"),
            }
        G.add_node(
            node["id"],
            kind=kind,
            name=node.get("name", node["id"]),
            country=node.get("country"),
            commodity=None if kind == "country" else node.get("commodity", node["id"]),
            value=node.get("value"),
            stockpile_days=node.get("stockpile_days"),
            inputs=inputs,
        )
    for edge in data.get("edges", []):
        u, v = edge["from"], edge["to"]
        if edge.get("kind", "supplies") == "controls":
            G.add_edge(u, v, key="controls", kind="controls", commodity=None,
                       share=edge.get("share", 1.0))  # fmt: skip
            continue
        commodity = edge.get("commodity")
        if commodity is None:
            commodity = G.nodes[v]["commodity"] if G.nodes[u]["kind"] == "country" else (
                G.nodes[u]["commodity"])  # fmt: skip
        G.add_edge(u, v, key=commodity, kind="supplies", commodity=commodity, share=edge["share"])
    G.graph["groups"] = {name: sorted(members) for name, members in data.get("groups", {}).items()}
    commodities = {c for _, c in G.nodes(data="commodity") if c is not None}
    commodities |= {c for _, _, c in G.edges(data="commodity") if c is not None}
    G.graph["commodities"] = sorted(commodities)
    return G


# ---------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------


def control_fractions(G: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """For every node, ``{country: fraction of its output that country controls}``.

    A node is controlled by X when it is X, when its ``country`` is X, or when
    a controls edge runs from X to it (with the edge's share); the largest
    fraction counts.
    """
    control: dict[str, dict[str, float]] = {node: {} for node in G.nodes}
    for node, attrs in G.nodes(data=True):
        if attrs["kind"] == "country":
            control[node][node] = 1.0
        if attrs.get("country") is not None:
            control[node][attrs["country"]] = 1.0
    for u, v, attrs in G.edges(data=True):
        if attrs["kind"] == "controls":
            share = 1.0 if attrs.get("share") is None else attrs["share"]
            control[v][u] = max(control[v].get(u, 0.0), share)
    return control


def suppliers_by_commodity(G: nx.MultiDiGraph) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """For every node, ``{input commodity: [(supplier, share), ...]}`` from its supplies edges."""
    suppliers: dict[str, dict[str, list[tuple[str, float]]]] = {node: {} for node in G.nodes}
    for u, v, attrs in G.edges(data=True):
        if attrs["kind"] != "supplies":
            continue
        suppliers[v].setdefault(attrs["commodity"], []).append((u, attrs["share"]))
    for per_commodity in suppliers.values():
        for entries in per_commodity.values():
            entries.sort()
    return suppliers


def input_parameters(G: nx.MultiDiGraph, node: str, commodity: str) -> tuple[float, float, float]:
    """``(dependence, substitutable, stockpile days)`` of one input of one node.

    Dependence defaults to 1 and substitutable to 0; the input's own
    ``stockpile_days`` overrides the node's, and the default is 0 days.
    """
    attrs = G.nodes[node]
    spec = (attrs.get("inputs") or {}).get(commodity) or {}
    dependence = spec.get("dependence")
    substitutable = spec.get("substitutable")
    stock = spec.get("stockpile_days")
    if stock is None:
        stock = attrs.get("stockpile_days")
    return (
        1.0 if dependence is None else dependence,
        0.0 if substitutable is None else substitutable,
        0.0 if stock is None else stock,
    )


def expand_commodities(G: nx.MultiDiGraph, names: Iterable[str]) -> set[str]:
    """The commodities a restriction names: group names stand for their members."""
    groups = G.graph.get("groups") or {}
    commodities: set[str] = set()
    for name in names:
        if name == "all":
            commodities |= set(G.graph["commodities"])
        elif name in groups:
            commodities |= set(groups[name])
        else:
            commodities.add(name)
    return commodities


def edge_keeps(
    G: nx.MultiDiGraph, restrictions: list[Mapping[str, Any]], *, day: int | None
) -> dict[tuple[str, str, str], float]:
    """What the restrictions active on ``day`` leave on each cut edge, ``{(u, v, c): keep}``.

    ``day=None`` means the steady state, where every restriction counts. An
    edge missing from the result is not cut.
    """
    control = control_fractions(G)
    keeps: dict[tuple[str, str, str], float] = {}
    for restriction in restrictions:
        if day is not None and day < restriction.get("start_day", 0):
            continue
        by = restriction["by"]
        commodities = expand_commodities(G, restriction["commodities"])
        to = restriction.get("to")
        severity = restriction.get("severity", 1.0)
        for u, v, attrs in G.edges(data=True):
            if attrs["kind"] != "supplies" or attrs["commodity"] not in commodities:
                continue
            fraction = control[u].get(by)
            if fraction is None:
                continue  # supplier not controlled by the restricting country
            consumer_country = G.nodes[v].get("country")
            if consumer_country == by:
                continue  # the consumer is inside the restricting country
            if to is not None and consumer_country not in to:
                continue  # with `to`, only consumers located in those countries are cut
            key = (u, v, attrs["commodity"])
            keeps[key] = keeps.get(key, 1.0) * (1.0 - severity * fraction)
    return keeps


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def input_gaps(
    node: str,
    availability: Mapping[str, float],
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
) -> dict[str, float]:
    """``{commodity: gap_c(node)}``, the substituted-for shortfall of each input.

    ``1 - A_c`` is written as the sum of the suppliers' lost flows
    ``share * (1 - a(u) * keep)``, which is the same number as
    ``1 - (other_c + sum share * a * keep)`` but is exactly 0 when nothing is lost.
    """
    gaps = {}
    for commodity, entries in suppliers[node].items():
        lost = 0.0
        for supplier, share in entries:
            keep = keeps.get((supplier, node, commodity), 1.0)
            lost += share * (1.0 - availability[supplier] * keep)
        _, substitutable, _ = params[(node, commodity)]
        gaps[commodity] = lost * (1.0 - substitutable)
    return gaps


def _uncovered(gap: float, stock: float | None) -> float:
    """The part of a day's gap the stock cannot cover (``stock=None``: no stocks at all)."""
    if stock is None or stock < gap:
        return gap - (stock or 0.0)
    return 0.0


def greatest_fixed_point(
    G: nx.MultiDiGraph,
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
    removed: set[str],
    stocks: Mapping[tuple[str, str], float] | None,
) -> dict[str, float]:
    """Availability of every node: start from ``a = 1`` and sweep until it settles.

    ``stocks`` maps ``(node, commodity)`` to the stock left at the start of
    the day; ``None`` is the steady state (stocks spent).
    """
    availability = {node: 0.0 if node in removed else 1.0 for node in G.nodes}
    order = sorted(node for node in G.nodes if node not in removed and suppliers[node])
    while True:
        largest_change = 0.0
        for node in order:
            worst = 0.0
            for commodity, gap in input_gaps(node, availability, suppliers, keeps, params).items():
                dependence, _, _ = params[(node, commodity)]
                stock = None if stocks is None else stocks[(node, commodity)]
                worst = max(worst, dependence * _uncovered(gap, stock))
            new = 1.0 - worst
            largest_change = max(largest_change, abs(new - availability[node]))
            availability[node] = new
        if largest_change <= CONVERGED:
            return availability


def binding_input(
    node: str,
    gaps: Mapping[str, float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
) -> str | None:
    """The input commodity that binds: largest ``dependence * gap``, ties by name."""
    scores = {c: params[(node, c)][0] * gap for c, gap in gaps.items()}
    if not scores or max(scores.values()) <= 0.0:
        return None
    best = max(scores.values())
    return min(c for c, score in scores.items() if score >= best - TIE)


def via_chain(
    node: str,
    steady: Mapping[str, float],
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
    removed: set[str],
) -> list[str]:
    """The chain of ids from the origin of ``node``'s loss to ``node`` (steady state)."""
    if node in removed:
        return [node]
    chain = [node]
    current = node
    while True:
        gaps = input_gaps(current, steady, suppliers, keeps, params)
        commodity = binding_input(current, gaps, params)
        if commodity is None:
            break
        lost = {
            u: share * (1.0 - steady[u] * keeps.get((u, current, commodity), 1.0))
            for u, share in suppliers[current][commodity]
        }
        best = max(lost.values())
        supplier = min(u for u, flow in lost.items() if flow >= best - TIE)
        if supplier in chain:
            break  # never visit a node twice
        chain.append(supplier)
        if supplier in removed:
            break
        cut = (supplier, current, commodity) in keeps
        if cut and 1.0 - steady[supplier] <= AFFECTED:
            break
        current = supplier
    return chain[::-1]


def reference_run(
    G: nx.MultiDiGraph,
    restrictions: list[Mapping[str, Any]],
    removed: Iterable[str] = (),
    horizon: int = 365,
) -> dict[str, dict[str, Any]]:
    """Run one scenario through the model, node by node.

    Parameters
    ----------
    G
        A graph following the contract of ``graph``.
    restrictions
        Dicts ``{"by", "commodities", "to", "severity", "start_day"}``;
        commodities may be commodities, group names or ``"all"``.
    removed
        Node ids whose availability is 0 for the whole run.
    horizon
        Last day of the timeline (days ``0 .. horizon``).

    Returns
    -------
    dict
        ``steady`` {node: availability}, ``timeline`` {node: [availability
        on each day]}, ``days_to_impact`` {node: int or None}, ``via``
        {affected node: chain}, ``value_at_risk`` {node: float or None}.
    """
    removed = set(removed)
    suppliers = suppliers_by_commodity(G)
    params = {
        (node, commodity): input_parameters(G, node, commodity)
        for node in G.nodes
        for commodity in suppliers[node]
    }

    steady_keeps = edge_keeps(G, restrictions, day=None)
    steady = greatest_fixed_point(G, suppliers, steady_keeps, params, removed, None)

    stocks = {key: stock for key, (_, _, stock) in params.items()}
    timeline: dict[str, list[float]] = {node: [] for node in G.nodes}
    keeps_by_active: dict[tuple[int, ...], dict] = {}  # the keeps only change on start days
    for day in range(horizon + 1):
        active = tuple(i for i, r in enumerate(restrictions) if day >= r.get("start_day", 0))
        if active not in keeps_by_active:
            keeps_by_active[active] = edge_keeps(G, restrictions, day=day)
        keeps = keeps_by_active[active]
        today = greatest_fixed_point(G, suppliers, keeps, params, removed, stocks)
        for node, value in today.items():
            timeline[node].append(value)
        # The day's draws follow from the day's fixed point.
        for node in G.nodes:
            if node in removed:
                continue
            for commodity, gap in input_gaps(node, today, suppliers, keeps, params).items():
                left = stocks[(node, commodity)]
                stocks[(node, commodity)] = left - gap if left >= gap else 0.0

    days_to_impact = {
        node: next((day for day, a in enumerate(values) if a < 1.0 - AFFECTED), None)
        for node, values in timeline.items()
    }
    via = {
        node: via_chain(node, steady, suppliers, steady_keeps, params, removed)
        for node in G.nodes
        if 1.0 - steady[node] > AFFECTED
    }
    value_at_risk = {
        node: None if G.nodes[node].get("value") is None
        else G.nodes[node]["value"] * (1.0 - steady[node])
        for node in G.nodes
    }  # fmt: skip
    return {
        "steady": steady,
        "timeline": timeline,
        "days_to_impact": days_to_impact,
        "via": via,
        "value_at_risk": value_at_risk,
    }
