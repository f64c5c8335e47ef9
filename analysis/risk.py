"""Supply risk of an importer: the GeoPolRisk method, as geopolrisk-py computes it.

For importer country i and commodity c (DESIGN section 4)::

    HHI    = sum_p s_p^2                        # country -> world-node shares of c
    IR     = sum_j q_j * w_j / (sum_j q_j + D)  # partners j != i into i's import node
    score  = HHI * IR
    factor = score * price / 0.409412948        # kg copper-equivalent per kg

``q_j`` is the ``quantity`` (tonnes) of partner j's edge into i's import node,
``D`` that of the edge from i itself (domestic production: in the
denominator only), ``w_j`` partner j's ``wgi`` (0.5 when it has none) and
``price`` the import node's ``price`` (USD/kg). The HHI is on the 0-1 scale
here, as geopolrisk-py has it (``analysis.concentration`` uses 0-10,000).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import networkx as nx

from analysis.output import Report, Section, Table
from graph.errors import ChokegraphError
from graph.lookup import resolve_commodity, resolve_node

__all__ = ["COPPER_FACTOR", "MISSING_WGI", "PARTNER_FIELDS", "Risk", "risk"]

#: geopolrisk-py's divisor: copper's average factor for OECD countries, 2017-2021 (core.py).
COPPER_FACTOR = 0.409412948
#: The WGI a partner without a score counts (geopolrisk-py's ``wgi_func``).
MISSING_WGI = 0.5
PARTNER_FIELDS = ("country", "quantity", "share", "wgi", "contribution")


class Risk(Report):
    """The GeoPolRisk figures of one importer and commodity.

    Attributes
    ----------
    importer, commodity, node : str
        The importer country, the commodity and the importer's import node.
    hhi, import_risk, geopolrisk : float
        Production HHI (0-1), import risk, and their product.
    price, factor : float or None
        The import node's price (USD/kg) and the characterisation factor.
    domestic : float
        Tonnes from the importer itself (its production).
    partner_records : list of dict
        ``country, quantity, share, wgi, contribution`` per partner.
    """

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)

    @cached_property
    def partners(self):
        """One row per partner, largest contribution first (a DataFrame)."""
        import pandas as pd

        return pd.DataFrame(self.partner_records, columns=list(PARTNER_FIELDS))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``chokegraph risk --format json`` (DESIGN section 5)."""
        return {
            "importer": self.importer,
            "commodity": self.commodity,
            "node": self.node,
            "hhi": self.hhi,
            "import_risk": self.import_risk,
            "geopolrisk": self.geopolrisk,
            "price": self.price,
            "factor": self.factor,
            "domestic": self.domestic,
            "partners": [dict(r) for r in self.partner_records],
        }

    def data_table(self) -> Table:
        """The partners, each row with the importer's figures (the CSV format)."""
        head = {k: v for k, v in self.to_json().items() if k != "partners"}
        rows = [{**head, **r} for r in self.partner_records] or [head]
        return Table(rows, [*head, *PARTNER_FIELDS])

    def _figures(self) -> list[dict[str, Any]]:
        price = "none" if self.price is None else f"{self.price:.6g} USD/kg"
        factor = "none (no price)" if self.factor is None else f"{self.factor:.6g} kg Cu-eq/kg"
        return [
            {"figure": "HHI of production (0-1)", "value": f"{self.hhi:.6g}"},
            {"figure": "import risk", "value": f"{self.import_risk:.6g}"},
            {"figure": "GeoPolRisk score", "value": f"{self.geopolrisk:.6g}"},
            {"figure": "price", "value": price},
            {"figure": "characterisation factor", "value": factor},
            {"figure": "domestic production", "value": f"{self.domestic:,.6g} t"},
        ]

    def people_sections(self) -> list[Section]:
        """The figures, then the partners with shares in percent (the table format)."""
        partners = [
            {
                **r,
                "quantity": f"{r['quantity']:,.6g}",
                "share": f"{100 * r['share']:.1f}%",
                "wgi": "0.5 (none)" if r["wgi"] is None else f"{r['wgi']:.4f}",
                "contribution": f"{r['contribution']:.6f}",
            }
            for r in self.partner_records
        ]
        return [
            Section(
                f"Supply risk of {self.importer} for {self.commodity} (import node {self.node})",
                Table(self._figures(), ["figure", "value"]),
            ),
            Section(
                "Partners: quantity (t), share of supply, WGI, contribution to import risk",
                Table(partners, PARTNER_FIELDS),
            ),
        ]

    def plot(self, *, top: int = 15, ax: Any = None) -> tuple[Any, Any]:
        """Bar chart of the partners' contributions to the import risk."""
        from analysis.drawing.riskchart import plot_risk

        return plot_risk(self, top=top, ax=ax)

    def _repr_html_(self) -> str:
        from html import escape

        import pandas as pd

        figures = pd.DataFrame(self._figures())
        return (
            f"<p><b>{escape(self.importer)} / {escape(self.commodity)}</b></p>"
            f"{figures.to_html(index=False)}{self.partners.to_html(index=False)}"
        )

    def __repr__(self) -> str:
        return (
            f"<Risk {self.importer} {self.commodity}: score {self.geopolrisk:.6g}, "
            f"{len(self.partner_records)} partners>"
        )


