"""chokegraph's analysis side: the graph in, answers out.

Examples
--------
>>> import graph, analysis
>>> G = graph.load()
>>> res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"], to=["japan"])])
>>> res.summary["industries_hit"] >= 1
True
"""

from __future__ import annotations

from analysis.engine import compile_graph
from analysis.scenario import Restriction, Scenario, load_scenario
from analysis.whatif import WhatIf, remove, run_scenario, what_if

__all__ = [
    "Restriction",
    "Scenario",
    "WhatIf",
    "compile_graph",
    "load_scenario",
    "remove",
    "run_scenario",
    "what_if",
]
