"""How sure: sampled bands and one-at-a-time sensitivity (DESIGN section 3c).

Every uncertain number of a dataset (an edge's ``range`` of its share and
``spare_range``; an input's ``dependence_range``, ``substitutable_range``,
``stockpile_days_range``) and of a scenario (a restriction's
``severity_range``) is one ``Param``. ``sample_runs`` runs the scenario once
per sample with every parameter drawn independently; ``sensitivity`` once per
parameter at its low and once at its high end.

The runs are columns of the batched engine (``analysis.batch``): one plan of
the part of the graph the scenario reaches, made once, and the runs' values
written into its arrays as ``apply`` would write them into a copy of the
compiled graph, so each run gives the numbers of one engine run with those
values. ``map_columns`` runs them in chunks, in process or on a cluster
(``analysis.distributed``). Draws are repeatable: sample ``k`` draws from its
own stream ``PCG64(SeedSequence(seed, spawn_key=(k,)))``, in the fixed order of
``params``, so how the samples are split into chunks (or over workers)
cannot change a draw, nor therefore a byte of the output.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from analysis import batch
from analysis.engine import AFFECTED, CompiledGraph, Run
from analysis.scenario import Scenario
from graph.errors import ScenarioError

DISTRIBUTIONS = ("uniform", "triangular")
PERCENTILES = (5.0, 50.0, 95.0)
DRIVERS = 5  # at most this many drivers per impact
SENSITIVE = 1e-12  # a driver moves the shortfall by more than this
CHUNK = 256  # runs per chunk (a task for a process or worker)

#: Which array of the compiled graph each kind of parameter lives in.
_TARGETS = {
    "share": "share",
    "spare": "spare",
    "dependence": "slot_dependence",
    "substitutable": "slot_substitutable",
    "stockpile_days": "slot_stock",
}


@dataclass(frozen=True)
class Param:
    """One uncertain number: where it lives, its value and its range."""

    name: str  # FROM->TO.share, NODE.INPUT.dependence, restrictions[i].severity, ...
    field: str  # share, spare, dependence, substitutable, stockpile_days, severity
    index: int  # edge, input (slot) or restriction index
    value: float
    low: float
    high: float


def params(C: CompiledGraph, scenario: Scenario) -> Params:
    """Every uncertain number of the compiled graph and the scenario, in a fixed order.

    Edges first (in the compiled order: by consumer, commodity, supplier),
    then inputs (by node, commodity), then restrictions (scenario order).

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> all(p.low <= p.value <= p.high for p in params(C, Scenario()))
    True
    """
    out: list[Param] = []
    n, ncom = C.n_nodes, max(len(C.commodities), 1)
    cindex = {c: i for i, c in enumerate(C.commodities)}
    edge_key = (C.dst * ncom + C.edge_commodity) * n + C.src
    found: list[tuple[int, Param]] = []
    for u, v, d in C.G.edges(data=True):
        if d.get("kind") != "supplies":
            continue
        key = (C.index[v] * ncom + cindex[d["commodity"]]) * n + C.index[u]
        at = int(np.searchsorted(edge_key, key))  # edge_key is sorted: the compiled order
        for fld, rng in (("share", d.get("range")), ("spare", d.get("spare_range"))):
            if rng is not None:
                value = float(C.share[at] if fld == "share" else C.spare[at])
                found.append((at, Param(f"{u}->{v}.{fld}", fld, at, value, *map(float, rng))))
    out += [p for _, p in sorted(found, key=lambda item: (item[0], item[1].field))]
    slot_key = C.slot_node * ncom + C.slot_commodity
    found = []
    for node in C.nodes:
        for commodity, spec in (C.G.nodes[node].get("inputs") or {}).items():
            if commodity not in cindex:
                continue
            key = C.index[node] * ncom + cindex[commodity]
            at = int(np.searchsorted(slot_key, key))
            if at >= slot_key.size or slot_key[at] != key:
                continue  # an input with no supplier: nothing of it is modelled
            for fld in ("dependence", "substitutable", "stockpile_days"):
                rng = spec.get(f"{fld}_range")
                if rng is not None:
                    value = float(getattr(C, _TARGETS[fld])[at])
                    name = f"{node}.{commodity}.{fld}"
                    found.append((at, Param(name, fld, at, value, *map(float, rng))))
    out += [p for _, p in found]
    for i, r in enumerate(scenario.restrictions):
        if r.severity_range is not None:
            low, high = r.severity_range
            out.append(Param(f"restrictions[{i}].severity", "severity", i, r.severity, low, high))
    return Params(out)


def draw(ps: Sequence[Param], seed: int, k: int, distribution: str = "uniform") -> np.ndarray:
    """The values of sample ``k``: every parameter drawn independently on its range.

    Uniform on ``[low, high]``, or triangular with the value as its mode (by
    the inverse of the distribution function, so a range of width 0 gives
    its value).

    Examples
    --------
    >>> p = Param("a->b.share", "share", 0, 0.5, 0.4, 0.6)
    >>> bool(0.4 <= draw([p], 0, 7)[0] <= 0.6)
    True
    >>> draw([p], 0, 7).tolist() == draw([p], 0, 7).tolist()
    True
    """
    low, high, mode = bounds(ps)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(k,))))
    u = rng.random(low.size)
    if distribution == "uniform":
        return low + (high - low) * u
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < cut, left, right)


class Params(list):
    """The parameters, with their bounds as arrays and their positions by field, made once."""

    def __init__(self, items: Iterable[Param] = ()):
        super().__init__(items)
        self.low = np.array([p.low for p in self], dtype=np.float64)
        self.high = np.array([p.high for p in self], dtype=np.float64)
        self.value = np.array([p.value for p in self], dtype=np.float64)
        fields = np.array([p.field for p in self], dtype=object)
        self.where = {f: np.flatnonzero(fields == f) for f in dict.fromkeys(fields)}
        self.index = np.array([p.index for p in self], dtype=np.int64)


def bounds(ps: Sequence[Param]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(low, high, value)`` of the parameters as arrays."""
    if not isinstance(ps, Params):
        ps = Params(ps)
    return ps.low, ps.high, ps.value


