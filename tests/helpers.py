"""Shared helpers for the tests: build a graph from text, run the command line in-process."""

from __future__ import annotations

import contextlib
import io

import graph
from analysis.cli import main
from graph.yamlio import parse


def dataset(text: str, path: str = "<test>"):
    """Build a graph from YAML text, read as chokegraph reads its files."""
    doc, problem = parse(text, path)
    assert problem is None, problem
    return graph.from_dict(doc.data, path=path)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run ``chokegraph ARGS`` in this process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
    return code, out.getvalue(), err.getvalue()


def content(G) -> tuple:
    """Everything a graph says, leaving out where each record was read from.

    Two graphs with equal ``content`` hold the same dataset, whichever form
    (YAML, CSV, parquet, a mapping) it was read from.
    """

    def strip(d: dict) -> dict:
        return {k: v for k, v in d.items() if k != "where"}

    return (
        sorted((n, sorted(strip(d).items())) for n, d in G.nodes(data=True)),
        sorted((u, v, k, sorted(strip(d).items())) for u, v, k, d in G.edges(keys=True, data=True)),
        {sid: strip(s) for sid, s in G.graph["sources"].items()},
        G.graph["groups"],
        G.graph["commodities"],
    )


# Three countries each selling one mineral, listed so that every edge crosses
# the others: the drawing tests' smallest case for ordering and styling.
CROSSED = """
nodes:
  - {id: a, kind: country}
  - {id: b, kind: country}
  - {id: c, kind: country}
  - {id: x, kind: mineral}
  - {id: y, kind: mineral}
  - {id: z, kind: mineral}
edges:
  - {from: a, to: z, share: 1}
  - {from: b, to: y, share: 1}
  - {from: c, to: x, share: 1}
"""

# Two industries, each cut by its uncertain share of China's gallium: in every
# sample a node's steady shortfall is the share that sample drew. The drawing
# tests' smallest case for bands and for colouring by a percentile.
TWO_SHARES = """
nodes:
  - {id: chn, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ga, kind: refiner, country: chn, commodity: gallium}
  - {id: fab, kind: industry, country: jpn, name: Fabs}
  - {id: lab, kind: industry, country: jpn, name: Labs}
edges:
  - {from: cn-ga, to: fab, share: 0.4, range: [0.2, 0.6]}
  - {from: cn-ga, to: lab, share: 0.2, range: [0.1, 0.3]}
"""

# x takes all its input from m; m comes 60% from chn and 40% from aus: the
# smallest case for comparing scenarios (a table and a chart).
TWO_SUPPLIERS = """
nodes:
  - {id: chn, kind: country}
  - {id: aus, kind: country}
  - {id: m, kind: mineral}
  - {id: x, kind: industry, name: Widgets}
edges:
  - {from: chn, to: m, share: 0.6}
  - {from: aus, to: m, share: 0.4}
  - {from: m, to: x, share: 1.0}
"""
