"""Chokepoints: which single node, or which country's export ban, hurts industry most.

Each candidate node is removed on its own and the steady state is worked out
once; the damage is the sum over industries of ``value * shortfall`` when
every industry in the dataset has a value, else the sum of industry
shortfalls (industry-equivalents lost). Each country is scored the same way
for a full export ban (``all`` commodities, severity 1, to everyone): its
leverage.

The graph is compiled once and shared by every run. Removals are ranked in
chunks by ``analysis.removals``: each candidate computes only its
descendants, many candidates in one vectorised pass per level, with the very
numbers of a one-at-a-time ``removal_damage``. ``removal_damage`` and
``ban_damage`` remain plain top-level functions of the compiled graph and one
candidate, for the runs the chunks leave (bans, and removals that reach a
cyclic level), so that a process pool can map them over candidates
unchanged when that pays (``analysis.parallel``), with the compiled graph
inherited by the forked workers rather than sent to them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from analysis import removals
from analysis.engine import AFFECTED, TIE, CompiledGraph, compile_graph, edge_keep, propagate
from analysis.output import Report, Section, Table
from analysis.parallel import Progress, available_cpus, map_shared
from analysis.removals import RemovalRuns, reach, removal_runs
from analysis.scenario import Restriction
from graph.errors import UnknownNameError
from graph.lookup import did_you_mean, resolve_node

CHOKEPOINT_FIELDS = ("node", "kind", "score", "industries_hit", "worst_node", "worst_shortfall")
TABLE_FIELDS = (*CHOKEPOINT_FIELDS, "single_point_of_failure_for")
#: The two rankings: the measure named in CSV, and the title for people.
RANKINGS = (("removal", "Single-node removals"), ("export_ban", "Country export bans (leverage)"))
#: Rank in worker processes, one per CPU, when the work would take longer
#: than this many seconds in one (starting the workers costs a fraction of it).
PARALLEL_AFTER = 1.0
#: Removals in the first chunk of ``batched_removals`` (the next are sized by its reach).
FIRST_CHUNK = 64


@dataclass(frozen=True)
class Scoring:
    """What every run needs to score the damage, worked out once per compiled graph.

    Attributes
    ----------
    industries : numpy.ndarray
        Node indices of the industries, in id order (so the first of equals is
        the smallest id).
    weights : numpy.ndarray
        Each industry's value (USD) when every industry has one, else ones.
    weighted : bool
        Whether the score is value at risk (USD) or industry-equivalents.
    slots, edges, edge_slot, slot_industry : numpy.ndarray
        The industries' inputs (slot indices), the supplies edges into them,
        each edge's position in ``slots``, and each slot's position in
        ``industries``: enough to tell when an input loses all its supply.
    """

    industries: np.ndarray
    weights: np.ndarray
    weighted: bool
    slots: np.ndarray
    edges: np.ndarray
    edge_slot: np.ndarray
    slot_industry: np.ndarray


def scoring(C: CompiledGraph) -> Scoring:
    """Prepare the scoring of a compiled graph (industries, their values and inputs).

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph
    >>> S = scoring(compile_graph(graph.load()))
    >>> S.industries.size > 0
    True
    """
    industries = _of_kind(C, "industry")
    values = C.node_value[industries]
    weighted = bool(industries.size) and not np.isnan(values).any()
    weights = values.copy() if weighted else np.ones(industries.size)
    is_industry = np.zeros(C.n_nodes, dtype=bool)
    is_industry[industries] = True
    slots = np.flatnonzero(is_industry[C.slot_node])
    edges = np.flatnonzero(is_industry[C.dst])  # edges are sorted by slot, so slots stay in order
    return Scoring(
        industries=industries,
        weights=weights,
        weighted=weighted,
        slots=slots,
        edges=edges,
        edge_slot=np.searchsorted(slots, C.edge_slot[edges]),
        slot_industry=np.searchsorted(industries, C.slot_node[slots]),
    )


@dataclass(frozen=True)
class Damage:
    """The damage of one disruption, as one row of the ranking."""

    node: str
    kind: str | None
    score: float
    industries_hit: int
    worst_node: str | None
    worst_shortfall: float
    single_point_of_failure_for: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The row with every field, lists for tuples."""
        row = {f: getattr(self, f) for f in CHOKEPOINT_FIELDS}
        row["single_point_of_failure_for"] = list(self.single_point_of_failure_for)
        return row


