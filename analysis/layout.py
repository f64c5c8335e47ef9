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
negative downwards). The renderer turns both into inches. Everything here is
deterministic: the same graph gives the same positions, ties broken by id.
No matplotlib here, so positions and colours can be tested, and reused by the
Graphviz writer, without drawing anything.
"""

from __future__ import annotations

import bisect
import itertools
import random
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import ChokegraphError
from graph.lookup import resolve_node

KINDS = ("country", "mineral", "refiner", "component", "industry")
KIND_TITLES = {
    "country": "Countries",
    "mineral": "Minerals",
    "refiner": "Refiners",
    "component": "Components",
    "industry": "Industries",
}
OTHER_KIND = "other"  # the column of nodes whose kind is not in the order

LABEL_WIDTH = 24  # characters per label line before wrapping
LABEL_LINES = 4  # at most this many lines; longer names end in an ellipsis
NODE_PAD = 0.5  # a box is its lines of text plus this much (in lines)
GAP = 0.5  # the least free space between two items of a column (in lines)
EDGE_HEIGHT = 0.2  # the room a placeholder (an edge passing a column) takes (in lines)
BOX_PAD = 0.3  # padding around a label inside its box, in font sizes
CHAR_EM = 0.6  # average width of a label character, in font sizes (DejaVu Sans)
LINE_EM = 1.2  # one line of text, in font sizes (matplotlib's default line spacing)
COLUMN_GAP_EM = 8.0  # room for the edges between two columns of boxes, in font sizes
FLAT_BULGE = 0.75  # how far right an edge between nodes of one column swings (columns)

PASSES = 24  # barycentre passes (a sweep down and one up) per start
STALE_PASSES = 4  # stop a start after this many passes without a better order
TRANSPOSE_ROUNDS = 30  # at most this many rounds of neighbour swaps after a sweep
RESTARTS = 6  # extra starts from shuffled orders (seeded); the fewest crossings win
BIG_LINKS = 3000  # above this many links, 2 passes with 1 round of swaps each
RESTART_LIMIT = 600  # no extra starts above this many links (edges, cut at each column)
PLACEMENT_ROUNDS = 8  # rounds of pulling nodes towards their neighbours

UNAFFECTED = "#e3e3e3"  # light grey: not hit by the scenario
# viridis, sampled at 0, 0.1, ..., 1 and reversed: light yellow for a small
# shortfall, dark purple for a total one. Perceptually uniform and readable
# with every common colour-vision deficiency; it holds no red, which marks cut
# flows.
SHORTFALL_STOPS = (
    "#fde725",
    "#bddf26",
    "#7ad151",
    "#44bf70",
    "#22a884",
    "#21918c",
    "#2a788e",
    "#355f8d",
    "#414487",
    "#482475",
    "#440154",
)
# Light tints of the Okabe-Ito palette, one per kind, for a graph without a scenario.
KIND_COLOURS = {
    "country": "#cfe3f3",
    "mineral": "#f7dfb5",
    "refiner": "#cbeadf",
    "component": "#f4e9a6",
    "industry": "#ebd3e3",
    OTHER_KIND: "#e3e3e3",
}
CUT_COLOUR = "#c0182a"  # cut flows and removed nodes
AFFECTED = 1e-9  # a shortfall above this counts as a hit
# A part of a graph keeps the display names of the countries its nodes sit in,
# under this key of ``H.graph``, so that labels read the same as in the whole.
COUNTRY_NAMES = "country_names"


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


def node_label(G: nx.MultiDiGraph, node: str, *, width: int = LABEL_WIDTH) -> str:
    """The label of a node: its display name and its country code, wrapped into lines.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [
    ...     {"id": "chn", "kind": "country", "name": "China"},
    ...     {"id": "chn-ga", "kind": "refiner", "country": "chn",
    ...      "name": "Chinese gallium refining"}],
    ...   "edges": [{"from": "chn", "to": "chn-ga", "kind": "controls"}]})
    >>> node_label(G, "chn-ga")
    'Chinese gallium\\nrefining (chn)'
    >>> node_label(G, "chn")
    'China (chn)'
    """
    attrs = G.nodes[node]
    name = str(attrs.get("name") or node)
    code = attrs.get("country") or (node if attrs.get("kind") == "country" else None)
    if code and attrs.get("kind") != "country":
        # "Semiconductors (Japan)" would say its country twice once the code is added.
        country = f" ({_country_name(G, code)})"
        if name.endswith(country) and len(name) > len(country):
            name = name[: -len(country)]
    tag = f"({code})" if code and code != name else None
    text = f"{name} {tag}" if tag else name
    lines = _wrap_evenly(text, width)
    if len(lines) > LABEL_LINES:
        # Too long: cut the name short and keep the country tag on a line of its own.
        lines = _wrap_evenly(name, width)[: LABEL_LINES - (1 if tag else 0)]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
        if tag:
            lines.append(tag)
    return "\n".join(lines)


def _wrap_evenly(text: str, width: int) -> list[str]:
    """Wrap ``text`` in as few lines as at ``width``, but of lengths as even as can be.

    "Chinese gallium refining (chn)" at 24 becomes "Chinese gallium" and
    "refining (chn)", not "Chinese gallium refining" and "(chn)".
    """
    lines = textwrap.wrap(text, width=width) or [text]
    best = lines
    for narrower in range(width - 1, 0, -1):
        trial = textwrap.wrap(text, width=narrower, break_long_words=False)
        if len(trial) > len(lines) or max(map(len, trial)) > narrower:
            break
        best = trial
    return best


def _country_name(G: nx.MultiDiGraph, code: str) -> str:
    if code in G:
        return str(G.nodes[code].get("name") or code)
    return str(G.graph.get(COUNTRY_NAMES, {}).get(code) or code)


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


# ---------------------------------------------------------------- ordering


@dataclass
class _Layers:
    """The layered graph the ordering works on: nodes plus placeholder points."""

    items: list[list[Any]]  # per column, the items in order (node ids or dummy tuples)
    down: dict[Any, list[Any]]  # item -> linked items in the column to its left
    up: dict[Any, list[Any]]  # item -> linked items in the column to its right
    chains: dict[tuple[str, str], list[Any]]  # (u, v) -> items from u to v
    flat: list[tuple[str, str]]  # pairs within one column


def _sort_key(item: Any) -> tuple[str, str]:
    # Nodes by id; a placeholder by the ids of its edge's ends (left end first).
    if isinstance(item, tuple):
        return (item[1], "\x7f" + item[2])
    return (item, "")


def _build_layers(G: nx.MultiDiGraph, column: dict[str, int], n_columns: int) -> _Layers:
    items: list[list[Any]] = [[] for _ in range(n_columns)]
    for n in sorted(G):
        items[column[n]].append(n)
    down: dict[Any, list[Any]] = {n: [] for n in G}
    up: dict[Any, list[Any]] = {n: [] for n in G}
    chains: dict[tuple[str, str], list[Any]] = {}
    flat = []
    for u, v in sorted({(u, v) for u, v in G.edges() if u != v}):
        cu, cv = column[u], column[v]
        if cu == cv:
            flat.append((u, v))
            continue
        # A backward edge is laid out as if it ran forwards, then drawn reversed.
        left, right = (u, v) if cu < cv else (v, u)
        lo, hi = min(cu, cv), max(cu, cv)
        chain: list[Any] = [left]
        for c in range(lo + 1, hi):
            dummy = ("~", left, right, c)
            items[c].append(dummy)
            down[dummy], up[dummy] = [], []
            chain.append(dummy)
        chain.append(right)
        for a, b in itertools.pairwise(chain):
            up[a].append(b)
            down[b].append(a)
        chains[(u, v)] = chain if cu < cv else chain[::-1]
    for col in items:
        col.sort(key=_sort_key)
    return _Layers(items, down, up, chains, flat)


def _crossings_between(left: list[Any], right: list[Any], up: dict[Any, list[Any]]) -> int:
    """Crossings of the links between two adjacent columns (inversion count)."""
    where = {item: i for i, item in enumerate(right)}
    links = sorted((i, where[b]) for i, a in enumerate(left) for b in up[a])
    # Count pairs i1 < i2 with j1 > j2, with a Fenwick tree over j.
    size = len(right)
    tree = [0] * (size + 1)
    total = 0
    for seen, (_, j) in enumerate(links):
        # links before this one with a larger j: seen minus those with j' <= j
        k, below = j + 1, 0
        while k > 0:
            below += tree[k]
            k -= k & -k
        total += seen - below
        k = j + 1
        while k <= size:
            tree[k] += 1
            k += k & -k
    return total


def _total_crossings(items: list[list[Any]], up: dict[Any, list[Any]]) -> int:
    return sum(_crossings_between(items[c], items[c + 1], up) for c in range(len(items) - 1))


def _sweep(items: list[list[Any]], links: dict[Any, list[Any]], columns: Iterable[int], side: int):
    """Reorder each column by the barycentre of its links into the column ``side`` of it."""
    for c in columns:
        where = {item: i for i, item in enumerate(items[c + side])}
        keyed = []
        for i, item in enumerate(items[c]):
            linked = links[item]
            bary = sum(where[o] for o in linked) / len(linked) if linked else float(i)
            keyed.append((bary, _sort_key(item), item))
        keyed.sort(key=lambda t: (t[0], t[1]))
        items[c] = [t[2] for t in keyed]


def _cross(above: list[int], below: list[int]) -> int:
    """Crossings between the links of two neighbours, the first placed above the second.

    ``above`` and ``below`` are the sorted positions their links reach.
    """
    if not above or not below or above[-1] <= below[0]:
        return 0
    return sum(bisect.bisect_left(below, p) for p in above)


def _transpose(
    items: list[list[Any]], layers: _Layers, *, ties: bool = False, rounds: int = 1
) -> None:
    """Swap neighbours in a column while that removes crossings (Gansner et al.'s transpose).

    With ``ties``, neighbours whose swap leaves the crossings as they are swap
    too: that moves the search off a plateau, and the caller keeps the best order.
    """
    n = len(items)
    for _ in range(rounds):
        improved = False
        for c in range(n):
            column = items[c]
            left = {it: i for i, it in enumerate(items[c - 1])} if c > 0 else {}
            right = {it: i for i, it in enumerate(items[c + 1])} if c < n - 1 else {}
            reach = {
                item: (
                    sorted(left[x] for x in layers.down[item]),
                    sorted(right[x] for x in layers.up[item]),
                )
                for item in column
            }
            for i in range(len(column) - 1):
                u, v = column[i], column[i + 1]
                (lu, ru), (lv, rv) = reach[u], reach[v]
                swapped = _cross(lv, lu) + _cross(rv, ru)
                kept = _cross(lu, lv) + _cross(ru, rv)
                if swapped < kept or (ties and swapped == kept and kept > 0):
                    column[i], column[i + 1] = v, u
                    improved = improved or swapped < kept
        if not improved:
            break


def _order(layers: _Layers, *, seed: int) -> int:
    """Order every column to keep crossings low; return the crossings left.

    Each pass sorts the columns by barycentre left to right, then right to
    left, each sweep followed by transposes; a pass that does not beat the
    best order so far starts the next one from the best. Then the same from
    a few shuffled starts (seeded), and the fewest crossings win (the first
    found on a tie).
    """
    n = len(layers.items)
    links = sum(len(v) for v in layers.up.values())
    # A graph too big to read whole still gets an order, with less polish.
    big = links > BIG_LINKS
    passes, rounds = (2, 1) if big else (PASSES, TRANSPOSE_ROUNDS)

    def run(start: list[list[Any]]) -> tuple[int, list[list[Any]]]:
        items = [list(col) for col in start]
        best = (_total_crossings(items, layers.up), [list(col) for col in items])
        stale = 0
        for k in range(passes):
            if best[0] == 0:
                break
            _sweep(items, layers.down, range(1, n), -1)
            _transpose(items, layers, ties=k % 2 == 1, rounds=rounds)
            _sweep(items, layers.up, range(n - 2, -1, -1), +1)
            _transpose(items, layers, ties=k % 2 == 1, rounds=rounds)
            found = _total_crossings(items, layers.up)
            if found < best[0]:
                best, stale = (found, [list(col) for col in items]), 0
            else:
                stale += 1
                if stale > STALE_PASSES:
                    break
                items = [list(col) for col in best[1]]
        return best

    best = run(layers.items)
    rng = random.Random(seed)
    restarts = RESTARTS if links <= RESTART_LIMIT else 0
    for _ in range(restarts):
        if best[0] == 0:
            break
        found = run([rng.sample(col, len(col)) for col in layers.items])
        if found[0] < best[0]:
            best = found
    layers.items[:] = best[1]
    return best[0]


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


def _placement(layers: _Layers, heights: Mapping[Any, float]) -> dict[Any, float]:
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


def label_lines(label: str) -> int:
    """The number of lines of a label."""
    return label.count("\n") + 1


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
    layers = _build_layers(G, column, len(columns))
    if method == "dot":
        _order_by_dot(G, layers, column)
        crossings = _total_crossings(layers.items, layers.up)
    else:
        crossings = _order(layers, seed=seed)
    heights: dict[Any, float] = {n: label_lines(labels[n]) + NODE_PAD for n in G}
    for col in layers.items:
        for item in col:
            heights.setdefault(item, EDGE_HEIGHT)
    y = _placement(layers, heights)
    x = {item: float(c) for c, col in enumerate(layers.items) for item in col}
    point = {item: (x[item], -y[item] + 0.0) for item in y}
    pos = {n: point[n] for n in sorted(G)}
    width = max((len(line) for text in labels.values() for line in text.split("\n")), default=1)
    # Half the width of each box, and of the widest box of each column, in columns.
    pitch = width * CHAR_EM + 2 * BOX_PAD + COLUMN_GAP_EM
    half = {
        n: (max(map(len, labels[n].split("\n"))) * CHAR_EM + 2 * BOX_PAD) / 2 / pitch for n in G
    }
    column_half = [max((half[i] for i in col if i in half), default=0.0) for col in layers.items]
    routes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for pair, chain in layers.chains.items():
        halves = [half[i] if i in half else column_half[int(x[i])] + 0.02 for i in chain]
        routes[pair] = _route([point[i] for i in chain], halves)
    for u, v in layers.flat:
        routes[(u, v)] = _flat_route(point[u], point[v])
    return DiagramLayout(
        pos=pos,
        routes=routes,
        columns=columns,
        labels=labels,
        heights={n: heights[n] for n in G},
        crossings=crossings,
        label_chars=width,
    )


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


def dot_available() -> bool:
    """Whether the Graphviz ``dot`` program is installed."""
    return shutil.which("dot") is not None


def _order_by_dot(G: nx.MultiDiGraph, layers: _Layers, column: dict[str, int]) -> None:
    """Order each column as Graphviz ``dot`` orders it (placeholders by their chain)."""
    if not dot_available():
        raise ChokegraphError(
            "the 'dot' layout needs Graphviz's dot program, which is not installed"
        )
    ids = {n: f"n{i}" for i, n in enumerate(sorted(G))}
    lines = ["digraph G {", "rankdir=LR;", "node [shape=box];"]
    by_column: dict[int, list[str]] = {}
    for n, c in column.items():
        by_column.setdefault(c, []).append(ids[n])
    for c in sorted(by_column):
        lines.append("{rank=same; " + " ".join(sorted(by_column[c])) + ";}")
    for u, v in sorted({(u, v) for u, v in G.edges() if u != v}):
        lines.append(f"{ids[u]} -> {ids[v]};")
    lines.append("}")
    try:
        out = subprocess.run(
            ["dot", "-Tplain"], input="\n".join(lines), capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ChokegraphError(f"Graphviz dot failed: {exc}") from exc
    back = {v: k for k, v in ids.items()}
    dot_y: dict[Any, float] = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            dot_y[back[parts[1]]] = -float(parts[3])  # dot's y grows upwards
    # A placeholder sits where its edge would cross the column, between its ends.
    for chain in layers.chains.values():
        a, b = chain[0], chain[-1]
        for k, item in enumerate(chain[1:-1], start=1):
            t = k / (len(chain) - 1)
            dot_y[item] = dot_y[a] + t * (dot_y[b] - dot_y[a])
    for col in layers.items:
        col.sort(key=lambda item: (dot_y[item], _sort_key(item)))


# ---------------------------------------------------------------- colours


def _hex_to_rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _rgb_to_hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def shortfall_colour(shortfall: float | None) -> str:
    """The fill colour for a node with this steady shortfall (light grey when unaffected).

    Examples
    --------
    >>> shortfall_colour(0.0), shortfall_colour(1.0), shortfall_colour(0.05)
    ('#e3e3e3', '#440154', '#dde326')
    """
    if shortfall is None or shortfall <= AFFECTED:
        return UNAFFECTED
    s = min(1.0, float(shortfall)) * (len(SHORTFALL_STOPS) - 1)
    i = min(int(s), len(SHORTFALL_STOPS) - 2)
    t = s - i
    a, b = _hex_to_rgb(SHORTFALL_STOPS[i]), _hex_to_rgb(SHORTFALL_STOPS[i + 1])
    return _rgb_to_hex(x + t * (y - x) for x, y in zip(a, b, strict=True))


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``.

    Examples
    --------
    >>> text_colour("#440154"), text_colour("#fde725")
    ('white', 'black')
    """

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _hex_to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.18 else "black"


def node_colours(
    G: nx.MultiDiGraph, *, shortfall: Mapping[str, float] | None = None
) -> dict[str, str]:
    """Fill colour of every node: by shortfall when given, else by kind.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    shortfall : mapping, optional
        ``{node: steady shortfall}`` of a scenario; nodes missing from it are
        unaffected.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("chn", kind="country")
    >>> node_colours(G)
    {'chn': '#cfe3f3'}
    >>> node_colours(G, shortfall={"chn": 1.0})
    {'chn': '#440154'}
    """
    if shortfall is None:
        return {n: KIND_COLOURS.get(k, KIND_COLOURS[OTHER_KIND]) for n, k in G.nodes(data="kind")}
    return {n: shortfall_colour(shortfall.get(n, 0.0)) for n in G}


@dataclass(frozen=True)
class ScenarioMarks:
    """What a scenario did to each node and edge, keyed by graph ids.

    ``shortfall`` and ``days_to_impact`` hold every affected node; ``keep``
    holds every supplies edge ``(u, v, key)`` a restriction cut (what it keeps, < 1).
    """

    shortfall: dict[str, float]
    days_to_impact: dict[str, int | None]
    removed: frozenset[str]
    keep: dict[tuple[str, str, Any], float]
    title: str


def scenario_marks(result: Any) -> ScenarioMarks:
    """Read what a ``WhatIf`` result did to each node and edge.

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"},
    ...     {"id": "x", "kind": "industry"}],
    ...   "edges": [{"from": "chn", "to": "x", "commodity": "ga", "share": 0.5}]})
    >>> marks = scenario_marks(analysis.what_if(G, [analysis.Restriction("chn", ["ga"])]))
    >>> marks.shortfall, marks.keep
    ({'x': 0.5}, {('chn', 'x', 'ga'): 0.0})
    """
    C, raw = result.compiled, result.raw
    shortfall = {r["node"]: r["shortfall"] for r in result.records}
    days = {r["node"]: r["days_to_impact"] for r in result.records}
    keep = {}
    for e in range(len(C.src)):
        if raw.keep[e] < 1.0:
            u, v = C.nodes[C.src[e]], C.nodes[C.dst[e]]
            keep[(u, v, C.commodities[C.edge_commodity[e]])] = float(raw.keep[e])
    return ScenarioMarks(
        shortfall=shortfall,
        days_to_impact=days,
        removed=frozenset(result.scenario.removed),
        keep=keep,
        title=result.title(),
    )
