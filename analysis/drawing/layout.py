"""Where each node goes, and what colour it is: the drawing's geometry, without drawing.

A dependency diagram is layered left to right by kind (countries, minerals,
refiners, components, industries). Nodes of one kind that supply each other
get sub-columns inside their kind's band, so every supplies edge between
different columns points right. Within a column the order is chosen to keep
edge crossings low (barycentre sweeps, the Sugiyama method): edges that skip
columns pass through placeholder points that take part in the ordering, so
they are routed around boxes instead of through them. Vertical positions then
pull each node towards the nodes it is linked to, keeping the gaps that its
label needs.

Units: ``x`` counts columns; ``y`` counts lines of label text (0 at the top,
negative downwards). ``analysis.drawing.diagram`` turns both into inches. Everything here is
deterministic: the same graph gives the same positions, ties broken by id.
No matplotlib here, so positions can be tested, and reused by the Graphviz
writer, without drawing anything. The order within each column comes from
``analysis.drawing.ordering``; labels from ``analysis.drawing.style``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from analysis.drawing.ordering import (
    Layers,
    build_layers,
    order_by_barycentre,
    order_by_dot,
    total_crossings,
)
from analysis.drawing.selection import KINDS
from analysis.drawing.style import LABEL_WIDTH, OTHER_KIND, label_lines, node_label
from graph.errors import ChokegraphError

NODE_PAD = 0.5  # a box is its lines of text plus this much (in lines)
GAP = 0.5  # the least free space between two items of a column (in lines)
EDGE_HEIGHT = 0.2  # the room a placeholder (an edge passing a column) takes (in lines)
BOX_PAD = 0.3  # padding around a label inside its box, in font sizes
CHAR_EM = 0.6  # average width of a label character, in font sizes (DejaVu Sans)
LINE_EM = 1.2  # one line of text, in font sizes (matplotlib's default line spacing)
COLUMN_GAP_EM = 8.0  # room for the edges between two columns of boxes, in font sizes
FLAT_BULGE = 0.75  # how far right an edge between nodes of one column swings (columns)
PLACEMENT_ROUNDS = 8  # rounds of pulling nodes towards their neighbours


@dataclass(frozen=True)
class DiagramLayout:
    """Positions of nodes and the shapes of the edges between them.

    Attributes
    ----------
    pos : dict
        ``{node: (x, y)}``; ``x`` in columns, ``y`` in lines of text (0 at the top).
    routes : dict
        ``{(u, v): [p0, c1, c2, p1, ...]}``: the cubic Bezier control points of
        the curve from ``u`` to ``v`` (``3k + 1`` points), shared by parallel edges.
    columns : list of str
        The kind of each column, left to right.
    labels : dict
        ``{node: label text}``, wrapped into lines.
    heights : dict
        ``{node: box height in lines}``.
    """

    pos: dict[str, tuple[float, float]]
    routes: dict[tuple[str, str], list[tuple[float, float]]]
    columns: list[str]
    labels: dict[str, str]
    heights: dict[str, float]
    crossings: int = 0
    label_chars: int = field(default=LABEL_WIDTH)

    @property
    def width(self) -> int:
        """The number of columns."""
        return len(self.columns)

    def y_range(self) -> tuple[float, float]:
        """The lowest and highest ``y`` of any box edge (``(bottom, top)``)."""
        if not self.pos:
            return (-1.0, 0.0)
        low = min(y - self.heights[n] / 2 for n, (_, y) in self.pos.items())
        high = max(y + self.heights[n] / 2 for n, (_, y) in self.pos.items())
        return (low, high)


# ---------------------------------------------------------------- columns


def kind_columns(
    G: nx.MultiDiGraph, kinds_order: tuple[str, ...] = KINDS
) -> tuple[dict[str, int], list[str]]:
    """Column of every node, and the kind of every column.

    Each kind gets a band of columns. Inside it, a node sits one column to the
    right of the same-kind node it takes from (longest chain, on the graph of
    strongly connected parts, so a cycle shares one column). Kinds with no
    nodes get no column.
    """
    order = {k: i for i, k in enumerate(kinds_order)}
    band: dict[str, str] = {}
    for n, kind in G.nodes(data="kind"):
        band[n] = kind if kind in order else OTHER_KIND
    kinds = [k for k in (*kinds_order, OTHER_KIND) if any(b == k for b in band.values())]
    column: dict[str, int] = {}
    columns: list[str] = []
    for kind in kinds:
        members = sorted(n for n in G if band[n] == kind)
        inner = nx.DiGraph()
        inner.add_nodes_from(members)
        inner.add_edges_from((u, v) for u, v in G.subgraph(members).edges() if u != v)
        dag = nx.condensation(inner)
        depth: dict[int, int] = {}
        for part in nx.topological_sort(dag):
            depth[part] = max((depth[p] + 1 for p in dag.predecessors(part)), default=0)
        start = len(columns)
        levels = max(depth.values(), default=0) + 1
        columns.extend([kind] * levels)
        for part, members_of in dag.nodes(data="members"):
            for n in members_of:
                column[n] = start + depth[part]
    return column, columns


# ---------------------------------------------------------------- placement


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Least-squares fit of a non-decreasing sequence (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out: list[float] = []
    for mean, _, count in blocks:
        out.extend([mean] * count)
    return out


def _place_column(
    column: list[Any], desired: list[float], heights: Mapping[Any, float]
) -> list[float]:
    """Positions (downwards) closest to ``desired`` that keep the order and the gaps."""
    offsets = [0.0]
    for a, b in itertools.pairwise(column):
        offsets.append(offsets[-1] + (heights[a] + heights[b]) / 2 + GAP)
    fitted = _isotonic([d - o for d, o in zip(desired, offsets, strict=True)], [1.0] * len(column))
    return [z + o for z, o in zip(fitted, offsets, strict=True)]


def _placement(layers: Layers, heights: Mapping[Any, float]) -> dict[Any, float]:
    """Vertical position of every item (downwards, in lines)."""
    y: dict[Any, float] = {}
    for column in layers.items:
        if column:
            for item, value in zip(
                column, _place_column(column, [0.0] * len(column), heights), strict=True
            ):
                y[item] = value
    n = len(layers.items)

    def pull(columns: Iterable[int], links: dict[Any, list[Any]]) -> None:
        for c in columns:
            column = layers.items[c]
            if not column:
                continue
            desired = [
                sum(y[o] for o in links[item]) / len(links[item]) if links[item] else y[item]
                for item in column
            ]
            for item, value in zip(column, _place_column(column, desired, heights), strict=True):
                y[item] = value

    for _ in range(PLACEMENT_ROUNDS):
        pull(range(1, n), layers.down)
        pull(range(n - 2, -1, -1), layers.up)
    top = min(y.values(), default=0.0)
    return {item: value - top for item, value in y.items()}


# ---------------------------------------------------------------- routes


def _route(points: list[tuple[float, float]], halves: list[float]) -> list[tuple[float, float]]:
    """Bezier control points of an edge through ``points`` (one per column it meets).

    Across each column the edge runs level for ``halves[i]`` on either side of
    its point (so it passes a box's full width without cutting its corners);
    between columns it bends in an S, level where it leaves and arrives.
    """
    step = 1.0 if points[-1][0] >= points[0][0] else -1.0
    stops: list[tuple[float, float]] = []
    for i, ((x, y), half) in enumerate(zip(points, halves, strict=True)):
        if i > 0:
            stops.append((x - step * half, y))
        if i < len(points) - 1:
            stops.append((x + step * half, y))
    out = [points[0]]
    prev = points[0]
    for k, (x1, y1) in enumerate([*stops, points[-1]]):
        x0, y0 = prev
        if k % 2 == 0:  # level, inside a column: a straight piece
            out.extend([(x0 + (x1 - x0) / 3, y0), (x0 + 2 * (x1 - x0) / 3, y1), (x1, y1)])
        else:  # between two columns: an S bend
            mid = (x0 + x1) / 2
            out.extend([(mid, y0), (mid, y1), (x1, y1)])
        prev = (x1, y1)
    return out


def _flat_route(p: tuple[float, float], q: tuple[float, float]) -> list[tuple[float, float]]:
    """An edge between two nodes of one column: a loop out to the right and back."""
    return [p, (p[0] + FLAT_BULGE, p[1]), (q[0] + FLAT_BULGE, q[1]), q]


# ---------------------------------------------------------------- entry points


def diagram_layout(
    G: nx.MultiDiGraph,
    *,
    kinds_order: tuple[str, ...] = KINDS,
    seed: int = 0,
    method: str = "barycenter",
    label_width: int = LABEL_WIDTH,
) -> DiagramLayout:
    """Lay a supply graph out in layers by kind, with labels, edge routes and spacing.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load`` (or a part of one).
    kinds_order : tuple of str
        The kinds, left to right; nodes of any other kind go in a last column.
    seed : int
        Seeds the shuffled extra starts of the ordering; the same seed gives
        the same layout.
    method : {"barycenter", "dot"}
        ``"dot"`` takes the order within each column from Graphviz ``dot``
        (which must be installed); the rest is the same.
    label_width : int
        Characters per label line.

    Returns
    -------
    DiagramLayout

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [{"id": "a", "kind": "country"},
    ...     {"id": "m", "kind": "mineral"}], "edges": [{"from": "a", "to": "m", "share": 1}]})
    >>> diagram_layout(G).pos
    {'a': (0.0, 0.0), 'm': (1.0, 0.0)}
    """
    if method not in ("barycenter", "dot"):
        raise ChokegraphError(f"unknown layout method {method!r}; use 'barycenter' or 'dot'")
    labels = {n: node_label(G, n, width=label_width) for n in G}
    column, columns = kind_columns(G, tuple(kinds_order))
    layers = build_layers(G, column, len(columns))
    if method == "dot":
        order_by_dot(G, layers, column)
        crossings = total_crossings(layers.items, layers.up)
    else:
        crossings = order_by_barycentre(layers, seed=seed)
    heights: dict[Any, float] = {n: label_lines(labels[n]) + NODE_PAD for n in G}
    for col in layers.items:
        for item in col:
            heights.setdefault(item, EDGE_HEIGHT)
    y = _placement(layers, heights)
    x = {item: float(c) for c, col in enumerate(layers.items) for item in col}
    point = {item: (x[item], -y[item] + 0.0) for item in y}
    width = max((len(line) for text in labels.values() for line in text.split("\n")), default=1)
    return DiagramLayout(
        pos={n: point[n] for n in sorted(G)},
        routes=_routes(layers, point, _box_halves(labels, width)),
        columns=columns,
        labels=labels,
        heights={n: heights[n] for n in G},
        crossings=crossings,
        label_chars=width,
    )


def _box_halves(labels: Mapping[str, str], width: int) -> dict[str, float]:
    """Half the width of each node's box, in columns (``width``: the widest label line)."""
    pitch = width * CHAR_EM + 2 * BOX_PAD + COLUMN_GAP_EM
    return {
        n: (max(map(len, text.split("\n"))) * CHAR_EM + 2 * BOX_PAD) / 2 / pitch
        for n, text in labels.items()
    }


