"""Pictures: dependency diagrams, timelines, exposure heatmaps and chokepoint charts.

Every plot function takes ``ax=`` (draw into an existing matplotlib Axes) and
returns ``(fig, ax)``; ``save`` writes a figure to a file atomically. Layout and
colours come from ``analysis.layout``, computed before anything is drawn, so
the same data always draws the same picture. matplotlib is imported inside the
functions: importing this module costs nothing, and ``chokegraph what-if``
starts fast.

Examples
--------
>>> import graph, analysis
>>> from analysis import render
>>> G = graph.load()
>>> res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"], to=["japan"])])
>>> fig, ax = render.plot_scenario(res, focus="gallium", depth=2)
>>> fig, ax = render.plot_timeline(res)
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from analysis import layout as L
from graph.errors import ChokegraphError
from graph.files import missing_folder
from graph.lookup import resolve_node

IMAGE_FORMATS = ("png", "svg", "pdf")
GRAPH_FORMATS = ("dot", "graphml", "gexf")
FORMATS = IMAGE_FORMATS + GRAPH_FORMATS
LEGIBLE_NODES = 90  # above this many nodes, suggest --focus: a page cannot hold more
MAX_DRAWN_NODES = 1500  # above this, refuse: the picture would be huge and unreadable
DPI = 150

EDGE_COLOUR = "#8f8f8f"
CONTROL_COLOUR = "#4d4d4d"
BOX_EDGE = "#5a5a5a"
HEADER_COLOUR = "#404040"
NOTE_COLOUR = "#606060"
BOX_PAD = L.BOX_PAD  # text box padding, in font sizes
# Okabe-Ito, distinguishable with every common colour-vision deficiency; its
# yellow, which reads poorly on white, is replaced by grey.
LINE_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8C8C8C",
)
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _shortfall_cmap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("shortfall", L.SHORTFALL_STOPS)


def _percent(x: float) -> str:
    if 0 < x < 0.005:
        return "<1%"
    return f"{100 * x:.0f}%"


# ---------------------------------------------------------------- the diagram


def select_subgraph(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    kinds: list[str] | tuple[str, ...] | None = None,
) -> nx.MultiDiGraph:
    """The part of ``G`` a diagram shows: around ``focus`` and of the given ``kinds``.

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> len(select_subgraph(G, kinds=["country"])) == sum(
    ...     k == "country" for _, k in G.nodes(data="kind"))
    True
    """
    H = L.subgraph_around(G, focus, depth) if focus is not None else G
    if kinds:
        H = L.nodes_of_kinds(H, kinds)
    return H


@dataclass(frozen=True)
class _Scale:
    """How layout units become inches: font size, column pitch, line height."""

    fontsize: float
    column_in: float  # inches per column
    line_in: float  # inches per line
    box_columns: float  # width of the widest box, in columns

    @classmethod
    def for_layout(cls, lay: L.DiagramLayout, n_nodes: int) -> _Scale:
        # Smaller text for bigger graphs, so that the canvas stays printable.
        fontsize = 8.0 if n_nodes <= 40 else 7.0 if n_nodes <= 100 else 6.0
        em = fontsize / 72
        box_em = lay.label_chars * L.CHAR_EM + 2 * BOX_PAD
        column_in = (box_em + L.COLUMN_GAP_EM) * em
        return cls(fontsize, column_in, L.LINE_EM * em, box_em * em / column_in)


def _diagram_limits(lay: L.DiagramLayout, scale: _Scale) -> tuple[tuple, tuple]:
    half = scale.box_columns / 2 + 0.05
    right = lay.width - 1 + half
    if any(p[0][0] == p[-1][0] for p in lay.routes.values()):
        right += L.FLAT_BULGE * 0.75  # loops between nodes of one column swing right
    bottom, top = lay.y_range()
    return (-half, right), (bottom - 0.6, top + 2.2)


def _wrap(text: str, width_in: float, fontsize: float) -> str:
    chars = max(20, int(width_in * 72 / (fontsize * 0.56)))
    return "\n".join(textwrap.wrap(text, chars))


def _legend_handles(H: nx.MultiDiGraph, marks: L.ScenarioMarks | None) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    kinds = {d.get("kind") for _, _, d in H.edges(data=True)}
    handles = []
    if "supplies" in kinds:
        handles.append(
            Line2D([], [], color=EDGE_COLOUR, lw=2.5, label="supply (width: share of the input)")
        )
    if "controls" in kinds:
        handles.append(
            Line2D([], [], color=CONTROL_COLOUR, lw=1.0, ls=":", label="control (not a flow)")
        )
    if marks is not None:
        handles.append(
            Line2D([], [], color=L.CUT_COLOUR, lw=2.0, ls="--", label="cut by the restriction")
        )
        if marks.removed & set(H):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=L.CUT_COLOUR,
                    lw=0,
                    marker="x",
                    markersize=8,
                    markeredgewidth=2,
                    label="removed",
                )
            )
        handles.append(Patch(facecolor=L.UNAFFECTED, edgecolor=BOX_EDGE, label="unaffected"))
    else:
        present = {k if k in L.KINDS else L.OTHER_KIND for _, k in H.nodes(data="kind")}
        for kind in (*L.KINDS, L.OTHER_KIND):
            if kind in present:
                handles.append(
                    Patch(
                        facecolor=L.KIND_COLOURS[kind],
                        edgecolor=BOX_EDGE,
                        label=L.KIND_TITLES.get(kind, "other").lower(),
                    )
                )
    return handles


def _titles(
    G: nx.MultiDiGraph, H: nx.MultiDiGraph, result: Any, focus_id: str | None, depth: int
) -> tuple[str, str]:
    """The title, and a line under it: what is shown, the scenario's toll, the data."""
    parts = []
    if focus_id is not None:
        name = G.nodes[focus_id].get("name") or focus_id
        steps = "step" if depth == 1 else "steps"
        parts.append(f"Around {name}, {depth} {steps} up and down")
    if result is not None:
        title = result.title()
        s = result.summary
        toll = f"{s['nodes_hit']} nodes hit, {s['industries_hit']} industries"
        if s.get("value_at_risk") is not None:
            from analysis.whatif import format_usd

            toll += f", value at risk {format_usd(s['value_at_risk'])}"
        parts.append(toll + (" in the whole dataset" if focus_id is not None else ""))
        parts.append("colour: steady-state shortfall")
    else:
        title = "Supply dependencies"
        parts.append(f"{H.number_of_nodes()} nodes, {H.number_of_edges()} edges")
    data = G.graph.get("hash")
    if data:
        parts.append(f"dataset {str(data)[:12]}")
    sub = " · ".join(parts)
    return title, sub[0].upper() + sub[1:]


