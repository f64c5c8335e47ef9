"""What-if analyses: restrict exports or remove nodes, and see who is hit.

``what_if`` and ``remove`` run one scenario through the engine and return a
``WhatIf`` result: the impacts table, the timeline, a summary, the JSON
object of the command line and its tables for people (``analysis.output``).
pandas is imported only when a table is asked for, so the command line stays
fast.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.engine import CompiledGraph, Run, compile_graph, run, via_chains
from analysis.output import Report, Section, Table, format_usd, plural
from analysis.scenario import DEFAULT_HORIZON, Restriction, Scenario
from graph.memory import no_cyclic_gc

if TYPE_CHECKING:  # networkx is imported only when a graph needs it
    import networkx as nx

IMPACT_FIELDS = (
    "node",
    "name",
    "kind",
    "country",
    "shortfall",
    "days_to_impact",
    "shortfall_on_day",
    "value_at_risk",
    "peak_shortfall",
    "days_to_peak",
    "lost_days",
    "value_lost",
    "via",
)
#: The columns of ``WhatIf.impacts``: the key ones first, so that a narrow
#: REPL, which elides the middle columns, still shows the shortfall.
FRAME_COLUMNS = (
    "node",
    "name",
    "shortfall",
    "peak_shortfall",
    "days_to_peak",
    "days_to_impact",
    "lost_days",
    "value_at_risk",
    "value_lost",
    "shortfall_on_day",
    "kind",
    "country",
    "via",
)
#: Added to each impact when the scenario gives ``day0`` (DESIGN section 3b).
DATE_FIELDS = ("date_to_impact", "date_to_peak")
#: The columns of the table for people, and their headings (``shortfall_on_day``
#: goes before ``value`` when a day is asked about; the value columns only
#: when some row has a value).
PEOPLE_COLUMNS = (
    "name",
    "country",
    "shortfall",
    "peak",
    "days",
    "lost_days",
    "value",
    "value_lost",
    "via",
)
# The table for people is narrow (the node's kind is in its name, and in every
# other format): the peak and the day it is reached share one cell.
PEOPLE_HEADERS = (
    "name",
    "country",
    "long-run shortfall",
    "peak (day)",
    "first day hit",
    "days lost",
    "value at risk",
    "value lost",
    "via",
)
_VALUE_COLUMNS = ("value", "value_lost")


def _total(values: Iterable[float | None]) -> float | None:
    """The sum of the values that are given, None when none is."""
    given = [v for v in values if v is not None]
    return float(sum(given)) if given else None


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


class WhatIf(Report):
    """The outcome of one scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario as run, with every name resolved to an id.
    records : list of dict
        One dict per affected node, with the fields of the JSON output.
    summary : dict
        ``nodes_hit``, ``industries_hit``, ``value_at_risk`` and ``value_lost``.
    """

    def __init__(self, G: nx.MultiDiGraph, compiled: CompiledGraph, scenario: Scenario, raw: Run):
        self.G = G
        self.compiled = compiled
        self.scenario = scenario
        self.raw = raw
        self.records = self._records()
        industries = [r for r in self.records if r["kind"] == "industry"]
        self.summary = {
            "nodes_hit": len(self.records),
            "industries_hit": len(industries),
            "value_at_risk": _total(r["value_at_risk"] for r in self.records),
            "value_lost": _total(r["value_lost"] for r in self.records),
        }

    def _records(self) -> list[dict[str, Any]]:
        raw = self.raw
        # The engine has sorted the impacts (DESIGN section 3b): keep its order.
        chains = via_chains(self.compiled, raw, raw.impacts)
        return [
            self._record(int(raw.affected[col]), int(col), via)
            for col, via in zip(raw.impact_cols, chains, strict=True)
        ]

    def _record(self, i: int, col: int | None, via: list[str]) -> dict[str, Any]:
        """The impact record of node ``i`` (``col``: its timeline column; None: never short)."""
        C, raw, scenario = self.compiled, self.raw, self.scenario
        day = scenario.day
        shortfall = 1.0 - float(raw.steady[i])
        node = C.nodes[i]
        attrs = self.G.nodes[node]
        value = float(C.node_value[i])
        lost = 0.0 * value if col is None else float(raw.value_lost[col])
        first = -1 if col is None else int(raw.days_to_impact[col])
        at_peak = -1 if col is None else int(raw.days_to_peak[col])
        record = {
            "node": node,
            "name": attrs.get("name") or node,
            "kind": C.kind_of(i),
            "country": attrs.get("country"),
            "shortfall": shortfall,
            "days_to_impact": None if first < 0 else first,
            "shortfall_on_day": None
            if day is None
            else (0.0 if col is None else 1.0 - float(raw.timeline[day, col])),
            "value_at_risk": None if math.isnan(value) else value * shortfall,
            "peak_shortfall": 0.0 if col is None else float(raw.peak_shortfall[col]),
            "days_to_peak": None if at_peak < 0 else at_peak,
            "lost_days": 0.0 if col is None else float(raw.lost_days[col]),
            "value_lost": None if math.isnan(lost) else lost,
        }
        if scenario.day0 is not None:
            record["date_to_impact"] = scenario.date(record["days_to_impact"])
            record["date_to_peak"] = scenario.date(record["days_to_peak"])
        record["via"] = via
        return record

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph what-if --format json`` (DESIGN section 5)."""
        return {
            "scenario": self.scenario.to_dict(),
            "impacts": [dict(r) for r in self.records],
            "summary": dict(self.summary),
            "provenance": {
                k: self.G.graph.get(k) for k in ("path", "hash", "version") if k in self.G.graph
            },
        }

    @cached_property
    def impacts(self):
        """Every affected node, most affected first (a pandas DataFrame).

        The key columns come first (``FRAME_COLUMNS``); ``days_to_impact`` is
        ``Int64`` and ``value_at_risk``, ``shortfall_on_day`` are ``Float64``,
        with ``<NA>`` where there is no figure. The frame prints its numbers
        rounded to 4 decimals; its values are exact.

        Examples
        --------
        >>> import graph, analysis
        >>> res = analysis.remove(graph.load(), ["chn"])
        >>> list(res.impacts.columns[:3]), str(res.impacts["days_to_impact"].dtype)
        (['node', 'name', 'shortfall'], 'Int64')
        """
        from analysis.frames import impacts_frame

        columns = list(FRAME_COLUMNS)
        if self.scenario.day0 is not None:
            columns[-1:-1] = DATE_FIELDS
        return impacts_frame(self.records, columns)

    @cached_property
    def availability(self):
        """Steady-state availability of every node (a pandas Series indexed by id)."""
        import pandas as pd

        return pd.Series(self.raw.steady, index=self.compiled.nodes, name="availability")

    @cached_property
    def timeline(self):
        """Shortfall of each affected node on each day (days x nodes DataFrame)."""
        import pandas as pd

        nodes = [self.compiled.nodes[i] for i in self.raw.affected]
        frame = pd.DataFrame(1.0 - self.raw.timeline, columns=nodes)
        frame.index.name = "day"
        return frame

    def title(self) -> str:
        """A one-line description of the scenario."""
        return self.scenario.title(self.G)

    def headline(self) -> str:
        """One line of summary, as printed above the table.

        A named scenario also states its assumptions (who restricts what, how
        hard, from when); an empty result says why (``analysis.explain``).

        Examples
        --------
        >>> import graph, analysis
        >>> analysis.remove(graph.load(), ["jp-defence"]).headline()
        'removed: Defence (Japan): 1 node hit, 1 industry, value at risk $53.0B'
        """
        from analysis.explain import why_nothing

        s = self.summary
        title = self.title()
        if self.scenario.name:
            title += f" ({replace(self.scenario, name=None).title(self.G)})"
        hit = plural(s["nodes_hit"], "node")
        text = f"{title}: {hit} hit, {plural(s['industries_hit'], 'industry', 'industries')}"
        if s["value_at_risk"] is not None:
            text += f", value at risk {format_usd(s['value_at_risk'])}"
        if not s["nodes_hit"]:
            text += f". {why_nothing(self.G, self.scenario)}"
        return text

    def plot(self, kind: str = "graph", **kwargs):
        """Draw the scenario: ``"graph"`` (dependency diagram), ``"timeline"`` or
        ``"sensitivity"`` (a tornado of the drivers, with ``sensitivity=True``).

        Examples
        --------
        >>> import graph, analysis
        >>> analysis.remove(graph.load(), ["chn"]).plot("nonsense")
        Traceback (most recent call last):
        ...
        ValueError: kind must be 'graph', 'timeline' or 'sensitivity', got 'nonsense'
        """
        from analysis import drawing

        if kind == "timeline":
            return drawing.plot_timeline(self, **kwargs)
        if kind == "sensitivity":  # a tornado of the drivers (section 3c)
            from analysis.drawing.charts import plot_sensitivity

            return plot_sensitivity(self, **kwargs)
        if kind == "graph":
            return drawing.plot_scenario(self, **kwargs)
        raise ValueError(f"kind must be 'graph', 'timeline' or 'sensitivity', got {kind!r}")

    def head(self, n: int | None) -> WhatIf:
        """The same result listing only its first ``n`` impacts (the summary still counts all).

        Examples
        --------
        >>> import graph, analysis
        >>> res = analysis.remove(graph.load(), ["chn"])
        >>> shown = res.head(2)
        >>> len(shown.records), shown.summary == res.summary
        (2, True)
        """
        if n is None:
            return self
        shown = copy.copy(self)
        shown.records = self.records[:n]
        shown.__dict__.pop("impacts", None)  # a cached table of every impact
        return shown

    def data_table(self) -> Table:
        """The impacts with every JSON field, one row each (CSV and markdown)."""
        columns = list(self.records[0]) if self.records else ["node", "shortfall"]
        if self.sample_set is not None or self.sensitivity is not None:
            return self._flat_table(columns)  # section 3c: one column per percentile
        return Table(self.records, columns)

    def people_sections(self) -> list[Section]:
        """The headline, and the impacts in percent, days and dollars (the table format)."""
        day = self.scenario.day
        rows = [self._people_row(r) for r in self.records]
        if not rows:
            return [Section(self.headline())]
        pairs = [
            (c, h)
            for c, h in zip(PEOPLE_COLUMNS, PEOPLE_HEADERS, strict=True)
            if c not in _VALUE_COLUMNS or any(row[c] for row in rows)
        ]
        if day is not None:
            at = next((k for k, (c, _) in enumerate(pairs) if c in _VALUE_COLUMNS), -1)
            pairs.insert(at if at >= 0 else len(pairs) - 1, ("on_day", f"on day {day}"))
        if self.scenario.day0 is not None:
            dated = {"peak": "peak (date)", "days": "first hit on"}
            pairs = [(c, dated.get(c, h)) for c, h in pairs]
        columns, headers = (list(x) for x in zip(*pairs, strict=True))
        self._band_cells(rows)  # section 3c: a band next to each figure
        spare = ("value_lost", "value", "via", "lost_days", "days", "peak", "on_day")
        sections = [Section(self.headline(), Table(rows, columns, headers, spare=spare))]
        return [*sections, *self._driver_sections()]

    # --- How sure (DESIGN section 3c): bands, per-sample figures, drivers -------------------

    sample_set = None  # analysis.uncertainty.Samples, when the run was sampled
    sensitivity = None  # analysis.uncertainty.Sensitivity, with --sensitivity
    sampling = None  # {"samples", "seed", "distribution"} of a sampled run (sample_timelines)

    def attach_uncertainty(self, samples=None, sensitivity=None) -> None:
        """Add the bands and ``p_hit`` of ``samples`` and the ``drivers`` of ``sensitivity``.

        Every node that a sample lists joins the impacts (with its point figures).
        """

        C, raw = self.compiled, self.raw
        self.sample_set, self.sensitivity = samples, sensitivity
        known = {r["node"] for r in self.records}
        extra = [] if samples is None else [i for i in samples.nodes if C.nodes[i] not in known]
        if extra:
            columns = {int(node): col for col, node in enumerate(raw.affected)}
            chains = via_chains(C, raw, extra)
            for i, via in zip(extra, chains, strict=True):
                self.records.append(self._record(int(i), columns.get(int(i)), via))
            self.records.sort(key=lambda r: (-r["shortfall"], -r["peak_shortfall"], r["node"]))
        for r in self.records:
            i = C.index[r["node"]]
            if samples is not None:
                col = int(np.searchsorted(samples.nodes, i))
                r.update(samples.bands(col))
            if sensitivity is not None:
                r["drivers"] = sensitivity.drivers(i)
        self.__dict__.pop("impacts", None)

    @property
    def bands(self):
        """The bands and ``p_hit`` of every impact (a pandas DataFrame; empty without samples)."""
        import pandas as pd

        names = ("shortfall", "peak_shortfall", "lost_days", "days_to_impact")
        rows = []
        for r in self.records:
            if "p_hit" not in r:
                continue
            row = {"node": r["node"]}
            for name in names:
                for q, x in zip(("p5", "p50", "p95"), r[f"{name}_band"], strict=True):
                    row[f"{name}_{q}"] = x
            row["p_hit"] = r["p_hit"]
            rows.append(row)
        columns = ["node", *(f"{n}_{q}" for n in names for q in ("p5", "p50", "p95")), "p_hit"]
        return pd.DataFrame(rows, columns=columns)

    def samples(self, node: str):
        """The steady shortfall of ``node`` in every sample (a numpy array, for a histogram)."""
        if self.sample_set is None:
            raise ValueError("this result has no samples: run it with samples=N")
        i = self.compiled.index[node]
        col = int(np.searchsorted(self.sample_set.nodes, i))
        if col >= self.sample_set.nodes.size or self.sample_set.nodes[col] != i:
            return np.zeros(self.sample_set.shortfall.shape[0])
        return self.sample_set.shortfall[:, col].copy()

    def sample_timelines(self, nodes: Iterable[str]):
        """The shortfall of ``nodes`` on every day in every sample: a samples x days x nodes array.

        The samples of the bands are drawn again (the same seed and
        distribution give the same draws) and run as columns of the batched
        engine, which keeps the days of ``nodes``, a chunk of samples at a
        time; the timeline plot shades its p5-p95 band from them. A node a
        sample leaves untouched has shortfall 0 there.

        Examples
        --------
        >>> import graph
        >>> from analysis.scenario import Restriction
        >>> s = Scenario(restrictions=(Restriction("chn", ("gallium",)),), horizon=30)
        >>> run_uncertain(graph.load(), s, samples=4).sample_timelines(["jp-automotive"]).shape
        (4, 31, 1)
        """
        if self.sample_set is None or self.sampling is None:
            raise ValueError("this result has no samples: run it with samples=N")
        from analysis import batch, uncertainty

        C, scenario = self.compiled, self.scenario
        cols = np.array([C.index[n] for n in nodes], dtype=np.int64)
        ps, P, shares = uncertainty.prepare(C, scenario)
        n, seed, distribution = (self.sampling[k] for k in ("samples", "seed", "distribution"))
        out = np.zeros((n, self.raw.timeline.shape[0], cols.size))
        for part in uncertainty.chunks(n):
            values = uncertainty.sample_values(ps, seed, part, distribution)
            r = batch.run_columns(P, uncertainty.columns(ps, shares, values), keep=cols)
            out[part.start : part.stop] = 1.0 - r.daily.transpose(2, 0, 1)
        return out

    def _flat_table(self, columns: list[str]) -> Table:
        """The records, each band as three columns (``shortfall_p5`` ...), drivers as text."""
        rows, flat = [], []
        for r in self.records:
            row = {}
            for key, value in r.items():
                if key.endswith("_band"):
                    for q, x in zip(("p5", "p50", "p95"), value, strict=True):
                        row[f"{key.removesuffix('_band')}_{q}"] = x
                elif key == "drivers":
                    row[key] = "; ".join(
                        f"{d['param']} {d['low']:g}-{d['high']:g}: "
                        f"{d['shortfall_low']:.6g} to {d['shortfall_high']:.6g}"
                        for d in value
                    )
                else:
                    row[key] = value
            rows.append(row)
        for key in columns:
            if key.endswith("_band"):
                flat += [f"{key.removesuffix('_band')}_{q}" for q in ("p5", "p50", "p95")]
            else:
                flat.append(key)
        return Table(rows, flat)

    def _band_cells(self, rows: list[dict]) -> None:
        """Write each sampled shortfall as ``42.0% (35.1-47.9)`` (p5-p95)."""
        for row, r in zip(rows, self.records, strict=True):
            low, _, high = r.get("shortfall_band", (None, None, None))
            if low is not None and high is not None:
                row["shortfall"] += f" ({100 * low:.1f}-{100 * high:.1f})"

    def _driver_records(self) -> list[dict]:
        """The most affected industries shown (at most five), else the impacts shown."""
        industries = [r for r in self.records if r["kind"] == "industry"]
        return (industries or self.records)[:5]

    def _driver_sections(self) -> list[Section]:
        """The top drivers of the most affected industries (with ``--sensitivity``)."""
        if self.sensitivity is None:
            return []
        rows = [
            {
                "name": r["name"],
                "param": d["param"],
                "range": f"{d['low']:g}-{d['high']:g}",
                "low": _percent(d["shortfall_low"]),
                "high": _percent(d["shortfall_high"]),
            }
            for r in self._driver_records()
            for d in r.get("drivers", [])
        ]
        if not rows:
            return [Section("No uncertain number moves the shortfalls shown.")]
        columns = ["name", "param", "range", "low", "high"]
        headers = ["node", "driver", "range", "shortfall at low", "shortfall at high"]
        return [Section("What moves it most", Table(rows, columns, headers))]

    def _people_row(self, r: Mapping[str, Any]) -> dict[str, Any]:
        """One impact in percent, days (dates, given day0) and dollars."""

        def on(day: int | None) -> str | int:
            # With day0 the date says more than the day number (the JSON has both).
            date = self.scenario.date(day)
            return day if date is None else date

        return {
            "name": r["name"],
            "country": r["country"] or "",
            "shortfall": _percent(r["shortfall"]),
            "peak": ""
            if r["days_to_peak"] is None
            else f"{_percent(r['peak_shortfall'])} ({on(r['days_to_peak'])})",
            "days": "never" if r["days_to_impact"] is None else on(r["days_to_impact"]),
            "lost_days": f"{r['lost_days']:.1f}",
            "on_day": "" if r["shortfall_on_day"] is None else _percent(r["shortfall_on_day"]),
            "value": "" if r["value_at_risk"] is None else format_usd(r["value_at_risk"]),
            "value_lost": "" if r["value_lost"] is None else format_usd(r["value_lost"]),
            "via": " -> ".join(r["via"]),
        }

    def markdown_sections(self) -> list[Section]:
        """Every JSON field of the impacts, titled by the headline (the markdown format)."""
        table = self.data_table()
        return [Section(None, Table(table.records, table.columns, title=self.headline()))]

    def _repr_html_(self) -> str:
        from html import escape

        table = self.impacts.assign(via=self.impacts["via"].map(" → ".join)).to_html(index=False)
        return f"<p><b>{escape(self.headline())}</b></p>{table}"

    def __repr__(self) -> str:
        return f"<WhatIf {self.headline()}>"


