"""Concentration: how few suppliers each input rests on, and who holds each mineral.

Two tables:

``inputs``
    For each consumer and input commodity, the Herfindahl-Hirschman index
    (HHI) of its modelled suppliers' shares on the 0-10,000 scale,
    ``sum((100 * share) ** 2)``, with the modelled coverage (the sum of the
    shares) and the top supplier. The unmodelled remainder ``1 - coverage`` is
    left out of the index, as if it were spread over many small suppliers,
    so the HHI is a lower bound when coverage is below 1.
``minerals``
    For each mineral node, the share of its supply coming from each country
    (``share``: country -> mineral edges, and suppliers located in a country,
    summed by country), and the share each country controls
    (``controlled_share``: the same sum with each supplier weighted by the
    country's control fraction over it, so ``controls`` edges count). A
    mineral with no suppliers in the data (a mine) is its own sole supplier.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

import networkx as nx

from analysis.engine import compile_graph, control_table
from analysis.output import Report, Section, Table, plural
from graph.lookup import expand_commodities, resolve_commodity

INPUT_FIELDS = (
    "consumer",
    "kind",
    "commodity",
    "suppliers",
    "coverage",
    "hhi",
    "top_supplier",
    "top_share",
)
MINERAL_FIELDS = ("mineral", "commodity", "country", "share", "controlled_share")


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index of shares (fractions) on the 0-10,000 scale.

    Examples
    --------
    >>> hhi([0.5, 0.3])  # 50**2 + 30**2
    3400.0
    >>> hhi([1.0])
    10000.0
    """
    return float(sum((100.0 * s) ** 2 for s in shares))


class Concentration(Report):
    """Supplier concentration of every input, and country shares of every mineral.

    Attributes
    ----------
    commodity : str or None
        The commodity (or group, or ``"all"``) the tables are filtered to.
    input_records, mineral_records : list of dict
        The rows of ``inputs`` and ``minerals``.
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        commodity: str | None,
        input_records: list[dict[str, Any]],
        mineral_records: list[dict[str, Any]],
    ):
        self.G = G
        self.commodity = commodity
        self.input_records = input_records
        self.mineral_records = mineral_records

    def head(self, n: int | None) -> Concentration:
        """The same result listing the first ``n`` rows of each table (``--top N``).

        Examples
        --------
        >>> import graph, analysis
        >>> res = analysis.concentration(graph.load()).head(3)
        >>> len(res.input_records), len(res.mineral_records)
        (3, 3)
        """
        if n is None:
            return self
        return Concentration(
            self.G, self.commodity, self.input_records[:n], self.mineral_records[:n]
        )

    @cached_property
    def inputs(self):
        """One row per consumer and input commodity, most concentrated first (a DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.input_records, columns=list(INPUT_FIELDS))

    @cached_property
    def minerals(self):
        """One row per mineral and country, largest share first (a DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.mineral_records, columns=list(MINERAL_FIELDS))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph concentration --format json``."""
        return {
            "commodity": self.commodity,
            "inputs": [dict(r) for r in self.input_records],
            "minerals": [dict(r) for r in self.mineral_records],
        }

    def title(self) -> str:
        """A one-line description for table headers."""
        what = f" of {self.commodity}" if self.commodity else ""
        minerals = len({r["mineral"] for r in self.mineral_records})
        return (
            f"Concentration{what}: {plural(len(self.input_records), 'input')}, "
            f"{plural(minerals, 'mineral')}"
        )

    def data_table(self) -> Table:
        """Both tables in one, told apart by a ``table`` column (the CSV format).

        ``table`` is ``inputs`` or ``minerals``; the columns are the union of theirs.
        """
        columns = ["table", *INPUT_FIELDS]
        columns += [c for c in MINERAL_FIELDS if c not in columns]
        rows = [{"table": "inputs", **r} for r in self.input_records]
        rows += [{"table": "minerals", **r} for r in self.mineral_records]
        return Table(rows, columns)

    def people_sections(self) -> list[Section]:
        """The two tables, shares in percent and HHI rounded (the table format)."""

        def pct(x: float) -> str:
            return f"{100 * x:.1f}%"

        inputs = [
            {
                **r,
                "coverage": pct(r["coverage"]),
                "hhi": f"{r['hhi']:.0f}",
                "top_share": pct(r["top_share"]),
            }
            for r in self.input_records
        ]
        minerals = [
            {**r, "share": pct(r["share"]), "controlled_share": pct(r["controlled_share"])}
            for r in self.mineral_records
        ]
        return [
            Section(
                self.title() + ". Inputs: HHI of supplier shares (0-10,000)",
                Table(inputs, INPUT_FIELDS),
            ),
            Section(
                "Minerals: country shares of supply (direct and controlled)",
                Table(minerals, MINERAL_FIELDS),
            ),
        ]

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f"<p><b>{escape(self.title())}</b></p>"
            f"<p><b>Inputs (HHI of supplier shares, 0-10,000)</b></p>"
            f"{self.inputs.to_html(index=False)}"
            f"<p><b>Minerals (country shares of supply)</b></p>"
            f"{self.minerals.to_html(index=False)}"
        )

    def __repr__(self) -> str:
        return f"<Concentration {self.title()}>"


