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


def select_subgraph(
    G: nx.MultiDiGraph, options: DiagramOptions | None = None, **changes: Any
) -> nx.MultiDiGraph:
    """The part of ``G`` a diagram shows: around ``options.focus`` and of ``options.kinds``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    options : DiagramOptions, optional
        What to show; its fields may also be given as keywords
        (``focus=``, ``depth=``, ``kinds=``).

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> len(select_subgraph(G, kinds=["country"])) == sum(
    ...     k == "country" for _, k in G.nodes(data="kind"))
    True
    """
    opts = DiagramOptions.of(options, **changes)
    H = subgraph_around(G, opts.focus, opts.depth) if opts.focus is not None else G
    if opts.kinds:
        H = nodes_of_kinds(H, opts.kinds)
    return H
