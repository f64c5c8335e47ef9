"""The batched engine: many runs of one scenario at once, as columns of the arrays.

A *column* is one run that differs from the compiled graph in a few
numbers: a sample of the uncertain parameters, one end of a sensitivity
range, or a candidate node removed (``Columns``). ``plan`` finds, once, the
part of the graph the scenario can reach: the nodes downstream of an edge
any restriction cuts or of a node any column removes. Every other node is
fully available in every column whatever its parameters (a node falls short
only through lost flow, and no flow is lost upstream of a cut), so only the
reached part is computed, with availability as a (nodes x columns) array.
``run_columns`` gives, per column, the steady state and the timeline figures
of every reached node, by the rules of ``analysis.propagation`` and
``analysis.timeline``, in the same order of operations: each column is the
one-at-a-time ``engine.run`` of its values (to 1e-12; bit for bit where the
levels match), and never depends on which other columns share its chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.compiled import AFFECTED, CONVERGED, CompiledGraph, Level, levels_within
from analysis.propagation import (
    EXACT_EVERY,
    MAX_SWEEPS,
    Linear,
    NoConvergence,
    cut_edges,
    exact,
)
from analysis.scenario import Scenario

#: The fields a column can change, and what they index.
EDGE_FIELDS = ("share", "spare")
SLOT_FIELDS = ("dependence", "substitutable", "stockpile_days")
CELLS = 1 << 23  # edge x column cells per step (64 MB a matrix): bounds the memory


@dataclass
class Columns:
    """What each of ``n`` columns changes: ``values[field] = (index, matrix)``.

    ``index`` holds edges (``share``, ``spare``: compiled edge order),
    inputs (``dependence``, ``substitutable``, ``stockpile_days``: slots),
    restrictions (``severity``) or nodes (``removed``: 1 removes the node in
    that column); ``matrix`` is ``len(index) x n``. Anything not named keeps
    its compiled (or scenario) value.

    Examples
    --------
    >>> cols = Columns(2, {"removed": (np.array([3]), np.array([[0.0, 1.0]]))})
    >>> cols.take(slice(1, 2)).values["removed"][1].tolist()
    [[1.0]]
    """

    n: int
    values: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def take(self, cols: slice) -> Columns:
        """The columns ``cols`` alone."""
        out = {f: (at, m[:, cols]) for f, (at, m) in self.values.items()}
        return Columns(len(range(*cols.indices(self.n))), out)


@dataclass
class _Level:
    """One level of the reached part, with row numbers instead of node indices."""

    level: Level
    rows: np.ndarray  # rows of the level's nodes
    src_rows: np.ndarray  # row of each edge's supplier (``one`` outside the reached part)
    moving: np.ndarray  # edges whose supplier is reached (the rest is constant in the timeline)
    alt: np.ndarray  # positions (in the level's edges) of edges that may carry a spare
    alt_ramp_days: np.ndarray
    cuts: list[tuple[np.ndarray, np.ndarray]]  # per restriction: (edge positions, fraction)
    base: dict[str, np.ndarray]  # compiled share, spare (of ``alt``), dependence, ... (per input)


@dataclass
class Plan:
    """The part of a compiled graph that a scenario (and its columns) can reach.

    Made once by ``plan``; it holds no reference to the compiled graph, so it
    travels to workers without the networkx graph.
    """

    nodes: np.ndarray  # reached node indices, sorted; row i is nodes[i]
    one: int  # the row of every supplier outside the reached part (always 1.0)
    levels: list[_Level]
    # Where each compiled edge / input lives: its level (-1: not reached) and position.
    edge_level: np.ndarray
    edge_pos: np.ndarray
    slot_level: np.ndarray
    slot_pos: np.ndarray
    removed: np.ndarray  # rows the scenario removes
    severity: np.ndarray  # per restriction
    windows: list[tuple[int, int | None]]  # per restriction: start_day, end_day
    horizon: int

    @property
    def cells(self) -> int:
        """Edges read per column and solve: the memory of one column."""
        return sum(lv.level.edges.size for lv in self.levels) + self.one + 1


@dataclass
class Result:
    """Per reached node (rows) and column: the steady state and the timeline figures."""

    nodes: np.ndarray
    steady: np.ndarray  # availability
    peak_shortfall: np.ndarray
    lost_days: np.ndarray
    days_to_impact: np.ndarray  # first day below 1 - 1e-9, -1 for never
    daily: np.ndarray | None = None  # days x kept nodes x columns: availability (``keep``)


def downstream(C: CompiledGraph, seeds: np.ndarray) -> np.ndarray:
    """Mask of the nodes reachable from ``seeds`` (a mask) along supplies edges, seeds included."""
    order = np.argsort(C.src, kind="stable")
    targets_of = C.dst[order]
    ptr = np.searchsorted(C.src[order], np.arange(C.n_nodes + 1))
    seen = seeds.copy()
    frontier = np.flatnonzero(seen)
    while frontier.size:
        starts, ends = ptr[frontier], ptr[frontier + 1]
        counts = ends - starts
        shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
        targets = targets_of[shift + np.arange(shift.size)]
        targets = np.unique(targets[~seen[targets]])
        seen[targets] = True
        frontier = targets
    return seen


def plan(
    C: CompiledGraph,
    scenario: Scenario,
    removable: np.ndarray | None = None,
    spare_edges: np.ndarray | None = None,
) -> Plan:
    """The reached part of ``C`` under ``scenario``, ready for ``run_columns``.

    ``removable`` lists nodes some column may remove; ``spare_edges`` edges
    some column may give a spare though their compiled spare is 0.

    Examples
    --------
    >>> import graph
    >>> from analysis.compiled import compile_graph
    >>> from analysis.scenario import Restriction
    >>> C = compile_graph(graph.load())
    >>> p = plan(C, Scenario(restrictions=(Restriction("chn", ("gallium",)),)))
    >>> 0 < p.nodes.size < C.n_nodes
    True
    """
    cuts = [cut_edges(C, r) for r in scenario.restrictions]
    seeds = np.zeros(C.n_nodes, dtype=bool)
    for cut, _ in cuts:
        seeds[C.dst[cut]] = True
    removed = np.array([C.index[v] for v in scenario.removed], dtype=np.int64)
    seeds[removed] = True
    if removable is not None:
        seeds[removable] = True
    reached = downstream(C, seeds)
    nodes = np.flatnonzero(reached)
    one = nodes.size
    row = np.full(C.n_nodes, one, dtype=np.int64)
    row[nodes] = np.arange(one)
    may_spare = C.spare > 0
    if spare_edges is not None:
        may_spare = may_spare.copy()
        may_spare[spare_edges] = True
    levels = []
    edge_level = np.full(len(C.src), -1, dtype=np.int32)
    edge_pos = np.zeros(len(C.src), dtype=np.int64)
    slot_level = np.full(len(C.slot_node), -1, dtype=np.int32)
    slot_pos = np.zeros(len(C.slot_node), dtype=np.int64)
    for i, level in enumerate(levels_within(C, reached) if one else []):
        edge_level[level.edges], edge_pos[level.edges] = i, np.arange(level.edges.size)
        slot_level[level.slots], slot_pos[level.slots] = i, np.arange(level.slots.size)
        alt = np.flatnonzero(may_spare[level.edges])
        level_cuts = []
        for cut, frac in cuts:
            on = cut[level.edges]
            level_cuts.append((np.flatnonzero(on), frac[level.edge_src[on]]))
        base = {
            "share": level.edge_share,
            "spare": C.spare[level.edges[alt]],
            "dependence": level.slot_dependence,
            "substitutable": C.slot_substitutable[level.slots],
            "stockpile_days": C.slot_stock[level.slots],
        }
        levels.append(
            _Level(
                level=level,
                rows=row[level.nodes],
                src_rows=row[level.edge_src],
                moving=reached[level.edge_src],
                alt=alt,
                alt_ramp_days=C.ramp_days[level.edges[alt]],
                cuts=level_cuts,
                base=base,
            )
        )
    r = scenario.restrictions
    return Plan(
        nodes=nodes,
        one=one,
        levels=levels,
        edge_level=edge_level,
        edge_pos=edge_pos,
        slot_level=slot_level,
        slot_pos=slot_pos,
        removed=row[removed],
        severity=np.array([x.severity for x in r], dtype=np.float64),
        windows=[(x.start_day, x.end_day) for x in r],
        horizon=scenario.horizon,
    )


@dataclass
class _Values:
    """One level's numbers for a chunk of columns (a column axis of 1 where all agree)."""

    share: np.ndarray
    spare: np.ndarray  # of the level's ``alt`` edges
    dependence: np.ndarray
    kept: np.ndarray  # 1 - substitutable
    stock: np.ndarray
    keep: np.ndarray | None = None  # per edge, under the restrictions in force
    fixed_gap: np.ndarray | None = None  # per input, from the suppliers outside (timeline)


