"""The chart of an importer's supply risk: each partner's contribution to the import risk.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import graph, analysis
>>> G = graph.from_dict({"nodes": [
...     {"id": "a", "kind": "country", "wgi": 0.6}, {"id": "b", "kind": "country"},
...     {"id": "ni", "kind": "mineral"},
...     {"id": "b-ni", "kind": "mineral", "country": "b", "commodity": "ni"}],
...   "edges": [{"from": "a", "to": "ni", "share": 1.0},
...     {"from": "a", "to": "b-ni", "share": 1.0, "quantity": 3}]})
>>> fig, ax = plot_risk(analysis.risk(G, "b", "ni"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax

if TYPE_CHECKING:
    from analysis.risk import Risk

__all__ = ["plot_risk"]


def plot_risk(result: Risk, *, top: int = 15, ax: Any = None) -> tuple[Any, Any]:
    """Horizontal bars: the partners' contributions ``q_j * w_j / (sum q + D)``, largest on top.

    Each bar is labelled with the partner's share of supply and its WGI
    (``0.5*`` where it has none); the title gives the score and its parts.
    """
    fs = 8
    rows = list(result.partner_records[:top])
    n = max(len(rows), 1)
    fig, ax = fig_ax(ax, (7.5, 1.2 + 0.32 * n), margins={"left": 0.18, "right": 0.8})
    values = [r["contribution"] for r in rows]
    ax.barh(range(len(rows)), values, color=S.CUT_COLOUR, height=0.6)
    ax.set_yticks(range(len(rows)), [r["country"] for r in rows], fontsize=fs)
    ax.invert_yaxis()
    for i, r in enumerate(rows):
        wgi = "0.5*" if r["wgi"] is None else f"{r['wgi']:.2f}"
        ax.annotate(
            f"  {100 * r['share']:.1f}% of supply, WGI {wgi}",
            (values[i], i),
            va="center",
            fontsize=fs - 1,
            color=S.NOTE_COLOUR,
            annotation_clip=False,
        )
    ax.set_xlabel("contribution to import risk", fontsize=fs)
    ax.tick_params(axis="x", labelsize=fs)
    ax.set_title(
        f"{result.importer} / {result.commodity}: GeoPolRisk {result.geopolrisk:.3g} = "
        f"HHI {result.hhi:.3g} x import risk {result.import_risk:.3g}",
        fontsize=fs + 1,
        loc="left",
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax
