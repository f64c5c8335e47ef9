"""Exposure: how much of each industry rests on each other country.

For a country X, its industries are the industry nodes located in X; for any
other node X, X alone. Each other country in turn bans all its exports (every
commodity, severity 1, to everyone) and the steady-state shortfall of each of
those industries is recorded. Because a ban cuts every edge whose supplier
the country controls, however far upstream, the matrix shows multi-tier
dependence: gallium bought from Belgium still rests on Chinese raw gallium.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from analysis.engine import AFFECTED, CompiledGraph, compile_graph, edge_keep, propagate
from analysis.output import Report, Section, Table, plural, table_width
from analysis.scenario import Restriction
from graph.lookup import resolve_node

EXPOSURE_FIELDS = ("node", "country", "shortfall")


def ban_availability(C: CompiledGraph, country: int) -> np.ndarray:
    """Steady-state availability of every node under one country's full export ban.

    Examples
    --------
    >>> import graph
    >>> C = compile_graph(graph.load())
    >>> float(ban_availability(C, C.index["chn"]).min()) < 1
    True
    """
    keep = edge_keep(C, (Restriction(C.nodes[country], ("all",)),))
    a, _ = propagate(C, keep, np.zeros(C.n_nodes, dtype=bool))
    return a


class Exposure(Report):
    """Each industry's shortfall under each other country's full export ban.

    Attributes
    ----------
    target : str
        The resolved id of the country or node asked about.
    industries : list of str
        The industries looked at (rows of ``matrix``).
    countries : list of str
        The countries whose bans were tried (columns of ``matrix``).
    records : list of dict
        One ``{"node", "country", "shortfall"}`` per pair with a shortfall
        above 1e-9, largest first, then node, then country.
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        target: str,
        industries: list[str],
        countries: list[str],
        records: list[dict[str, Any]],
    ):
        self.G = G
        self.target = target
        self.industries = industries
        self.countries = countries
        self.records = records

    def head(self, n: int | None) -> Exposure:
        """The same result with only its ``n`` most exposed pairs (``--top N``).

        The industries are those of the pairs kept, in their order; the title
        says that the list is cut.

        Examples
        --------
        >>> import graph, analysis
        >>> res = analysis.exposure(graph.load(), "japan").head(2)
        >>> len(res.records), res.title().endswith("(top 2 pairs shown)")
        (2, True)
        """
        if n is None or n >= len(self.records):
            return self
        records = self.records[:n]
        kept = {r["node"] for r in records}
        shown = Exposure(
            self.G, self.target, [i for i in self.industries if i in kept], self.countries, records
        )
        shown.cut_from = len(self.records)
        return shown

    #: How many pairs there were before ``head`` cut the list (None: not cut).
    cut_from: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph exposure X --format json`` (DESIGN section 5)."""
        return {"target": self.target, "exposure": [dict(r) for r in self.records]}

    @cached_property
    def table(self):
        """The exposed pairs in long form: ``node``, ``country``, ``shortfall`` (a DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.records, columns=list(EXPOSURE_FIELDS))

    @cached_property
    def matrix(self):
        """Industries x countries, the shortfall of each pair (0 where unexposed)."""
        import pandas as pd

        frame = pd.DataFrame(0.0, index=self.industries, columns=self.countries)
        for r in self.records:
            frame.loc[r["node"], r["country"]] = r["shortfall"]
        frame.index.name = "node"
        frame.columns.name = "country"
        return frame

    def title(self) -> str:
        """A one-line description for table headers and plot titles."""
        name = self.G.nodes[self.target].get("name") or self.target
        if not self.industries:
            return f"{name} has no industries in the dataset"
        n = len(self.industries)
        count = len({r["country"] for r in self.records})
        exposed = plural(count, "country", "countries") + (" reaches" if count == 1 else " reach")
        cut = f" (top {len(self.records)} pairs shown)" if self.cut_from is not None else ""
        return (
            f"Exposure of {name}: shortfall of {n} {'industry' if n == 1 else 'industries'} "
            f"under each other country's full export ban ({exposed} "
            f"{'it' if n == 1 else 'them'}){cut}"
        )

    def data_table(self) -> Table:
        """The long form of the JSON: ``node``, ``country``, ``shortfall`` (the CSV format)."""
        return Table(self.records, EXPOSURE_FIELDS)

    def people_sections(self) -> list[Section]:
        """The matrix in percent, as many countries as fit the width (the table format).

        Industries go down; across go the countries whose ban reaches them,
        the largest total first. The title says how many countries are left out.
        """
        return self._matrix_sections(fit=True)

    def markdown_sections(self) -> list[Section]:
        """The matrix in percent with every country that reaches an industry."""
        return self._matrix_sections(fit=False)

    def _matrix_sections(self, *, fit: bool) -> list[Section]:
        title = self.title()
        if not self.industries:
            return [Section(title)]
        if not self.records:
            return [Section(title + ": no other country's ban reaches them")]
        total: dict[str, float] = {}
        for r in self.records:
            total[r["country"]] = total.get(r["country"], 0.0) + r["shortfall"]
        countries = sorted(total, key=lambda c: (-total[c], c))
        cells = {(r["node"], r["country"]): f"{100 * r['shortfall']:.1f}" for r in self.records}
        if fit:
            shown = _fitting(self.industries, countries, cells)
            if len(shown) < len(countries):
                left = len(countries) - len(shown)
                title += f"; {left} with smaller totals not shown (--format csv lists all)"
            countries = shown
        rows = [
            {"node": node, **{c: cells.get((node, c), "") for c in countries}}
            for node in self.industries
        ]
        return [Section(title + ". Shortfall in %", Table(rows, ["node", *countries]))]

    def plot(self, **kwargs: Any):
        """Draw the matrix as a heatmap (``analysis.drawing.plot_exposure``)."""
        from analysis import drawing

        return drawing.plot_exposure(self, **kwargs)

    def _repr_html_(self) -> str:
        from html import escape

        shown = self.matrix.loc[:, (self.matrix > AFFECTED).any(axis=0)]
        table = (100 * shown).round(1).to_html()
        return f"<p><b>{escape(self.title())}</b> (shortfall, %)</p>{table}"

    def __repr__(self) -> str:
        return f"<Exposure {self.title()}>"