def _input_rows(
    G: nx.MultiDiGraph, suppliers: dict[tuple[str, str], list[tuple[str, float]]]
) -> list[dict[str, Any]]:
    rows = []
    for (consumer, commodity), edges in suppliers.items():
        shares = [s for _, s in edges]
        top_share = max(shares)
        top = min(u for u, s in edges if s == top_share)
        rows.append(
            {
                "consumer": consumer,
                "kind": G.nodes[consumer].get("kind"),
                "commodity": commodity,
                "suppliers": len(edges),
                "coverage": float(sum(shares)),
                "hhi": hhi(shares),
                "top_supplier": top,
                "top_share": float(top_share),
            }
        )
    rows.sort(key=lambda r: (-float(f"{r['hhi']:.12g}"), r["consumer"], r["commodity"]))
    return rows


def _mineral_rows(
    G: nx.MultiDiGraph, suppliers: dict[tuple[str, str], list[tuple[str, float]]]
) -> list[dict[str, Any]]:
    control = control_table(compile_graph(G))  # the engine's rule: one place for it
    by_consumer: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(dict)
    for (v, c), edges in suppliers.items():
        by_consumer[v][c] = edges
    rows = []
    for m, d in sorted(G.nodes(data=True)):
        if d.get("kind") != "mineral":
            continue
        inputs = by_consumer.get(m)
        if not inputs:
            inputs = {d.get("commodity") or m: [(m, 1.0)]}
        for commodity, edges in sorted(inputs.items()):
            share: dict[str, float] = defaultdict(float)
            controlled: dict[str, float] = defaultdict(float)
            for u, s in edges:
                attrs = G.nodes[u]
                home = u if attrs.get("kind") == "country" else attrs.get("country")
                if home:
                    share[home] += s
                for country, frac in control.get(u, {}).items():
                    controlled[country] += s * frac
            found = [
                {
                    "mineral": m,
                    "commodity": commodity,
                    "country": country,
                    "share": float(share.get(country, 0.0)),
                    "controlled_share": float(controlled.get(country, 0.0)),
                }
                for country in set(share) | set(controlled)
            ]
            found.sort(key=lambda r: (-r["share"], -r["controlled_share"], r["country"]))
            rows.extend(found)
    return rows


def concentration(G: nx.MultiDiGraph, commodity: str | None = None) -> Concentration:
    """Supplier concentration (HHI) of every input, and country shares of every mineral.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    commodity : str, optional
        Keep only this commodity (a name, a group such as ``rare-earths``, or
        ``all``): inputs of that commodity, and minerals that output it.

    Returns
    -------
    Concentration

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.concentration(graph.load(), "gallium")
    >>> bool((res.inputs["hhi"] <= 10_000).all())
    True
    """
    wanted = None
    if commodity is not None:
        commodity = resolve_commodity(G, commodity)
        wanted = expand_commodities(G, [commodity])
    suppliers: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (e[1], e[2]["commodity"] or "", e[0])):
        if d.get("kind") == "controls":
            continue
        suppliers[(v, d["commodity"])].append((u, float(d["share"])))
    inputs = _input_rows(G, suppliers)
    minerals = _mineral_rows(G, suppliers)
    if wanted is not None:
        inputs = [r for r in inputs if r["commodity"] in wanted]
        minerals = [
            r
            for r in minerals
            if r["commodity"] in wanted or G.nodes[r["mineral"]].get("commodity") in wanted
        ]
    return Concentration(G, commodity, inputs, minerals)
