"""The dependency diagram, drawn with matplotlib: boxes in layers by kind, curved edges.

What to show comes from ``selection``, where it goes from ``layout``, how it
looks from ``style``; this module only turns those into matplotlib artists, in
a fixed order, so the same data always draws the same picture. matplotlib is
imported inside the functions.

Examples
--------
>>> import graph, analysis
>>> from analysis.drawing import diagram
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> fig, ax = diagram.plot_scenario(res, focus="gallium", depth=1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax, shortfall_cmap
from analysis.drawing.layout import (
    BOX_PAD,
    CHAR_EM,
    COLUMN_GAP_EM,
    FLAT_BULGE,
    LINE_EM,
    DiagramLayout,
    diagram_layout,
)
from analysis.drawing.options import DiagramOptions
from analysis.drawing.selection import select_subgraph
from graph.errors import ChokegraphError
from graph.lookup import resolve_node

if TYPE_CHECKING:
    from analysis.whatif import WhatIf

MAX_DRAWN_NODES = 1500  # above this, refuse: the picture would be huge and unreadable


@dataclass(frozen=True)
class _Scale:
    """How layout units become inches: font size, column pitch, line height."""

    fontsize: float
    column_in: float  # inches per column
    line_in: float  # inches per line
    box_columns: float  # width of the widest box, in columns

    @classmethod
    def for_layout(cls, lay: DiagramLayout, n_nodes: int) -> _Scale:
        # Smaller text for bigger graphs, so that the canvas stays printable.
        fontsize = 8.0 if n_nodes <= 40 else 7.0 if n_nodes <= 100 else 6.0
        em = fontsize / 72
        box_em = lay.label_chars * CHAR_EM + 2 * BOX_PAD
        column_in = (box_em + COLUMN_GAP_EM) * em
        return cls(fontsize, column_in, LINE_EM * em, box_em * em / column_in)


@dataclass(frozen=True)
class _Diagram:
    """Everything one diagram draws, computed before anything is drawn."""

    H: nx.MultiDiGraph  # the part of the graph shown
    lay: DiagramLayout
    marks: S.ScenarioMarks | None
    colours: dict[str, str]
    scale: _Scale
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    title: str
    subtitle: str
    legend: list[S.LegendEntry]
    focus_id: str | None
    colour_title: str  # what the node colours show


@dataclass(frozen=True)
class _Frame:
    """A figure of its own for a diagram: its size, where the Axes sit, the wrapped titles."""

    size: tuple[float, float]
    rect: tuple[float, float, float, float]
    title: str
    subtitle: str
    legend_rows: int


def _diagram_limits(lay: DiagramLayout, scale: _Scale) -> tuple[tuple, tuple]:
    half = scale.box_columns / 2 + 0.05
    right = lay.width - 1 + half
    if any(p[0][0] == p[-1][0] for p in lay.routes.values()):
        right += FLAT_BULGE * 0.75  # loops between nodes of one column swing right
    bottom, top = lay.y_range()
    return (-half, right), (bottom - 0.6, top + 2.2)


def _prepare(G: nx.MultiDiGraph, result: WhatIf | None, opts: DiagramOptions) -> _Diagram:
    """Select, lay out and style the diagram of ``G`` (and ``result``) that ``opts`` ask for."""
    shortfall = S.colour_shortfall(result, opts.colour)  # fails before the work if it must
    H = select_subgraph(G, opts, result=result)
    if len(H) > MAX_DRAWN_NODES:
        raise ChokegraphError(
            f"{len(H)} nodes are too many to draw; draw a part with focus=NODE and depth=K "
            "(--focus, --depth) or kinds=[...] (--kind), or write .graphml or .gexf for Gephi"
        )
    focus_id = resolve_node(G, opts.focus) if opts.focus is not None else None
    lay = diagram_layout(H, method=opts.method, label_width=opts.label_width)
    marks = S.scenario_marks(result) if result is not None else None
    scale = _Scale.for_layout(lay, len(H))
    xlim, ylim = _diagram_limits(lay, scale)
    title, subtitle = S.diagram_titles(G, H, result, focus_id, opts.depth, opts.colour)
    return _Diagram(
        H=H,
        lay=lay,
        marks=marks,
        colours=S.node_colours(H, shortfall=shortfall),
        scale=scale,
        xlim=xlim,
        ylim=ylim,
        title=title,
        subtitle=subtitle,
        legend=S.legend_entries(H, marks),
        focus_id=focus_id,
        colour_title=S.colour_title(result, opts.colour),
    )


def _frame(d: _Diagram) -> _Frame:
    """Size a figure to the diagram: the Axes at scale, titles above, the legend below."""
    fs = d.scale.fontsize
    (x0, x1), (y0, y1) = d.xlim, d.ylim
    ax_w = (x1 - x0) * d.scale.column_in
    ax_h = (y1 - y0) * d.scale.line_in
    legend_in = sum(len(e.label) * 0.58 * fs / 72 + 0.55 for e in d.legend)
    colourbar_in = 2.6 if d.marks is not None else 0.0
    fig_w = max(ax_w + 0.4, 7.5)
    title_w = fig_w - 0.4
    title = S.wrap_to_width(d.title, title_w, fs + 4)
    subtitle = S.wrap_to_width(d.subtitle, title_w, fs + 1)
    title_lines = title.count("\n") + 1 + subtitle.count("\n") + 1
    top_in = 0.25 + title_lines * (fs + 3) * 1.35 / 72
    legend_rows = max(1, math.ceil(legend_in / max(1.0, fig_w - 0.4 - colourbar_in)))
    bottom_in = 0.25 + legend_rows * fs * 2.0 / 72 + 0.15
    fig_h = ax_h + top_in + bottom_in
    left = (fig_w - ax_w) / 2
    rect = (left / fig_w, bottom_in / fig_h, ax_w / fig_w, ax_h / fig_h)
    return _Frame((fig_w, fig_h), rect, title, subtitle, legend_rows)


def _handles(entries: list[S.LegendEntry]) -> list[Any]:
    """matplotlib legend handles for the computed legend entries."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for e in entries:
        if e.shape == "box":
            handles.append(Patch(facecolor=e.colour, edgecolor=S.BOX_EDGE, label=e.label))
        elif e.shape == "cross":
            handles.append(
                Line2D(
                    [],
                    [],
                    color=e.colour,
                    lw=0,
                    marker="x",
                    markersize=8,
                    markeredgewidth=2,
                    label=e.label,
                )
            )
        elif e.dashes is None:
            handles.append(Line2D([], [], color=e.colour, lw=e.width, label=e.label))
        else:
            handles.append(Line2D([], [], color=e.colour, lw=e.width, ls=e.dashes, label=e.label))
    return handles