def _draw_edges(ax, H: nx.MultiDiGraph, lay: L.DiagramLayout, marks, scale: _Scale) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    drawn = []
    for u, v, key, d in H.edges(keys=True, data=True):
        route = lay.routes.get((u, v))
        if route is None:  # a self-loop: nothing to draw
            continue
        share = d.get("share")
        share = 1.0 if share is None else float(share)
        keep = marks.keep.get((u, v, key)) if marks is not None else None
        if d.get("kind") == "controls":
            style = {"ec": CONTROL_COLOUR, "lw": 0.9, "ls": (0, (1, 2)), "alpha": 0.8, "zorder": 1}
            rank = 0
        elif keep is not None:
            style = {
                "ec": L.CUT_COLOUR,
                "lw": max(1.3, 0.5 + 3.0 * share),
                "ls": (0, (3, 1.5)),
                "alpha": 0.95,
                "zorder": 2,
            }
            rank = 2
        else:
            style = {
                "ec": EDGE_COLOUR,
                "lw": 0.5 + 3.0 * share,
                "ls": "-",
                "alpha": 0.75,
                "zorder": 1,
            }
            rank = 1
        drawn.append((rank, u, v, str(key), route, style))
    # Cut edges last, so that a parallel uncut edge never hides them.
    for _, _, _, _, route, style in sorted(drawn, key=lambda t: t[:4]):
        codes = [MPath.MOVETO] + [MPath.CURVE4] * (len(route) - 1)
        ax.add_patch(
            PathPatch(MPath(route, codes), fill=False, capstyle="butt", joinstyle="round", **style)
        )


def _cross_out(ax, text, scale: _Scale) -> None:
    """Draw an X over a node's box (its text plus padding)."""
    fig = ax.figure
    box = text.get_window_extent()
    pad = BOX_PAD * scale.fontsize * fig.dpi / 72
    inv = ax.transData.inverted()
    (x0, y0), (x1, y1) = inv.transform([(box.x0 - pad, box.y0 - pad), (box.x1 + pad, box.y1 + pad)])
    for xs, ys in (((x0, x1), (y0, y1)), ((x0, x1), (y1, y0))):
        ax.plot(xs, ys, color=L.CUT_COLOUR, lw=1.8, solid_capstyle="round", zorder=5)


