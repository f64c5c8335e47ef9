"""The propagation engine: the model of ``docs/model.md``, on arrays.

``run`` answers a scenario on a graph compiled by ``compile_graph``
(``analysis.compiled``): the steady state (``analysis.propagation``), the
timeline and its figures (``analysis.timeline``), and ``via_chains``, the
chain of suppliers that explains each loss. A graph without cycles needs a
single pass over its levels; a fixed-point loop runs only on levels that
hold a cycle.

All maths is vectorised with numpy; networkx only does the structural work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.compiled import (
    AFFECTED,
    CONVERGED,
    TIE,
    CompiledGraph,
    Level,
    compile_graph,
    control_fraction,
    control_table,
)
from analysis.propagation import MAX_SWEEPS, NoConvergence, edge_keep, propagate
from analysis.scenario import Scenario
from analysis.timeline import DAYS_PER_YEAR, settled_timeline, timeline_figures
from graph.errors import ScenarioError

__all__ = [
    "AFFECTED",
    "CONVERGED",
    "DAYS_PER_YEAR",
    "TIE",
    "CompiledGraph",
    "Level",
    "Run",
    "compile_graph",
    "control_fraction",
    "control_table",
    "edge_keep",
    "propagate",
    "run",
    "timeline_figures",
    "via_chains",
]


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
    try:
        return _run(C, scenario)
    except NoConvergence as exc:
        raise cycle_error(C, exc) from None


def cycle_error(C: CompiledGraph, exc: NoConvergence) -> ScenarioError:
    """The error for a supply cycle that does not settle, naming (some of) its nodes."""
    names = [C.nodes[i] for i in exc.nodes[:8]]
    more = f" and {exc.nodes.size - 8} more" if exc.nodes.size > 8 else ""
    return ScenarioError(
        f"the supply cycle through {', '.join(names)}{more} does not settle "
        f"within {MAX_SWEEPS} sweeps; check the shares of its edges"
    )


def _run(C: CompiledGraph, scenario: Scenario) -> Run:
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
    daily, _ = settled_timeline(C, scenario, removed, affected)
    hit = daily < 1.0 - AFFECTED
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    peak, at_peak, lost_days = timeline_figures(daily)
    shortfall = 1.0 - steady[affected]
    cols = np.flatnonzero((shortfall > AFFECTED) | (peak > AFFECTED))
    # Node indices follow the ids' order, so the last key breaks ties by id.
    order = np.lexsort((affected[cols], -peak[cols], -shortfall[cols]))
    return Run(
        steady=steady,
        keep=keep,
        removed=removed,
        affected=affected,
        timeline=daily,
        days_to_impact=first,
        gaps=gaps,
        peak_shortfall=peak,
        days_to_peak=at_peak,
        lost_days=lost_days,
        value_lost=_value_lost(C.node_value[affected], lost_days),
        impact_cols=cols[order],
    )


def _value_lost(value: np.ndarray, lost_days: np.ndarray) -> np.ndarray:
    """``value * lost_days / 365``; a value near the float limit may give inf (JSON: null)."""
    with np.errstate(over="ignore"):
        return value * lost_days / DAYS_PER_YEAR


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
