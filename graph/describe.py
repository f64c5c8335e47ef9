"""A one-line description of a graph: nodes by kind, edges, sources."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from graph.schema import NODE_KINDS


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(G: nx.MultiDiGraph) -> str:
    """Return a one-line summary of a graph from ``graph.load``.

    Kinds are listed in their usual order (country, mineral, refiner,
    component, industry), each only when present.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({
    ...     "nodes": [{"id": "chn", "kind": "country"}, {"id": "gallium", "kind": "mineral"}],
    ...     "edges": [{"from": "chn", "to": "gallium", "share": 0.98}],
    ... })
    >>> summary(G)
    '2 nodes (1 country, 1 mineral), 1 edge, 0 sources'
    """
    kinds = Counter(kind for _, kind in G.nodes(data="kind"))
    by_kind = ", ".join(f"{kinds[k]} {k}" for k in NODE_KINDS if kinds[k])
    nodes = _count(G.number_of_nodes(), "node") + (f" ({by_kind})" if by_kind else "")
    sources = _count(len(G.graph.get("sources", {})), "source")
    return f"{nodes}, {_count(G.number_of_edges(), 'edge')}, {sources}"
