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
        G.add_edge(u, v, key=commodity, kind="supplies", commodity=commodity, share=edge["share"],
                   spare=edge.get("spare"), ramp_days=edge.get("ramp_days"))  # fmt: skip
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


def alternatives_by_commodity(
    G: nx.MultiDiGraph,
) -> dict[str, dict[str, list[tuple[str, float, float]]]]:
    """For every node, ``{input commodity: [(supplier, spare, ramp_days), ...]}``.

    Only supplies edges with a spare above 0 are alternatives; ``ramp_days``
    defaults to 0.
    """
    alternatives: dict[str, dict[str, list[tuple[str, float, float]]]] = {n: {} for n in G.nodes}
    for u, v, attrs in G.edges(data=True):
        if attrs["kind"] != "supplies" or not attrs.get("spare"):
            continue
        ramp_days = attrs.get("ramp_days") or 0.0
        alternatives[v].setdefault(attrs["commodity"], []).append((u, attrs["spare"], ramp_days))
    return alternatives


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

    ``day=None`` means the steady state, where every restriction counts. On a
    day of the timeline a restriction acts when ``start_day <= day < end_day``.
    An edge missing from the result is not cut.
    """
    control = control_fractions(G)
    keeps: dict[tuple[str, str, str], float] = {}
    for restriction in restrictions:
        if day is not None and day < restriction.get("start_day", 0):
            continue
        end_day = restriction.get("end_day")
        if day is not None and end_day is not None and day >= end_day:
            continue  # the window is over
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


def ramp(ramp_days: float, t0: int | None, day: int | None, lost_today: float) -> float:
    """``ramp(u, v, t)``: how much of an alternative's spare it delivers on ``day``.

    ``day=None`` is the steady state: fully ramped up. On a day of the
    timeline it is 0 before ``t0``, the first day the input's lost flow is
    above 1e-12; from ``t0`` on it is 1 if ``ramp_days`` is 0, else
    ``min(1, (t - t0) / ramp_days)``. When ``t0`` has not come yet but
    today's lost flow is above 1e-12, today is ``t0``.
    """
    if day is None:
        return 1.0
    if t0 is None:
        if lost_today <= CONVERGED:
            return 0.0
        t0 = day
    if ramp_days == 0:
        return 1.0
    return min(1.0, (day - t0) / ramp_days)


def input_losses(
    node: str,
    availability: Mapping[str, float],
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
) -> dict[str, float]:
    """``{commodity: lost_c(node)}``: ``sum share * (1 - a(u) * keep)`` over its suppliers."""
    losses = {}
    for commodity, entries in suppliers[node].items():
        lost = 0.0
        for supplier, share in entries:
            keep = keeps.get((supplier, node, commodity), 1.0)
            lost += share * (1.0 - availability[supplier] * keep)
        losses[commodity] = lost
    return losses


def input_gaps(
    node: str,
    availability: Mapping[str, float],
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
    alternatives: Mapping[str, Mapping[str, list[tuple[str, float, float]]]] | None = None,
    day: int | None = None,
    t0s: Mapping[tuple[str, str], int | None] | None = None,
) -> dict[str, float]:
    """``{commodity: gap_c(node)}``, the substituted-for shortfall of each input.

    ``A_c = other_c + sum share * a * keep + min(lost_c, extra_c)`` with
    ``other_c = 1 - sum share``, so ``1 - A_c = lost_c - min(lost_c, extra_c)``:
    written that way it is exactly 0 when nothing is lost. ``extra_c`` is
    ``sum spare * ramp * a(u) * keep`` over the alternatives (``day=None``:
    the steady state, ramps full; ``t0s`` the first lost day of each input).
    """
    gaps = {}
    for commodity, lost in input_losses(node, availability, suppliers, keeps).items():
        extra = 0.0
        for supplier, spare, ramp_days in (alternatives or {}).get(node, {}).get(commodity, []):
            t0 = None if t0s is None else t0s.get((node, commodity))
            keep = keeps.get((supplier, node, commodity), 1.0)
            extra += spare * ramp(ramp_days, t0, day, lost) * availability[supplier] * keep
        _, substitutable, _ = params[(node, commodity)]
        gaps[commodity] = (lost - min(lost, extra)) * (1.0 - substitutable)
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
    *,
    alternatives: Mapping[str, Mapping[str, list[tuple[str, float, float]]]] | None = None,
    day: int | None = None,
    t0s: Mapping[tuple[str, str], int | None] | None = None,
) -> dict[str, float]:
    """Availability of every node: start from ``a = 1`` and sweep until it settles.

    ``stocks`` maps ``(node, commodity)`` to the stock left at the start of
    the day; ``None`` is the steady state (stocks spent). ``day`` and
    ``t0s`` say how far the alternatives have ramped up (``day=None``: fully).
    """
    availability = {node: 0.0 if node in removed else 1.0 for node in G.nodes}
    order = sorted(node for node in G.nodes if node not in removed and suppliers[node])
    while True:
        largest_change = 0.0
        for node in order:
            worst = 0.0
            gaps = input_gaps(node, availability, suppliers, keeps, params, alternatives, day, t0s)
            for commodity, gap in gaps.items():
                dependence, _, _ = params[(node, commodity)]
                stock = None if stocks is None else stocks[(node, commodity)]
                worst = max(worst, dependence * _uncovered(gap, stock))
            new = 1.0 - worst
            largest_change = max(largest_change, abs(new - availability[node]))
            availability[node] = new
        if largest_change <= CONVERGED:
            return availability


def _largest(scores: Mapping[str, float]) -> str | None:
    """The name with the largest positive score, ties (within ``TIE``) by name."""
    if not scores or max(scores.values()) <= 0.0:
        return None
    best = max(scores.values())
    return min(c for c, score in scores.items() if score >= best - TIE)


def binding_input(
    node: str,
    gaps: Mapping[str, float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
) -> str | None:
    """The input commodity that binds: largest ``dependence * gap``, ties by name."""
    return _largest({c: params[(node, c)][0] * gap for c, gap in gaps.items()})


def via_chain(
    node: str,
    steady: Mapping[str, float],
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    keeps: Mapping[tuple[str, str, str], float],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
    removed: set[str],
    alternatives: Mapping[str, Mapping[str, list[tuple[str, float, float]]]] | None = None,
) -> list[str]:
    """The chain of ids from the origin of ``node``'s loss to ``node`` (steady state).

    At a node that nothing is missing from in the long run (its alternatives
    make up its whole loss), the binding input is the one with the largest
    ``dependence * lost`` instead, ties by name.
    """
    if node in removed:
        return [node]
    chain = [node]
    current = node
    while True:
        gaps = input_gaps(current, steady, suppliers, keeps, params, alternatives)
        commodity = binding_input(current, gaps, params)
        if commodity is None:
            losses = input_losses(current, steady, suppliers, keeps)
            commodity = _largest({c: params[(current, c)][0] * x for c, x in losses.items()})
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


def timeline_run(
    G: nx.MultiDiGraph,
    restrictions: list[Mapping[str, Any]],
    removed: set[str],
    horizon: int,
    suppliers: Mapping[str, Mapping[str, list[tuple[str, float]]]],
    alternatives: Mapping[str, Mapping[str, list[tuple[str, float, float]]]],
    params: Mapping[tuple[str, str], tuple[float, float, float]],
) -> dict[str, list[float]]:
    """Availability of every node on each day ``0 .. horizon``.

    Each day: the keeps of the restrictions in force, the greatest fixed point
    with the stocks and ramps as they stood at the start of the day, then the
    day's draws on the stocks and the inputs' first lost days.
    """
    stocks = {key: stock for key, (_, _, stock) in params.items()}
    t0s: dict[tuple[str, str], int | None] = {key: None for key in params}
    timeline: dict[str, list[float]] = {node: [] for node in G.nodes}
    for day in range(horizon + 1):
        keeps = edge_keeps(G, restrictions, day=day)
        today = greatest_fixed_point(G, suppliers, keeps, params, removed, stocks,
                                     alternatives=alternatives, day=day, t0s=t0s)  # fmt: skip
        for node, value in today.items():
            timeline[node].append(value)
        for node in G.nodes:
            if node in removed:
                continue
            gaps = input_gaps(node, today, suppliers, keeps, params, alternatives, day, t0s)
            for commodity, gap in gaps.items():
                left = stocks[(node, commodity)]
                stocks[(node, commodity)] = left - gap if left >= gap else 0.0
            for commodity, lost in input_losses(node, today, suppliers, keeps).items():
                if t0s[(node, commodity)] is None and lost > CONVERGED:
                    t0s[(node, commodity)] = day  # never resets
    return timeline


def timeline_figures(values: list[float]) -> tuple[float, int | None, float]:
    """``(peak_shortfall, days_to_peak, lost_days)`` of one node's daily availability."""
    shortfalls = [1.0 - a for a in values]
    peak = max(shortfalls)
    days_to_peak = None
    if peak > AFFECTED:
        days_to_peak = next(t for t, x in enumerate(shortfalls) if x >= peak - AFFECTED)
    lost_days = 0.0
    for x in shortfalls:
        lost_days += x
    return peak, days_to_peak, lost_days