def plot_graph(
    G: nx.MultiDiGraph,
    *,
    result: Any = None,
    focus: str | None = None,
    depth: int = 2,
    kinds: list[str] | tuple[str, ...] | None = None,
    ax: Any = None,
    method: str = "barycenter",
) -> tuple[Any, Any]:
    """Draw the dependency diagram, layered left to right by kind.

    Edge width shows the share of the consumer's input; with a ``result``,
    node colour shows the steady-state shortfall (light grey: unaffected),
    cut flows are dashed red and removed nodes crossed out.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    result : WhatIf, optional
        A scenario run on ``G`` to colour the diagram by.
    focus : str, optional
        Draw only what lies within ``depth`` steps upstream and downstream of
        this node (id or name).
    depth : int
        Steps from ``focus`` (default 2).
    kinds : list of str, optional
        Draw only nodes of these kinds.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new figure sized to fit the labels.
    method : {"barycenter", "dot"}
        Where the order within each column comes from (``"dot"`` needs Graphviz).

    Returns
    -------
    (Figure, Axes)

    Examples
    --------
    >>> import graph
    >>> fig, ax = plot_graph(graph.load(), focus="gallium", depth=1)
    """
    plt = _pyplot()
    H = select_subgraph(G, focus=focus, depth=depth, kinds=kinds)
    if len(H) > MAX_DRAWN_NODES:
        raise ChokegraphError(
            f"{len(H)} nodes are too many to draw; draw a part with focus=NODE and depth=K "
            "(--focus, --depth) or kinds=[...] (--kind), or write .graphml or .gexf for Gephi"
        )
    focus_id = resolve_node(G, focus) if focus is not None else None
    lay = L.diagram_layout(H, method=method)
    marks = L.scenario_marks(result) if result is not None else None
    shortfall = None
    if marks is not None:
        shortfall = dict(marks.shortfall)
    colours = L.node_colours(H, shortfall=shortfall)
    scale = _Scale.for_layout(lay, len(H))
    fs = scale.fontsize
    (x0, x1), (y0, y1) = _diagram_limits(lay, scale)
    title, subtitle = _titles(G, H, result, focus_id, depth)
    handles = _legend_handles(H, marks)

    if ax is None:
        ax_w = (x1 - x0) * scale.column_in
        ax_h = (y1 - y0) * scale.line_in
        legend_in = sum(len(h.get_label()) * 0.58 * fs / 72 + 0.55 for h in handles)
        colourbar_in = 2.6 if marks is not None else 0.0
        fig_w = max(ax_w + 0.4, 7.5)
        title_w = fig_w - 0.4
        title = _wrap(title, title_w, fs + 4)
        subtitle = _wrap(subtitle, title_w, fs + 1)
        title_lines = title.count("\n") + 1 + subtitle.count("\n") + 1
        top_in = 0.25 + title_lines * (fs + 3) * 1.35 / 72
        legend_rows = max(1, math.ceil(legend_in / max(1.0, fig_w - 0.4 - colourbar_in)))
        bottom_in = 0.25 + legend_rows * fs * 2.0 / 72 + 0.15
        fig_h = ax_h + top_in + bottom_in
        fig = plt.figure(figsize=(fig_w, fig_h))
        left = (fig_w - ax_w) / 2
        ax = fig.add_axes((left / fig_w, bottom_in / fig_h, ax_w / fig_w, ax_h / fig_h))
        fig.text(
            0.2 / fig_w,
            1 - 0.18 / fig_h,
            title,
            fontsize=fs + 4,
            weight="bold",
            va="top",
            ha="left",
        )
        fig.text(
            0.2 / fig_w,
            1 - (0.22 + (title.count("\n") + 1) * (fs + 4) * 1.3 / 72) / fig_h,
            subtitle,
            fontsize=fs + 1,
            color=NOTE_COLOUR,
            va="top",
            ha="left",
        )
        ncol = math.ceil(len(handles) / legend_rows)
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.15 / fig_w, 0.12 / fig_h),
            ncol=ncol,
            frameon=False,
            fontsize=fs,
            handlelength=2.6,
            columnspacing=1.6,
        )
        if marks is not None:
            cax = fig.add_axes(((fig_w - 2.35) / fig_w, 0.42 / fig_h, 2.1 / fig_w, 0.11 / fig_h))
        fitted = True
    else:
        fig = ax.figure
        ax.set_title(f"{title}\n{subtitle}", fontsize=fs + 2, loc="left")
        ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=fs,
            frameon=False,
            bbox_to_anchor=(0, -0.12),
            ncol=min(4, len(handles)),
        )
        cax = None
        fitted = False
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()

    _draw_edges(ax, H, lay, marks, scale)
    texts = {}
    for n, (x, y) in lay.pos.items():
        fill = colours[n]
        focused = n == focus_id
        texts[n] = ax.text(
            x,
            y,
            lay.labels[n],
            ha="center",
            va="center",
            multialignment="center",
            fontsize=fs,
            color=L.text_colour(fill),
            zorder=3,
            bbox={
                "boxstyle": f"round,pad={BOX_PAD}",
                "fc": fill,
                "ec": "black" if focused else BOX_EDGE,
                "lw": 2.0 if focused else 0.6,
            },
        )
    _, top = lay.y_range()
    for kind in dict.fromkeys(lay.columns):
        cols = [i for i, k in enumerate(lay.columns) if k == kind]
        ax.text(
            sum(cols) / len(cols),
            top + 0.9,
            L.KIND_TITLES.get(kind, "Other"),
            ha="center",
            va="bottom",
            fontsize=fs + 1,
            weight="bold",
            color=HEADER_COLOUR,
        )
    if marks is not None:
        for n in sorted(marks.removed & set(H)):
            _cross_out(ax, texts[n], scale)
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.ticker import PercentFormatter

        mappable = ScalarMappable(norm=Normalize(0, 1), cmap=_shortfall_cmap())
        if fitted:
            bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
        else:
            bar = fig.colorbar(
                mappable, ax=ax, orientation="horizontal", fraction=0.04, pad=0.08, shrink=0.4
            )
        bar.ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        bar.ax.tick_params(labelsize=fs)
        bar.set_label("steady-state shortfall", fontsize=fs)
    return fig, ax


