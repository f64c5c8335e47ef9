"""Pictures and graph files on disk: the suffix of the name picks the format.

``.png``, ``.svg`` and ``.pdf`` are figures (matplotlib); ``.html`` is the
interactive diagram, one self-contained page (``interactive``); ``.dot``,
``.graphml`` and ``.gexf`` are the graph itself (``graphfiles``). Every file
is written atomically: rendered to bytes first, then put in place in one step.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing.figures import pyplot
from analysis.drawing.graphfiles import GRAPH_FORMATS, write_graph
from analysis.drawing.options import DiagramOptions
from analysis.drawing.selection import select_subgraph
from graph.errors import ChokegraphError
from graph.files import check_output_path, write_atomic

if TYPE_CHECKING:
    from analysis.whatif import WhatIf

IMAGE_FORMATS = ("png", "svg", "pdf")
PAGE_FORMATS = ("html",)  # the interactive diagram (``interactive``)
FORMATS = IMAGE_FORMATS + PAGE_FORMATS + GRAPH_FORMATS
DPI = 150


def _format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        known = ", ".join(f".{f}" for f in FORMATS)
        raise ChokegraphError(
            f"cannot tell what to write from the name {str(path)!r}: end it in one of {known}"
        )
    return suffix


def check_output(
    path: str | Path,
    *,
    timeline: bool = False,
    chart: str | None = None,
    inputs: Iterable[str | Path] = (),
) -> str:
    """Check that ``path`` can take a picture or graph file; return its format.

    Raises ``ChokegraphError`` for an unknown suffix, a missing folder, a
    timeline (or another ``chart``, named so: ``"a heatmap"``) asked for in a
    format that is not a picture, or a path that must not be written (a
    device, a pipe, a folder, one of ``inputs``: see
    ``graph.files.check_output_path``).

    Examples
    --------
    >>> check_output("diagram.svg")
    'svg'
    """
    fmt = _format_of(path)
    check_output_path(path, inputs=inputs)
    chart = "a timeline" if timeline else chart
    if chart and fmt not in IMAGE_FORMATS:
        raise ChokegraphError(f"{chart} is a picture: write it as .png, .svg or .pdf, not .{fmt}")
    return fmt


def save(fig: Any, path: str | Path, *, dpi: int = DPI) -> Path:
    """Write a figure to ``path`` (.png, .svg or .pdf), atomically.

    The picture is rendered to bytes first and then written in one step, so
    an existing file is replaced only by a complete one. Output carries no
    time stamp, so the same figure gives the same bytes.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> from analysis.drawing import plot_graph
    >>> fig, ax = plot_graph(graph.load(), focus="gallium", depth=1)
    >>> save(fig, pathlib.Path(tempfile.mkdtemp()) / "gallium.png").suffix
    '.png'
    """
    import matplotlib

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


def save_or_show(fig: Any, path: str | Path | None = None, *, close: bool = True) -> Path | None:
    """Save ``fig`` to ``path`` (see ``save``), or show it when no path is given.

    With ``close`` the figure is closed afterwards, also when saving fails,
    so that a long session does not pile up figures.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> from analysis.drawing import plot_graph
    >>> fig, ax = plot_graph(graph.load(), focus="gallium", depth=1)
    >>> save_or_show(fig, pathlib.Path(tempfile.mkdtemp()) / "gallium.svg").suffix
    '.svg'
    """
    plt = pyplot()
    try:
        if path is None:
            plt.show()
            return None
        return save(fig, path)
    finally:
        if close:
            plt.close(fig)


def draw_file(
    path: str | Path,
    G: nx.MultiDiGraph,
    options: DiagramOptions | None = None,
    *,
    result: WhatIf | None = None,
    timeline: bool = False,
    **changes: Any,
) -> Path:
    """Draw or export ``G`` (and a scenario) to ``path``; the suffix picks the format.

    ``.png``, ``.svg`` and ``.pdf`` draw the diagram (or, with ``timeline``,
    the timeline of ``result``, restricted to the focus and its neighbours
    when ``options.focus`` is set); ``.html`` writes the interactive diagram;
    ``.dot``, ``.graphml`` and ``.gexf`` write the part of the graph the
    options select, with the scenario's numbers as node and edge attributes.
    ``options`` (or its fields as keywords) are those of ``plot_graph``; a
    ``colour`` other than ``"point"`` goes with the diagram only. A sampled
    ``result`` shades its bands on the timeline.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "all.graphml"
    >>> draw_file(out, graph.load()).name
    'all.graphml'
    """
    opts = DiagramOptions.of(options, **changes)
    fmt = check_output(path, timeline=timeline)
    if timeline and result is None:
        raise ChokegraphError(
            "a timeline needs a scenario: COUNTRY COMMODITY..., --scenario NAME or --remove NODE"
        )
    if opts.colour != "point" and (timeline or fmt in GRAPH_FORMATS):
        what = "a timeline" if timeline else f"a .{fmt} file"
        raise ChokegraphError(
            f"colour {opts.colour!r} colours the diagram's nodes, which {what} does not draw: "
            "write the diagram (.png .svg .pdf .html)"
        )
    if fmt in GRAPH_FORMATS:
        return write_graph(select_subgraph(G, opts, result=result), path, result=result)
    if fmt in PAGE_FORMATS:
        from analysis.drawing.interactive import interactive

        return interactive(G, opts, result=result).save(path)
    from analysis.drawing.charts import plot_timeline
    from analysis.drawing.diagram import plot_graph

    if timeline:
        fig, _ = plot_timeline(result, focus=opts.focus, depth=opts.depth)
    else:
        fig, _ = plot_graph(G, opts, result=result)
    written = save_or_show(fig, path)
    assert written is not None  # a path was given
    return written
