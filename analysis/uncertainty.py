"""How sure: sampled bands and one-at-a-time sensitivity (DESIGN section 3c).

Every uncertain number of a dataset (an edge's ``range`` of its share and
``spare_range``; an input's ``dependence_range``, ``substitutable_range``,
``stockpile_days_range``) and of a scenario (a restriction's
``severity_range``) is one ``Param``. ``sample_runs`` runs the scenario once
per sample with every parameter drawn independently; ``sensitivity`` once per
parameter at its low and once at its high end.

Each run is one engine run on a copy of the compiled graph whose arrays carry
the run's values (``apply``): the structure (levels, order of sums) is
compiled once and shared. Draws are repeatable: sample ``k`` draws from its
own stream ``PCG64(SeedSequence(seed, spawn_key=(k,)))``, in the fixed order of
``params``, so how the samples are split into chunks (or over workers)
cannot change a draw, nor therefore a byte of the output.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from analysis.engine import AFFECTED, CompiledGraph, Run, run
from analysis.scenario import Scenario
from graph.errors import ScenarioError

DISTRIBUTIONS = ("uniform", "triangular")
PERCENTILES = (5.0, 50.0, 95.0)
DRIVERS = 5  # at most this many drivers per impact
SENSITIVE = 1e-12  # a driver moves the shortfall by more than this
CHUNK = 64  # samples per chunk: bounds the memory of one step

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
class Figures:
    """The figures of one run on the nodes it can affect (others are untouched)."""

    nodes: np.ndarray  # node indices (the run's ``affected``)
    shortfall: np.ndarray
    peak_shortfall: np.ndarray
    lost_days: np.ndarray
    days_to_impact: np.ndarray  # inf: never within the horizon

    @classmethod
    def of(cls, r: Run) -> Figures:
        dti = r.days_to_impact.astype(np.float64)
        dti[r.days_to_impact < 0] = np.inf
        return cls(r.affected, 1.0 - r.steady[r.affected], r.peak_shortfall, r.lost_days, dti)

    def listed(self) -> np.ndarray:
        """The nodes section 3b lists as impacts in this run."""
        return self.nodes[(self.shortfall > AFFECTED) | (self.peak_shortfall > AFFECTED)]


def run_values(
    C: CompiledGraph, scenario: Scenario, ps: Sequence[Param], values: np.ndarray
) -> Figures:
    """One engine run with the parameters at ``values``."""
    Ck, scenario_k = apply(C, scenario, ps, values)
    return Figures.of(run(Ck, scenario_k))


def sample_chunk(
    C: CompiledGraph,
    scenario: Scenario,
    ps: Sequence[Param],
    seed: int,
    ks: Iterable[int],
    distribution: str = "uniform",
) -> list[Figures]:
    """The runs of samples ``ks`` (one task: a chunk for one process or worker)."""
    return [run_values(C, scenario, ps, draw(ps, seed, k, distribution)) for k in ks]


def chunks(n: int, size: int = CHUNK) -> list[range]:
    """Sample indices 0..n-1 in consecutive chunks of at most ``size``."""
    return [range(lo, min(n, lo + size)) for lo in range(0, n, size)]


#: Runs chunks: ``mapper(task, shared, parts, progress)`` returns ``[task(shared, part)
#: for part in parts]``, in order; ``shared`` (the compiled graph and the scenario) is
#: the same for every part, so a cluster is sent it once. ``progress(k)``, when given,
#: is told of every ``k`` runs done.
Mapper = Callable[..., list[list[Figures]]]


def in_process(task, shared, parts, progress=None) -> list[list[Figures]]:
    """The default mapper: every chunk in this process, in order."""
    out = []
    for part in parts:
        out.append(task(shared, part))
        if progress is not None:
            progress(len(part))
    return out


def sample_task(shared: tuple, part: range) -> list[Figures]:
    """A chunk of samples; ``shared`` is ``(C, scenario, params, seed, distribution)``."""
    C, scenario, ps, seed, distribution = shared
    return sample_chunk(C, scenario, Params(ps), seed, part, distribution)


def sensitivity_task(shared: tuple, part: range) -> list[Figures]:
    """A chunk of sensitivity runs; ``shared`` is ``(C, scenario, params)``."""
    C, scenario, ps = shared
    return sensitivity_chunk(C, scenario, Params(ps), part)


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
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> s = Scenario()
    >>> sample_runs(C, s, run(C, s), 3).shortfall.shape[0]
    3
    """
    check_samples(n, seed, distribution)
    ps = params(C, scenario)
    # Plain tuples travel to workers as they are (the arrays are remade per chunk).
    shared = (C, scenario, tuple(ps), seed, distribution)
    results = (mapper or in_process)(sample_task, shared, chunks(n, chunk), progress)
    runs = [f for part in results for f in part]
    return gather(runs, Figures.of(point))


def gather(runs: list[Figures], point: Figures) -> Samples:
    """Put the runs' figures on the union of the nodes any of them (or the point run) lists."""
    listed = np.unique(np.concatenate([point.listed(), *(f.listed() for f in runs)]))
    shape = (len(runs), listed.size)
    out = Samples(listed, np.zeros(shape), np.zeros(shape), np.zeros(shape), np.full(shape, np.inf))
    for k, f in enumerate(runs):
        cols = np.searchsorted(listed, f.nodes)
        on = (cols < listed.size) & (listed[np.minimum(cols, listed.size - 1)] == f.nodes)
        cols, src = cols[on], np.flatnonzero(on)
        out.shortfall[k, cols] = f.shortfall[src]
        out.peak_shortfall[k, cols] = f.peak_shortfall[src]
        out.lost_days[k, cols] = f.lost_days[src]
        out.days_to_impact[k, cols] = f.days_to_impact[src]
    return out


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


def sensitivity_chunk(
    C: CompiledGraph, scenario: Scenario, ps: Sequence[Param], runs: Iterable[int]
) -> list[Figures]:
    """Runs ``2 i`` (parameter ``i`` at its low end) and ``2 i + 1`` (at its high end)."""
    value = bounds(ps)[2]
    out = []
    for j in runs:
        p = ps[j // 2]
        values = value.copy()
        values[j // 2] = p.low if j % 2 == 0 else p.high
        out.append(run_values(C, scenario, ps, values))
    return out


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
    >>> from analysis.engine import compile_graph
    >>> C = compile_graph(graph.load())
    >>> s = Scenario()
    >>> sensitivity(C, s, run(C, s)).low.shape[0] == len(params(C, s))
    True
    """
    ps = params(C, scenario)
    parts = chunks(2 * len(ps), chunk)
    results = (mapper or in_process)(sensitivity_task, (C, scenario, tuple(ps)), parts, progress)
    runs = [f for part in results for f in part]
    table = gather(runs, Figures.of(point))
    return Sensitivity(ps, table.nodes, table.shortfall[0::2], table.shortfall[1::2])
