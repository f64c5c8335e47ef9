"""Comparisons: the shares of two datasets, and the shortfalls of several scenarios.

``compare_shares``: check a curated dataset against an import of public data
(``chokegraph import usgs``), or one year's import against another's. Two
edges are the same when they have the same supplier, consumer and commodity.

``compare_scenarios``: run several scenarios on one dataset and set the
shortfall of every node they hit side by side (``chokegraph compare
--scenario A --scenario B``), as a table and as grouped bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.output import Report, Section, Table

__all__ = [
    "COLUMNS",
    "ScenarioComparison",
    "ShareComparison",
    "compare_scenarios",
    "compare_shares",
]

#: The fields of one compared edge, in JSON and table order.
COLUMNS = (
    "from",
    "to",
    "commodity",
    "share",
    "source",
    "other_share",
    "other_source",
    "difference",
)

# Float noise must not turn a difference of exactly the tolerance into "more than".
_SLACK = 1e-12


@dataclass
class ShareComparison(Report):
    """The edges two datasets share, with both shares and their difference.

    ``rows`` holds one dict per compared edge with the fields of ``COLUMNS``;
    ``difference`` is ``share - other_share`` in percentage points. Rows are
    sorted by absolute difference (largest first), then by ids.
    """

    rows: list[dict[str, Any]]
    tolerance: float

    @property
    def compared(self) -> int:
        """How many edges both datasets give a share for."""
        return len(self.rows)

    @property
    def differing(self) -> int:
        """How many of those differ by more than the tolerance."""
        limit = self.tolerance * 100 + _SLACK
        return sum(1 for row in self.rows if abs(row["difference"]) > limit)

    def count_line(self) -> str:
        """One line for people, e.g. ``2 shares differ by more than 1.0 pp out of 40 compared``."""
        verb = "share differs" if self.differing == 1 else "shares differ"
        return (
            f"{self.differing} {verb} by more than {self.tolerance * 100:.1f} pp "
            f"out of {self.compared} compared"
        )

    def to_json(self) -> dict[str, Any]:
        """``{"compared": n, "differing": m, "rows": [...]}``."""
        return {"compared": self.compared, "differing": self.differing, "rows": self.rows}

    def data_table(self) -> Table:
        """The compared edges, one row each (the CSV format)."""
        return Table(self.rows, COLUMNS)

    def people_sections(self) -> list[Section]:
        """The compared edges as a table (the count line is the caller's to print)."""
        return [Section(None, self.data_table())]

    def to_frame(self):
        """The rows as a pandas DataFrame (shown as a table in Jupyter)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(COLUMNS))

    def _repr_html_(self) -> str:
        return f"<p>{self.count_line()}</p>" + self.to_frame()._repr_html_()


def _supplies(G: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (u, v, d.get("commodity")): d
        for u, v, d in G.edges(data=True)
        if d.get("kind", "supplies") == "supplies" and d.get("share") is not None
    }


def compare_shares(
    G: nx.MultiDiGraph, other: nx.MultiDiGraph, *, tolerance: float = 0.01
) -> ShareComparison:
    """Compare the supplies shares of two graphs, edge by edge.

    Parameters
    ----------
    G, other : networkx.MultiDiGraph
        Graphs from ``graph.load``.
    tolerance : float
        A difference above this (as a fraction: 0.01 = 1 percentage point)
        counts as differing.

    Returns
    -------
    ShareComparison
        One row per (supplier, consumer, commodity) both graphs have.

    Examples
    --------
    >>> import networkx as nx
    >>> G, H = nx.MultiDiGraph(), nx.MultiDiGraph()
    >>> G.add_edge("chn", "gallium", "gallium", kind="supplies", commodity="gallium",
    ...            share=0.98, source="a")
    'gallium'
    >>> H.add_edge("chn", "gallium", "gallium", kind="supplies", commodity="gallium",
    ...            share=0.95, source="b")
    'gallium'
    >>> result = compare_shares(G, H)
    >>> result.count_line()
    '1 share differs by more than 1.0 pp out of 1 compared'
    >>> round(result.rows[0]["difference"], 6)
    3.0
    """
    if not 0 <= tolerance <= 1:
        from graph.errors import ChokegraphError

        raise ChokegraphError(f"tolerance must lie between 0 and 1, not {tolerance}")
    ours, theirs = _supplies(G), _supplies(other)
    rows = []
    for key in ours.keys() & theirs.keys():
        mine, their = ours[key], theirs[key]
        rows.append(
            {
                "from": key[0],
                "to": key[1],
                "commodity": key[2],
                "share": mine["share"],
                "source": mine.get("source"),
                "other_share": their["share"],
                "other_source": their.get("source"),
                "difference": (mine["share"] - their["share"]) * 100,
            }
        )
    rows.sort(
        key=lambda r: (-round(abs(r["difference"]), 9), r["from"], r["to"], str(r["commodity"]))
    )
    return ShareComparison(rows=rows, tolerance=tolerance)


# ---------------------------------------------------------------- scenarios side by side


@dataclass
class ScenarioComparison(Report):
    """The shortfall of every node some scenario hits, one column per scenario.

    ``labels`` name the scenarios (their ids, or what the caller gave);
    ``results`` are the ``WhatIf`` runs, in the same order; ``rows`` hold
    ``node``, ``name``, ``kind`` and each label's steady-state shortfall
    (0.0 where that scenario leaves the node unaffected), the node hit
    hardest by any scenario first.
    """

    labels: list[str]
    results: list[Any]
    rows: list[dict[str, Any]]

    def head(self, n: int | None) -> ScenarioComparison:
        """The first ``n`` rows (all when ``n`` is None)."""
        rows = self.rows if n is None else self.rows[:n]
        return ScenarioComparison(self.labels, self.results, rows)

    def scenarios(self) -> list[dict[str, Any]]:
        """Each scenario's label, title and toll."""
        return [
            {
                "label": label,
                "title": res.title(),
                "nodes_hit": res.summary["nodes_hit"],
                "industries_hit": res.summary["industries_hit"],
            }
            for label, res in zip(self.labels, self.results, strict=True)
        ]

    def to_json(self) -> dict[str, Any]:
        """``{"scenarios": [{"label", "title", "nodes_hit", "industries_hit"}], "rows": [...]}``."""
        return {"scenarios": self.scenarios(), "rows": [dict(r) for r in self.rows]}

    def data_table(self) -> Table:
        """One row per node, a shortfall column (a fraction) per scenario."""
        return Table(self.rows, ("node", "name", "kind", *self.labels))

    def people_sections(self) -> list[Section]:
        """A line per scenario (its title and toll), then the table in percent."""
        return [Section("\n".join(self._scenario_lines())), Section(None, self._percent_table())]

    def markdown_sections(self) -> list[Section]:
        """As ``people_sections``, the scenarios as a list (markdown joins plain lines)."""
        lines = "\n".join(f"- {line}" for line in self._scenario_lines())
        return [Section(lines), Section(None, self._percent_table())]

    def _scenario_lines(self) -> list[str]:
        lines = []
        for s in self.scenarios():
            nodes = "node" if s["nodes_hit"] == 1 else "nodes"
            industries = "industry" if s["industries_hit"] == 1 else "industries"
            lines.append(
                f"{s['label']}: {s['title']} ({s['nodes_hit']} {nodes} hit, "
                f"{s['industries_hit']} {industries})"
            )
        return lines

    def _percent_table(self) -> Table:
        shown = [
            {**r, **{label: f"{100 * r[label]:.1f}%" for label in self.labels}} for r in self.rows
        ]
        return Table(shown, ("name", "kind", *self.labels), title="steady-state shortfall")

    def to_frame(self):
        """The rows as a pandas DataFrame, indexed by node."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=["node", "name", "kind", *self.labels]).set_index(
            "node"
        )

    def plot(self, *, top: int = 12, ax: Any = None) -> tuple[Any, Any]:
        """Grouped bars of the shortfall per node (see ``drawing.plot_scenario_comparison``)."""
        from analysis.drawing.comparison import plot_scenario_comparison

        return plot_scenario_comparison(self, top=top, ax=ax)


def compare_scenarios(
    G: nx.MultiDiGraph, scenarios: list[Any], labels: list[str] | None = None
) -> ScenarioComparison:
    """Run each scenario on ``G`` and put the shortfalls side by side.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    scenarios : list of Scenario
        Two or more scenarios (``analysis.load_scenario``, or built by hand).
    labels : list of str, optional
        A name per scenario, for the columns (default: each scenario's id,
        else ``scenario 1``, ``scenario 2``, ...). Must be distinct.

    Returns
    -------
    ScenarioComparison

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import load_scenario
    >>> both = compare_scenarios(graph.load(), [load_scenario("2023-gallium-germanium"),
    ...                                         load_scenario("2025-graphite")])
    >>> both.labels
    ['2023-gallium-germanium', '2025-graphite']
    """
    from analysis.whatif import run_scenario
    from graph.errors import ChokegraphError

    if len(scenarios) < 2:
        raise ChokegraphError("compare at least two scenarios")
    if labels is None:
        labels = [s.id or f"scenario {i}" for i, s in enumerate(scenarios, 1)]
    if len(labels) != len(scenarios):
        raise ChokegraphError(f"{len(labels)} labels for {len(scenarios)} scenarios")
    if len(set(labels)) != len(labels):
        twice = sorted({x for x in labels if labels.count(x) > 1})[0]
        raise ChokegraphError(f"scenario {twice!r} is given twice: compare different scenarios")
    results = [run_scenario(G, s) for s in scenarios]
    rows: dict[str, dict[str, Any]] = {}
    for label, res in zip(labels, results, strict=True):
        for r in res.records:
            row = rows.setdefault(
                r["node"],
                {
                    "node": r["node"],
                    "name": r["name"],
                    "kind": r["kind"],
                    **dict.fromkeys(labels, 0.0),
                },
            )
            row[label] = r["shortfall"]
    ordered = sorted(rows.values(), key=lambda r: (-max(r[x] for x in labels), r["node"]))
    return ScenarioComparison(list(labels), results, ordered)