def _restriction(item: Restriction | Mapping[str, Any]) -> Restriction:
    if isinstance(item, Restriction):
        return item
    return Restriction(**dict(item))


def what_if(
    G: nx.MultiDiGraph,
    restrictions: Iterable[Restriction | Mapping[str, Any]] = (),
    *,
    removed: Iterable[str] = (),
    horizon: int = DEFAULT_HORIZON,
    day: int | None = None,
    compiled: CompiledGraph | None = None,
) -> WhatIf:
    """Run export restrictions (and removals) through the supply graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    restrictions : iterable of Restriction or dict
        Who restricts what, to whom; names or ids.
    removed : iterable of str
        Nodes taken out for the whole run.
    horizon : int
        Days simulated for the timeline (default: ``analysis.scenario.DEFAULT_HORIZON``).
    day : int, optional
        Also report every node's shortfall on this day.
    compiled : CompiledGraph, optional
        A compiled form of ``G`` to reuse across runs.

    Returns
    -------
    WhatIf

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.load()
    >>> res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"], to=["japan"])])
    >>> res.summary["nodes_hit"] > 0
    True
    """
    scenario = Scenario(
        restrictions=tuple(_restriction(r) for r in restrictions),
        removed=tuple(removed),
        horizon=horizon,
        day=day,
    )
    return run_scenario(G, scenario, compiled=compiled)


