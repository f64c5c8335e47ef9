"""The result charts, drawn with matplotlib: the exposure heatmap, chokepoints, sensitivity.

(The timeline has a module of its own, ``timeline``; ``charts.plot_timeline``
is the same function.)

Each plot function takes the result object whose data it draws, ``ax=``
(draw into an existing Axes) and returns ``(fig, ax)``. Colours and labels
come from ``analysis.drawing.style``; matplotlib is imported inside the
functions.

Examples
--------
>>> import graph, analysis
>>> from analysis.drawing import charts
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> fig, ax = charts.plot_timeline(res, top=3)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax, heat_cmap
from analysis.drawing.selection import NothingToDraw
from analysis.drawing.timeline import plot_timeline  # noqa: F401 (its home before timeline.py)
from analysis.output import format_usd

if TYPE_CHECKING:
    from analysis.chokepoints import Chokepoints
    from analysis.exposure import Exposure
    from analysis.whatif import WhatIf


# ---------------------------------------------------------------- exposure heatmap


def _exposed_matrix(result: Exposure) -> Any:
    """The exposure matrix without unexposing countries, the most exposed rows and columns first."""
    matrix = result.matrix
    matrix = matrix.loc[:, (matrix > S.AFFECTED).any(axis=0)]
    if matrix.shape[1]:
        matrix = matrix.loc[
            matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index,
            matrix.sum(axis=0).sort_values(ascending=False, kind="stable").index,
        ]
    return matrix


def _heatmap_size(rows: list[str], cols: list[str], fs: float) -> tuple[float, float]:
    """Cells of a fixed size (wide enough for "100%"); constrained layout fits the rest."""
    n_rows, n_cols = max(1, len(rows)), max(1, len(cols))
    label_in = max((len(r) for r in rows), default=10) * fs * 0.55 / 72
    col_label_in = max((len(c) for c in cols), default=6) * fs * 0.55 / 72 * 0.72
    fig_w = max(6.0, label_in + n_cols * 0.42 + 1.4)
    fig_h = 1.0 + n_rows * 0.3 + col_label_in
    return fig_w, fig_h


def _draw_cells(ax: Any, values: Any, fs: float) -> Any:
    """The coloured cells and their percentages; returns the image (for the colour bar)."""
    import numpy as np

    # White at 0 and for unexposed cells: only large exposures catch the eye.
    cmap = heat_cmap().with_extremes(bad="white")
    shown = np.ma.masked_less_equal(values, S.AFFECTED)
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if v > S.AFFECTED:
                fill = S.heat_colour(v)
                ax.text(
                    j,
                    i,
                    S.percent(v),
                    ha="center",
                    va="center",
                    fontsize=fs - 0.5,
                    color=S.text_colour(fill),
                )
    return image


def _heatmap_axes(ax: Any, rows: list[str], cols: list[str], fs: float) -> None:
    """Row and column names, white lines between the cells, no frame."""
    import numpy as np

    ax.set_xticks(
        range(len(cols)), cols, rotation=45, ha="right", rotation_mode="anchor", fontsize=fs
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=fs)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="#ececec", lw=1.0)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_exposure(result: Exposure, *, ax: Any = None) -> tuple[Any, Any]:
    """The exposure matrix as a heatmap: industries down, countries across, shortfall in %.

    Only countries whose ban hits something are shown, the most damaging
    first; empty cells are unexposed pairs.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_exposure(analysis.exposure(graph.load(), "japan"))
    """
    from matplotlib.ticker import PercentFormatter

    fs = 8
    G = getattr(result, "G", None)
    matrix = _exposed_matrix(result)
    rows = [S.short_label(G, n, 40) for n in matrix.index]
    cols = [
        str((G.nodes[c].get("name") if G is not None and c in G else None) or c)
        for c in matrix.columns
    ]
    fig, ax = fig_ax(ax, _heatmap_size(rows, cols, fs), layout="constrained")
    title = result.title() if hasattr(result, "title") else "Exposure"
    ax.set_title(S.wrap_to_width(title, 7.0, fs + 2), fontsize=fs + 2, weight="bold", loc="left")
    if not matrix.size:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "no other country's ban reaches these industries",
            transform=ax.transAxes,
            ha="center",
            fontsize=fs + 1,
            color=S.NOTE_COLOUR,
        )
        return fig, ax
    image = _draw_cells(ax, matrix.to_numpy(dtype=float), fs)
    _heatmap_axes(ax, rows, cols, fs)
    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02, format=PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=fs)
    bar.set_label("shortfall under a full export ban", fontsize=fs)
    return fig, ax


# ---------------------------------------------------------------- chokepoints


def _bar_notes(G: nx.MultiDiGraph | None, table: Any) -> list[str]:
    """Beside each bar: the industries hit and the worst-hit one."""
    notes = []
    for row in table.itertuples(index=False):
        note = f"{row.industries_hit} industries"
        if isinstance(row.worst_node, str) and row.worst_node:
            worst = S.short_label(G, row.worst_node, 60)
            note += f"; worst hit: {worst}, {S.percent(float(row.worst_shortfall))}"
        notes.append(note)
    return notes


def _bars_size(labels: list[str], notes: list[str], n: int, fs: float) -> tuple[tuple, dict]:
    """Three bands in inches: labels | bars | notes beside the axes."""
    char_in = fs * 0.55 / 72
    label_in = max((len(line) for t in labels for line in t.split("\n")), default=10)
    label_in = label_in * char_in + 0.25
    note_in = max((len(t) for t in notes), default=10) * (fs - 0.5) * 0.55 / 72 + 0.2
    bars_in = 3.6
    rows_in = sum(0.2 + 0.13 * t.count("\n") for t in labels) + 0.2 * max(0, 3 - n)
    fig_w = label_in + bars_in + note_in + 0.2
    fig_h = rows_in + 1.25
    margins = {
        "left": label_in / fig_w,
        "right": (label_in + bars_in) / fig_w,
        "top": 1 - 0.6 / fig_h,
        "bottom": 0.6 / fig_h,
    }
    return (fig_w, fig_h), margins


def _draw_bars(
    ax: Any,
    scores: Any,
    kinds: list[str],
    labels: list[str],
    notes: list[str],
    fmt: Callable[[float], str],
    fs: float,
) -> None:
    """The bars, coloured by kind, each with its score at its end and its note to the right."""
    n = len(scores)
    colours = [S.KIND_COLOURS.get(k, S.KIND_COLOURS[S.OTHER_KIND]) for k in kinds]
    ys = list(range(n))
    ax.barh(ys, scores, color=colours, edgecolor=S.BOX_EDGE, linewidth=0.6, height=0.72)
    ax.set_yticks(ys, labels, fontsize=fs)
    ax.set_ylim(n - 0.5, -0.5)
    highest = float(scores.max()) if n else 1.0
    # The legend sits at the lower right; leave it room when the last bars are long.
    tail = float(scores[-3:].max()) if n else 0.0
    room = 1.18 if tail <= 0.6 * highest else 1.7
    ax.set_xlim(0, highest * room if highest > 0 else 1.0)
    for y, (score, note) in enumerate(zip(scores, notes, strict=True)):
        ax.text(
            score + highest * 0.015,
            y,
            fmt(float(score)),
            va="center",
            fontsize=fs - 0.5,
            color="#303030",
        )
        ax.text(
            1.02,
            y,
            note,
            va="center",
            fontsize=fs - 0.5,
            color=S.NOTE_COLOUR,
            transform=ax.get_yaxis_transform(),
        )


def _bars_axes(ax: Any, weighted: bool, n: int, kinds: list[str], fs: float) -> None:
    """The score axis (dollars when weighted), the title and the legend of kinds."""
    from matplotlib.patches import Patch

    if weighted:
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_usd(v)))
        what = "value at risk when the node is removed (value x shortfall, summed)"
    else:
        what = "industry-equivalents lost when the node is removed (shortfalls, summed)"
    ax.set_xlabel(what, fontsize=fs)
    ax.tick_params(labelsize=fs)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, axis="x", color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        f"Top {n} chokepoints: the damage of removing each node",
        fontsize=fs + 3,
        weight="bold",
        loc="left",
    )
    present = list(dict.fromkeys(kinds))
    if present:
        ax.legend(
            handles=[
                Patch(
                    facecolor=S.KIND_COLOURS.get(k, S.KIND_COLOURS[S.OTHER_KIND]),
                    edgecolor=S.BOX_EDGE,
                    label=k,
                )
                for k in present
            ],
            loc="lower right",
            fontsize=fs,
            frameon=False,
        )


def plot_chokepoints(result: Chokepoints, *, top: int = 15, ax: Any = None) -> tuple[Any, Any]:
    """The highest-scoring chokepoints as horizontal bars, with who they hit.

    Each bar is a node's removal score (value at risk, or industry-equivalents
    lost when some industry has no value), coloured by kind; the note beside
    it gives the number of industries hit and the worst-hit one.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_chokepoints(analysis.chokepoints(graph.load()), top=5)
    """
    fs = 8
    G = getattr(result, "G", None)
    table = result.table.head(top)
    n = len(table)
    if not n:
        why = (
            f"top={top} keeps no bar: give 1 or more (--top)"
            if len(result.table)
            else ("the dataset has no node to rank")
        )
        raise NothingToDraw(f"nothing to draw: {why}")
    weighted = bool(getattr(result, "weighted", False))
    fmt = getattr(result, "format_score", lambda s: f"{s:.3f}")
    labels = [
        S.node_label(G, node, width=40) if G is not None and node in G else node
        for node in table["node"]
    ]
    notes = _bar_notes(G, table)
    size, margins = _bars_size(labels, notes, n, fs)
    fig, ax = fig_ax(ax, size, margins=margins)
    kinds = list(table["kind"])
    _draw_bars(ax, table["score"].astype(float).to_numpy(), kinds, labels, notes, fmt, fs)
    _bars_axes(ax, weighted, n, kinds, fs)
    return fig, ax


def plot_sensitivity(result: WhatIf, *, node: str | None = None, ax: Any = None) -> tuple[Any, Any]:
    """A tornado plot: how far each driver moves one node's shortfall (DESIGN section 3c).

    One bar per driver, from the shortfall with the number at its low end to
    that at its high end, largest swing on top, and the point shortfall as a
    line. ``node`` defaults to the most affected industry with drivers (else
    the most affected node with drivers). Needs a result run with
    ``sensitivity=True``.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import load_scenario
    >>> from analysis.whatif import run_uncertain
    >>> res = run_uncertain(graph.load(), load_scenario("2026-dual-use-japan"), sensitivity=True)
    >>> fig, ax = plot_sensitivity(res)
    """
    if result.sensitivity is None:
        raise ValueError("this result has no drivers: run it with sensitivity=True")
    with_drivers = [r for r in result.records if r.get("drivers")]
    if node is not None:
        with_drivers = [r for r in with_drivers if r["node"] == node]
    industries = [r for r in with_drivers if r["kind"] == "industry"]
    chosen = (industries or with_drivers)[:1]
    fs = 10
    if not chosen:
        fig, ax = fig_ax(ax, figsize=(8, 2))
        ax.text(0.5, 0.5, "No uncertain number moves this shortfall", ha="center", va="center")
        ax.set_axis_off()
        return fig, ax
    record = chosen[0]
    drivers = list(reversed(record["drivers"]))  # largest on top
    fig, ax = fig_ax(ax, figsize=(9, 1.2 + 0.55 * len(drivers)))
    for y, d in enumerate(drivers):
        low, high = 100 * d["shortfall_low"], 100 * d["shortfall_high"]
        ax.barh(y, high - low, left=low, color=S.LINE_COLOURS[0], height=0.6)
        ax.text(low, y, f"{d['low']:g} ", ha="right", va="center", fontsize=fs - 1)
        ax.text(high, y, f" {d['high']:g}", ha="left", va="center", fontsize=fs - 1)
    point = 100 * record["shortfall"]
    ax.axvline(point, color="black", lw=1.0, ls="--", label="at the values")
    ends = [100 * d[k] for d in drivers for k in ("shortfall_low", "shortfall_high")] + [point]
    pad = max(0.5, 0.2 * (max(ends) - min(ends)))  # room for the range labels at the bar ends
    ax.set_xlim(max(0.0, min(ends) - pad), min(100.0, max(ends) + pad))
    ax.set_yticks(range(len(drivers)), [d["param"] for d in drivers], fontsize=fs - 1)
    ax.set_xlabel("long-run shortfall (%), with the number at its low and high end")
    ax.set_title(f"What moves {S.short_label(result.G, record['node'])} most", fontsize=fs + 1)
    ax.legend(loc="lower right", fontsize=fs - 1)
    if ax.figure is fig and len(fig.axes) == 1:
        fig.tight_layout()
    return fig, ax
