"""chokegraph's analysis side: the graph in, answers out.

Where each concern lives (data flows down the list; nothing here is imported
by ``graph``):

- ``scenario`` (restrictions, windows, dates) and ``overrides`` (``set:`` and
  ``--set``): what to run. The engine, vectorised, is the only place that
  computes availabilities: ``compiled`` (the graph compiled to arrays, once),
  ``propagation`` (the level solver and the steady state), ``timeline`` (day
  by day, with stocks and ramps) and ``engine`` (``run``: a scenario's
  numbers and the ``via`` chains).
- One module per analysis, each a plain function returning a result object:
  ``whatif``, ``chokepoints`` (with ``removals`` for batched removals and
  ``parallel`` for process pools),
  ``exposure``, ``concentration``, ``neighbours``, ``risk``, ``compare``,
  ``listing``; ``explain`` says why an answer is empty.
- ``output``: one ``Format`` enum, one formatter each; results are
  ``Report`` objects that hand over their JSON, CSV rows and sections for
  people (``spreadsheet`` writes xlsx; ``textwidth`` fits tables to the
  terminal without cutting a word). ``drawing/``: every picture, kept
  apart from computing (matplotlib only there, imported lazily).
- ``cli``: options in, one library call, the result printed; no analysis of
  its own.

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
