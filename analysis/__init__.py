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

from typing import TYPE_CHECKING

# Each name is imported from its module on first use (see graph.lazy), so that
# ``import analysis.cli`` does not pull in numpy, scipy or matplotlib by itself.
from graph.lazy import attach

if TYPE_CHECKING:  # for type checkers and editors
    from analysis.chokepoints import Chokepoints, chokepoints
    from analysis.concentration import Concentration, concentration
    from analysis.drawing import draw
    from analysis.engine import compile_graph
    from analysis.exposure import Exposure, exposure
    from analysis.neighbours import Neighbours, neighbours
    from analysis.output import Format
    from analysis.risk import Risk, risk
    from analysis.scenario import Restriction, Scenario, load_scenario
    from analysis.whatif import WhatIf, remove, run_scenario, what_if

__all__ = [
    "Chokepoints",
    "Concentration",
    "Exposure",
    "Format",
    "Neighbours",
    "Restriction",
    "Risk",
    "Scenario",
    "WhatIf",
    "chokepoints",
    "compile_graph",
    "concentration",
    "draw",
    "exposure",
    "load_scenario",
    "neighbours",
    "remove",
    "risk",
    "run_scenario",
    "what_if",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "Chokepoints": "analysis.chokepoints",
        "Concentration": "analysis.concentration",
        "Exposure": "analysis.exposure",
        "Format": "analysis.output",
        "Neighbours": "analysis.neighbours",
        "Restriction": "analysis.scenario",
        "Risk": "analysis.risk",
        "Scenario": "analysis.scenario",
        "WhatIf": "analysis.whatif",
        "chokepoints": "analysis.chokepoints",
        "compile_graph": "analysis.engine",
        "concentration": "analysis.concentration",
        "draw": "analysis.drawing",
        "exposure": "analysis.exposure",
        "load_scenario": "analysis.scenario",
        "neighbours": "analysis.neighbours",
        "remove": "analysis.whatif",
        "risk": "analysis.risk",
        "run_scenario": "analysis.whatif",
        "what_if": "analysis.whatif",
    },
)