def plot_scenario(result: Any, **kwargs: Any) -> tuple[Any, Any]:
    """Draw a ``WhatIf`` result on its graph (``plot_graph(result.G, result=result, ...)``).

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.remove(graph.load(), ["chn"])
    >>> fig, ax = plot_scenario(res, focus="gallium", depth=1)
    """
    return plot_graph(result.G, result=result, **kwargs)


# ---------------------------------------------------------------- other plots


def _short_label(G: nx.MultiDiGraph | None, node: str, width: int = 34) -> str:
    if G is None or node not in G:
        return node
    return L.node_label(G, node, width=width).replace("\n", " ")


def plot_timeline(result: Any, *, top: int = 8, ax: Any = None) -> tuple[Any, Any]:
    """Shortfall over the days of the most affected industries, with days to impact marked.

    The ``top`` industries by steady-state shortfall are drawn (any kind of
    node when no industry is hit). A marker on each line, with a dotted
    stem down to the axis, shows its days to impact.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
    >>> fig, ax = plot_timeline(res, top=3)
    """
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    plt = _pyplot()
    fs = 9
    chosen = [r for r in result.records if r["kind"] == "industry"][:top]
    what = "industries"
    if not chosen:
        chosen = list(result.records[:top])
        what = "nodes"
    rows = math.ceil(len(chosen) / 2)
    if ax is None:
        # The legend goes under the plot, in two columns: names are long.
        legend_in = 0.75 + rows * fs * 1.7 / 72
        plot_in = 4.2
        title_lines = _wrap(result.title(), 8.6, fs + 3).count("\n") + 1
        top_in = 0.4 + title_lines * (fs + 3) * 1.25 / 72
        fig_h = top_in + plot_in + legend_in
        fig, ax = plt.subplots(figsize=(10, fig_h))
        fig.subplots_adjust(left=0.08, right=0.97, top=1 - top_in / fig_h, bottom=legend_in / fig_h)
    else:
        fig = ax.figure
    frame = result.timeline
    days = frame.index.to_numpy()
    for i, r in enumerate(chosen):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        series = frame[r["node"]].to_numpy()
        label = f"{_short_label(result.G, r['node'])}: {100 * r['shortfall']:.1f}%"
        first = r["days_to_impact"]
        label += f", day {first}" if first is not None else ", never within the horizon"
        # Colour and dash both differ, so that the lines survive greyscale printing.
        ls = LINE_STYLES[i % len(LINE_STYLES)]
        # One value per day: a step, not a ramp between days.
        ax.plot(
            days, series, color=colour, lw=1.8, ls=ls, label=label, zorder=3, drawstyle="steps-post"
        )
        if first is not None:
            y = float(series[first])
            ax.plot([first, first], [0, y], color=colour, lw=0.9, ls=":", zorder=2)
            ax.plot(
                first,
                y,
                marker=MARKERS[i % len(MARKERS)],
                color=colour,
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.7,
                zorder=4,
                ls="none",
                clip_on=False,
            )
    for start in sorted({r.start_day for r in result.scenario.restrictions} - {0}):
        ax.axvline(start, color="#999999", lw=0.8, ls="--", zorder=1)
        ax.text(
            start,
            1.0,
            f" day {start}: restriction starts",
            transform=ax.get_xaxis_transform(),
            fontsize=fs - 1,
            color=NOTE_COLOUR,
            va="top",
            ha="left",
        )
    # Zoom in on the days where something happens: a flat tail to the horizon
    # says nothing, and squeezes the steps into the left edge.
    horizon = int(days[-1]) if len(days) else 1
    changes = [
        int(days[np.flatnonzero(np.abs(np.diff(frame[r["node"]].to_numpy())) > 1e-12)[-1] + 1])
        for r in chosen
        if (np.abs(np.diff(frame[r["node"]].to_numpy())) > 1e-12).any()
    ]
    starts = [r.start_day for r in result.scenario.restrictions]
    last = max([*changes, *starts, 0])
    right = horizon
    if last * 1.5 + 10 < horizon:
        right = max(30, math.ceil(last * 1.5 / 10.0) * 10)
    ax.set_xlim(0, right)
    highest = max((r["shortfall"] for r in chosen), default=0.0)
    ax.set_ylim(0, min(1.0, highest * 1.12) if highest > 0 else 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("day", fontsize=fs)
    ax.set_ylabel("shortfall", fontsize=fs)
    ax.tick_params(labelsize=fs)
    ax.grid(True, color="#e6e6e6", lw=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = result.title()
    ax.set_title(
        f"{_wrap(title, 8.6, fs + 3)}\n",
        fontsize=fs + 3,
        weight="bold",
        loc="left",
    )
    ax.text(
        0,
        1.01,
        f"Shortfall of the {len(chosen)} most affected {what} over time (marker: days to impact)"
        + (f"; no change from day {last} to the horizon, day {horizon}" if right < horizon else ""),
        transform=ax.transAxes,
        fontsize=fs,
        color=NOTE_COLOUR,
        va="bottom",
    )
    if chosen:
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(-0.02, -0.1),
            ncol=2,
            fontsize=fs - 0.5,
            frameon=False,
            title=f"{what}: steady-state shortfall, first day hit",
            title_fontsize=fs,
            alignment="left",
        )
    else:
        ax.text(
            0.5,
            0.5,
            "nothing is affected",
            transform=ax.transAxes,
            ha="center",
            fontsize=fs + 2,
            color=NOTE_COLOUR,
        )
    return fig, ax


def plot_exposure(result: Any, *, ax: Any = None) -> tuple[Any, Any]:
    """The exposure matrix as a heatmap: industries down, countries across, shortfall in %.

    Only countries whose ban hits something are shown, the most damaging
    first; empty cells are unexposed pairs.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_exposure(analysis.exposure(graph.load(), "japan"))
    """
    import numpy as np

    plt = _pyplot()
    fs = 8
    G = getattr(result, "G", None)
    matrix = result.matrix
    matrix = matrix.loc[:, (matrix > L.AFFECTED).any(axis=0)]
    if matrix.shape[1]:
        matrix = matrix.loc[
            matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index,
            matrix.sum(axis=0).sort_values(ascending=False, kind="stable").index,
        ]
    rows = [_short_label(G, n, 40) for n in matrix.index]
    cols = [
        str((G.nodes[c].get("name") if G is not None and c in G else None) or c)
        for c in matrix.columns
    ]
    n_rows, n_cols = max(1, len(rows)), max(1, len(cols))
    if ax is None:
        # Cells of a fixed size (wide enough for "100%"); matplotlib's constrained
        # layout fits the labels, title and colour bar around them.
        label_in = max((len(r) for r in rows), default=10) * fs * 0.55 / 72
        col_label_in = max((len(c) for c in cols), default=6) * fs * 0.55 / 72 * 0.72
        fig_w = max(6.0, label_in + n_cols * 0.42 + 1.4)
        fig_h = 1.0 + n_rows * 0.3 + col_label_in
        fig, ax = plt.subplots(figsize=(fig_w, fig_h), layout="constrained")
    else:
        fig = ax.figure
    title = result.title() if hasattr(result, "title") else "Exposure"
    ax.set_title(_wrap(title, 7.0, fs + 2), fontsize=fs + 2, weight="bold", loc="left")
    if not matrix.size:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "no other country's ban reaches these industries",
            transform=ax.transAxes,
            ha="center",
            fontsize=fs + 1,
            color=NOTE_COLOUR,
        )
        return fig, ax
    values = matrix.to_numpy(dtype=float)
    cmap = _shortfall_cmap()
    cmap = cmap.with_extremes(bad=L.UNAFFECTED)
    shown = np.ma.masked_less_equal(values, L.AFFECTED)
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if v > L.AFFECTED:
                fill = L.shortfall_colour(v)
                ax.text(
                    j,
                    i,
                    _percent(v),
                    ha="center",
                    va="center",
                    fontsize=fs - 0.5,
                    color=L.text_colour(fill),
                )
    ax.set_xticks(
        range(len(cols)), cols, rotation=45, ha="right", rotation_mode="anchor", fontsize=fs
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=fs)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", lw=1.2)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    from matplotlib.ticker import PercentFormatter

    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02, format=PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=fs)
    bar.set_label("shortfall under a full export ban", fontsize=fs)
    return fig, ax


