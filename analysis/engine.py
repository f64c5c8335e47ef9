"""The propagation engine: the model of ``docs/model.md``, on arrays.

``compile_graph`` turns the networkx graph into flat arrays once: supplies
edges sorted by consumer and commodity, so that each *input* (a consumer's use
of one commodity) is a contiguous run of edges, and the nodes grouped into
*levels* (the generations of the condensation, in topological order). A run
then walks the levels once: every node's suppliers are finished before the
node itself, so a graph without cycles needs a single pass, and a fixed-point
loop runs only on levels that hold a cycle.

All maths is vectorised with numpy; networkx only does the structural work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from analysis.scenario import Restriction, Scenario
from graph.lookup import expand_commodities
from graph.memory import no_cyclic_gc

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
    del spare_all
    controls: dict[int, list[tuple[int, float]]] = {}
    if "controls" in kinds:
        supplies = [i for i, kind in enumerate(kinds) if kind != "controls"]
        for i, kind in enumerate(kinds):
            if kind == "controls":
                frac = 1.0 if shares[i] is None else float(shares[i])
                controls.setdefault(src_all[i], []).append((dst_all[i], frac))
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
    C.levels = _levels(C, np.ones(n, dtype=bool))
    return C


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


def _levels(C: CompiledGraph, keep_nodes: np.ndarray) -> list[Level]:
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


def edge_keep(C: CompiledGraph, restrictions: tuple[Restriction, ...]) -> np.ndarray:
    """What each supplies edge keeps of its flow under ``restrictions`` (all acting).

    An edge is cut when its supplier is controlled by the restricting country,
    its commodity is restricted, and its consumer lies outside that country
    (and, with ``to``, inside one of the target countries). Several cuts on
    one edge multiply what they keep.
    """
    keep = np.ones(len(C.src))
    for r in restrictions:
        by = C.index[r.by]
        frac = control_fraction(C, by)
        wanted = expand_commodities(C.G, r.commodities)
        cindex = [i for i, c in enumerate(C.commodities) if c in wanted]
        consumer_country = C.node_country[C.dst]
        if r.to is None:
            consumer_ok = consumer_country != by
        else:
            targets = [C.index[t] for t in r.to if C.index[t] != by]
            consumer_ok = np.isin(consumer_country, targets)
        cut = (frac[C.src] > 0) & np.isin(C.edge_commodity, cindex) & consumer_ok & (C.dst != by)
        keep[cut] *= 1.0 - r.severity * frac[C.src[cut]]
    return keep


@dataclass
class Pass:
    """A level made ready for one ``keep``.

    It holds the edges to read on every solve, the part of each input's
    lost flow that cannot change between solves, and the level's
    alternatives (``alt_*``, None when it has none).
    """

    level: Level
    src: np.ndarray
    share: np.ndarray
    keep: np.ndarray
    edge_slot: np.ndarray  # position of each edge's input in ``level.slots``
    fixed_gap: np.ndarray | None  # per input, from suppliers left out of ``src``
    alt_src: np.ndarray | None = None
    alt_slot: np.ndarray | None = None
    alt_offer: np.ndarray | None = None  # spare * keep: a(u) and the ramp multiply it


def _prepare(
    level: Level, keep: np.ndarray, constant: np.ndarray | None = None, *, alternatives: bool = True
) -> Pass:
    """Make ``level`` ready for ``keep``.

    ``constant`` holds, for every node, its availability where that is known
    not to change (NaN where it may): the lost flow of edges from those
    suppliers is summed once into ``fixed_gap`` instead of on every solve.
    ``alternatives=False`` leaves every spare out (the rule of DESIGN section 3).
    """
    edge_keep = keep[level.edges]
    p = Pass(level, level.edge_src, level.edge_share, edge_keep, level.edge_slot, None)
    if constant is not None:
        known = constant[level.edge_src]
        fixed = ~np.isnan(known)
        lost = level.edge_share[fixed] * (1.0 - known[fixed] * edge_keep[fixed])
        fixed_gap = np.bincount(level.edge_slot[fixed], weights=lost, minlength=level.slots.size)
        moving = ~fixed
        p = Pass(
            level,
            level.edge_src[moving],
            level.edge_share[moving],
            edge_keep[moving],
            level.edge_slot[moving],
            fixed_gap,
        )
    if alternatives and level.alt.size:
        # Every alternative is read on every solve, whoever supplies it: its
        # offer moves with the ramp even where its supplier is unaffected.
        p.alt_src = level.edge_src[level.alt]
        p.alt_slot = level.edge_slot[level.alt]
        p.alt_offer = level.alt_spare * edge_keep[level.alt]
    return p


@dataclass
class Ramp:
    """How far a level's alternatives have ramped up on one day of the timeline.

    ``t0`` is, for each of the level's inputs, the first day its lost flow
    was above 1e-12 (-1: not yet); it never resets.
    """

    level: Level
    t0: np.ndarray
    day: int = 0

    @classmethod
    def start(cls, level: Level) -> Ramp:
        return cls(level, np.full(level.slots.size, -1, dtype=np.int64))

    def factors(self, p: Pass, lost: np.ndarray) -> np.ndarray:
        """``ramp(u, v, day)`` of each alternative, given each input's lost flow today.

        An input whose first lost day is today has ``t - t0 = 0``: its
        alternatives add nothing today, except those with ``ramp_days`` 0,
        which add their whole spare from ``t0`` on.
        """
        t0 = self.t0[p.alt_slot]
        days = self.level.alt_ramp_days
        grown = np.minimum(1.0, (self.day - t0) / np.where(days > 0, days, 1.0))
        started = np.where(days > 0, grown, 1.0)
        today = (days == 0) & (lost[p.alt_slot] > CONVERGED)
        return np.where(t0 >= 0, started, today.astype(np.float64))

    def advance(self, lost: np.ndarray) -> bool:
        """Record today's first losses; whether some ramp is still growing after today."""
        self.t0[(self.t0 < 0) & (lost > CONVERGED)] = self.day
        t0 = self.t0[self.level.edge_slot[self.level.alt]]
        days = self.level.alt_ramp_days
        return bool(((t0 >= 0) & (days > 0) & (self.day - t0 < days)).any())


