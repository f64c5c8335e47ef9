"""Which nodes and edges a diagram shows: around a node in focus, of some kinds.

A part of a graph is the subgraph induced by the chosen nodes, with every edge
between them. It remembers the display names of the countries its nodes sit
in, so that labels read the same in the part as in the whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from analysis.drawing.options import DiagramOptions
from graph.errors import ChokegraphError
from graph.lookup import resolve_node

KINDS = ("country", "mineral", "refiner", "component", "industry")  # left to right
# A part of a graph keeps the display names of the countries its nodes sit in,
# under this key of ``H.graph``, so that labels read the same as in the whole.
COUNTRY_NAMES = "country_names"


class NothingToDraw(ChokegraphError):
    """What a picture was asked to show holds no node (an empty dataset, a ``--kind`` of none)."""


def _part(G: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """The subgraph induced by ``nodes``, remembering the names of the countries it names."""
    H = G.subgraph(nodes).copy()
    names = dict(G.graph.get(COUNTRY_NAMES, {}))
    for code in {c for _, c in H.nodes(data="country") if c} - set(H):
        if code in G:
            names[code] = str(G.nodes[code].get("name") or code)
    H.graph[COUNTRY_NAMES] = names
    return H


def subgraph_around(G: nx.MultiDiGraph, node: str, depth: int = 2) -> nx.MultiDiGraph:
    """The part of ``G`` within ``depth`` steps upstream and downstream of ``node``.

    Upstream means following edges backwards (suppliers, their suppliers, ...),
    downstream following them forwards (customers, ...). A node that is only
    reachable by going up and then down (a sibling customer of a shared
    supplier) is left out: it is not part of this node's chain. The result is
    the subgraph induced by those nodes, with every edge between them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    node : str
        Id or display name of the node in focus (any case).
    depth : int
        Steps to follow in each direction (0 keeps the node alone).

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [
    ...     {"id": "a", "kind": "country"}, {"id": "m", "kind": "mineral"},
    ...     {"id": "x", "kind": "industry"}, {"id": "y", "kind": "industry"}],
    ...   "edges": [{"from": "a", "to": "m", "share": 1}, {"from": "m", "to": "x", "share": 1},
    ...             {"from": "m", "to": "y", "share": 1}]})
    >>> sorted(subgraph_around(G, "x", 1))
    ['m', 'x']
    >>> sorted(subgraph_around(G, "x", 2))
    ['a', 'm', 'x']
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise ChokegraphError(f"depth must be a whole number of steps >= 0, got {depth!r}")
    focus = resolve_node(G, node)
    keep = {focus}
    for step in (G.predecessors, G.successors):
        frontier = {focus}
        seen = {focus}
        for _ in range(depth):
            frontier = {n for f in frontier for n in step(f)} - seen
            if not frontier:
                break
            seen |= frontier
        keep |= seen
    return _part(G, keep)


def nodes_of_kinds(G: nx.MultiDiGraph, kinds: Iterable[str]) -> nx.MultiDiGraph:
    """The subgraph of the nodes of the given kinds (and the edges between them).

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [{"id": "a", "kind": "country"},
    ...     {"id": "m", "kind": "mineral"}], "edges": [{"from": "a", "to": "m", "share": 1}]})
    >>> list(nodes_of_kinds(G, ["mineral"]))
    ['m']
    """
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ChokegraphError(f"unknown kind {sorted(unknown)[0]!r}; kinds are: {', '.join(KINDS)}")
    return _part(G, [n for n, k in G.nodes(data="kind") if k in wanted])