def apply(
    C: CompiledGraph, scenario: Scenario, ps: Sequence[Param], values: np.ndarray
) -> tuple[CompiledGraph, Scenario]:
    """A copy of ``C`` and ``scenario`` with the parameters set to ``values``.

    Where one consumer's shares of one commodity then sum above 1, they are
    scaled down in proportion to sum to 1. The copy shares every structural
    array with ``C``; only the changed ones are new.
    """
    if not isinstance(ps, Params):
        ps = Params(ps)
    values = np.asarray(values, dtype=np.float64)
    arrays: dict[str, np.ndarray] = {}
    severities = [r.severity for r in scenario.restrictions]
    for fld, at in ps.where.items():
        if fld == "severity":
            for i, x in zip(ps.index[at], values[at], strict=True):
                severities[i] = float(x)
            continue
        target = _TARGETS[fld]
        arrays[target] = getattr(C, target).copy()
        arrays[target][ps.index[at]] = values[at]
    if "share" in arrays:
        share = arrays["share"]
        total = np.bincount(C.edge_slot, weights=share, minlength=len(C.slot_node))
        over = total > 1.0
        if over.any():
            scale = np.where(over, total, 1.0)
            arrays["share"] = share / scale[C.edge_slot]
    out = replace(C, **arrays, levels=[])
    out.levels = [copy.copy(level).gather(out) for level in C.levels]
    restrictions = tuple(
        replace(r, severity=s) if s != r.severity else r
        for r, s in zip(scenario.restrictions, severities, strict=True)
    )
    return out, replace(scenario, restrictions=restrictions)


