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
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from analysis.engine import AFFECTED, CompiledGraph, Run, compile_graph, run, via_chains
from analysis.output import Report, Section, Table, format_usd
from analysis.scenario import DEFAULT_HORIZON, Restriction, Scenario
from graph.memory import no_cyclic_gc

IMPACT_FIELDS = (
    "node",
    "name",
    "kind",
    "country",
    "shortfall",
    "days_to_impact",
    "shortfall_on_day",
    "value_at_risk",
    "via",
)
#: The columns of the table for people, and their headings (``shortfall_on_day``
#: goes before ``value`` when a day is asked about).
PEOPLE_COLUMNS = ("name", "kind", "country", "shortfall", "days", "value", "via")
PEOPLE_HEADERS = ("name", "kind", "country", "shortfall", "days to impact", "value at risk", "via")


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
        ``nodes_hit``, ``industries_hit`` and ``value_at_risk``.
    """

    def __init__(self, G: nx.MultiDiGraph, compiled: CompiledGraph, scenario: Scenario, raw: Run):
        self.G = G
        self.compiled = compiled
        self.scenario = scenario
        self.raw = raw
        self.records = self._records()
        industries = [r for r in self.records if r["kind"] == "industry"]
        values = [r["value_at_risk"] for r in self.records if r["value_at_risk"] is not None]
        self.summary = {
            "nodes_hit": len(self.records),
            "industries_hit": len(industries),
            "value_at_risk": float(sum(values)) if values else None,
        }

    def _records(self) -> list[dict[str, Any]]:
        C, raw, day = self.compiled, self.raw, self.scenario.day
        hit = [col for col, i in enumerate(raw.affected) if 1.0 - raw.steady[i] > AFFECTED]
        chains = via_chains(C, raw, raw.affected[hit])
        records = []
        for col, via in zip(hit, chains, strict=True):
            i = raw.affected[col]
            shortfall = 1.0 - float(raw.steady[i])
            node = C.nodes[i]
            attrs = self.G.nodes[node]
            value = attrs.get("value")
            first = int(raw.days_to_impact[col])
            records.append(
                {
                    "node": node,
                    "name": attrs.get("name") or node,
                    "kind": attrs.get("kind"),
                    "country": attrs.get("country"),
                    "shortfall": shortfall,
                    "days_to_impact": None if first < 0 else first,
                    "shortfall_on_day": None
                    if day is None
                    else 1.0 - float(raw.timeline[day, col]),
                    "value_at_risk": None if value is None else float(value) * shortfall,
                    "via": via,
                }
            )
        records.sort(key=lambda r: (-r["shortfall"], r["node"]))
        return records

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
        """Every affected node, most affected first (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.records, columns=list(IMPACT_FIELDS))

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
        """One line of summary, as printed above the table."""
        s = self.summary
        text = f"{self.title()}: {s['nodes_hit']} nodes hit, {s['industries_hit']} industries"
        if s["value_at_risk"] is not None:
            text += f", value at risk {format_usd(s['value_at_risk'])}"
        return text

    def plot(self, kind: str = "graph", **kwargs):
        """Draw the scenario: ``"graph"`` (diagram), ``"timeline"`` or ``"sensitivity"``."""
        from analysis import drawing

        if kind == "timeline":
            return drawing.plot_timeline(self, **kwargs)
        if kind == "sensitivity":  # a tornado of the drivers (section 3c)
            from analysis.drawing.charts import plot_sensitivity

            return plot_sensitivity(self, **kwargs)
        return drawing.plot_scenario(self, **kwargs)

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
        rows = [
            {
                "name": r["name"],
                "kind": r["kind"],
                "country": r["country"] or "",
                "shortfall": _percent(r["shortfall"]),
                "days": "never" if r["days_to_impact"] is None else r["days_to_impact"],
                "on_day": "" if r["shortfall_on_day"] is None else _percent(r["shortfall_on_day"]),
                "value": "" if r["value_at_risk"] is None else format_usd(r["value_at_risk"]),
                "via": " -> ".join(r["via"]),
            }
            for r in self.records
        ]
        if not rows:
            return [Section(self.headline())]
        self._band_cells(rows)  # section 3c: a band next to each figure
        columns, headers = list(PEOPLE_COLUMNS), list(PEOPLE_HEADERS)
        if day is not None:
            columns.insert(5, "on_day")
            headers.insert(5, f"on day {day}")
        return [Section(self.headline(), Table(rows, columns, headers)), *self._driver_sections()]

    # --- How sure (DESIGN section 3c): bands, per-sample figures, drivers -------------------

    sample_set = None  # analysis.uncertainty.Samples, when the run was sampled
    sensitivity = None  # analysis.uncertainty.Sensitivity, with --sensitivity

    def attach_uncertainty(self, samples=None, sensitivity=None) -> None:
        """Add the bands and ``p_hit`` of ``samples`` and the ``drivers`` of ``sensitivity``.

        Every node that a sample lists joins the impacts (with its point figures).
        """
        from analysis.uncertainty import Figures

        C, raw = self.compiled, self.raw
        self.sample_set, self.sensitivity = samples, sensitivity
        known = {r["node"] for r in self.records}
        extra = [] if samples is None else [i for i in samples.nodes if C.nodes[i] not in known]
        if extra:
            point = Figures.of(raw)
            chains = via_chains(C, raw, extra)
            for i, via in zip(extra, chains, strict=True):
                node = C.nodes[int(i)]
                attrs = self.G.nodes[node]
                value = attrs.get("value")
                shortfall = 1.0 - float(raw.steady[i])
                at = np.searchsorted(point.nodes, i)
                on = at < point.nodes.size and point.nodes[min(at, point.nodes.size - 1)] == i
                first = point.days_to_impact[at] if on else np.inf
                day = self.scenario.day
                self.records.append(
                    {
                        "node": node,
                        "name": attrs.get("name") or node,
                        "kind": attrs.get("kind"),
                        "country": attrs.get("country"),
                        "shortfall": shortfall,
                        "days_to_impact": None if np.isinf(first) else int(first),
                        "shortfall_on_day": None
                        if day is None
                        else (1.0 - float(raw.timeline[day, at]) if on else 0.0),
                        "value_at_risk": None if value is None else float(value) * shortfall,
                        "via": via,
                    }
                )
            self.records.sort(key=lambda r: (-r["shortfall"], r["node"]))
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
    """Run a ``Scenario`` (names are resolved against ``G`` first)."""
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
    return result