def explaining_nodes(G: nx.MultiDiGraph, focus: str, result: Any) -> set[str]:
    """The nodes that explain how a scenario reaches ``focus``: from each cut edge to it.

    For every supplies edge the scenario cuts (and every removed node) from
    which ``focus`` can be reached through nodes the scenario hits, the
    supplier, and every hit node on a path from it to ``focus``; and the
    ``via`` chain of ``focus``. Empty when ``focus`` is not hit.

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"},
    ...     {"id": "m", "kind": "mineral"}, {"id": "r", "kind": "refiner"},
    ...     {"id": "x", "kind": "industry"}],
    ...   "edges": [{"from": "chn", "to": "m", "share": 1}, {"from": "m", "to": "r", "share": 1},
    ...             {"from": "r", "to": "x", "share": 1}]})
    >>> res = analysis.what_if(G, [analysis.Restriction("chn", ["m"])])
    >>> sorted(explaining_nodes(G, "x", res))
    ['chn', 'm', 'r', 'x']
    """
    by_id = {r["node"]: r for r in result.records}
    if focus not in by_id:
        return set()
    C, raw = result.compiled, result.raw
    cuts = {(C.nodes[C.src[e]], C.nodes[C.dst[e]]) for e in range(len(C.src)) if raw.keep[e] < 1.0}
    keep = set(by_id[focus]["via"]) | {focus}
    # The hit nodes from which focus can be reached through hit nodes only.
    upstream = nx.ancestors(G.subgraph(by_id), focus) | {focus}
    starts = cuts | {(r, r) for r in result.scenario.removed}
    for u, v in starts:
        if v in upstream and u in G:
            keep.add(u)
            keep |= nx.descendants(G.subgraph(upstream), v) | {v}
    return keep & set(G)


def select_subgraph(
    G: nx.MultiDiGraph,
    options: DiagramOptions | None = None,
    *,
    result: Any = None,
    **changes: Any,
) -> nx.MultiDiGraph:
    """The part of ``G`` a diagram shows: around ``options.focus`` and of ``options.kinds``.

    With a scenario ``result`` and a focus, the part also holds the paths
    from each cut edge to the node in focus (``explaining_nodes``), however
    many steps away, so that the picture shows why the node is hit.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    options : DiagramOptions, optional
        What to show; its fields may also be given as keywords
        (``focus=``, ``depth=``, ``kinds=``).
    result : WhatIf, optional
        The scenario drawn, whose cut edges a focus view must include.

    Raises
    ------
    NothingToDraw
        When the part holds no node (an empty dataset, or no node of
        ``kinds`` where it looks), saying why and what to change.

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> len(select_subgraph(G, kinds=["country"])) == sum(
    ...     k == "country" for _, k in G.nodes(data="kind"))
    True
    """
    opts = DiagramOptions.of(options, **changes)
    H = G
    if opts.focus is not None:
        H = subgraph_around(G, opts.focus, opts.depth)
        if result is not None:
            extra = explaining_nodes(G, resolve_node(G, opts.focus), result)
            if extra - set(H):
                H = _part(G, set(H) | extra)
    if opts.kinds:
        H = nodes_of_kinds(H, opts.kinds)
    if not len(H):
        raise NothingToDraw(_nothing_to_draw(G, opts))
    return H


def _nothing_to_draw(G: nx.MultiDiGraph, opts: DiagramOptions) -> str:
    """Why a selection is empty, and what to change (the only way one can be: see above)."""
    where = str(G.graph.get("path") or "the dataset")
    if not len(G):
        return f"nothing to draw: {where} has no nodes"
    kinds = " or ".join(opts.kinds or ())
    found = {str(k) for _, k in G.nodes(data="kind")}
    present = ", ".join([k for k in KINDS if k in found] + sorted(found - set(KINDS)))
    if opts.focus is None:
        return (
            f"nothing to draw: {where} has no node of kind {kinds} (its kinds: {present}); "
            "give another kind (--kind) or none"
        )
    steps = "step" if opts.depth == 1 else "steps"
    return (
        f"nothing to draw: no node of kind {kinds} lies within {opts.depth} {steps} of "
        f"{resolve_node(G, opts.focus)!r}; give a larger depth (--depth), another kind "
        "(--kind) or none"
    )