def _fitting(industries: list[str], countries: list[str], cells: dict) -> list[str]:
    """The leading countries whose columns fit in a table of ``table_width()`` characters."""
    width = max(len("node"), *(len(n) for n in industries))
    limit = table_width()
    shown = []
    for c in countries:
        width += 3 + max(len(c), *(len(cells.get((n, c), "")) for n in industries))  # " | "
        if width > limit:
            break
        shown.append(c)
    return shown


def exposure(G: nx.MultiDiGraph, target: str, *, compiled: CompiledGraph | None = None) -> Exposure:
    """How much each industry of a country (or one node) loses to each other country's ban.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    target : str
        A country or a node (id or display name, any case). For a country:
        the industries located in it, against every other country. For a
        node: that node alone, against every country but its own.
    compiled : CompiledGraph, optional
        A compiled form of ``G`` to reuse.

    Returns
    -------
    Exposure

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.exposure(graph.load(), "Japan")
    >>> res.target
    'jpn'
    """
    X = resolve_node(G, target)
    attrs = G.nodes[X]
    countries = sorted(v for v, d in G.nodes(data=True) if d.get("kind") == "country")
    if attrs.get("kind") == "country":
        industries = sorted(
            v
            for v, d in G.nodes(data=True)
            if d.get("kind") == "industry" and d.get("country") == X
        )
        others = [c for c in countries if c != X]
    else:
        industries = [X]
        others = [c for c in countries if c != attrs.get("country")]
    records: list[dict[str, Any]] = []
    if industries:
        C = compiled if compiled is not None else compile_graph(G)
        rows = np.array([C.index[v] for v in industries], dtype=np.int64)
        for country in others:
            shortfall = 1.0 - ban_availability(C, C.index[country])[rows]
            for node, s in zip(industries, shortfall, strict=True):
                if s > AFFECTED:
                    records.append({"node": node, "country": country, "shortfall": float(s)})
    # Shortfalls equal to 12 significant digits (what the JSON shows) are ties.
    records.sort(key=lambda r: (-float(f"{r['shortfall']:.12g}"), r["node"], r["country"]))
    return Exposure(G, X, industries, others, records)