def _decorate_figure(fig: Any, d: _Diagram, frame: _Frame) -> Any:
    """Titles and legend on a figure of the diagram's own; returns the colour bar's Axes."""
    fs = d.scale.fontsize
    fig_w, fig_h = frame.size
    title = frame.title
    fig.text(
        0.2 / fig_w, 1 - 0.18 / fig_h, title, fontsize=fs + 4, weight="bold", va="top", ha="left"
    )
    fig.text(
        0.2 / fig_w,
        1 - (0.22 + (title.count("\n") + 1) * (fs + 4) * 1.3 / 72) / fig_h,
        frame.subtitle,
        fontsize=fs + 1,
        color=S.NOTE_COLOUR,
        va="top",
        ha="left",
    )
    handles = _handles(d.legend)
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.15 / fig_w, 0.12 / fig_h),
        ncol=math.ceil(len(handles) / frame.legend_rows),
        frameon=False,
        fontsize=fs,
        handlelength=2.6,
        columnspacing=1.6,
    )
    if d.marks is None:
        return None
    return fig.add_axes(((fig_w - 2.35) / fig_w, 0.42 / fig_h, 2.1 / fig_w, 0.11 / fig_h))


def _decorate_axes(ax: Any, d: _Diagram) -> None:
    """Titles and legend inside an Axes the caller gave (and sized)."""
    fs = d.scale.fontsize
    ax.set_title(f"{d.title}\n{d.subtitle}", fontsize=fs + 2, loc="left")
    handles = _handles(d.legend)
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=fs,
        frameon=False,
        bbox_to_anchor=(0, -0.12),
        ncol=min(4, len(handles)),
    )


def _draw_edges(ax: Any, d: _Diagram) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    drawn = []
    for u, v, key, data in d.H.edges(keys=True, data=True):
        route = d.lay.routes.get((u, v))
        if route is None:  # a self-loop: nothing to draw
            continue
        keep = d.marks.keep.get((u, v, key)) if d.marks is not None else None
        look = S.edge_style(data.get("kind"), data.get("share"), keep)
        drawn.append((look.rank, u, v, str(key), route, look))
    # Cut edges last, so that a parallel uncut edge never hides them.
    for _, _, _, _, route, look in sorted(drawn, key=lambda t: t[:4]):
        codes = [MPath.MOVETO] + [MPath.CURVE4] * (len(route) - 1)
        ax.add_patch(
            PathPatch(
                MPath(route, codes),
                fill=False,
                capstyle="butt",
                joinstyle="round",
                ec=look.colour,
                lw=look.width,
                ls=look.dashes,
                alpha=look.alpha,
                zorder=look.zorder,
            )
        )


def _draw_boxes(ax: Any, d: _Diagram) -> dict[str, Any]:
    """A labelled box for every node (the focus outlined in black); returns the texts."""
    texts = {}
    for n, (x, y) in d.lay.pos.items():
        fill = d.colours[n]
        focused = n == d.focus_id
        texts[n] = ax.text(
            x,
            y,
            d.lay.labels[n],
            ha="center",
            va="center",
            multialignment="center",
            fontsize=d.scale.fontsize,
            color=S.text_colour(fill),
            zorder=3,
            bbox={
                "boxstyle": f"round,pad={BOX_PAD}",
                "fc": fill,
                "ec": "black" if focused else S.BOX_EDGE,
                "lw": 2.0 if focused else 0.6,
            },
        )
    return texts