@dataclass
class Shares:
    """What rescaling shares needs, per column: every edge of each input that may overflow.

    Those are the inputs holding a sampled share, and any whose compiled
    shares already sum above 1 (``apply`` rescales those too).
    """

    edges: np.ndarray  # compiled edges, in order
    slot: np.ndarray  # for each, the position of its input among those inputs
    n_slots: int
    share: np.ndarray  # compiled shares of ``edges``
    at: np.ndarray  # for each share parameter, its position in ``edges``

    @classmethod
    def of(cls, C: CompiledGraph, ps: Params) -> Shares:
        where = ps.where.get("share", np.zeros(0, dtype=np.int64))
        total = np.bincount(C.edge_slot, weights=C.share, minlength=len(C.slot_node))
        slots = np.union1d(C.edge_slot[ps.index[where]], np.flatnonzero(total > 1.0))
        edges = np.flatnonzero(np.isin(C.edge_slot, slots))
        return cls(
            edges=edges,
            slot=np.searchsorted(slots, C.edge_slot[edges]),
            n_slots=slots.size,
            share=C.share[edges],
            at=np.searchsorted(edges, ps.index[where]),
        )


def columns(ps: Params, shares: Shares, values: np.ndarray) -> batch.Columns:
    """The batched engine's columns of parameter values (params x runs), as ``apply`` sets them.

    Where one consumer's shares of one commodity then sum above 1, they are
    scaled down in proportion to sum to 1: the same sums, in the same order.
    """
    n = values.shape[1]
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for fld, at in ps.where.items():
        if fld == "share":
            share = np.repeat(shares.share[:, None], n, axis=1)
            share[shares.at] = values[at]
            k = shares.n_slots
            flat = (shares.slot[:, None] * n + np.arange(n)).ravel()
            total = np.bincount(flat, weights=share.ravel(), minlength=k * n).reshape(k, n)
            scale = np.where(total > 1.0, total, 1.0)
            out["share"] = (shares.edges, share / scale[shares.slot])
        else:
            out[fld] = (ps.index[at], values[at])
    return batch.Columns(n, out)


@dataclass
class Block:
    """The figures of a run of columns on every node the scenario reaches (runs x nodes)."""

    nodes: np.ndarray
    shortfall: np.ndarray
    peak_shortfall: np.ndarray
    lost_days: np.ndarray
    days_to_impact: np.ndarray  # inf: never within the horizon

    @classmethod
    def of(cls, r: batch.Result) -> Block:
        dti = r.days_to_impact.T.astype(np.float64)
        dti[r.days_to_impact.T < 0] = np.inf
        return cls(r.nodes, 1.0 - r.steady.T, r.peak_shortfall.T, r.lost_days.T, dti)

    def listed(self) -> np.ndarray:
        """The nodes section 3b lists as impacts in some run."""
        hit = (self.shortfall > AFFECTED) | (self.peak_shortfall > AFFECTED)
        return self.nodes[hit.any(axis=0)]


def chunks(n: int, size: int = CHUNK) -> list[range]:
    """Run indices 0..n-1 in consecutive chunks of at most ``size``."""
    return [range(lo, min(n, lo + size)) for lo in range(0, n, size)]


#: Runs chunks: ``mapper(task, shared, parts, progress)`` returns ``[task(shared, part)
#: for part in parts]``, in order; ``shared`` (the plan of the reached part and the
#: parameters) is the same for every part, so a cluster is sent it once.
#: ``progress(k)``, when given, is told of every ``k`` runs done.
Mapper = Callable[..., list[Block]]


def in_process(task, shared, parts, progress=None) -> list[Block]:
    """The default mapper: every chunk in this process, in order."""
    out = []
    for part in parts:
        out.append(task(shared, part))
        if progress is not None:
            progress(len(part))
    return out


def sample_values(ps: Params, seed: int, ks: Iterable[int], distribution: str) -> np.ndarray:
    """Params x samples: the draws of samples ``ks``."""
    return np.stack([draw(ps, seed, k, distribution) for k in ks], axis=1)