def plot_chokepoints(result: Any, *, top: int = 15, ax: Any = None) -> tuple[Any, Any]:
    """The highest-scoring chokepoints as horizontal bars, with who they hit.

    Each bar is a node's removal score (value at risk, or industry-equivalents
    lost when some industry has no value), coloured by kind; the note beside
    it gives the number of industries hit and the worst-hit one.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_chokepoints(analysis.chokepoints(graph.load()), top=5)
    """
    from matplotlib.patches import Patch

    plt = _pyplot()
    fs = 8
    G = getattr(result, "G", None)
    table = result.table.head(top)
    n = len(table)
    weighted = bool(getattr(result, "weighted", False))
    fmt = getattr(result, "format_score", lambda s: f"{s:.3f}")
    labels = [
        L.node_label(G, node, width=40) if G is not None and node in G else node
        for node in table["node"]
    ]
    notes = []
    for row in table.itertuples(index=False):
        note = f"{row.industries_hit} industries"
        if isinstance(row.worst_node, str) and row.worst_node:
            worst = _short_label(G, row.worst_node, 60)
            note += f"; worst hit: {worst}, {_percent(float(row.worst_shortfall))}"
        notes.append(note)
    if ax is None:
        # Three bands in inches: labels | bars | notes beside the axes.
        char_in = fs * 0.55 / 72
        label_in = max((len(line) for t in labels for line in t.split("\n")), default=10)
        label_in = label_in * char_in + 0.25
        note_in = max((len(t) for t in notes), default=10) * (fs - 0.5) * 0.55 / 72 + 0.2
        bars_in = 3.6
        rows_in = sum(0.2 + 0.13 * t.count("\n") for t in labels) + 0.2 * max(0, 3 - n)
        fig_w = label_in + bars_in + note_in + 0.2
        fig_h = rows_in + 1.25
        fig, ax = plt.subplots(figsize=(fig_w, fig_h))
        fig.subplots_adjust(
            left=label_in / fig_w,
            right=(label_in + bars_in) / fig_w,
            top=1 - 0.6 / fig_h,
            bottom=0.6 / fig_h,
        )
    else:
        fig = ax.figure
    scores = table["score"].astype(float).to_numpy()
    kinds = list(table["kind"])
    colours = [L.KIND_COLOURS.get(k, L.KIND_COLOURS[L.OTHER_KIND]) for k in kinds]
    ys = list(range(n))
    ax.barh(ys, scores, color=colours, edgecolor=BOX_EDGE, linewidth=0.6, height=0.72)
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
            color=NOTE_COLOUR,
            transform=ax.get_yaxis_transform(),
        )
    if weighted:
        from matplotlib.ticker import FuncFormatter

        from analysis.whatif import format_usd

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
                    facecolor=L.KIND_COLOURS.get(k, L.KIND_COLOURS[L.OTHER_KIND]),
                    edgecolor=BOX_EDGE,
                    label=k,
                )
                for k in present
            ],
            loc="lower right",
            fontsize=fs,
            frameon=False,
        )
    return fig, ax