def _solve(
    p: Pass,
    a: np.ndarray,
    removed: np.ndarray,
    stock: np.ndarray | None,
    ramp: Ramp | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New availabilities of a level's nodes, the gap and the lost flow of each input.

    ``stock`` is the stock of each of the level's inputs (``None``: no
    stocks); ``ramp`` how far alternatives have ramped up (``None``: fully,
    the steady state).
    """
    level = p.level
    flow = p.share * (1.0 - a[p.src] * p.keep)
    lost = np.bincount(p.edge_slot, weights=flow, minlength=level.slots.size)
    if p.fixed_gap is not None:
        lost = p.fixed_gap + lost  # (bincount of no edges is an integer array)
    gap = lost
    if p.alt_src is not None:
        factor = 1.0 if ramp is None else ramp.factors(p, lost)
        offer = p.alt_offer * factor * a[p.alt_src]
        extra = np.bincount(p.alt_slot, weights=offer, minlength=level.slots.size)
        # 1 - A_c = lost - min(lost, extra): the alternatives make up what they can.
        gap = lost - np.minimum(lost, extra)
    gap = gap * level.slot_kept
    uncovered = gap if stock is None else np.where(stock >= gap, 0.0, gap - stock)
    need = level.slot_dependence * uncovered
    # Every node of a level has at least one input, so each owner_start is a real run.
    worst = np.maximum.reduceat(need, level.owner_start)
    new = np.clip(1.0 - worst, 0.0, 1.0)
    new[removed[level.nodes]] = 0.0
    return new, gap, lost


def _sweep(
    passes: list[Pass],
    a: np.ndarray,
    removed: np.ndarray,
    stocks: list[np.ndarray] | None = None,
    ramps: list[Ramp | None] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Solve the levels in order, updating ``a`` in place; return each level's gaps and losses.

    A cyclic level is swept until nothing moves more than 1e-12, which reaches
    the greatest fixed point because every sweep can only lower availability
    (less supply means more lost flow and less that alternatives can add).
    """
    gaps, losts = [], []
    for i, p in enumerate(passes):
        stock = None if stocks is None else stocks[i]
        ramp = None if ramps is None else ramps[i]
        nodes = p.level.nodes
        new, gap, lost = _solve(p, a, removed, stock, ramp)
        if p.level.cyclic:
            a[nodes] = new
            while True:
                new, gap, lost = _solve(p, a, removed, stock, ramp)
                moved = np.max(np.abs(new - a[nodes]), initial=0.0)
                a[nodes] = new
                if moved <= CONVERGED:
                    break
        a[nodes] = new
        gaps.append(gap)
        losts.append(lost)
    return gaps, losts


