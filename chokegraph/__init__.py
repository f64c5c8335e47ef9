"""chokegraph: map critical-mineral supply chains as a graph, find the chokepoints,
and see what breaks downstream when a country restricts exports.

The project's code lives in two packages, ``graph`` (data -> model) and
``analysis`` (model -> answers); this module gathers their public API under
the distribution's name, so that the obvious first line works. Each name is
imported on first use (``graph.lazy.attach``), so ``import chokegraph`` is
as cheap as ``import graph``.

Examples
--------
>>> import chokegraph
>>> G = chokegraph.load()
>>> res = chokegraph.what_if(G, [chokegraph.Restriction("china", ["gallium"], to=["japan"])])
>>> res.summary["nodes_hit"] > 0
True
"""

from __future__ import annotations

from graph.lazy import attach

#: Each public name -> the module that defines it.
EXPORTS = {
    # data -> model
    "load": "graph.load",
    "from_dict": "graph.load",
    "bundled_path": "graph._paths",
    "summary": "graph.describe",
    "resolve_node": "graph.lookup",
    "resolve_commodity": "graph.lookup",
    "expand_commodities": "graph.lookup",
    "write_yaml": "graph.export",
    "write_tables": "graph.export",
    "ChokegraphError": "graph.errors",
    # model -> answers
    "what_if": "analysis.whatif",
    "remove": "analysis.whatif",
    "run_scenario": "analysis.whatif",
    "WhatIf": "analysis.whatif",
    "Restriction": "analysis.scenario",
    "Scenario": "analysis.scenario",
    "load_scenario": "analysis.scenario",
    "bundled_scenarios": "analysis.scenario",
    "chokepoints": "analysis.chokepoints",
    "Chokepoints": "analysis.chokepoints",
    "exposure": "analysis.exposure",
    "Exposure": "analysis.exposure",
    "concentration": "analysis.concentration",
    "Concentration": "analysis.concentration",
    "neighbours": "analysis.neighbours",
    "Neighbours": "analysis.neighbours",
    "listing": "analysis.listing",
    "compile_graph": "analysis.engine",
    "draw": "analysis.drawing",
    "Format": "analysis.output",
}

__all__ = sorted(EXPORTS)

__getattr__, __dir__ = attach(__name__, EXPORTS)
