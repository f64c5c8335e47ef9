"""Scenarios side by side, drawn with matplotlib: grouped bars of the shortfall per node.

One group of horizontal bars per node (the node hit hardest by any
scenario on top), one bar per scenario, each scenario its own colour and
hatching (so that the chart survives greyscale printing). matplotlib is
imported inside the function.

Examples
--------
>>> import graph
>>> from analysis.compare import compare_scenarios
>>> from analysis.scenario import load_scenario
>>> both = compare_scenarios(graph.load(), [load_scenario("2023-gallium-germanium"),
...                                         load_scenario("2026-dual-use-japan")])
>>> fig, ax = plot_scenario_comparison(both, top=5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax
from analysis.drawing.selection import NothingToDraw

if TYPE_CHECKING:
    from analysis.compare import ScenarioComparison

HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo")


def _size(labels: list[str], rows: int, groups: int, fs: float) -> tuple[tuple, dict]:
    """Figure size and margins: a band for the node labels, bars sized by their number."""
    label_in = max((len(line) for t in labels for line in t.split("\n")), default=10)
    label_in = label_in * fs * 0.55 / 72 + 0.3
    bars_in = 5.0
    plot_in = max(1.2, rows * (0.16 * groups + 0.18))
    legend_in = 0.6 + 0.2 * groups
    top_in = 0.55
    fig_w = label_in + bars_in + 0.4
    fig_h = top_in + plot_in + legend_in
    margins = {
        "left": label_in / fig_w,
        "right": (label_in + bars_in) / fig_w,
        "top": 1 - top_in / fig_h,
        "bottom": legend_in / fig_h,
    }
    return (fig_w, fig_h), margins


def plot_scenario_comparison(
    result: ScenarioComparison, *, top: int = 12, ax: Any = None
) -> tuple[Any, Any]:
    """Grouped bars: the steady-state shortfall of the ``top`` nodes under each scenario.

    Examples
    --------
    >>> import graph
    >>> from analysis.compare import compare_scenarios
    >>> from analysis.scenario import load_scenario
    >>> both = compare_scenarios(graph.load(), [load_scenario("2025-graphite"),
    ...                                         load_scenario("2023-gallium-germanium")])
    >>> fig, ax = plot_scenario_comparison(both, top=3)
    >>> len(ax.patches)
    6
    """
    from matplotlib.ticker import PercentFormatter

    fs = 8
    rows = result.rows[:top]
    if result.rows and not rows:
        raise NothingToDraw(f"nothing to draw: top={top} keeps no node: give 1 or more (--top)")
    k = len(result.labels)
    G = result.results[0].G if result.results else None
    names = [S.short_label(G, r["node"], 40) for r in rows]
    size, margins = _size(names, len(rows), k, fs)
    fig, ax = fig_ax(ax, size, margins=margins)
    height = 0.8 / k
    for j, label in enumerate(result.labels):
        ys = [i - 0.4 + height * (j + 0.5) for i in range(len(rows))]
        ax.barh(
            ys,
            [r[label] for r in rows],
            height=height * 0.92,
            color=S.LINE_COLOURS[j % len(S.LINE_COLOURS)],
            hatch=HATCHES[j % len(HATCHES)],
            edgecolor="white",
            linewidth=0.4,
            label=f"{label}: {result.results[j].title()}",
        )
    ax.set_yticks(range(len(rows)), names, fontsize=fs)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("steady-state shortfall", fontsize=fs)
    ax.tick_params(labelsize=fs)
    ax.grid(True, axis="x", color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    what = "nodes" if len(rows) != 1 else "node"
    ax.set_title(
        f"{k} scenarios side by side: the {len(rows)} {what} hit hardest",
        fontsize=fs + 3,
        weight="bold",
        loc="left",
    )
    if not rows:
        ax.text(0.5, 0.5, "no scenario affects anything", transform=ax.transAxes, ha="center")
    # Under the plot, at the figure's left edge: the titles are long.
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0.01, 0.01),
        bbox_transform=fig.transFigure,
        fontsize=fs,
        frameon=False,
        alignment="left",
    )
    return fig, ax