def propagate(
    C: CompiledGraph,
    keep: np.ndarray,
    removed: np.ndarray,
    *,
    start: np.ndarray | None = None,
    alternatives: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Steady-state availability of every node, and the gap of every input.

    Nodes without inputs keep their ``start`` value (default 1; 0 when
    removed). Levels are solved in topological order, cyclic ones to their
    greatest fixed point. Alternatives count fully ramped up;
    ``alternatives=False`` leaves them out.

    Examples
    --------
    >>> import graph
    >>> C = compile_graph(graph.load())
    >>> keep = edge_keep(C, (Restriction("chn", ("gallium",)),))
    >>> a, gaps = propagate(C, keep, np.zeros(C.n_nodes, dtype=bool))
    >>> bool(a.min() < 1.0)
    True
    """
    a = np.ones(C.n_nodes) if start is None else start.copy()
    a[removed] = 0.0
    passes = [_prepare(level, keep, alternatives=alternatives) for level in C.levels]
    level_gaps, _ = _sweep(passes, a, removed)
    gaps = np.zeros(len(C.slot_node))
    for level, gap in zip(C.levels, level_gaps, strict=True):
        gaps[level.slots] = gap
    return a, gaps


@dataclass
class Run:
    """The raw numbers of one scenario run.

    Per-node arrays are indexed like ``CompiledGraph.nodes``; the timeline
    and its figures have one column per node of ``affected``.
    """

    steady: np.ndarray  # steady-state availability
    keep: np.ndarray  # steady-state keep per supplies edge
    removed: np.ndarray  # bool mask
    affected: np.ndarray  # node indices that can fall short at all, sorted
    timeline: np.ndarray  # (horizon + 1) x len(affected) availability
    days_to_impact: np.ndarray  # per affected node, -1 for never
    gaps: np.ndarray  # steady-state gap per input
    peak_shortfall: np.ndarray  # per affected node: the largest 1 - a(v, t)
    days_to_peak: np.ndarray  # per affected node: first day at the peak, -1 without one
    lost_days: np.ndarray  # per affected node: sum over days of 1 - a(v, t)
    value_lost: np.ndarray  # per affected node: value * lost_days / 365, NaN without a value
    impact_cols: np.ndarray  # columns of the impacts (shortfall or peak > 1e-9), in order

    @property
    def impacts(self) -> np.ndarray:
        """Node indices of the impacts, sorted by shortfall, peak (largest first), then id."""
        return self.affected[self.impact_cols]


def run(C: CompiledGraph, scenario: Scenario) -> Run:
    """Run a resolved scenario (ids, not names) on a compiled graph.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import Restriction, Scenario
    >>> G = graph.load()
    >>> C = compile_graph(G)
    >>> r = run(C, Scenario(restrictions=(Restriction("chn", ("gallium",)),)))
    >>> bool((r.steady <= 1).all())
    True
    >>> bool((r.peak_shortfall >= 1.0 - r.steady[r.affected] - 1e-9).all())
    True
    """
    removed = np.zeros(C.n_nodes, dtype=bool)
    removed[[C.index[v] for v in scenario.removed]] = True
    keep = edge_keep(C, scenario.restrictions)
    steady, gaps = propagate(C, keep, removed)
    affected = np.flatnonzero(steady < 1.0)
    if C.has_alternatives:
        # A node can fall short for a while where only its alternatives save
        # it in the long run; none can fall below its availability without
        # alternatives (stocks, late starts and ramps only add supply).
        plain, _ = propagate(C, keep, removed, alternatives=False)
        affected = np.flatnonzero(plain < 1.0)
    timeline = _timeline(C, scenario, removed, affected)
    hit = timeline < 1.0 - AFFECTED
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    peak, at_peak, lost_days = timeline_figures(timeline)
    shortfall = 1.0 - steady[affected]
    cols = np.flatnonzero((shortfall > AFFECTED) | (peak > AFFECTED))
    # Node indices follow the ids' order, so the last key breaks ties by id.
    order = np.lexsort((affected[cols], -peak[cols], -shortfall[cols]))
    return Run(
        steady=steady,
        keep=keep,
        removed=removed,
        affected=affected,
        timeline=timeline,
        days_to_impact=first,
        gaps=gaps,
        peak_shortfall=peak,
        days_to_peak=at_peak,
        lost_days=lost_days,
        value_lost=C.node_value[affected] * lost_days / DAYS_PER_YEAR,
        impact_cols=cols[order],
    )


DAYS_PER_YEAR = 365  # value is a year's output: value_lost = value * lost_days / 365
_CHUNK = 1 << 20  # timeline cells per step of ``timeline_figures``, to bound its memory


def timeline_figures(timeline: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peak shortfall, first day at the peak (-1: none) and days lost, per column.

    The peak is reached on the first day whose shortfall is within 1e-9 of
    it; a column whose peak is at most 1e-9 has none.

    Examples
    --------
    >>> t = np.array([[1.0, 1.0], [0.5, 1.0], [0.75, 1.0]])
    >>> peak, day, lost = timeline_figures(t)
    >>> peak.tolist(), day.tolist(), lost.tolist()
    ([0.5, 0.0], [1, -1], [0.75, 0.0])
    """
    days, n = timeline.shape
    peak = np.zeros(n)
    at_peak = np.full(n, -1, dtype=np.int64)
    lost = np.zeros(n)
    step = max(1, _CHUNK // max(days, 1))
    for lo in range(0, n, step):
        short = 1.0 - timeline[:, lo : lo + step]
        top = short.max(axis=0, initial=0.0)
        first = (short >= top - AFFECTED).argmax(axis=0)
        peak[lo : lo + step] = top
        at_peak[lo : lo + step] = np.where(top > AFFECTED, first, -1)
        lost[lo : lo + step] = short.sum(axis=0)
    return peak, at_peak, lost


def _active(restrictions: tuple[Restriction, ...], t: int) -> tuple[Restriction, ...]:
    """The restrictions in force on day ``t``: ``start_day <= t < end_day``."""
    return tuple(
        r for r in restrictions if r.start_day <= t and (r.end_day is None or t < r.end_day)
    )


def _draw(stocks: list[np.ndarray], gaps: list[np.ndarray]) -> bool:
    """Take the day's gaps from the stocks; whether any input drew on one."""
    drew = False
    for i, (stock, gap) in enumerate(zip(stocks, gaps, strict=True)):
        drew = drew or bool(((stock > 0) & (gap > 0)).any())
        stocks[i] = np.where(stock >= gap, stock - gap, 0.0)
    return drew


def _timeline(
    C: CompiledGraph, scenario: Scenario, removed: np.ndarray, affected: np.ndarray
) -> np.ndarray:
    """Availability of the affected nodes on each day 0..horizon.

    Only the nodes of ``affected`` can ever fall short, so the days are
    simulated on that part alone, and every other supplier's lost flow is
    summed once per change of restrictions (a start or an end day) rather
    than every day. The simulation stops early once nothing can change any
    more: no restriction starts or ends later, no input is still drawing on
    a stock, and no alternative is still ramping up.
    """
    horizon = scenario.horizon
    out = np.ones((horizon + 1, affected.size))
    if affected.size == 0:
        return out
    mask = np.zeros(C.n_nodes, dtype=bool)
    mask[affected] = True
    levels = _levels(C, mask) if affected.size < C.n_nodes else C.levels
    # Unaffected suppliers are fully available every day; removed ones never are.
    constant = np.where(removed, 0.0, np.where(mask, np.nan, 1.0))
    restrictions = scenario.restrictions
    changes = {r.start_day for r in restrictions}
    changes |= {r.end_day for r in restrictions if r.end_day is not None}
    last_change = max(changes, default=0)
    stocks = [C.slot_stock[level.slots] for level in levels]
    ramps = [Ramp.start(level) if level.alt.size else None for level in levels]
    first = np.where(removed, 0.0, 1.0)  # each day starts from this; levels fill in the rest
    passes = None
    active_days = None
    for t in range(horizon + 1):
        if passes is None or t in changes:
            active = _active(restrictions, t)
            if active != active_days:
                keep, active_days = edge_keep(C, active), active
                passes = [_prepare(level, keep, constant) for level in levels]
        a = first.copy()
        for ramp in ramps:
            if ramp is not None:
                ramp.day = t
        gaps, losts = _sweep(passes, a, removed, stocks, ramps)
        out[t] = a[affected]
        # Tomorrow repeats today unless some input drew on a stock today, or
        # some alternative is still ramping up.
        drew = _draw(stocks, gaps)
        growing = False
        for ramp, lost in zip(ramps, losts, strict=True):
            if ramp is not None:
                growing = ramp.advance(lost) or growing
        if t >= last_change and not drew and not growing:
            out[t + 1 :] = out[t]
            break
    return out


def _first_at_max(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group, the position of its first value within ``TIE`` of the group's maximum.

    ``group`` must be sorted; within a group, the first position is the one
    with the smallest commodity name or supplier id, as the arrays are sorted
    that way. Groups without values get -1.
    """
    best = np.full(n_groups, -np.inf)
    np.maximum.at(best, group, values)
    at_max = np.flatnonzero(values >= best[group] - TIE)
    first = np.full(n_groups, -1)
    groups, where = np.unique(group[at_max], return_index=True)
    first[groups] = at_max[where]
    return first


def via_chains(C: CompiledGraph, r: Run, nodes: np.ndarray) -> list[list[str]]:
    """The chain of node ids that explains each node's loss, from its origin to the node.

    From a node, follow its binding input (the largest ``dependence * gap``,
    ties by commodity name; at a node that alternatives make whole in the
    long run, the largest ``dependence * lost``) to the supplier whose lost
    flow ``share * (1 - a * keep)`` is largest (ties by id). Stop at a
    removed supplier, or at an unaffected supplier whose edge is cut; never
    revisit. A removed node's chain is just itself.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import Restriction, Scenario
    >>> C = compile_graph(graph.load())
    >>> r = run(C, Scenario(restrictions=(Restriction("chn", ("gallium",)),)))
    >>> via_chains(C, r, r.impacts[:1])[0][0]
    'chn'
    """
    need = C.slot_dependence * r.gaps
    lost = C.share * (1.0 - r.steady[C.src] * r.keep)
    lost_by_slot = np.bincount(C.edge_slot, weights=lost, minlength=len(C.slot_node))
    need_lost = C.slot_dependence * lost_by_slot
    binding = _first_at_max(need, C.slot_node, C.n_nodes)
    binding_lost = _first_at_max(need_lost, C.slot_node, C.n_nodes)
    worst_edge = _first_at_max(lost, C.edge_slot, len(C.slot_node))
    chains = []
    for node in nodes:
        chain = [int(node)]
        v = int(node)
        while not r.removed[node]:
            slot = binding[v]
            if slot < 0 or need[slot] <= 0:
                # Nothing missing in the long run: what the alternatives make up for.
                slot = binding_lost[v]
                if slot < 0 or need_lost[slot] <= 0:
                    break
            edge = worst_edge[slot]
            u = int(C.src[edge])
            if u in chain:
                break
            chain.append(u)
            cut = r.keep[edge] < 1.0
            if r.removed[u] or (cut and 1.0 - r.steady[u] <= AFFECTED):
                break
            v = u
        chains.append([C.nodes[i] for i in reversed(chain)])
    return chains


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
