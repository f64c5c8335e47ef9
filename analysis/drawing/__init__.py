"""Pictures of the supply graph and of the analyses' results, computed apart from drawing.

The modules follow the steps of a picture, each using only those above it:

``options``
    ``DiagramOptions``: what a dependency diagram shows and how it is laid out.
``selection``
    Which nodes and edges to draw: around a node in focus, of some kinds.
``style``
    Colours, labels, edge widths, legend entries and titles, computed as
    plain data (no matplotlib), shared by the plots and the Graphviz writer.
``ordering`` and ``layout``
    Geometry: the order within each column (barycentre sweeps, or the
    optional Graphviz ``dot`` program), then positions and edge routes.
``figures``, ``diagram``, ``timeline``, ``charts`` and ``comparison``
    matplotlib, imported lazily: the dependency diagram, the timeline (with
    the p5-p95 band of a sampled result shaded), the exposure heatmap, the
    chokepoint bars, the tornado of a result's drivers and scenarios side by
    side (``riskchart``: an importer's partners' contributions to its supply
    risk). Every plot takes ``ax=`` and returns ``(fig, ax)``.
``interactive`` (and ``interactive.js``)
    The dependency diagram as one offline HTML page (SVG and plain
    JavaScript: hover, zoom, pan, search), with the same layout and colours;
    it shows inline in Jupyter.
``files`` and ``graphfiles``
    Writing a figure or the graph (``.dot``, GraphML, GEXF) atomically, the
    suffix picking the format.

Importing this package does not import matplotlib.

Examples
--------
>>> import graph, analysis
>>> from analysis import drawing
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> fig, ax = drawing.plot_scenario(res, drawing.DiagramOptions(focus="gallium", depth=1))
>>> fig, ax = drawing.plot_timeline(res)
>>> page = drawing.interactive(res.G, result=res, focus="gallium")
"""

from __future__ import annotations

from analysis.drawing.charts import plot_chokepoints, plot_exposure, plot_sensitivity
from analysis.drawing.comparison import plot_scenario_comparison
from analysis.drawing.diagram import draw, plot_graph, plot_scenario
from analysis.drawing.files import (
    FORMATS,
    GRAPH_FORMATS,
    IMAGE_FORMATS,
    PAGE_FORMATS,
    check_output,
    draw_file,
    save,
    save_or_show,
)
from analysis.drawing.interactive import InteractiveDiagram, interactive
from analysis.drawing.options import DiagramOptions
from analysis.drawing.selection import NothingToDraw, explaining_nodes, select_subgraph
from analysis.drawing.timeline import plot_timeline

LEGIBLE_NODES = 90  # above this many nodes, suggest --focus: a page cannot hold more

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "IMAGE_FORMATS",
    "LEGIBLE_NODES",
    "PAGE_FORMATS",
    "DiagramOptions",
    "InteractiveDiagram",
    "NothingToDraw",
    "check_output",
    "draw",
    "draw_file",
    "explaining_nodes",
    "interactive",
    "plot_chokepoints",
    "plot_exposure",
    "plot_graph",
    "plot_scenario",
    "plot_scenario_comparison",
    "plot_sensitivity",
    "plot_timeline",
    "save",
    "save_or_show",
    "select_subgraph",
]