def _level_values(P: Plan, cols: Columns) -> list[_Values]:
    """Each level's arrays with the columns' values written in (others stay one column wide)."""
    arrays = [{f: x[:, None] for f, x in lv.base.items()} for lv in P.levels]
    for fld, (index, matrix) in cols.values.items():
        if fld in EDGE_FIELDS:
            level_of, pos_of = P.edge_level[index], P.edge_pos[index]
        elif fld in SLOT_FIELDS:
            level_of, pos_of = P.slot_level[index], P.slot_pos[index]
        else:
            continue
        for i in np.unique(level_of[level_of >= 0]).tolist():
            on = level_of == i
            pos = pos_of[on]
            if fld == "spare":
                alt = P.levels[i].alt
                at = np.minimum(np.searchsorted(alt, pos), max(alt.size - 1, 0))
                if alt.size == 0 or (alt[at] != pos).any():
                    raise ValueError("a column sets a spare the plan was not told of")
                pos = at
            target = arrays[i][fld]
            if target.shape[1] != cols.n:
                target = arrays[i][fld] = np.repeat(target, cols.n, axis=1)
            target[pos] = matrix[on]
    return [
        _Values(
            share=x["share"],
            spare=x["spare"],
            dependence=x["dependence"],
            kept=1.0 - x["substitutable"],
            stock=x["stockpile_days"],
        )
        for x in arrays
    ]


