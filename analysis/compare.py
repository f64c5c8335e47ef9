"""Compare the supplies shares of two datasets: where do they disagree, and by how much?

Typical use: check a curated dataset against an import of public data
(``chokegraph import usgs``), or one year's import against another's. Two
edges are the same when they have the same supplier, consumer and commodity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.output import Report, Section, Table

__all__ = ["COLUMNS", "ShareComparison", "compare_shares"]

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
