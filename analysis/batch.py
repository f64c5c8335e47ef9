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
CELLS = 1 << 22  # edge x column cells per step: bounds the memory of a chunk


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
    worst = np.maximum.reduceat(need, level.owner_start, axis=0)
    new = np.clip(1.0 - worst, 0.0, 1.0)
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
        gaps.append(gap)
        losts.append(lost)
    return gaps, losts


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


def _timeline(P: Plan, values: list[_Values], severity, removed) -> tuple[np.ndarray, ...]:
    """Peak shortfall, days lost and first day hit of every reached node, per column.

    The days of ``timeline.timeline``, for every column at once; a column
    settles on the first day after the last change on which it draws on no
    stock and no alternative is still ramping up: every later day repeats
    it, so its days lost are counted to then and the rest added as one
    product. The days stop once every column has settled.
    """
    n, horizon = removed.shape[1], P.horizon
    changes = {start for start, _ in P.windows} | {e for _, e in P.windows if e is not None}
    last_change = max(changes, default=0)
    stocks = [
        np.repeat(v.stock, n, axis=1) if v.stock.shape[1] != n else v.stock.copy() for v in values
    ]
    ramps = [_Ramp(lv, n) if lv.alt.size else None for lv in P.levels]
    first = np.where(removed, 0.0, 1.0)
    shape = (P.one, n)
    peak, lost_days, last = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    hit_day = np.full(shape, -1, dtype=np.int64)
    settled = np.full(n, -1, dtype=np.int64)
    phase = None
    for t in range(horizon + 1):
        if phase is None or t in changes:
            active = [i for i, w in enumerate(P.windows) if _active_on(w, t)]
            if active != phase:
                _phase(P, values, severity, active, n)
                phase = active
        a = first.copy()
        for ramp in ramps:
            if ramp is not None:
                ramp.day = t
        gaps, losts = _sweep(P, values, a, removed, stocks, ramps)
        live = settled < 0
        short = 1.0 - a[: P.one]
        peak = np.where(live, np.maximum(peak, short), peak)
        lost_days += np.where(live, short, 0.0)
        hit_day[(hit_day < 0) & live & (a[: P.one] < 1.0 - AFFECTED)] = t
        drew = np.zeros(n, dtype=bool)
        for i, (stock, gap) in enumerate(zip(stocks, gaps, strict=True)):
            drew |= ((stock > 0) & (gap > 0)).any(axis=0)
            stocks[i] = np.where(stock >= gap, stock - gap, 0.0)
        growing = np.zeros(n, dtype=bool)
        for lv, ramp, lost in zip(P.levels, ramps, losts, strict=True):
            if ramp is not None:
                growing |= ramp.advance(lv, lost)
        now = live & (t >= last_change) & ~drew & ~growing
        settled[now] = t
        last[:, now] = short[:, now]
        if (settled >= 0).all():
            break
    rest = np.where(settled >= 0, horizon - settled, 0)
    lost_days += rest * last
    return peak, lost_days, hit_day


def _active_on(window: tuple[int, int | None], t: int) -> bool:
    start, end = window
    return start <= t and (end is None or t < end)


def run_columns(P: Plan, cols: Columns, *, cells: int = CELLS) -> Result:
    """The steady state and timeline figures of every reached node in every column.

    Columns are computed in steps of at most ``cells`` (edges x columns);
    each column's numbers do not depend on the step it falls in.

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
    parts = []
    for lo in range(0, cols.n, step):
        part = cols.take(slice(lo, min(cols.n, lo + step)))
        values = _level_values(P, part)
        severity, removed = _severity(P, part), _removed(P, part)
        steady = _steady(P, values, severity, removed)
        parts.append((steady, *_timeline(P, values, severity, removed)))
    if not parts:
        empty = np.zeros((P.one, 0))
        return Result(P.nodes, empty, empty, empty, empty.astype(np.int64))
    steady, peak, lost, hit = (np.concatenate(x, axis=1) for x in zip(*parts, strict=True))
    return Result(P.nodes, steady, peak, lost, hit)
