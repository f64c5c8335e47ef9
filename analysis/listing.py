"""What a dataset holds, by name: ``chokegraph list`` and ``chokegraph validate``.

``listing(G, what)`` lists the commodities, groups, countries, sources or
bundled scenarios of a dataset, so that a new user can find the names the
other commands take; ``validation(G)`` is the summary ``validate`` prints.
Both are ``Report`` results, printed in every format.

Examples
--------
>>> import graph
>>> G = graph.load()
>>> "refined-cobalt" in [r["commodity"] for r in listing(G, "commodities").records]
True
>>> validation(G).to_json()["ok"]
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from analysis.output import Report, Section, Table, plural

#: What ``chokegraph list`` lists.
LISTS = ("commodities", "groups", "countries", "scenarios", "sources")


class Listing(Report):
    """The rows of one list, with its columns.

    Attributes
    ----------
    what : str
        One of ``LISTS``.
    records : list of dict
        One dict per row.
    columns : tuple of str
        The keys of each row, in order.
    """

    def __init__(
        self,
        what: str,
        records: list[dict[str, Any]],
        columns: tuple[str, ...],
        total: int | None = None,
    ):
        self.what = what
        self.records = records
        self.columns = columns
        self.total = len(records) if total is None else total

    def to_json(self) -> dict[str, Any]:
        """``{WHAT: [...]}``, one object per row."""
        return {self.what: [dict(r) for r in self.records]}

    def data_table(self) -> Table:
        """The rows, every column (CSV)."""
        return Table(self.records, self.columns)

    def people_sections(self) -> list[Section]:
        """A count, then the table (a scenario's long description only in the other formats)."""
        count = plural(
            self.total, self.what[:-1] if self.what != "commodities" else "commodity", self.what
        )
        if len(self.records) < self.total:
            count = f"{len(self.records)} of {count}"
        columns = [c for c in self.columns if c != "description"]
        return [Section(count, Table(self.records, columns))]

    def head(self, n: int | None) -> Listing:
        """The first ``n`` rows (``--top N``)."""
        if n is None:
            return self
        return Listing(self.what, self.records[:n], self.columns, total=self.total)


def _commodities(G: nx.MultiDiGraph) -> Listing:
    groups = G.graph.get("groups", {})
    outputs: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        if d.get("commodity"):
            outputs.setdefault(d["commodity"], []).append(n)
    rows = []
    for c in sorted(G.graph.get("commodities", ())):
        names = sorted(str(G.nodes[n].get("name") or n) for n in outputs.get(c, ()))
        if c in G and not names:
            names = [str(G.nodes[c].get("name") or c)]
        rows.append(
            {
                "commodity": c,
                "name": "; ".join(names),
                "groups": ", ".join(sorted(g for g, m in groups.items() if c in m)),
            }
        )
    return Listing("commodities", rows, ("commodity", "name", "groups"))


def _groups(G: nx.MultiDiGraph) -> Listing:
    rows = [
        {"group": g, "members": ", ".join(sorted(m))}
        for g, m in sorted(G.graph.get("groups", {}).items())
    ]
    return Listing("groups", rows, ("group", "members"))


def _countries(G: nx.MultiDiGraph) -> Listing:
    located = Counter(d.get("country") for _, d in G.nodes(data=True) if d.get("country"))
    rows = [
        {
            "country": n,
            "name": str(d.get("name") or n),
            "supplies": G.out_degree(n),
            "nodes_located": located.get(n, 0),
        }
        for n, d in sorted(G.nodes(data=True))
        if d.get("kind") == "country"
    ]
    return Listing("countries", rows, ("country", "name", "supplies", "nodes_located"))


def _sources(G: nx.MultiDiGraph) -> Listing:
    fields = ("source", "title", "author", "published", "year", "url")
    rows = [
        {"source": sid, **{k: s.get(k) for k in fields[1:]}}
        for sid, s in sorted(G.graph.get("sources", {}).items())
    ]
    return Listing("sources", rows, fields)


def _when(day0: Any, day: int | None) -> str | None:
    """A day of a scenario as an ISO date (with ``day0``) or as ``day N``."""
    from analysis.scenario import date_of

    if day is None:
        return None
    return date_of(day0, day) if day0 is not None else f"day {day}"


def scenario_dates(scenario: Any) -> tuple[str | None, str | None]:
    """When a scenario's restrictions act: ``(start, end)``.

    ``start`` is the earliest start of its restrictions; ``end`` the latest
    end, or None when any restriction stays in force. With ``day0`` both are
    ISO dates, without it ``day N``.

    Examples
    --------
    >>> from analysis.scenario import load_scenario
    >>> scenario_dates(load_scenario("2010-rare-earths-japan"))
    ('2010-09-21', '2010-11-21')
    >>> scenario_dates(load_scenario("2026-dual-use-japan"))
    ('2026-01-06', None)
    """
    restrictions = scenario.restrictions
    if not restrictions:
        return None, None
    start = min(r.start_day for r in restrictions)
    ends = [r.end_day for r in restrictions]
    end = None if any(e is None for e in ends) else max(ends)
    return _when(scenario.day0, start), _when(scenario.day0, end)


def _scenarios() -> Listing:
    from analysis.scenario import bundled_scenarios, load_scenario

    rows = []
    for sid, _ in sorted(bundled_scenarios().items()):
        s = load_scenario(sid)
        start, end = scenario_dates(s)
        rows.append(
            {
                "scenario": sid,
                "name": s.name,
                "start": start,
                "end": end,
                "assumptions": s.__class__(restrictions=s.restrictions, removed=s.removed).title(),
                "description": " ".join((s.description or "").split()),
                "sources": ", ".join(s.sources),
            }
        )
    columns = ("scenario", "name", "start", "end", "assumptions", "description", "sources")
    return Listing("scenarios", rows, columns)


def listing(G: nx.MultiDiGraph, what: str) -> Listing:
    """List the commodities, groups, countries, sources or bundled scenarios of a dataset.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    what : str
        One of ``LISTS``. Scenarios are the bundled ones (``--scenario NAME``).

    Returns
    -------
    Listing

    Examples
    --------
    >>> import graph
    >>> [r["group"] for r in listing(graph.load(), "groups").records][:2]
    ['battery-metals', 'cobalt']
    """
    makers = {
        "commodities": _commodities,
        "groups": _groups,
        "countries": _countries,
        "sources": _sources,
    }
    if what == "scenarios":
        return _scenarios()
    if what not in makers:
        raise ValueError(f"what must be one of {', '.join(LISTS)}, got {what!r}")
    return makers[what](G)


class Validation(Report):
    """The summary of a dataset that loaded without errors (``chokegraph validate``)."""

    def __init__(self, G: nx.MultiDiGraph):
        from graph.describe import summary
        from graph.schema import NODE_KINDS

        kinds = Counter(kind for _, kind in G.nodes(data="kind"))
        self.line = summary(G)
        self.path = G.graph.get("path")
        self.nodes_by_kind = {k: kinds[k] for k in NODE_KINDS if kinds[k]}
        self.nodes = G.number_of_nodes()
        self.edges = G.number_of_edges()
        self.sources = len(G.graph.get("sources", {}))

    def to_json(self) -> dict[str, Any]:
        """``{"ok": true, "path", "nodes", "nodes_by_kind", "edges", "sources", "errors": []}``."""
        return {
            "ok": True,
            "path": None if self.path is None else str(self.path),
            "nodes": self.nodes,
            "nodes_by_kind": dict(self.nodes_by_kind),
            "edges": self.edges,
            "sources": self.sources,
            "errors": [],
        }

    def data_table(self) -> Table:
        """One row per count: each kind of node, then edges and sources (CSV)."""
        rows = [{"count": k, "value": v} for k, v in self.nodes_by_kind.items()]
        rows += [
            {"count": "edges", "value": self.edges},
            {"count": "sources", "value": self.sources},
        ]
        return Table(rows, ("count", "value"))

    def people_sections(self) -> list[Section]:
        """``ok: SUMMARY``, one line."""
        return [Section(f"ok: {self.line}")]

    def markdown_sections(self) -> list[Section]:
        """The line, then the counts as a table."""
        return [Section(f"ok: {self.line}"), Section("Counts", self.data_table())]


def validation(G: nx.MultiDiGraph) -> Validation:
    """The summary of a loaded dataset, as ``chokegraph validate`` prints it.

    Examples
    --------
    >>> import graph
    >>> validation(graph.load()).nodes_by_kind["country"] > 10
    True
    """
    return Validation(G)


def failed_validation(errors: list[str]) -> dict[str, Any]:
    """The JSON object of ``validate --format json`` for a dataset with errors.

    Examples
    --------
    >>> failed_validation(["a.yaml:1:1: error: bad"])["ok"]
    False
    """
    return {
        "ok": False,
        "path": None,
        "nodes": None,
        "nodes_by_kind": None,
        "edges": None,
        "sources": None,
        "errors": list(errors),
    }