def sensitivity_values(ps: Params, runs: Iterable[int]) -> np.ndarray:
    """Params x runs: run ``2 i`` has parameter ``i`` at its low end, ``2 i + 1`` at its high.

    Every other parameter stays at its value.
    """
    runs = list(runs)
    out = np.repeat(ps.value[:, None], len(runs), axis=1)
    for col, j in enumerate(runs):
        out[j // 2, col] = ps.low[j // 2] if j % 2 == 0 else ps.high[j // 2]
    return out


def column_task(shared: tuple, part: range) -> Block:
    """One chunk of runs; ``shared`` is ``(plan, shares, params, how)``.

    ``how`` is ``("samples", seed, distribution)`` or ``("sensitivity",)``.
    """
    P, shares, ps, how = shared
    ps = Params(ps)
    if how[0] == "samples":
        values = sample_values(ps, how[1], part, how[2])
    else:
        values = sensitivity_values(ps, part)
    return Block.of(batch.run_columns(P, columns(ps, shares, values)))


def prepare(C: CompiledGraph, scenario: Scenario) -> tuple[Params, batch.Plan, Shares]:
    """What every chunk of runs shares: the parameters, the plan of the reached part, the shares.

    The plan also reaches the edges whose spare a run may draw above 0.
    """
    ps = params(C, scenario)
    spare = ps.index[ps.where["spare"]] if "spare" in ps.where else None
    return ps, batch.plan(C, scenario, spare_edges=spare), Shares.of(C, ps)


def map_columns(
    C: CompiledGraph,
    scenario: Scenario,
    point: Run,
    how: tuple,
    n: int,
    *,
    chunk: int = CHUNK,
    mapper: Mapper | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Params, Samples]:
    """Run ``n`` runs of ``how`` in chunks through the batched engine, and gather their figures.

    The plan of the reached part is made once, here, and shared by every chunk.
    """
    ps, P, shares = prepare(C, scenario)
    # Plain tuples travel to workers as they are (the arrays are remade per chunk).
    shared = (P, shares, tuple(ps), how)
    blocks = (mapper or in_process)(column_task, shared, chunks(n, chunk), progress)
    return ps, gather(blocks, point.impacts, P.nodes)


def check_samples(samples: int, seed: int, distribution: str) -> None:
    """Reject a sample count, seed or distribution that cannot be run."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ScenarioError(f"samples must be a whole number of at least 1, got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError(f"seed must be a whole number >= 0, got {seed!r}")
    if distribution not in DISTRIBUTIONS:
        raise ScenarioError(
            f"distribution must be one of {', '.join(DISTRIBUTIONS)}, got {distribution!r}"
        )


@dataclass
class Samples:
    """The figures of every sample, on every node that any sample (or the point run) lists.

    Matrices are samples x ``nodes``; a node that a sample leaves untouched
    has shortfall 0 there and is never hit.
    """

    nodes: np.ndarray  # node indices, sorted
    shortfall: np.ndarray
    peak_shortfall: np.ndarray
    lost_days: np.ndarray
    days_to_impact: np.ndarray  # inf: never

    def bands(self, col: int) -> dict[str, list[float | None] | float]:
        """The bands and ``p_hit`` of column ``col``, as in the JSON output."""
        return {
            "shortfall_band": band(self.shortfall[:, col]),
            "peak_shortfall_band": band(self.peak_shortfall[:, col]),
            "lost_days_band": band(self.lost_days[:, col]),
            "days_to_impact_band": band(self.days_to_impact[:, col]),
            "p_hit": float(np.mean(self.shortfall[:, col] > AFFECTED)),
        }


def band(values: np.ndarray) -> list[float | None]:
    """``[p5, p50, p95]`` by numpy's linear percentile; null where one falls on "never".

    Examples
    --------
    >>> band(np.array([0.0, 1.0, 2.0, 3.0, 4.0]))
    [0.2, 2.0, 3.8]
    >>> band(np.array([1.0, 2.0, np.inf]))
    [1.1, 2.0, None]
    """
    if np.isinf(values).any():
        # A stand-in so large that any percentile touching it stays above every
        # real day, which numpy's interpolation with inf (0 * inf) would not.
        finite = np.where(np.isinf(values), 1e300, values)
        out = np.percentile(finite, PERCENTILES)
        return [None if x > 1e299 else float(x) for x in out]
    return [float(x) for x in np.percentile(values, PERCENTILES)]


def sample_runs(
    C: CompiledGraph,
    scenario: Scenario,
    point: Run,
    n: int,
    *,
    seed: int = 0,
    distribution: str = "uniform",
    chunk: int = CHUNK,
    mapper: Mapper | None = None,
    progress: Callable[[int], None] | None = None,
) -> Samples:
    """Run ``n`` samples of ``scenario`` and gather their figures.

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph, run
    >>> C = compile_graph(graph.load())
    >>> s = Scenario()
    >>> sample_runs(C, s, run(C, s), 3).shortfall.shape[0]
    3
    """
    check_samples(n, seed, distribution)
    how = ("samples", seed, distribution)
    return map_columns(C, scenario, point, how, n, chunk=chunk, mapper=mapper, progress=progress)[1]


def gather(blocks: list[Block], point: np.ndarray, nodes: np.ndarray) -> Samples:
    """The blocks' figures on the nodes that any run (or the point run, ``point``) lists."""
    listed = np.unique(np.concatenate([point, *(b.listed() for b in blocks)]))
    cols = np.searchsorted(nodes, listed)
    if blocks:
        matrices = [
            np.concatenate([getattr(b, name)[:, cols] for b in blocks], axis=0)
            for name in ("shortfall", "peak_shortfall", "lost_days", "days_to_impact")
        ]
    else:
        matrices = [np.zeros((0, listed.size))] * 4
    return Samples(listed, *matrices)


@dataclass
class Sensitivity:
    """The shortfalls of the low and high run of every parameter, on the nodes any run lists."""

    params: list[Param]
    nodes: np.ndarray  # node indices, sorted
    low: np.ndarray  # params x nodes: shortfall with the parameter at its low end
    high: np.ndarray

    def drivers(self, node: int) -> list[dict]:
        """The parameters that move ``node``'s shortfall most (at most five, largest first).

        Ties in ``|shortfall_high - shortfall_low|`` go by name.
        """
        at = int(np.searchsorted(self.nodes, node))
        if at >= self.nodes.size or self.nodes[at] != node:
            return []
        low, high = self.low[:, at], self.high[:, at]
        swing = np.abs(high - low)
        order = sorted(
            (i for i in range(len(self.params)) if swing[i] > SENSITIVE),
            key=lambda i: (-swing[i], self.params[i].name),
        )
        return [
            {
                "param": self.params[i].name,
                "low": self.params[i].low,
                "high": self.params[i].high,
                "shortfall_low": float(low[i]),
                "shortfall_high": float(high[i]),
            }
            for i in order[:DRIVERS]
        ]


def sensitivity(
    C: CompiledGraph,
    scenario: Scenario,
    point: Run,
    *,
    chunk: int = CHUNK,
    mapper: Mapper | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """One run per parameter at its low end and one at its high end, all else at its value.

    Examples
    --------
    >>> import graph
    >>> from analysis.engine import compile_graph, run
    >>> C = compile_graph(graph.load())
    >>> s = Scenario()
    >>> sensitivity(C, s, run(C, s)).low.shape[0] == len(params(C, s))
    True
    """
    n = 2 * len(params(C, scenario))
    ps, table = map_columns(
        C, scenario, point, ("sensitivity",), n, chunk=chunk, mapper=mapper, progress=progress
    )
    return Sensitivity(ps, table.nodes, table.shortfall[0::2], table.shortfall[1::2])