def _draw_headers(ax: Any, d: _Diagram) -> None:
    """The kind of each band of columns, above it."""
    _, top = d.lay.y_range()
    for kind in dict.fromkeys(d.lay.columns):
        cols = [i for i, k in enumerate(d.lay.columns) if k == kind]
        ax.text(
            sum(cols) / len(cols),
            top + 0.9,
            S.KIND_TITLES.get(kind, "Other"),
            ha="center",
            va="bottom",
            fontsize=d.scale.fontsize + 1,
            weight="bold",
            color=S.HEADER_COLOUR,
        )


def _cross_out(ax: Any, text: Any, scale: _Scale) -> None:
    """Draw an X over a node's box (its text plus padding)."""
    fig = ax.figure
    box = text.get_window_extent()
    pad = BOX_PAD * scale.fontsize * fig.dpi / 72
    inv = ax.transData.inverted()
    (x0, y0), (x1, y1) = inv.transform([(box.x0 - pad, box.y0 - pad), (box.x1 + pad, box.y1 + pad)])
    for xs, ys in (((x0, x1), (y0, y1)), ((x0, x1), (y1, y0))):
        ax.plot(xs, ys, color=S.CUT_COLOUR, lw=1.8, solid_capstyle="round", zorder=5)


def _draw_colour_bar(fig: Any, ax: Any, cax: Any, fontsize: float, title: str) -> None:
    """The shortfall scale: in ``cax`` on a figure of our own, else beside ``ax``."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.ticker import PercentFormatter

    mappable = ScalarMappable(norm=Normalize(0, 1), cmap=shortfall_cmap())
    if cax is not None:
        bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
    else:
        bar = fig.colorbar(
            mappable, ax=ax, orientation="horizontal", fraction=0.04, pad=0.08, shrink=0.4
        )
    bar.ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=fontsize)
    bar.set_label(title, fontsize=fontsize)


def plot_graph(
    G: nx.MultiDiGraph,
    options: DiagramOptions | None = None,
    *,
    result: WhatIf | None = None,
    ax: Any = None,
    **changes: Any,
) -> tuple[Any, Any]:
    """Draw the dependency diagram, layered left to right by kind.

    Edge width shows the share of the consumer's input; with a ``result``,
    node colour shows the steady-state shortfall (light grey: unaffected;
    with ``colour="p50"`` or ``"p95"``, its median or 95th percentile over
    the samples of a sampled result), cut flows are dashed red and removed
    nodes crossed out.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    options : DiagramOptions, optional
        What to show and how to lay it out (``focus``, ``depth``, ``kinds``,
        ``method``, ``label_width``, ``colour``); its fields may also be given as keywords.
    result : WhatIf, optional
        A scenario run on ``G`` to colour the diagram by.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new figure sized to fit the labels.

    Returns
    -------
    (Figure, Axes)

    Examples
    --------
    >>> import graph
    >>> fig, ax = plot_graph(graph.load(), focus="gallium", depth=1)
    >>> fig, ax = plot_graph(graph.load(), DiagramOptions(focus="gallium", kinds=["mineral"]))
    """
    d = _prepare(G, result, DiagramOptions.of(options, **changes))
    frame = _frame(d)
    own = ax is None
    fig, ax = fig_ax(ax, frame.size, rect=frame.rect)
    if own:
        cax = _decorate_figure(fig, d, frame)
    else:
        _decorate_axes(ax, d)
        cax = None
    ax.set_xlim(*d.xlim)
    ax.set_ylim(*d.ylim)
    ax.set_axis_off()
    _draw_edges(ax, d)
    texts = _draw_boxes(ax, d)
    _draw_headers(ax, d)
    if d.marks is not None:
        for n in sorted(d.marks.removed & set(d.H)):
            _cross_out(ax, texts[n], d.scale)
        _draw_colour_bar(fig, ax, cax, d.scale.fontsize, d.colour_title)
    return fig, ax


def plot_scenario(
    result: WhatIf, options: DiagramOptions | None = None, **changes: Any
) -> tuple[Any, Any]:
    """Draw a ``WhatIf`` result on its graph (``plot_graph(result.G, result=result, ...)``).

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.remove(graph.load(), ["chn"])
    >>> fig, ax = plot_scenario(res, focus="gallium", depth=1)
    """
    return plot_graph(result.G, options, result=result, **changes)


def draw(
    G: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 2,
    result: WhatIf | None = None,
    ax: Any = None,
    **changes: Any,
) -> tuple[Any, Any]:
    """Draw the dependency diagram of ``G`` (see ``plot_graph``); returns ``(fig, ax)``.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = analysis.draw(graph.load(), focus="gallium", depth=1)
    """
    return plot_graph(G, result=result, ax=ax, focus=focus, depth=depth, **changes)