def remove(
    G: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    horizon: int = DEFAULT_HORIZON,
    day: int | None = None,
    compiled: CompiledGraph | None = None,
) -> WhatIf:
    """Take nodes out of the graph for the whole run and see who is hit.

    Removing a country removes only what it supplies directly; the nodes
    located in it go on (restrict ``all`` of its commodities to stop those).

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.remove(graph.load(), ["chn"])
    >>> res.records[0]["node"]
    'chn'
    """
    if isinstance(nodes, str):
        nodes = [nodes]
    return what_if(G, (), removed=nodes, horizon=horizon, day=day, compiled=compiled)


def run_scenario(
    G: nx.MultiDiGraph, scenario: Scenario, *, compiled: CompiledGraph | None = None
) -> WhatIf:
    """Run a ``Scenario`` (names are resolved against ``G`` first).

    The scenario's overrides (``set:``) change a copy of ``G`` first, so
    ``compiled`` (a compiled form of the unchanged ``G``) is not used then.
    """
    from analysis.overrides import apply_overrides  # its schema needs pydantic: only when used

    if scenario.overrides:
        G, compiled = apply_overrides(G, scenario.overrides), None
    resolved = scenario.resolve(G)
    C = compiled if compiled is not None else compile_graph(G)
    with no_cyclic_gc():  # right after a big load, its first full pass would land here
        return WhatIf(G, C, resolved, run(C, resolved))