def _routes(
    layers: Layers, point: Mapping[Any, tuple[float, float]], half: Mapping[str, float]
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """The curve of every edge: through its placeholders, level across each column it meets.

    A placeholder runs level for half the widest box of its column (and a
    little more), so that the edge passes beside the boxes, not through them.
    """
    column_half = [max((half[i] for i in col if i in half), default=0.0) for col in layers.items]
    routes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for pair, chain in layers.chains.items():
        halves = [half[i] if i in half else column_half[int(point[i][0])] + 0.02 for i in chain]
        routes[pair] = _route([point[i] for i in chain], halves)
    for u, v in layers.flat:
        routes[(u, v)] = _flat_route(point[u], point[v])
    return routes


def layered_layout(
    G: nx.MultiDiGraph,
    *,
    kinds_order: tuple[str, ...] = KINDS,
    seed: int = 0,
    method: str = "barycenter",
) -> dict[str, tuple[float, float]]:
    """Positions of the nodes in layers by kind, left to right (``x`` in columns).

    A plain ``{node: (x, y)}`` mapping, as networkx layouts return, so it can
    be passed to ``networkx.draw``. See ``diagram_layout`` for the rules.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [{"id": "a", "kind": "country"},
    ...     {"id": "b", "kind": "country"}, {"id": "m", "kind": "mineral"}],
    ...   "edges": [{"from": "a", "to": "m", "share": 0.5},
    ...             {"from": "b", "to": "m", "share": 0.5}]})
    >>> layered_layout(G)
    {'a': (0.0, 0.0), 'b': (0.0, -2.0), 'm': (1.0, -1.0)}
    """
    return diagram_layout(G, kinds_order=kinds_order, seed=seed, method=method).pos


def count_crossings(G: nx.MultiDiGraph, pos: Mapping[str, tuple[float, float]]) -> int:
    """How many pairs of edges cross, drawn as straight lines between ``pos``.

    Edges that share an end do not count, nor do parallel edges between the
    same two nodes (they are drawn as one).

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "y"), ("b", "x")])
    >>> count_crossings(G, {"a": (0, 0), "b": (0, -1), "x": (1, 0), "y": (1, -1)})
    1
    """
    segments = sorted({(u, v) for u, v in G.edges() if u != v})

    def orient(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    count = 0
    for i, (a, b) in enumerate(segments):
        p, q = pos[a], pos[b]
        for c, d in segments[i + 1 :]:
            if {a, b} & {c, d}:
                continue
            r, s = pos[c], pos[d]
            d1, d2 = orient(p, q, r), orient(p, q, s)
            d3, d4 = orient(r, s, p), orient(r, s, q)
            if d1 * d2 < 0 and d3 * d4 < 0:
                count += 1
    return count
