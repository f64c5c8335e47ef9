"""Neighbours: a node's suppliers and customers, with shares and sources.

The question behind ``chokegraph show NODE``: what does this node buy, from
whom, and who buys from it? Every edge into the node is a supplier, every
edge out of it a customer; ``controls`` edges are listed too, with their kind,
so that a country's hold over a mine shows beside what it sells.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import networkx as nx

from analysis.output import Report, Section, Table
from graph.lookup import resolve_node

#: The fields of one supplier or customer, in JSON and table order.
LINK_FIELDS = ("node", "commodity", "share", "kind", "source")


def _links(edges, end: int) -> list[dict[str, Any]]:
    """One entry per edge, naming the node at ``end`` (0: supplier, 1: customer)."""
    rows = [
        {
            "node": edge[end],
            "commodity": d["commodity"],
            "share": d["share"],
            "kind": d["kind"],
            "source": d["source"],
        }
        for edge in edges
        for d in (edge[2],)
    ]
    return sorted(rows, key=lambda r: (-r["share"], r["node"], r["commodity"] or ""))


class Neighbours(Report):
    """A node's suppliers and customers.

    Attributes
    ----------
    node : str
        The node's id.
    name, kind : str
        Its display name and kind.
    country : str or None
        The country it sits in.
    supplier_records, customer_records : list of dict
        One ``{"node", "commodity", "share", "kind", "source"}`` per edge into
        (out of) the node, largest share first, then id, then commodity.
    """

    def __init__(
        self,
        node: str,
        attrs: dict[str, Any],
        supplier_records: list[dict[str, Any]],
        customer_records: list[dict[str, Any]],
    ):
        self.node = node
        self.name = attrs["name"]
        self.kind = attrs["kind"]
        self.country = attrs["country"]
        self.supplier_records = supplier_records
        self.customer_records = customer_records

    @cached_property
    def suppliers(self):
        """The node's suppliers, largest share first (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.supplier_records, columns=list(LINK_FIELDS))

    @cached_property
    def customers(self):
        """The node's customers, largest share first (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.customer_records, columns=list(LINK_FIELDS))

    def title(self) -> str:
        """One line: name, id, kind and country."""
        where = f", in {self.country}" if self.country else ""
        return f"{self.name} ({self.node}): {self.kind}{where}"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph show NODE --format json`` (DESIGN section 5)."""
        return {
            "node": self.node,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "suppliers": [dict(r) for r in self.supplier_records],
            "customers": [dict(r) for r in self.customer_records],
        }

    def data_table(self) -> Table:
        """Suppliers then customers in one table, told apart by a ``direction`` column."""
        rows = [{"direction": "supplier", **r} for r in self.supplier_records]
        rows += [{"direction": "customer", **r} for r in self.customer_records]
        return Table(rows, ["direction", *LINK_FIELDS])

    def people_sections(self) -> list[Section]:
        """The same table, titled with the node (the table and markdown formats)."""
        table = self.data_table()
        return [Section(None, Table(table.records, table.columns, title=self.title()))]

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f"<p><b>{escape(self.title())}</b></p>"
            f"<p><b>Suppliers</b></p>{self.suppliers.to_html(index=False)}"
            f"<p><b>Customers</b></p>{self.customers.to_html(index=False)}"
        )

    def __repr__(self) -> str:
        return (
            f"<Neighbours {self.title()}: {len(self.supplier_records)} suppliers, "
            f"{len(self.customer_records)} customers>"
        )


def neighbours(G: nx.MultiDiGraph, node: str) -> Neighbours:
    """A node's suppliers and customers, with shares and sources.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    node : str
        An id or a display name, in any case.

    Returns
    -------
    Neighbours

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.neighbours(graph.load(), "Primary gallium (world supply)")
    >>> res.node, list(res.suppliers.columns)
    ('gallium', ['node', 'commodity', 'share', 'kind', 'source'])
    """
    nid = resolve_node(G, node)
    return Neighbours(
        nid,
        G.nodes[nid],
        _links(G.in_edges(nid, data=True), 0),
        _links(G.out_edges(nid, data=True), 1),
    )