def _damage(
    C: CompiledGraph,
    S: Scoring,
    candidate: int,
    keep: np.ndarray,
    removed: np.ndarray,
) -> Damage:
    a, _ = propagate(C, keep, removed)
    shortfall = 1.0 - a[S.industries]
    hit = shortfall > AFFECTED
    score = float(np.dot(S.weights[hit], shortfall[hit]))
    worst_node, worst = None, 0.0
    if hit.any():
        top = shortfall.max()
        first = int(np.flatnonzero(shortfall >= top - TIE)[0])
        worst_node, worst = C.nodes[S.industries[first]], float(shortfall[first])
    # An input whose modelled and unmodelled supply are both gone: A_c = 1 - lost = 0.
    lost = C.share[S.edges] * (1.0 - a[C.src[S.edges]] * keep[S.edges])
    lost_by_slot = np.bincount(S.edge_slot, weights=lost, minlength=S.slots.size)
    dead = np.zeros(S.industries.size, dtype=bool)
    dead[S.slot_industry[lost_by_slot >= 1.0 - AFFECTED]] = True
    spof = tuple(C.nodes[i] for i in S.industries[dead & hit])
    node = C.nodes[candidate]
    return Damage(
        node=node,
        kind=C.kind_of(candidate),
        score=score,
        industries_hit=int(hit.sum()),
        worst_node=worst_node,
        worst_shortfall=worst,
        single_point_of_failure_for=spof,
    )