def reference_run(
    G: nx.MultiDiGraph,
    restrictions: list[Mapping[str, Any]],
    removed: Iterable[str] = (),
    horizon: int = 365,
) -> dict[str, Any]:
    """Run one scenario through the model, node by node.

    Parameters
    ----------
    G
        A graph following the contract of ``graph``.
    restrictions
        Dicts ``{"by", "commodities", "to", "severity", "start_day", "end_day"}``;
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
        {impact: chain}, ``value_at_risk`` {node: float or None},
        ``peak_shortfall``, ``days_to_peak``, ``lost_days``, ``value_lost``
        {node: ...}, and ``impacts``, the impact ids in order.
    """
    removed = set(removed)
    suppliers = suppliers_by_commodity(G)
    alternatives = alternatives_by_commodity(G)
    params = {
        (node, commodity): input_parameters(G, node, commodity)
        for node in G.nodes
        for commodity in suppliers[node]
    }
    steady_keeps = edge_keeps(G, restrictions, day=None)
    steady = greatest_fixed_point(G, suppliers, steady_keeps, params, removed, None,
                                  alternatives=alternatives)  # fmt: skip
    timeline = timeline_run(G, restrictions, removed, horizon, suppliers, alternatives, params)
    out: dict[str, Any] = {"steady": steady, "timeline": timeline}
    out["days_to_impact"] = {
        node: next((day for day, a in enumerate(values) if a < 1.0 - AFFECTED), None)
        for node, values in timeline.items()
    }
    figures = {node: timeline_figures(values) for node, values in timeline.items()}
    out["peak_shortfall"] = {node: f[0] for node, f in figures.items()}
    out["days_to_peak"] = {node: f[1] for node, f in figures.items()}
    out["lost_days"] = {node: f[2] for node, f in figures.items()}
    peak = out["peak_shortfall"]
    impacts = [n for n in G.nodes if 1.0 - steady[n] > AFFECTED or peak[n] > AFFECTED]
    impacts.sort(key=lambda n: (-(1.0 - steady[n]), -peak[n], n))
    out["impacts"] = impacts
    out["via"] = {
        node: via_chain(node, steady, suppliers, steady_keeps, params, removed, alternatives)
        for node in impacts
    }
    values = {node: G.nodes[node].get("value") for node in G.nodes}
    out["value_at_risk"] = {
        node: None if value is None else value * (1.0 - steady[node])
        for node, value in values.items()
    }
    out["value_lost"] = {
        node: None if value is None else value * out["lost_days"][node] / 365
        for node, value in values.items()
    }
    return out
