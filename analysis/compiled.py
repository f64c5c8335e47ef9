"""The graph compiled into arrays, once, for many runs.

``compile_graph`` turns the networkx graph into flat arrays: supplies edges
sorted by consumer and commodity, so that each *input* (a consumer's use of
one commodity) is a contiguous run of edges, and the nodes grouped into
*levels* (the generations of the condensation, in topological order), so that
a run can walk the levels once: every node's suppliers are finished before
the node itself. ``analysis.propagation`` solves the levels;
``analysis.timeline`` walks them day by day; ``analysis.engine`` runs a
scenario.

networkx does only the structural work here; the maths is numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from graph.memory import no_cyclic_gc

if TYPE_CHECKING:  # networkx is imported only when a graph needs it
    import networkx as nx

AFFECTED = 1e-9  # a shortfall above this counts as an impact
CONVERGED = 1e-12  # fixed-point sweeps stop when nothing moves more than this
TIE = 1e-12  # values closer than this are ties (broken by name / id)


@dataclass
class Level:
    """Nodes that can be computed together: none supplies another, unless ``cyclic``."""

    nodes: np.ndarray  # node indices with at least one input
    slots: np.ndarray  # their inputs (indices into the slot arrays)
    slot_owner: np.ndarray  # for each slot, the position of its node in ``nodes``
    edges: np.ndarray  # supplies edges into those inputs (indices into edge arrays)
    edge_slot: np.ndarray  # for each edge, the position of its slot in ``slots``
    cyclic: bool
    # Gathered once, as every day of the timeline reads them again:
    owner_start: np.ndarray = field(init=False)  # first slot of each node (slots sorted by node)
    edge_src: np.ndarray = field(init=False)
    edge_share: np.ndarray = field(init=False)
    slot_dependence: np.ndarray = field(init=False)
    slot_kept: np.ndarray = field(init=False)  # 1 - substitutable
    # The level's alternatives (edges with a spare), as positions in ``edges``;
    # empty when the level has none, which keeps the plain rule's arithmetic.
    alt: np.ndarray = field(init=False)
    alt_spare: np.ndarray = field(init=False)
    alt_ramp_days: np.ndarray = field(init=False)

    def gather(self, C: CompiledGraph) -> Level:
        """Fill the per-level copies of the compiled arrays."""
        self.owner_start = np.searchsorted(self.slot_owner, np.arange(self.nodes.size))
        self.edge_src = C.src[self.edges]
        self.edge_share = C.share[self.edges]
        self.slot_dependence = C.slot_dependence[self.slots]
        self.slot_kept = 1.0 - C.slot_substitutable[self.slots]
        spare = C.spare[self.edges]
        self.alt = np.flatnonzero(spare > 0)
        self.alt_spare = spare[self.alt]
        self.alt_ramp_days = C.ramp_days[self.edges[self.alt]]
        return self


@dataclass
class CompiledGraph:
    """A graph compiled into arrays, ready for many runs.

    Examples
    --------
    >>> import graph
    >>> C = compile_graph(graph.load())
    >>> C.n_nodes == len(C.nodes)
    True
    """

    G: nx.MultiDiGraph
    nodes: list[str]
    index: dict[str, int]
    commodities: list[str]
    node_country: np.ndarray  # index of the node's country node, or -1
    is_country: np.ndarray
    kinds: tuple[str, ...]  # the node kinds present, sorted
    node_kind: np.ndarray  # per node, its kind's index in ``kinds``
    node_value: np.ndarray  # annual output value in USD, NaN where not given
    src: np.ndarray  # supplies edges, sorted by input slot
    dst: np.ndarray
    share: np.ndarray
    spare: np.ndarray  # what an alternative can add on top of its share (0: none)
    ramp_days: np.ndarray  # days it takes to ramp up fully
    edge_commodity: np.ndarray
    edge_slot: np.ndarray
    slot_node: np.ndarray  # inputs: (consumer, commodity) pairs
    slot_commodity: np.ndarray
    slot_dependence: np.ndarray
    slot_substitutable: np.ndarray
    slot_stock: np.ndarray  # days of normal use held in stock
    slot_ptr: np.ndarray  # slots of node i are slot_ptr[i]:slot_ptr[i + 1]
    edge_ptr: np.ndarray  # edges of slot j are edge_ptr[j]:edge_ptr[j + 1]
    controls: dict[int, list[tuple[int, float]]]  # country -> [(node, fraction)]
    levels: list[Level] = field(default_factory=list)

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def has_alternatives(self) -> bool:
        """Whether any supplies edge carries a ``spare``."""
        return bool((self.spare > 0).any())

    def kind_of(self, i: int) -> str:
        """The kind of node ``i`` (``country``, ``mineral``, ...)."""
        return self.kinds[self.node_kind[i]]


def compile_graph(G: nx.MultiDiGraph) -> CompiledGraph:
    """Compile a chokegraph graph into arrays (do it once, run many scenarios).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load`` or ``graph.from_dict``.

    Returns
    -------
    CompiledGraph

    Examples
    --------
    >>> import graph
    >>> C = compile_graph(graph.load())
    >>> len(C.levels) > 1
    True
    """
    with no_cyclic_gc():
        return _compile(G)


def _compile(G: nx.MultiDiGraph) -> CompiledGraph:
    nodes = sorted(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    attrs = [G.nodes[v] for v in nodes]
    # Kinds as codes into the kinds present (the schema's list would pull in
    # pydantic, which a what-if from the cache never needs).
    kinds_present = tuple(sorted({a["kind"] for a in attrs}))
    kind_code = {kind: code for code, kind in enumerate(kinds_present)}
    node_kind = np.fromiter((kind_code[a["kind"]] for a in attrs), np.int8, n)
    is_country = node_kind == kind_code.get("country", -1)
    node_value = np.array([a.get("value") for a in attrs], dtype=np.float64).reshape(n)
    node_country = np.fromiter(
        (index.get(c, -1) if (c := a.get("country")) else -1 for a in attrs), np.int64, n
    )

    columns = _table_columns(G)
    if columns is not None:  # a graph.lazy.TableGraph: its edges are still columns
        src_all, dst_all, kinds, coms, shares, spares, ramps = _from_columns(columns, index)
    else:
        src_all, dst_all, kinds, coms, shares, spares, ramps = _from_adjacency(G, index)
    controls: dict[int, list[tuple[int, float]]] = {}
    if "controls" in kinds:
        supplies = [i for i, kind in enumerate(kinds) if kind != "controls"]
        for i, kind in enumerate(kinds):
            if kind == "controls":
                frac = 1.0 if shares[i] is None else float(shares[i])
                controls.setdefault(int(src_all[i]), []).append((int(dst_all[i]), frac))
        src_all, dst_all, coms, shares = (
            [column[i] for i in supplies] for column in (src_all, dst_all, coms, shares)
        )
        if spares is not None:
            spares, ramps = spares[supplies], ramps[supplies]
    m = len(coms)
    commodities = sorted(set(coms) | set(G.graph.get("commodities", ())))
    cindex = {c: i for i, c in enumerate(commodities)}
    src = np.array(src_all, dtype=np.int64).reshape(m)
    dst = np.array(dst_all, dtype=np.int64).reshape(m)
    ecom = np.array([cindex[c] for c in coms], dtype=np.int64).reshape(m)
    share = np.array(shares, dtype=np.float64).reshape(m)
    del src_all, dst_all, kinds, coms, shares
    # Sorting by (consumer, commodity name, supplier) makes each input a contiguous run
    # and fixes the order of every sum, so results do not depend on file order.
    # Commodity indices follow the names' order, and lexsort is stable.
    order = np.lexsort((src, ecom, dst))
    dst, ecom, src, share = dst[order], ecom[order], src[order], share[order]
    spare = np.zeros(m) if spares is None else spares[order]
    ramp_days = np.zeros(m) if ramps is None else ramps[order]

    new_slot = np.ones(m, dtype=bool)
    if m:
        new_slot[1:] = (dst[1:] != dst[:-1]) | (ecom[1:] != ecom[:-1])
    edge_slot = np.cumsum(new_slot) - 1
    starts = np.flatnonzero(new_slot)
    slot_node = dst[starts]
    slot_commodity = ecom[starts]
    dependence, substitutable, stock = _slot_settings(attrs, cindex, slot_node, slot_commodity)
    edge_ptr = np.append(starts, m)
    slot_ptr = np.searchsorted(slot_node, np.arange(n + 1))

    C = CompiledGraph(
        G=G,
        nodes=nodes,
        index=index,
        commodities=commodities,
        node_country=node_country,
        is_country=is_country,
        kinds=kinds_present,
        node_kind=node_kind,
        node_value=node_value,
        src=src,
        dst=dst,
        share=share,
        spare=spare,
        ramp_days=ramp_days,
        edge_commodity=ecom,
        edge_slot=edge_slot,
        slot_node=slot_node,
        slot_commodity=slot_commodity,
        slot_dependence=dependence,
        slot_substitutable=substitutable,
        slot_stock=stock,
        slot_ptr=slot_ptr,
        edge_ptr=edge_ptr,
        controls=controls,
    )
    C.levels = levels_within(C, np.ones(n, dtype=bool))
    return C


def _table_columns(G: nx.MultiDiGraph) -> dict | None:
    """The edge columns of a ``graph.lazy.TableGraph`` (None for any other graph).

    Looked up on the type: asking a ``LazyGraph`` for an attribute it lacks
    would build its networkx graph.
    """
    columns = getattr(type(G), "edge_columns", None)
    return None if columns is None else columns(G)


def _from_columns(columns: dict, index: dict[str, int]) -> tuple:
    """Every edge's supplier and consumer index, kind, commodity, share, spare and ramp.

    The same values as ``_from_adjacency`` (in file order instead of
    adjacency order, which the sort of ``_compile`` makes irrelevant), read
    straight from the columns: no dict per edge.
    """
    # pandas hashes a million ids in C, ten times as fast as a dict lookup per edge;
    # a table was read with pandas, so it is imported already.
    import pandas as pd

    m = len(columns["from"])
    ids = pd.Index(list(index))
    positions = np.fromiter(index.values(), np.int64, len(index))
    src = positions[ids.get_indexer(columns["from"])]
    dst = positions[ids.get_indexer(columns["to"])]
    spare = columns.get("spare")
    if spare is None or not any(spare):
        spares = ramps = None
    else:
        ramp = columns.get("ramp_days") or [None] * m
        spares = np.nan_to_num(np.array(spare, dtype=np.float64).reshape(m), nan=0.0)
        ramps = np.nan_to_num(np.array(ramp, dtype=np.float64).reshape(m), nan=0.0)
    return src, dst, columns["kind"], columns["commodity"], columns["share"], spares, ramps


def _from_adjacency(G: nx.MultiDiGraph, index: dict[str, int]) -> tuple:
    """The columns of ``_from_columns``, walking the networkx adjacency."""
    # One list comprehension over the adjacency (each supplier's index looked up
    # once; every edge has these attributes), then arrays: a loop statement per
    # edge, or np.fromiter over a generator, costs twice as much at a million edges.
    rows = [
        (i, index[v], d["kind"], d["commodity"], d["share"], d.get("spare"))
        for u, successors in G.adjacency()
        for i in (index[u],)
        for v, keyed in successors.items()
        for d in keyed.values()
    ]
    src_all, dst_all, kinds, coms, shares, spare_all = (
        zip(*rows, strict=True) if rows else ((),) * 6
    )
    del rows
    spares, ramps = _alternatives(G, spare_all)
    return src_all, dst_all, kinds, coms, shares, spares, ramps


def _alternatives(
    G: nx.MultiDiGraph, spare: tuple[float | None, ...]
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Every edge's ``spare`` and ``ramp_days`` as arrays (0 where absent), in adjacency order.

    ``(None, None)`` when no edge has a spare, the common case: then neither
    the arrays nor a second walk over the edges for ``ramp_days`` are needed.
    """
    if not any(spare):
        return None, None
    m = len(spare)
    ramp_days = [
        d.get("ramp_days")
        for _, successors in G.adjacency()
        for keyed in successors.values()
        for d in keyed.values()
    ]
    spares = np.nan_to_num(np.array(spare, dtype=np.float64).reshape(m), nan=0.0)
    ramps = np.nan_to_num(np.array(ramp_days, dtype=np.float64).reshape(m), nan=0.0)
    return spares, ramps


