"""Many single-node removals at once, each computing only what it can reach.

Removing a node changes only its descendants along supplies edges: every
other node keeps availability 1 (no flow is lost upstream of, or beside, the
removed node). ``removal_runs`` therefore stacks many candidates together as
*pairs* ``(candidate, node)``, one for each descendant of each candidate, and
walks the compiled levels once for all of them, a level's pairs in one
vectorised step. A supplier outside a candidate's descendants is read as 1.

Each pair is computed with the arithmetic of ``propagation.solve`` in its
order (each input's lost flow summed over its edges in compiled order, the
alternatives likewise), so every availability is bit for bit the one of a
one-at-a-time ``propagate`` with that node removed. A candidate whose
descendants enter a cyclic level is left to the one-at-a-time run (a cycle
settles over its whole level, so its sweeps and exact solves depend on the
level's other nodes): ``RemovalRuns.cyclic`` names them.

Examples
--------
>>> import graph
>>> from analysis.compiled import compile_graph
>>> C = compile_graph(graph.load())
>>> runs = removal_runs(C, np.array([C.index["gallium"]]))
>>> float(runs.availability(0)[runs.nodes(0) == C.index["gallium"]][0])
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.compiled import CompiledGraph

#: Pairs (candidate x node reached) per chunk, which bounds the memory: a
#: level's pair-edges are a few times this, at 8 bytes each per array.
PAIRS = 1 << 20


@dataclass
class Reach:
    """The compiled graph's structure as the pair walk reads it, made once per graph."""

    out_ptr: np.ndarray  # out-edges of node i: out_dst[out_ptr[i]:out_ptr[i + 1]]
    out_dst: np.ndarray
    out_edge: np.ndarray  # the compiled index of each out-edge
    alt_ptr: np.ndarray  # alternatives (edges with a spare) of slot s: alt_edge[alt_ptr[s]:...]
    alt_edge: np.ndarray
    node_level: np.ndarray  # level of each node with inputs, -1 for none
    cyclic_node: np.ndarray  # whether the node lies in a cyclic level
    has_alt: np.ndarray  # per level, whether it has alternatives


def reach(C: CompiledGraph) -> Reach:
    """Prepare ``C`` for ``removal_runs`` (once per compiled graph)."""
    order = np.argsort(C.src, kind="stable")
    alt = np.flatnonzero(C.spare > 0)  # in edge order, so by slot
    node_level = np.full(C.n_nodes, -1, dtype=np.int64)
    cyclic_node = np.zeros(C.n_nodes, dtype=bool)
    for i, level in enumerate(C.levels):
        node_level[level.nodes] = i
        cyclic_node[level.nodes] = level.cyclic
    return Reach(
        out_ptr=np.searchsorted(C.src[order], np.arange(C.n_nodes + 1)),
        out_dst=C.dst[order],
        out_edge=order,
        alt_ptr=np.searchsorted(C.edge_slot[alt], np.arange(len(C.slot_node) + 1)),
        alt_edge=alt,
        node_level=node_level,
        cyclic_node=cyclic_node,
        has_alt=np.array([lv.alt.size > 0 for lv in C.levels], dtype=bool),
    )


@dataclass
class RemovalRuns:
    """The steady states of a chunk of removals, on each candidate's descendants.

    ``keys`` are ``candidate position * n_nodes + node``, sorted: candidate
    ``j``'s pairs are ``keys[start[j]:start[j + 1]]``, its nodes in id order.
    ``slot_keys``/``slot_lost`` hold the lost flow of every input reached.
    """

    n_nodes: int
    keys: np.ndarray
    a: np.ndarray  # availability of each pair
    start: np.ndarray
    slot_keys: np.ndarray  # candidate position * n_slots + slot, sorted
    slot_lost: np.ndarray
    slot_start: np.ndarray
    cyclic: np.ndarray  # per candidate: left to the one-at-a-time run

    def nodes(self, j: int) -> np.ndarray:
        """The node indices candidate ``j`` reaches (itself included), in id order."""
        return self.keys[self.start[j] : self.start[j + 1]] - j * self.n_nodes

    def availability(self, j: int) -> np.ndarray:
        """Availability of ``nodes(j)`` with candidate ``j`` removed."""
        return self.a[self.start[j] : self.start[j + 1]]