def _chunk_damages(
    C: CompiledGraph, S: Scoring, runs: RemovalRuns, chunk: list[int]
) -> list[Damage | None]:
    """``_damage`` of each candidate of a chunk, read from its descendants alone.

    Industries outside them are fully available (shortfall 0, no input lost),
    so the hit industries, their order and each dot product are ``_damage``'s.
    Candidates ``runs.cyclic`` marks give None.
    """
    n, k = C.n_nodes, len(chunk)
    cand, node = np.divmod(runs.keys, n)
    at = np.minimum(np.searchsorted(S.industries, node), max(S.industries.size - 1, 0))
    pairs = np.flatnonzero(S.industries[at] == node) if S.industries.size else at[:0]
    owner, short, where = cand[pairs], 1.0 - runs.a[pairs], at[pairs]
    hit = short > AFFECTED
    h_owner, h_short, h_where = owner[hit], short[hit], where[hit]
    h_start = np.searchsorted(h_owner, np.arange(k + 1))
    # The worst hit: the first industry (in id order) within TIE of the largest shortfall.
    top = np.full(k, np.inf)
    has = np.flatnonzero(np.diff(h_start) > 0)
    if has.size:
        top[has] = np.maximum.reduceat(h_short, h_start[has])
    near = np.flatnonzero(short >= top[owner] - TIE)
    first_owner, first_at = np.unique(owner[near], return_index=True)
    worst = np.full(k, -1)
    worst[first_owner] = near[first_at]
    # An input whose modelled and unmodelled supply are both gone: A_c = 1 - lost = 0.
    n_slots = len(C.slot_node)
    dead_slot = runs.slot_keys[runs.slot_lost >= 1.0 - AFFECTED]
    dead_key = np.unique(dead_slot // n_slots * n + C.slot_node[dead_slot % n_slots])
    h_node = S.industries[h_where]
    h_dead = np.isin(h_owner * n + h_node, dead_key)
    out: list[Damage | None] = []
    for j, c in enumerate(chunk):
        if runs.cyclic[j]:
            out.append(None)
            continue
        lo, hi = h_start[j], h_start[j + 1]
        w = worst[j]
        out.append(
            Damage(
                node=C.nodes[c],
                kind=C.kind_of(c),
                # Copies, as ``_damage``'s masks make: the same vectors for the same dot.
                score=float(np.dot(S.weights[h_where[lo:hi]], h_short[lo:hi].copy())),
                industries_hit=int(hi - lo),
                worst_node=None if hi == lo else C.nodes[S.industries[where[w]]],
                worst_shortfall=0.0 if hi == lo else float(short[w]),
                single_point_of_failure_for=tuple(
                    C.nodes[i] for i in h_node[lo:hi][h_dead[lo:hi]].tolist()
                ),
            )
        )
    return out


def batched_removals(
    C: CompiledGraph, S: Scoring, candidates: list[int], progress: Progress | None = None
) -> list[Damage | None]:
    """``removal_damage`` of every candidate, in chunks (``analysis.removals``).

    None stands for a candidate whose descendants enter a cyclic level: it is
    left to ``removal_damage``. Chunks hold about ``PAIRS`` (candidate,
    node) pairs, sized by the reach of the chunk before.

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> S = scoring(C)
    >>> i = C.index["gallium"]
    >>> batched_removals(C, S, [i]) == [removal_damage(C, i, S)]
    True
    """
    from threadpoolctl import threadpool_limits

    R = reach(C)
    out: list[Damage | None] = []
    lo, size = 0, FIRST_CHUNK
    # One BLAS thread, as ``_run_all`` holds it: each dot product is ``_damage``'s.
    with threadpool_limits(limits=1, user_api="blas"):
        while lo < len(candidates):
            chunk = np.array(candidates[lo : lo + size], dtype=np.int64)
            runs = removal_runs(C, chunk, R)
            damages = _chunk_damages(C, S, runs, chunk.tolist())
            out.extend(damages)
            for d in damages if progress is not None else ():
                if d is not None:
                    progress.advance()
            lo += chunk.size
            size = int(np.clip(removals.PAIRS * chunk.size // max(runs.keys.size, 1), 1, 8192))
    return out


def removal_damage(C: CompiledGraph, candidate: int, scoring_: Scoring | None = None) -> Damage:
    """Score the removal of one node (by index into ``C.nodes``), steady state.

    Parameters
    ----------
    C : CompiledGraph
        The compiled graph, shared by every candidate.
    candidate : int
        Index of the node to remove.
    scoring_ : Scoring, optional
        ``scoring(C)``, prepared once for many candidates (worked out here if
        not given).

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> removal_damage(C, C.index["gallium"]).node
    'gallium'
    """
    S = scoring(C) if scoring_ is None else scoring_
    removed = np.zeros(C.n_nodes, dtype=bool)
    removed[candidate] = True
    return _damage(C, S, candidate, np.ones(len(C.src)), removed)


def ban_damage(C: CompiledGraph, country: int, scoring_: Scoring | None = None) -> Damage:
    """Score a country's full export ban (``all`` commodities, severity 1, to everyone).

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> ban_damage(C, C.index["chn"]).score > 0
    True
    """
    S = scoring(C) if scoring_ is None else scoring_
    keep = edge_keep(C, (Restriction(C.nodes[country], ("all",)),))
    return _damage(C, S, country, keep, np.zeros(C.n_nodes, dtype=bool))


def _rank_key(d: Damage) -> tuple[float, str]:
    # Scores equal to 12 significant digits are ties (the JSON shows 12 digits),
    # so that floating-point noise never puts a larger id first.
    return (-float(f"{d.score:.12g}"), d.node)


def _score(shared: tuple[CompiledGraph, Scoring], job: tuple[str, int]) -> Damage:
    """One run of the ranking, ``("removal", node)`` or ``("ban", country)``: a worker's task."""
    C, S = shared
    what, i = job
    return removal_damage(C, i, S) if what == "removal" else ban_damage(C, i, S)


def _run_all(
    C: CompiledGraph,
    S: Scoring,
    jobs: list[tuple[str, int]],
    progress: Progress,
    processes: int | None,
) -> list[Damage]:
    """Score every job, in order; in worker processes when that pays.

    The first job runs here and times the rest: a small graph is ranked in
    less time than it takes to start the workers.
    """
    from threadpoolctl import threadpool_limits

    if not jobs:
        return []
    # One BLAS thread: OpenBLAS splits a long dot product over threads that then
    # spin idle, which takes the CPUs the workers need, and makes the last bits
    # of a score depend on the number of CPUs. Forked workers inherit the limit.
    with threadpool_limits(limits=1, user_api="blas"):
        started = time.perf_counter()
        results = [_score((C, S), jobs[0])]
        progress.advance()
        if processes is None:
            estimate = (time.perf_counter() - started) * (len(jobs) - 1)
            processes = available_cpus() if estimate > PARALLEL_AFTER else 1
        for damage in map_shared(_score, (C, S), jobs[1:], processes=processes):
            results.append(damage)
            progress.advance()
    return results


class Chokepoints(Report):
    """The ranking of single-node removals and of country export bans.

    Attributes
    ----------
    records : list of dict
        One row per candidate node, ranked by score (largest first, then id).
    country_records : list of dict
        One row per country, for its full export ban, ranked the same way.
    weighted : bool
        True when scores are value at risk in USD (every industry has a
        value), False when they count industry-equivalents lost.
    tried : tuple of int
        How many candidates and countries were scored (before ``top``).
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        records: list[dict[str, Any]],
        country_records: list[dict[str, Any]],
        weighted: bool,
        tried: tuple[int, int] | None = None,
    ):
        self.G = G
        self.records = records
        self.country_records = country_records
        self.weighted = weighted
        self.tried = tried or (len(records), len(country_records))

    @property
    def unit(self) -> str:
        """What the score counts: ``"USD"`` or ``"industries"``."""
        return "USD" if self.weighted else "industries"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph chokepoints --format json`` (DESIGN section 5)."""

        def entry(row: dict[str, Any]) -> dict[str, Any]:
            return {f: row[f] for f in CHOKEPOINT_FIELDS}

        return {
            "chokepoints": [entry(r) for r in self.records],
            "countries": [entry(r) for r in self.country_records],
        }

    @staticmethod
    def _frame(rows: list[dict[str, Any]]):
        import pandas as pd

        return pd.DataFrame(rows, columns=list(TABLE_FIELDS))

    @cached_property
    def table(self):
        """The ranked candidates (a pandas DataFrame)."""
        return self._frame(self.records)

    @cached_property
    def countries(self):
        """The countries ranked by the damage of their full export ban (a pandas DataFrame)."""
        return self._frame(self.country_records)

    def headline(self) -> str:
        """One line saying what the score means."""
        what = (
            "value at risk (USD, sum of value x shortfall)"
            if self.weighted
            else "industry-equivalents lost (sum of industry shortfalls)"
        )
        from analysis.output import plural

        counts = (
            f"{plural(self.tried[0], 'candidate')}, {plural(self.tried[1], 'country', 'countries')}"
        )
        if (len(self.records), len(self.country_records)) != self.tried:
            counts += f" (top {max(len(self.records), len(self.country_records))} shown)"
        return f"{counts}; score = {what}"

    def format_score(self, score: float) -> str:
        """A score for people: dollars when weighted by value, else industry-equivalents."""
        from analysis.output import format_usd

        return format_usd(score) if self.weighted else f"{score:.3f}"

    def _rankings(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return self.records, self.country_records

    def data_table(self) -> Table:
        """Both rankings in one table, told apart by a ``measure`` column (the CSV format).

        ``measure`` is ``removal`` or ``export_ban``; the single points of
        failure are joined with ``; ``.
        """
        rows = [
            {**r, "measure": measure, "single_point_of_failure_for": "; ".join(spof)}
            for (measure, _), records in zip(RANKINGS, self._rankings(), strict=True)
            for r in records
            for spof in (r["single_point_of_failure_for"],)
        ]
        return Table(rows, ["measure", *TABLE_FIELDS])

    def people_sections(self) -> list[Section]:
        """The headline, then each ranking, scores in dollars or industries (the table format)."""
        headers = [
            "node",
            "kind",
            f"score ({self.unit})",
            "industries hit",
            "worst hit",
            "worst shortfall",
            "single point of failure for",
        ]

        def people(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {
                    **r,
                    "score": self.format_score(r["score"]),
                    "worst_node": r["worst_node"] or "",
                    "worst_shortfall": f"{100 * r['worst_shortfall']:.1f}%",
                    "single_point_of_failure_for": ", ".join(r["single_point_of_failure_for"]),
                }
                for r in records
            ]

        return [Section(self.headline())] + [
            Section(title, Table(people(records), TABLE_FIELDS, headers))
            for (_, title), records in zip(RANKINGS, self._rankings(), strict=True)
        ]

    def plot(self, **kwargs: Any):
        """Draw the ranking (``analysis.drawing.plot_chokepoints``)."""
        from analysis import drawing

        return drawing.plot_chokepoints(self, **kwargs)

    def _repr_html_(self) -> str:
        from html import escape

        def html(frame) -> str:
            frame = frame.assign(
                single_point_of_failure_for=frame["single_point_of_failure_for"].map(", ".join)
            )
            return frame.to_html(index=False)

        return f"<p><b>{escape(self.headline())}</b></p>" + "".join(
            f"<p><b>{title}</b></p>{html(frame)}"
            for (_, title), frame in zip(RANKINGS, (self.table, self.countries), strict=True)
        )

    def __repr__(self) -> str:
        return f"<Chokepoints {self.headline()}>"


def _candidates(
    G: nx.MultiDiGraph, C: CompiledGraph, candidates: Iterable[str] | None, kind: str | None
) -> list[int]:
    if kind is not None:
        from graph.schema import NODE_KINDS  # here: pydantic is slow to import, and rarely needed

        kind = kind.strip().lower()
        if kind not in NODE_KINDS:
            hint = did_you_mean(kind, NODE_KINDS, n=1)
            raise UnknownNameError(f"unknown kind {kind!r}{hint}; kinds: {', '.join(NODE_KINDS)}")
    if candidates is None:
        if kind is not None:
            return _of_kind(C, kind).tolist()
        default = [C.kinds.index(k) for k in ("country", "industry") if k in C.kinds]
        return np.flatnonzero(~np.isin(C.node_kind, default)).tolist()
    if isinstance(candidates, str):
        candidates = [candidates]
    # Exact ids skip the name search, which scans every node.
    ids = list(dict.fromkeys(v if v in G else resolve_node(G, v) for v in candidates))
    found = sorted(C.index[v] for v in ids)
    if kind is not None:
        found = [i for i in found if C.kind_of(i) == kind]
    return found


def _of_kind(C: CompiledGraph, kind: str) -> np.ndarray:
    """The indices of the nodes of one kind, in order (none if the kind is absent)."""
    if kind not in C.kinds:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(C.node_kind == C.kinds.index(kind)).astype(np.int64)


def chokepoints(
    G: nx.MultiDiGraph,
    *,
    candidates: Iterable[str] | None = None,
    kind: str | None = None,
    top: int | None = None,
    compiled: CompiledGraph | None = None,
    progress: bool = False,
    processes: int | None = None,
) -> Chokepoints:
    """Rank single-node removals and country export bans by the damage to industry.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    candidates : iterable of str, optional
        Nodes to try (ids or names). Default: every node that is neither a
        country nor an industry.
    kind : str, optional
        Only try nodes of this kind (``"refiner"``, ...). With no
        ``candidates``, ``kind="country"`` or ``"industry"`` tries all nodes
        of that kind.
    top : int, optional
        Keep only the first ``top`` rows of each ranking.
    compiled : CompiledGraph, optional
        A compiled form of ``G`` to reuse.
    progress : bool
        Show a progress bar on stderr when the ranking takes more than a
        second and stderr is a terminal.
    processes : int, optional
        Worker processes for the runs (Linux). Default: one per available CPU
        when the ranking would take more than ``PARALLEL_AFTER`` seconds in
        one process, else none. The result is the same either way.

    Returns
    -------
    Chokepoints

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.chokepoints(graph.load(), kind="refiner", top=3)
    >>> list(res.table.columns)[:3]
    ['node', 'kind', 'score']
    """
    C = compiled if compiled is not None else compile_graph(G)
    S = scoring(C)
    nodes = _candidates(G, C, candidates, kind)
    countries = [int(i) for i in np.flatnonzero(C.is_country)]
    with Progress(len(nodes) + len(countries), "Ranking chokepoints", progress) as bar:
        batched = batched_removals(C, S, nodes, bar)
        left = [i for i, d in zip(nodes, batched, strict=True) if d is None]
        jobs = [("removal", i) for i in left] + [("ban", i) for i in countries]
        done = iter(_run_all(C, S, jobs, bar, processes))
        # The runs left to one at a time come back in order, the removals first.
        damages = [next(done) if d is None else d for d in batched]
        bans = list(done)
    rows = _ranked(damages, top), _ranked(bans, top)
    return Chokepoints(G, *rows, S.weighted, (len(nodes), len(countries)))


def _ranked(damages: list[Damage], top: int | None) -> list[dict[str, Any]]:
    """The rows of one ranking, largest score first, the first ``top`` of them."""
    rows = sorted(damages, key=_rank_key)
    return [d.to_dict() for d in (rows if top is None else rows[: max(top, 0)])]