def run_uncertain(
    G: nx.MultiDiGraph,
    scenario: Scenario,
    *,
    samples: int | None = None,
    seed: int = 0,
    distribution: str = "uniform",
    sensitivity: bool = False,
    compiled: CompiledGraph | None = None,
    mapper=None,
    progress=None,
) -> WhatIf:
    """Run a scenario with its bands (``samples``) and drivers (``sensitivity``), DESIGN 3c.

    ``samples`` defaults to the scenario's own ``samples:``; ``mapper`` runs
    the chunks elsewhere (``analysis.distributed``), with the same answers.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import Restriction
    >>> s = Scenario(restrictions=(Restriction("chn", ("gallium",)),))
    >>> res = run_uncertain(graph.load(), s, samples=20)
    >>> 0.0 <= res.records[0]["p_hit"] <= 1.0
    True
    """
    from analysis import uncertainty

    n = scenario.samples if samples is None else samples
    if n is not None:
        uncertainty.check_samples(n, seed, distribution)
        scenario = dataclasses.replace(scenario, samples=n)  # echoed in the JSON scenario
    result = run_scenario(G, scenario, compiled=compiled)
    C, point = result.compiled, result.raw
    drawn = None
    if n is not None:
        drawn = uncertainty.sample_runs(
            C,
            result.scenario,
            point,
            n,
            seed=seed,
            distribution=distribution,
            mapper=mapper,
            progress=progress,
        )
    swings = (
        uncertainty.sensitivity(C, result.scenario, point, mapper=mapper) if sensitivity else None
    )
    if drawn is not None or swings is not None:
        result.attach_uncertainty(drawn, swings)
    if drawn is not None:
        result.sampling = {"samples": n, "seed": seed, "distribution": distribution}
    return result