def _ranges(ptr: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs ``ptr[i]:ptr[i + 1]`` of ``items`` end to end, and each one's item position."""
    starts = ptr[items]
    counts = ptr[items + 1] - starts
    shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return shift + np.arange(shift.size, dtype=np.int64), np.repeat(np.arange(items.size), counts)


def descendants(R: Reach, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``j * n + v`` of the nodes ``v`` candidate ``j`` reaches, itself included.

    Also the sorted keys ``j * m + e`` of the edges ``e`` (of ``m``) whose
    supplier candidate ``j`` reaches: the only edges whose flow it changes.
    """
    n, m = R.node_level.size, R.out_edge.size
    edges = []
    cand = np.asarray(candidates, dtype=np.int64)
    frontier = np.arange(cand.size, dtype=np.int64) * n + cand
    known = frontier
    while frontier.size:
        j, v = np.divmod(frontier, n)
        at, owner = _ranges(R.out_ptr, v)
        edges.append(j[owner] * m + R.out_edge[at])  # each pair is a frontier once
        new = np.sort(j[owner] * n + R.out_dst[at])
        fresh = np.ones(new.size, dtype=bool)
        fresh[1:] = new[1:] != new[:-1]
        # Drop what is known already: ``known`` is sorted, so a binary search finds it.
        at = np.minimum(np.searchsorted(known, new), known.size - 1)
        new = new[fresh & (known[at] != new)]
        # Two sorted runs: the stable sort (a merge) puts them together fast.
        known = np.sort(np.concatenate([known, new]), kind="stable")
        frontier = new
    return known, np.sort(np.concatenate(edges)) if edges else np.zeros(0, dtype=np.int64)


def removal_runs(C: CompiledGraph, candidates: np.ndarray, R: Reach | None = None) -> RemovalRuns:
    """The steady state of each removal in ``candidates``, on its descendants only."""
    R = reach(C) if R is None else R
    n = C.n_nodes
    keys, pair_edges = descendants(R, candidates)
    cand_of, node = np.divmod(keys, n)
    m = len(C.src)
    pe_cand, pe_edge = np.divmod(pair_edges, m)
    # The edges of candidates left to the one-at-a-time run are not solved here.
    cyclic = np.zeros(len(candidates), dtype=bool)
    cyclic[cand_of[R.cyclic_node[node]]] = True
    on = ~cyclic[pe_cand]
    pe_cand, pe_edge = pe_cand[on], pe_edge[on]
    pe_src = np.searchsorted(keys, pe_cand * n + C.src[pe_edge])
    pe_level = R.node_level[C.dst[pe_edge]]
    pe_order = np.argsort(pe_level, kind="stable")  # by level, then candidate and edge
    pe_bounds = np.searchsorted(pe_level[pe_order], np.arange(len(C.levels) + 1))
    start = np.searchsorted(cand_of, np.arange(len(candidates) + 1))
    a = np.ones(keys.size + 1)  # the last entry: a supplier outside the descendants
    removed = np.zeros(keys.size, dtype=bool)
    removed[np.searchsorted(keys, np.arange(len(candidates)) * n + candidates)] = True
    a[:-1][removed] = 0.0
    level = R.node_level[node]
    live = (level >= 0) & ~cyclic[cand_of]
    order = np.flatnonzero(live)[np.argsort(level[live], kind="stable")]
    bounds = np.searchsorted(level[order], np.arange(len(C.levels) + 1))
    slot_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for i in np.unique(level[order]).tolist():
        rows = order[bounds[i] : bounds[i + 1]]  # pair positions of this level, key order
        pe = pe_order[pe_bounds[i] : pe_bounds[i + 1]]
        edges = (pe_cand[pe], pe_edge[pe], pe_src[pe])
        slot_keys, lost = _solve_level(C, R, keys, a, rows, removed, bool(R.has_alt[i]), edges)
        slot_parts.append((slot_keys, lost))
    if slot_parts:
        sk = np.concatenate([s for s, _ in slot_parts])
        sl = np.concatenate([x for _, x in slot_parts])
        o = np.argsort(sk, kind="stable")
        sk, sl = sk[o], sl[o]
    else:
        sk, sl = np.zeros(0, dtype=np.int64), np.zeros(0)
    n_slots = len(C.slot_node)
    slot_start = np.searchsorted(sk // max(n_slots, 1), np.arange(len(candidates) + 1))
    return RemovalRuns(n, keys, a[:-1], start, sk, sl, slot_start, cyclic)


def _solve_level(C, R, keys, a, rows, removed, has_alt, edges):
    """``propagation.solve`` (steady state, keep 1) for the pairs ``rows`` of one level.

    ``edges`` are the level's pair-edges whose supplier the candidate reaches
    (candidate, edge, supplier's pair), by candidate and edge. Any other edge
    loses ``share * (1 - 1) = 0``, and adding 0 to a sum changes no bit, so
    each input's lost flow sums these alone, in compiled edge order.
    """
    n, n_slots = C.n_nodes, len(C.slot_node)
    cand, node = np.divmod(keys[rows], n)
    slot_at, slot_pair = _ranges(C.slot_ptr, node)  # each pair's inputs, in slot order
    slot_key = cand[slot_pair] * n_slots + slot_at  # sorted
    k = slot_at.size
    e_cand, e, e_src = edges
    e_slot = np.searchsorted(slot_key, e_cand * n_slots + C.edge_slot[e])
    # As ``solve``: the keep of every edge is 1 (a removal cuts nothing), so
    # ``a * keep`` is ``a`` and the offer ``spare * keep * 1.0 * a`` is ``spare * a``.
    flow = C.share[e] * (1.0 - a[e_src])
    lost = np.bincount(e_slot, weights=flow, minlength=k)
    gap = lost
    if has_alt:
        at, alt_slot = _ranges(R.alt_ptr, slot_at)  # every alternative of these inputs
        alt = R.alt_edge[at]
        src_key = cand[slot_pair[alt_slot]] * n + C.src[alt]
        where = np.minimum(np.searchsorted(keys, src_key), keys.size - 1)
        src_row = np.where(keys[where] == src_key, where, keys.size)
        offer = C.spare[alt] * a[src_row]
        extra = np.bincount(alt_slot, weights=offer, minlength=k)
        gap = lost - np.minimum(lost, extra)
    gap = gap * (1.0 - C.slot_substitutable[slot_at])
    need = C.slot_dependence[slot_at] * gap
    first = np.searchsorted(slot_pair, np.arange(rows.size))
    new = np.clip(1.0 - np.maximum.reduceat(need, first), 0.0, 1.0)
    new[removed[rows]] = 0.0
    a[rows] = new
    return slot_key, lost