def _slot_settings(
    attrs: list[dict],
    cindex: dict[str, int],
    slot_node: np.ndarray,
    slot_commodity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dependence, substitutable share and days of stock of every input (slot).

    An input's own settings apply where its node lists it under ``inputs``;
    otherwise dependence 1 and substitutable 0. Its stock is its own
    ``stockpile_days``, else the node's, else none.
    """
    k = slot_node.size
    n_commodities = max(len(cindex), 1)
    keys, dep, sub, days = [], [], [], []
    for i, a in enumerate(attrs):
        inputs = a.get("inputs")
        if not inputs:
            continue
        for commodity, spec in inputs.items():
            c = cindex.get(commodity)
            if c is None or not spec:
                continue
            keys.append(i * n_commodities + c)
            dep.append(spec.get("dependence"))
            sub.append(spec.get("substitutable"))
            days.append(spec.get("stockpile_days"))
    # None becomes NaN: "not given".
    node_days = np.array([a.get("stockpile_days") for a in attrs], dtype=np.float64)
    slot_days = np.full(k, np.nan)
    dependence = np.ones(k)
    substitutable = np.zeros(k)
    if keys:
        spec_key = np.array(keys, dtype=np.int64)
        order = np.argsort(spec_key)
        spec_key = spec_key[order]
        slot_key = slot_node * n_commodities + slot_commodity
        at = np.minimum(np.searchsorted(spec_key, slot_key), spec_key.size - 1)
        found = spec_key[at] == slot_key
        spec = order[at[found]]
        for target, values, default in (
            (dependence, dep, 1.0),
            (substitutable, sub, 0.0),
            (slot_days, days, np.nan),
        ):
            given = np.array(values, dtype=np.float64)[spec]
            target[found] = np.where(np.isnan(given), default, given)
    if k:
        slot_days = np.where(np.isnan(slot_days), node_days[slot_node], slot_days)
    stock = np.nan_to_num(slot_days, nan=0.0)
    return dependence, substitutable, stock


def levels_within(C: CompiledGraph, keep_nodes: np.ndarray) -> list[Level]:
    """Group the nodes in ``keep_nodes`` that have inputs into topological levels.

    A level is one generation of the condensation (strongly connected
    components in topological order): all suppliers of a level's nodes lie in
    earlier levels, or in the same cycle.
    """
    n = C.n_nodes
    on = keep_nodes[C.src] & keep_nodes[C.dst]
    src, dst = C.src[on], C.dst[on]
    generation, depth, complete = _generations(n, src, dst)
    if complete:
        # No cycle: every node is its own component, and scipy (a quarter of a
        # second to import, half the start-up of a command line) is not needed.
        n_scc, label = n, np.arange(n)
    else:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        adjacency = coo_matrix((np.ones(src.size), (src, dst)), shape=(n, n)).tocsr()
        n_scc, label = connected_components(adjacency, directed=True, connection="strong")
        cross = label[src] != label[dst]
        generation, depth, _ = _generations(n_scc, label[src][cross], label[dst][cross])

    cyclic = np.bincount(label, minlength=n_scc) > 1
    slot_on = keep_nodes[C.slot_node]
    slot_gen = np.where(slot_on, generation[label[C.slot_node]], -1)
    slots_by_gen = np.argsort(slot_gen, kind="stable")
    slot_bounds = np.searchsorted(slot_gen[slots_by_gen], np.arange(depth + 1))
    edge_gen = slot_gen[C.edge_slot]
    edges_by_gen = np.argsort(edge_gen, kind="stable")
    edge_bounds = np.searchsorted(edge_gen[edges_by_gen], np.arange(depth + 1))
    levels = []
    for g in range(depth):
        slots = slots_by_gen[slot_bounds[g] : slot_bounds[g + 1]]
        if slots.size == 0:
            continue
        edges = edges_by_gen[edge_bounds[g] : edge_bounds[g + 1]]
        nodes = np.unique(C.slot_node[slots])
        levels.append(
            Level(
                nodes=nodes,
                slots=slots,
                slot_owner=np.searchsorted(nodes, C.slot_node[slots]),
                edges=edges,
                edge_slot=np.searchsorted(slots, C.edge_slot[edges]),
                cyclic=bool(cyclic[label[nodes]].any()),
            ).gather(C)
        )
    return levels


def _generations(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, int, bool]:
    """Kahn's algorithm, one generation at a time, on ``n`` items and the edges ``src -> dst``.

    Returns the generation of every item (those without suppliers are 0, and
    each item comes one generation after its last supplier), the number of
    generations, and whether every item got one (False: there is a cycle).
    """
    order = np.argsort(src, kind="stable")
    targets_of = dst[order]
    ptr = np.searchsorted(src[order], np.arange(n + 1))
    indegree = np.bincount(dst, minlength=n)
    generation = np.zeros(n, dtype=np.int64)
    frontier = np.flatnonzero(indegree == 0)
    depth = done = 0
    while frontier.size:
        generation[frontier] = depth
        done += frontier.size
        # The out-edges of the frontier: the runs ptr[f]:ptr[f + 1], end to end.
        starts = ptr[frontier]
        counts = ptr[frontier + 1] - starts
        shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
        targets = targets_of[shift + np.arange(shift.size)]
        np.subtract.at(indegree, targets, 1)
        frontier = np.unique(targets[indegree[targets] == 0])
        depth += 1
    return generation, depth, done == n


def control_fraction(C: CompiledGraph, country: int) -> np.ndarray:
    """For every node, the fraction of its output that ``country`` can hold back.

    A country controls itself and the nodes located in it fully, and the
    targets of its ``controls`` edges by their share; the largest applies.
    """
    frac = np.zeros(C.n_nodes)
    frac[country] = 1.0
    frac[C.node_country == country] = 1.0
    for node, f in C.controls.get(country, ()):
        frac[node] = max(frac[node], f)
    return frac


def control_table(C: CompiledGraph) -> dict[str, dict[str, float]]:
    """For every node that some country controls, ``{country: fraction}``.

    The rule of ``control_fraction``, for every country at once: the one
    place it is written, for the analyses that read control without running
    a scenario (concentration).

    Examples
    --------
    >>> import graph
    >>> control_table(compile_graph(graph.load()))["chn"]
    {'chn': 1.0}
    """
    table: dict[str, dict[str, float]] = {}
    for country in np.flatnonzero(C.is_country):
        frac = control_fraction(C, int(country))
        for node in np.flatnonzero(frac > 0):
            table.setdefault(C.nodes[node], {})[C.nodes[country]] = float(frac[node])
    return table
