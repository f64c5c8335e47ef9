"""The level solver: availability from the restrictions, one level at a time.

A level's nodes are computed together from their suppliers' availability
(``solve``); ``sweep`` solves the levels in order, repeating a cyclic level
until it settles. ``propagate`` gives the steady state; ``analysis.timeline``
calls the same pieces once a day, with stocks and ramps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.compiled import CONVERGED, CompiledGraph, Level, control_fraction
from analysis.scenario import Restriction
from graph.errors import ScenarioError
from graph.lookup import expand_commodities


def cut_edges(C: CompiledGraph, r: Restriction) -> tuple[np.ndarray, np.ndarray]:
    """The supplies edges ``r`` cuts (a mask), and how much of each node ``r.by`` controls.

    An edge is cut when its supplier is controlled by the restricting country,
    its commodity is restricted, and its consumer lies outside that country
    (and, with ``to``, inside one of the target countries).
    """
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
    return cut, frac


def edge_keep(C: CompiledGraph, restrictions: tuple[Restriction, ...]) -> np.ndarray:
    """What each supplies edge keeps of its flow under ``restrictions`` (all acting).

    A cut edge (``cut_edges``) keeps ``1 - severity * control``; several cuts
    on one edge multiply what they keep.
    """
    keep = np.ones(len(C.src))
    for r in restrictions:
        cut, frac = cut_edges(C, r)
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


def prepare(
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


def solve(
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


EXACT_EVERY = 16  # sweeps of a cyclic level between two tries of the exact solve
MAX_SWEEPS = 100_000  # a cyclic level that has not settled by then is an error


class NoConvergence(ScenarioError):
    """A cyclic level that did not settle; ``nodes`` holds its node indices."""

    def __init__(self, nodes: np.ndarray):
        self.nodes = nodes
        super().__init__(f"a supply cycle did not settle within {MAX_SWEEPS} sweeps")


@dataclass
class Linear:
    """One column of a level's numbers, as the exact solve of a cycle reads them."""

    nodes: np.ndarray  # positions of the level's nodes in ``a``
    src: np.ndarray  # per edge read on each solve: supplier's position in ``a``
    edge_slot: np.ndarray
    share: np.ndarray
    keep: np.ndarray
    fixed_gap: np.ndarray | None
    alt_src: np.ndarray | None
    alt_slot: np.ndarray | None
    alt_offer: np.ndarray | None  # with the ramp's factor applied
    kept: np.ndarray
    dependence: np.ndarray
    stock: np.ndarray | None
    owner_start: np.ndarray
    slot_owner: np.ndarray
    removed: np.ndarray  # per node of the level


def exact(q: Linear, a: np.ndarray) -> np.ndarray | None:
    """The fixed point of a cyclic level, solved with the pieces active at ``a``.

    The level's map is piecewise linear and monotone: at the current iterate
    each node's binding input, whether its alternatives or its stock cover
    the gap, and whether it is removed or clipped at 0, are fixed; with
    those, ``x = b + M x`` is a sparse linear system (M >= 0). Its solution
    is returned only if it is a fixed point of the map itself within 1e-12
    and lies nowhere above ``a`` (the sweeps only come down to the greatest
    fixed point); otherwise None, and the sweeps go on.
    """
    from scipy.sparse import csr_matrix, identity
    from scipy.sparse.linalg import spsolve

    k, n = q.kept.size, q.nodes.size
    lost, extra, need = _pieces(q, a)
    binding = np.full(n, -1)
    best = np.maximum.reduceat(need, q.owner_start)
    first = np.flatnonzero(need >= best[q.slot_owner])
    owners, at = np.unique(q.slot_owner[first], return_index=True)
    binding[owners] = first[at]
    linear = (best > 0) & (best < 1.0) & ~q.removed  # else the node is 0 or 1, held
    slot_of = np.where(linear, binding, -1)
    value = np.clip(1.0 - best, 0.0, 1.0)
    value[q.removed] = 0.0
    # Per input s bound at node v: a_v = 1 - dep kept (c - sum share keep a_u - sum offer a_u)
    # + dep stock, where c = fixed gap + sum share (the alternatives' sum only where
    # they fall short of the loss, the stock only where it does not cover the gap).
    weight = np.zeros(k)
    on = slot_of >= 0
    weight[slot_of[on]] = q.dependence[slot_of[on]] * q.kept[slot_of[on]]
    row_of_slot = np.full(k, -1)
    row_of_slot[slot_of[on]] = np.flatnonzero(on)
    c = np.bincount(q.edge_slot, weights=q.share, minlength=k)
    if q.fixed_gap is not None:
        c = c + q.fixed_gap
    b = value.copy()
    b[on] = 1.0 - weight[slot_of[on]] * c[slot_of[on]]
    if q.stock is not None:
        b[on] += q.dependence[slot_of[on]] * q.stock[slot_of[on]]
    position = np.full(int(a.size), -1)
    position[q.nodes] = np.arange(n)
    rows, cols, vals = [], [], []
    terms = [(q.src, q.edge_slot, q.share * q.keep)]
    if q.alt_src is not None:
        short = extra < lost  # where the alternatives do not cover the loss
        use = short[q.alt_slot]
        terms.append((q.alt_src[use], q.alt_slot[use], q.alt_offer[use]))
    for src, slot, coef in terms:
        r = row_of_slot[slot]
        live = r >= 0
        w = weight[slot[live]] * coef[live]
        inner = position[src[live]]
        inside = inner >= 0
        rows.append(r[live][inside])
        cols.append(inner[inside])
        vals.append(w[inside])
        np.add.at(b, r[live][~inside], w[~inside] * a[src[live][~inside]])
    M = csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
    with np.errstate(all="ignore"):
        try:
            x = spsolve((identity(n, format="csr") - M).tocsc(), b)
        except RuntimeError:
            return None
    x = np.atleast_1d(np.asarray(x, dtype=np.float64))
    if not np.isfinite(x).all() or (x > a[q.nodes] + CONVERGED).any():
        return None
    x = np.minimum(x, a[q.nodes])
    trial = a.copy()
    trial[q.nodes] = x
    _, _, need = _pieces(q, trial)
    again = np.clip(1.0 - np.maximum.reduceat(need, q.owner_start), 0.0, 1.0)
    again[q.removed] = 0.0
    if np.max(np.abs(again - x), initial=0.0) > CONVERGED:
        return None
    return again