# ---------------------------------------------------------------- files


def _format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        known = ", ".join(f".{f}" for f in FORMATS)
        raise ChokegraphError(
            f"cannot tell what to write from the name {str(path)!r}: end it in one of {known}"
        )
    return suffix


def check_output(path: str | Path, *, timeline: bool = False) -> str:
    """Check that ``path`` can take a picture or graph file; return its format.

    Raises ``ChokegraphError`` for an unknown suffix, a missing folder, or a
    timeline asked for in a graph format.

    Examples
    --------
    >>> check_output("diagram.svg")
    'svg'
    """
    fmt = _format_of(path)
    folder = Path(path).parent
    if not folder.is_dir():
        raise ChokegraphError(f"cannot write {path}: {missing_folder(folder)}")
    if timeline and fmt not in IMAGE_FORMATS:
        raise ChokegraphError(
            f"a timeline is a picture: write it as .png, .svg or .pdf, not .{fmt}"
        )
    return fmt


def save(fig: Any, path: str | Path, *, dpi: int = DPI) -> Path:
    """Write a figure to ``path`` (.png, .svg or .pdf), atomically.

    The picture is rendered to bytes first and then written in one step, so
    an existing file is replaced only by a complete one. Output carries no
    time stamp, so the same figure gives the same bytes.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> fig, ax = plot_graph(graph.load(), focus="gallium", depth=1)
    >>> save(fig, pathlib.Path(tempfile.mkdtemp()) / "gallium.png").suffix
    '.png'
    """
    import matplotlib

    from graph.files import write_atomic

    fmt = _format_of(path)
    if fmt not in IMAGE_FORMATS:
        raise ChokegraphError(f"{str(path)!r}: a figure is saved as .png, .svg or .pdf, not .{fmt}")
    buffer = io.BytesIO()
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None},
    }[fmt]
    with matplotlib.rc_context({"svg.hashsalt": "chokegraph", "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    return write_atomic(path, buffer.getvalue())


def render_file(
    path: str | Path,
    G: nx.MultiDiGraph,
    *,
    result: Any = None,
    focus: str | None = None,
    depth: int = 2,
    kinds: list[str] | tuple[str, ...] | None = None,
    timeline: bool = False,
    method: str = "barycenter",
) -> Path:
    """Draw or export ``G`` (and a scenario) to ``path``; the suffix picks the format.

    ``.png``, ``.svg`` and ``.pdf`` draw the diagram (or, with ``timeline``,
    the timeline of ``result``); ``.dot``, ``.graphml`` and ``.gexf`` write
    the graph itself, with the scenario's numbers as node and edge attributes.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "all.graphml"
    >>> render_file(out, graph.load()).name
    'all.graphml'
    """
    fmt = check_output(path, timeline=timeline)
    if timeline and result is None:
        raise ChokegraphError(
            "a timeline needs a scenario: COUNTRY COMMODITY..., --scenario NAME or --remove NODE"
        )
    if fmt in GRAPH_FORMATS:
        from analysis import graphfiles

        H = select_subgraph(G, focus=focus, depth=depth, kinds=kinds)
        return graphfiles.write_graph(H, path, result=result)
    plt = _pyplot()
    if timeline:
        fig, _ = plot_timeline(result)
    else:
        fig, _ = plot_graph(G, result=result, focus=focus, depth=depth, kinds=kinds, method=method)
    try:
        return save(fig, path)
    finally:
        plt.close(fig)


def draw(
    G: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 2,
    result: Any = None,
    ax: Any = None,
    **kwargs: Any,
) -> tuple[Any, Any]:
    """Draw the dependency diagram of ``G`` (see ``plot_graph``); returns ``(fig, ax)``.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = analysis.draw(graph.load(), focus="gallium", depth=1)
    """
    return plot_graph(G, result=result, focus=focus, depth=depth, ax=ax, **kwargs)
