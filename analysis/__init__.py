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

from analysis.chokepoints import Chokepoints, chokepoints
from analysis.concentration import Concentration, concentration
from analysis.engine import compile_graph
from analysis.exposure import Exposure, exposure
from analysis.render import draw
from analysis.scenario import Restriction, Scenario, load_scenario
from analysis.whatif import WhatIf, remove, run_scenario, what_if

__all__ = [
    "Chokepoints",
    "Concentration",
    "Exposure",
    "Restriction",
    "Scenario",
    "WhatIf",
    "chokepoints",
    "compile_graph",
    "concentration",
    "draw",
    "exposure",
    "load_scenario",
    "remove",
    "run_scenario",
    "what_if",
]