def _segment_sum(index: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """``bincount`` of each column of ``weights`` (rows by ``index``), summing in the same order."""
    k = weights.shape[1]
    flat = (index[:, None] * k + np.arange(k)).ravel()
    return np.bincount(flat, weights=weights.ravel(), minlength=n * k).reshape(n, k)


def _keep(lv: _Level, v: _Values, severity: np.ndarray, active: list[int], n: int) -> np.ndarray:
    """Each edge's keep under the restrictions ``active``, per column (``edge_keep``'s rule)."""
    keep = np.ones((lv.level.edges.size, n))
    for r in active:
        at, frac = lv.cuts[r]
        if at.size:
            keep[at] *= 1.0 - severity[r][None, :] * frac[:, None]
    return keep


def _solve(lv, v, a, removed, stock, ramp):
    """``propagation.solve`` for every column of one level."""
    level = lv.level
    k = level.slots.size
    if v.fixed_gap is None:
        flow = v.share * (1.0 - a[lv.src_rows] * v.keep)
        lost = _segment_sum(level.edge_slot, flow, k)
    else:
        m = lv.moving
        flow = v.share[m] * (1.0 - a[lv.src_rows[m]] * v.keep[m])
        lost = v.fixed_gap + _segment_sum(level.edge_slot[m], flow, k)
    gap = lost
    if lv.alt.size:
        factor = 1.0 if ramp is None else ramp.factors(lv, lost)
        offer = v.spare * v.keep[lv.alt] * factor * a[lv.src_rows[lv.alt]]
        extra = _segment_sum(level.edge_slot[lv.alt], offer, k)
        gap = lost - np.minimum(lost, extra)
    gap = gap * v.kept
    uncovered = gap if stock is None else np.where(stock >= gap, 0.0, gap - stock)
    need = v.dependence * uncovered
    new = np.clip(1.0 - _node_max(need, level.owner_start), 0.0, 1.0)
    new[removed[lv.rows]] = 0.0
    return new, gap, lost


class _Ramp:
    """``propagation.Ramp`` for every column: first lost day of each input, per column."""

    def __init__(self, lv: _Level, n: int):
        self.t0 = np.full((lv.level.slots.size, n), -1, dtype=np.int64)
        self.day = 0

    def factors(self, lv: _Level, lost: np.ndarray) -> np.ndarray:
        alt_slot = lv.level.edge_slot[lv.alt]
        t0 = self.t0[alt_slot]
        days = lv.alt_ramp_days[:, None]
        grown = np.minimum(1.0, (self.day - t0) / np.where(days > 0, days, 1.0))
        started = np.where(days > 0, grown, 1.0)
        today = (days == 0) & (lost[alt_slot] > CONVERGED)
        return np.where(t0 >= 0, started, today.astype(np.float64))

    def factors_of(self, lv: _Level, lost: np.ndarray, j: np.ndarray) -> np.ndarray:
        """``factors`` of the alternatives ``j`` (positions in ``lv.alt``) alone."""
        alt_slot = lv.level.edge_slot[lv.alt[j]]
        t0 = self.t0[alt_slot]
        days = lv.alt_ramp_days[j][:, None]
        grown = np.minimum(1.0, (self.day - t0) / np.where(days > 0, days, 1.0))
        started = np.where(days > 0, grown, 1.0)
        today = (days == 0) & (lost[alt_slot] > CONVERGED)
        return np.where(t0 >= 0, started, today.astype(np.float64))

    def ramping(self, lv: _Level, alt_slot: np.ndarray, t: int) -> np.ndarray:
        """The inputs with an alternative whose factor on day ``t`` differs from the day before."""
        t0 = self.t0[alt_slot]
        days = lv.alt_ramp_days[:, None]
        moving = ((t0 >= 0) & (days > 0) & (t - t0 <= days)).any(axis=1)
        return alt_slot[moving]

    def advance(self, lv: _Level, lost: np.ndarray) -> np.ndarray:
        self.t0[(self.t0 < 0) & (lost > CONVERGED)] = self.day
        t0 = self.t0[lv.level.edge_slot[lv.alt]]
        days = lv.alt_ramp_days[:, None]
        return ((t0 >= 0) & (days > 0) & (self.day - t0 < days)).any(axis=0)


def _sweep(P, values, a, removed, stocks=None, ramps=None):
    """``propagation.sweep`` for every column; a cyclic level settles column by column."""
    gaps, losts = [], []
    for i, (lv, v) in enumerate(zip(P.levels, values, strict=True)):
        stock = None if stocks is None else stocks[i]
        ramp = None if ramps is None else ramps[i]
        gap, lost = _level(lv, v, a, removed, stock, ramp)
        gaps.append(gap)
        losts.append(lost)
    return gaps, losts


def _level(lv, v, a, removed, stock, ramp):
    """Solve one level for every column (to its fixed point if cyclic), updating ``a``."""
    new, gap, lost = _solve(lv, v, a, removed, stock, ramp)
    if lv.level.cyclic:
        a[lv.rows] = new
        active = np.ones(a.shape[1], dtype=bool)
        for count in range(1, MAX_SWEEPS + 1):
            again, gap2, lost2 = _solve(lv, v, a, removed, stock, ramp)
            moved = np.max(np.abs(again - a[lv.rows]), axis=0, initial=0.0)
            new[:, active] = again[:, active]
            gap[:, active] = gap2[:, active]
            lost[:, active] = lost2[:, active]
            a[lv.rows] = new
            active &= moved > CONVERGED
            if not active.any():
                break
            if count % EXACT_EVERY == 0:
                _jump(lv, v, a, removed, stock, ramp, active, lost2)
        else:
            raise NoConvergence(lv.level.nodes)
    a[lv.rows] = new
    return gap, lost


def _jump(lv, v, a, removed, stock, ramp, active, lost) -> None:
    """Try ``propagation.exact`` on every column of a cyclic level that has not settled."""
    level = lv.level
    factor = None if ramp is None or not lv.alt.size else ramp.factors(lv, lost)
    # The edges ``_solve`` reads: all of them, or in the timeline those from reached suppliers.
    edges = np.arange(level.edges.size) if v.fixed_gap is None else np.flatnonzero(lv.moving)
    for j in np.flatnonzero(active).tolist():

        def col(x, j=j):
            return None if x is None else x[:, min(j, x.shape[1] - 1)]

        offer = None
        if lv.alt.size:
            offer = col(v.spare) * col(v.keep)[lv.alt]
            if factor is not None:
                offer = offer * factor[:, j]
        q = Linear(
            nodes=lv.rows,
            src=lv.src_rows[edges],
            edge_slot=level.edge_slot[edges],
            share=col(v.share)[edges],
            keep=col(v.keep)[edges],
            fixed_gap=col(v.fixed_gap),
            alt_src=lv.src_rows[lv.alt] if lv.alt.size else None,
            alt_slot=level.edge_slot[lv.alt] if lv.alt.size else None,
            alt_offer=offer,
            kept=col(v.kept),
            dependence=col(v.dependence),
            stock=col(stock),
            owner_start=level.owner_start,
            slot_owner=level.slot_owner,
            removed=removed[lv.rows, j],
        )
        x = exact(q, a[:, j])
        if x is not None:
            a[lv.rows, j] = x


def _severity(P: Plan, cols: Columns) -> np.ndarray:
    """Restrictions x columns: each restriction's severity in each column."""
    out = np.repeat(P.severity[:, None], cols.n, axis=1)
    if "severity" in cols.values:
        index, matrix = cols.values["severity"]
        out[index] = matrix
    return out


def _removed(P: Plan, cols: Columns) -> np.ndarray:
    """Rows x columns: whether the node is removed in the column (the ``one`` row never)."""
    out = np.zeros((P.one + 1, cols.n), dtype=bool)
    out[P.removed] = True
    if "removed" in cols.values:
        index, matrix = cols.values["removed"]
        rows = np.searchsorted(P.nodes, index)
        out[rows] |= matrix > 0
    return out


def _steady(P: Plan, values: list[_Values], severity, removed) -> np.ndarray:
    """The steady state of every column: every restriction acting, alternatives fully up."""
    everything = list(range(len(P.windows)))
    for lv, v in zip(P.levels, values, strict=True):
        v.keep = _keep(lv, v, severity, everything, removed.shape[1])
        v.fixed_gap = None
    a = np.where(removed, 0.0, 1.0)
    _sweep(P, values, a, removed)
    return a[: P.one]


def _phase(P: Plan, values: list[_Values], severity, active: list[int], n: int) -> None:
    """Keep and constant lost flow of every level under the restrictions ``active``."""
    for lv, v in zip(P.levels, values, strict=True):
        v.keep = _keep(lv, v, severity, active, n)
        fixed = ~lv.moving
        # Suppliers outside the reached part are fully available every day.
        lost = v.share[fixed] * (1.0 - 1.0 * v.keep[fixed])
        v.fixed_gap = _segment_sum(lv.level.edge_slot[fixed], lost, lv.level.slots.size)


def _ranges(ptr: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs ``ptr[i]:ptr[i + 1]`` of ``items`` end to end, and each one's item position."""
    starts = ptr[items]
    counts = ptr[items + 1] - starts
    shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return shift + np.arange(shift.size), np.repeat(np.arange(items.size), counts)


class _State:
    """One level's timeline state: stocks, ramps, and yesterday's losses and gaps."""

    def __init__(self, lv: _Level, v: _Values, n: int):
        level = lv.level
        k = level.slots.size
        self.stock = np.repeat(v.stock, n, axis=1) if v.stock.shape[1] != n else v.stock.copy()
        self.ramp = _Ramp(lv, n) if lv.alt.size else None
        self.lost, self.gap = np.zeros((k, n)), np.zeros((k, n))
        self.drawing = np.zeros(k, dtype=bool)  # inputs that drew on a stock yesterday
        self.drew = np.zeros(n, dtype=bool)
        self.mv = np.flatnonzero(lv.moving)
        self.mv_ptr = np.searchsorted(level.edge_slot[self.mv], np.arange(k + 1))
        self.alt_ptr = np.searchsorted(level.edge_slot[lv.alt], np.arange(k + 1))
        self.alt_slot = level.edge_slot[lv.alt]
        self.slot_ptr = np.append(level.owner_start, k)


def _day(lv, v, st: _State, a, first, removed, t: int, full: bool, changed) -> np.ndarray:
    """Solve one level on day ``t``, only where something can have changed; the rows solved.

    A node is solved again when a supplier changed today, the stock of one
    of its inputs no longer covers its gap in some column, or one of its
    alternatives is still ramping up (and every node on the first day, on a
    change of restrictions, and in a cycle); any other node has yesterday's
    inputs and gives yesterday's numbers, so they are kept. The lost flow of
    an input is summed again only where a supplier changed.
    """
    level = lv.level
    if st.ramp is not None:
        st.ramp.day = t
    if full or level.cyclic:
        old = a[lv.rows].copy()
        if level.cyclic:
            a[lv.rows] = first[lv.rows]  # every day's sweeps start from 1, as one run's do
        st.gap, st.lost = _level(lv, v, a, removed, st.stock, st.ramp)
        changed[lv.rows] = (a[lv.rows] != old).any(axis=1)
        _draw_on(st, np.arange(level.slots.size), st.gap)
        return lv.rows
    dirty = np.zeros(level.slots.size, dtype=bool)
    dirty[level.edge_slot[st.mv[changed[lv.src_rows[st.mv]]]]] = True
    # An input drawing on its stock changes its node only once the stock left no
    # longer covers the gap in some column (until then its need stays 0).
    drawn = np.flatnonzero(st.drawing)
    tail = dirty.copy()
    tail[drawn[(st.stock[drawn] < st.gap[drawn]).any(axis=1)]] = True
    if st.ramp is not None:
        tail[st.ramp.ramping(lv, st.alt_slot, t)] = True
    if not tail.any():
        _draw_on(st, drawn, st.gap[drawn])
        return np.zeros(0, dtype=np.int64)
    D = np.flatnonzero(dirty)
    if D.size:
        at, local = _ranges(st.mv_ptr, D)
        e = st.mv[at]
        flow = v.share[e] * (1.0 - a[lv.src_rows[e]] * v.keep[e])
        st.lost[D] = v.fixed_gap[D] + _segment_sum(local, flow, D.size)
    nodes = np.unique(level.slot_owner[tail])
    T, owner = _ranges(st.slot_ptr, nodes)
    lost = st.lost[T]
    gap = lost
    if lv.alt.size:
        j, where = _ranges(st.alt_ptr, T)
        factor = st.ramp.factors_of(lv, st.lost, j)
        e = lv.alt[j]
        offer = v.spare[j] * v.keep[e] * factor * a[lv.src_rows[e]]
        extra = _segment_sum(where, offer, T.size)
        gap = lost - np.minimum(lost, extra)
    gap = gap * v.kept[T]
    stock = st.stock[T]
    uncovered = np.where(stock >= gap, 0.0, gap - stock)
    need = v.dependence[T] * uncovered
    starts = np.searchsorted(owner, np.arange(nodes.size))
    new = np.clip(1.0 - _node_max(need, starts), 0.0, 1.0)
    rows = lv.rows[nodes]
    new[removed[rows]] = 0.0
    changed[rows] = (new != a[rows]).any(axis=1)
    a[rows] = new
    st.gap[T] = gap
    both = np.union1d(T, drawn)
    _draw_on(st, both, st.gap[both])
    return rows


def _node_max(need: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``np.maximum.reduceat(need, starts, axis=0)``, a slot rank at a time (faster on 2-D)."""
    counts = np.diff(np.append(starts, need.shape[0]))
    worst = need[starts]
    for j in range(1, int(counts.max(initial=1))):
        sel = np.flatnonzero(counts > j)
        worst[sel] = np.maximum(worst[sel], need[starts[sel] + j])
    return worst


def _draw_on(st: _State, T: np.ndarray, gap: np.ndarray) -> None:
    """Take the day's gaps of inputs ``T`` from their stocks (``timeline._draw``)."""
    stock = st.stock[T]
    drawing = (stock > 0) & (gap > 0)
    st.drew = drawing.any(axis=0)
    st.drawing[:] = False
    st.drawing[T] = drawing.any(axis=1)
    st.stock[T] = np.where(stock >= gap, stock - gap, 0.0)


class _Days:
    """The running figures of every reached node: peak, days lost by runs, first day hit."""

    def __init__(self, P: Plan, n: int):
        shape = (P.one, n)
        self.peak, self.lost, self.short = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.start = np.zeros(shape, dtype=np.int64)  # first day of each node's current run
        self.hit = np.full(shape, -1, dtype=np.int64)

    def record(self, t: int, rows: np.ndarray, a: np.ndarray) -> None:
        """Day ``t``'s availability ``a`` of ``rows`` (no other row changed today)."""
        short = 1.0 - a
        if t == 0:
            self.short[rows] = short
            self.peak[rows] = np.maximum(0.0, short)
            self.hit[rows] = np.where(a < 1.0 - AFFECTED, 0, -1)
            return
        before, start = self.short[rows], self.start[rows]
        ends = short != before
        self.lost[rows] += np.where(ends, (t - start) * before, 0.0)
        self.start[rows] = np.where(ends, t, start)
        self.short[rows] = short
        self.peak[rows] = np.maximum(self.peak[rows], short)
        hit = self.hit[rows]
        self.hit[rows] = np.where((hit < 0) & (a < 1.0 - AFFECTED), t, hit)

    def figures(self, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.peak, self.lost + (days - self.start) * self.short, self.hit


def _timeline(P: Plan, values: list[_Values], severity, removed, kept) -> tuple[np.ndarray, ...]:
    """Peak shortfall, days lost, first day hit of every reached node, and the days of ``kept``.

    The days of ``timeline.timeline``, for every column at once. A day
    recomputes only what can have changed since the day before (``_day``);
    days lost add each run of equal days as one product, as
    ``timeline.timeline_figures`` does. The days stop once every column has
    settled: after the last change, drawing on no stock, no alternative
    still ramping up. ``kept`` (rows) gets its availability on every day,
    days x rows x columns; a settled day repeats to the horizon.
    """
    n, horizon = removed.shape[1], P.horizon
    changes = {start for start, _ in P.windows} | {e for _, e in P.windows if e is not None}
    last_change = max(changes, default=0)
    state = [_State(lv, v, n) for lv, v in zip(P.levels, values, strict=True)]
    a = np.where(removed, 0.0, 1.0)
    first = a.copy()
    days = _Days(P, n)
    # Rows in no level (removed nodes without inputs) hold their day-0 value.
    static = np.setdiff1d(np.arange(P.one), np.concatenate([lv.rows for lv in P.levels] + [[]]))
    static = static.astype(np.int64)
    phase = None
    settled = np.zeros(n, dtype=bool)
    daily = np.empty((horizon + 1, kept.size, n))
    for t in range(horizon + 1):
        full = phase is None
        if phase is None or t in changes:
            active = [i for i, w in enumerate(P.windows) if _active_on(w, t)]
            if active != phase:
                _phase(P, values, severity, active, n)
                phase, full = active, True
        changed = np.zeros(P.one + 1, dtype=bool)
        drew = np.zeros(n, dtype=bool)
        growing = np.zeros(n, dtype=bool)
        for lv, v, st in zip(P.levels, values, state, strict=True):
            rows = _day(lv, v, st, a, first, removed, t, full, changed)
            rows = rows if t == 0 else rows[changed[rows]]  # the others repeat yesterday
            days.record(t, rows, a[rows])
            drew |= st.drew
            if st.ramp is not None:
                growing |= st.ramp.advance(lv, st.lost)
        if t == 0 and static.size:
            days.record(0, static, a[static])
        daily[t] = a[kept]
        settled |= (t >= last_change) & ~drew & ~growing
        if settled.all():
            daily[t + 1 :] = daily[t]
            break
    return (*days.figures(horizon + 1), daily)


def _active_on(window: tuple[int, int | None], t: int) -> bool:
    start, end = window
    return start <= t and (end is None or t < end)


def run_columns(
    P: Plan, cols: Columns, *, cells: int = CELLS, keep: np.ndarray | None = None
) -> Result:
    """The steady state and timeline figures of every reached node in every column.

    Columns are computed in steps of at most ``cells`` (edges x columns);
    each column's numbers do not depend on the step it falls in. With
    ``keep`` (node indices), ``daily`` holds their availability on every day
    (1.0 for a node the scenario cannot reach), days x nodes x columns: a
    step keeps days x nodes x its columns besides the figures.

    Examples
    --------
    >>> import graph
    >>> from analysis.compiled import compile_graph
    >>> from analysis.scenario import Restriction
    >>> C = compile_graph(graph.load())
    >>> s = Scenario(restrictions=(Restriction("chn", ("gallium",), severity_range=(0.5, 1.0)),))
    >>> P = plan(C, s)
    >>> r = run_columns(P, Columns(2, {"severity": (np.array([0]), np.array([[0.5, 1.0]]))}))
    >>> bool((r.steady[:, 0] >= r.steady[:, 1]).all())
    True
    """
    step = max(1, cells // max(P.cells, 1))
    # Rows of the kept nodes; one outside the reached part reads the ``one`` row (always 1.0).
    kept = np.zeros(0, dtype=np.int64) if keep is None else np.asarray(keep, dtype=np.int64)
    rows = np.where(np.isin(kept, P.nodes), np.searchsorted(P.nodes, kept), P.one)
    parts = []
    for lo in range(0, cols.n, step):
        part = cols.take(slice(lo, min(cols.n, lo + step)))
        values = _level_values(P, part)
        severity, removed = _severity(P, part), _removed(P, part)
        steady = _steady(P, values, severity, removed)
        parts.append((steady, *_timeline(P, values, severity, removed, rows)))
    if not parts:
        empty = np.zeros((P.one, 0))
        daily = np.zeros((P.horizon + 1, kept.size, 0)) if keep is not None else None
        return Result(P.nodes, empty, empty, empty, empty.astype(np.int64), daily)
    *figures, daily = zip(*parts, strict=True)
    steady, peak, lost, hit = (np.concatenate(x, axis=1) for x in figures)
    daily = None if keep is None else np.concatenate(daily, axis=2)
    return Result(P.nodes, steady, peak, lost, hit, daily)