def _pieces(q: Linear, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each input's lost flow, what its alternatives add, and its need at ``a`` (``solve``)."""
    k = q.kept.size
    lost = np.bincount(q.edge_slot, weights=q.share * (1.0 - a[q.src] * q.keep), minlength=k)
    if q.fixed_gap is not None:
        lost = q.fixed_gap + lost
    gap, extra = lost, np.zeros(k)
    if q.alt_src is not None:
        extra = np.bincount(q.alt_slot, weights=q.alt_offer * a[q.alt_src], minlength=k)
        gap = lost - np.minimum(lost, extra)
    gap = gap * q.kept
    uncovered = gap if q.stock is None else np.where(q.stock >= gap, 0.0, gap - q.stock)
    return lost, extra, q.dependence * uncovered


def linear_of(p: Pass, a: np.ndarray, removed: np.ndarray, stock, ramp) -> Linear:
    """The exact solve's view of one ``Pass`` (one-at-a-time engine)."""
    level = p.level
    offer = None
    if p.alt_src is not None:
        lost = solve(p, a, removed, stock, ramp)[2]
        factor = 1.0 if ramp is None else ramp.factors(p, lost)
        offer = p.alt_offer * factor
    return Linear(
        nodes=level.nodes,
        src=p.src,
        edge_slot=p.edge_slot,
        share=p.share,
        keep=p.keep,
        fixed_gap=p.fixed_gap,
        alt_src=p.alt_src,
        alt_slot=p.alt_slot,
        alt_offer=offer,
        kept=level.slot_kept,
        dependence=level.slot_dependence,
        stock=stock,
        owner_start=level.owner_start,
        slot_owner=level.slot_owner,
        removed=removed[level.nodes],
    )


def settle(solve_once, exact_once, nodes: np.ndarray) -> None:
    """Run a cyclic level's sweeps: ``solve_once()`` returns how far the last one moved.

    Every ``EXACT_EVERY`` sweeps, ``exact_once()`` tries the exact solve;
    after ``MAX_SWEEPS`` the level is an error (``NoConvergence``).
    """
    for count in range(1, MAX_SWEEPS + 1):
        if solve_once() <= CONVERGED:
            return
        if count % EXACT_EVERY == 0:
            exact_once()
    raise NoConvergence(nodes)


def sweep(
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
    Where the sweeps come down slowly (a cycle whose shares are close to 1),
    the level is solved exactly every few sweeps (``exact``).
    """
    gaps, losts = [], []
    for i, p in enumerate(passes):
        stock = None if stocks is None else stocks[i]
        ramp = None if ramps is None else ramps[i]
        nodes = p.level.nodes
        new, gap, lost = solve(p, a, removed, stock, ramp)
        if p.level.cyclic:
            a[nodes] = new
            last = [new, gap, lost]

            def once() -> float:
                last[:] = solve(p, a, removed, stock, ramp)  # noqa: B023 (called in this loop)
                moved = np.max(np.abs(last[0] - a[nodes]), initial=0.0)  # noqa: B023
                a[nodes] = last[0]  # noqa: B023
                return moved

            def jump() -> None:
                x = exact(linear_of(p, a, removed, stock, ramp), a)  # noqa: B023
                if x is not None:
                    a[nodes] = x  # noqa: B023

            settle(once, jump, nodes)
            new, gap, lost = last
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
    >>> from analysis.compiled import compile_graph
    >>> C = compile_graph(graph.load())
    >>> keep = edge_keep(C, (Restriction("chn", ("gallium",)),))
    >>> a, gaps = propagate(C, keep, np.zeros(C.n_nodes, dtype=bool))
    >>> bool(a.min() < 1.0)
    True
    """
    a = np.ones(C.n_nodes) if start is None else start.copy()
    a[removed] = 0.0
    passes = [prepare(level, keep, alternatives=alternatives) for level in C.levels]
    level_gaps, _ = sweep(passes, a, removed)
    gaps = np.zeros(len(C.slot_node))
    for level, gap in zip(C.levels, level_gaps, strict=True):
        gaps[level.slots] = gap
    return a, gaps