def _output(G: nx.MultiDiGraph, n: str) -> str | None:
    d = G.nodes[n]
    if d.get("kind") == "country":
        return None
    return d.get("commodity") or n


def _supplies_from_countries(G: nx.MultiDiGraph, node: str) -> list[tuple[str, dict]]:
    return [
        (u, d)
        for u, _, d in G.in_edges(node, data=True)
        if d.get("kind", "supplies") == "supplies" and G.nodes[u].get("kind") == "country"
    ]


def _one(candidates: list[str], what: str) -> str:
    if len(candidates) != 1:
        found = ", ".join(candidates) if candidates else "none"
        raise ChokegraphError(f"{what} must be exactly one node; found {found}")
    return candidates[0]


def _quantity(u: str, v: str, d: dict) -> float:
    q = d.get("quantity")
    if q is None:
        raise ChokegraphError(f"edge {u} -> {v} has no quantity (tonnes): the risk needs one")
    return float(q)


def risk(G: nx.MultiDiGraph, importer: str, commodity: str) -> Risk:
    """GeoPolRisk of an importer country for a commodity (HHI, import risk, score, factor).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph with ``quantity`` on its edges and ``wgi`` on its countries
        (``chokegraph import geopolrisk`` writes one).
    importer : str
        The importer country (id or name).
    commodity : str
        A commodity (a group is an error listing its members).

    Returns
    -------
    Risk

    Raises
    ------
    ChokegraphError
        For a group, or when the world node or the import node is not unique.

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.from_dict({"nodes": [
    ...     {"id": "a", "kind": "country", "wgi": 0.6}, {"id": "b", "kind": "country"},
    ...     {"id": "ni", "kind": "mineral"},
    ...     {"id": "b-ni", "kind": "mineral", "country": "b", "commodity": "ni", "price": 10}],
    ...   "edges": [{"from": "a", "to": "ni", "share": 1.0},
    ...     {"from": "a", "to": "b-ni", "share": 0.75, "quantity": 3},
    ...     {"from": "b", "to": "b-ni", "share": 0.25, "quantity": 1}]})
    >>> res = analysis.risk(G, "b", "ni")
    >>> res.hhi, round(res.import_risk, 6), round(res.geopolrisk, 6)   # IR = 3 * 0.6 / 4
    (1.0, 0.45, 0.45)
    """
    country = resolve_node(G, importer, kind="country")
    c = resolve_commodity(G, commodity)
    groups = G.graph.get("groups", {})
    if c == "all" or c in groups:
        members = sorted(G.graph.get("commodities", ())) if c == "all" else sorted(groups[c])
        raise ChokegraphError(
            f"{c!r} is a group, not a commodity: choose one of {', '.join(members)}"
        )
    world = _one(
        sorted(n for n, d in G.nodes(data=True) if _output(G, n) == c and not d.get("country")),
        f"the world node of {c} (outputs it, has no country)",
    )
    node = _one(
        sorted(
            n
            for n, d in G.nodes(data=True)
            if d.get("country") == country and _output(G, n) == c and _supplies_from_countries(G, n)
        ),
        f"the import node of {country} for {c} (in {country}, outputs {c}, supplied by countries)",
    )
    hhi = sum(float(d["share"]) ** 2 for _, d in _supplies_from_countries(G, world))
    quantities: dict[str, float] = {}
    domestic = 0.0
    for u, d in _supplies_from_countries(G, node):
        q = _quantity(u, node, d)
        if u == country:
            domestic += q
        else:
            quantities[u] = quantities.get(u, 0.0) + q
    total = sum(quantities.values()) + domestic
    records = []
    for u, q in quantities.items():
        wgi = G.nodes[u].get("wgi")
        w = MISSING_WGI if wgi is None else float(wgi)
        records.append(
            {
                "country": u,
                "quantity": q,
                "share": q / total if total else 0.0,
                "wgi": None if wgi is None else float(wgi),
                "contribution": q * w / total if total else 0.0,
            }
        )
    records.sort(key=lambda r: (-r["contribution"], r["country"]))
    import_risk = sum(r["contribution"] for r in records) if total else 0.0
    score = hhi * import_risk
    price = G.nodes[node].get("price")
    return Risk(
        G=G,
        importer=country,
        commodity=c,
        node=node,
        hhi=hhi,
        import_risk=import_risk,
        geopolrisk=score,
        price=None if price is None else float(price),
        factor=None if price is None else score * float(price) / COPPER_FACTOR,
        domestic=domestic,
        partner_records=records,
    )
