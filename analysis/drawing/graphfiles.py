"""Write the graph for other tools: Graphviz ``.dot``, GraphML and GEXF.

Every node and edge attribute goes into the file, and, with a scenario, what
it did: each node's ``shortfall``, ``availability``, ``days_to_impact``,
``value_at_risk``, ``via`` and ``removed``; each edge's ``keep`` (the fraction of
its flow the restrictions leave) and ``cut``. GraphML and GEXF hold only plain
values, so the writers flatten the graph first (``flat_graph``): missing values
are left out, ``inputs`` becomes JSON text and an edge's ``range`` becomes
``range_low`` and ``range_high``. Both files load back with networkx
(``nx.read_graphml(path, force_multigraph=True)``, ``nx.read_gexf(path)``).

The ``.dot`` file is Graphviz source written directly (Graphviz is not needed
to write it): layered left to right by kind, coloured like the diagrams, so
``dot -Tsvg graph.dot`` draws it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing import style as S
from analysis.drawing.layout import kind_columns
from analysis.drawing.selection import KINDS
from graph.errors import ChokegraphError
from graph.files import write_atomic

if TYPE_CHECKING:
    from analysis.whatif import WhatIf

GRAPH_FORMATS = ("dot", "graphml", "gexf")  # the suffixes this module writes
TEXT_ATTRS = ("kind", "name", "country", "commodity", "source", "confidence", "note", "where")
FLOAT_ATTRS = ("value", "stockpile_days", "share")


def _plain_attrs(data: dict[str, Any]) -> dict[str, Any]:
    """An attribute dict with only str, int, float and bool values (None left out)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in FLOAT_ATTRS:
            out[key] = float(value)
        elif key == "year":
            out[key] = int(value)
        elif key == "range":
            low, high = value
            out["range_low"], out["range_high"] = float(low), float(high)
        elif key == "inputs":
            out[key] = json.dumps(value, sort_keys=True)
        elif isinstance(value, bool | int | float | str):
            out[key] = value
        else:
            out[key] = json.dumps(value, sort_keys=True, default=str)
    return out


def flat_graph(G: nx.MultiDiGraph, *, result: WhatIf | None = None) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes are plain values, with a scenario's results added.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load`` (or a part of one).
    result : WhatIf, optional
        A scenario run on ``G`` (or on the graph ``G`` was cut from).

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.load("tests/fixtures/example.yaml")
    >>> res = analysis.what_if(G, [analysis.Restriction("chn", ["gallium"], to=["jpn"])])
    >>> F = flat_graph(G, result=res)
    >>> semis = F.nodes["jp-compound-semis"]
    >>> round(semis["shortfall"], 4), semis["days_to_impact"]
    (0.3192, 105)
    >>> F.edges["chn-gallium", "jp-compound-semis", "gallium"]["cut"]
    True
    """
    marks = S.scenario_marks(result) if result is not None else None
    availability = result.availability if result is not None else None
    records = {r["node"]: r for r in result.records} if result is not None else {}
    F = nx.MultiDiGraph()
    F.graph.update(
        {
            f"dataset_{k}": str(G.graph[k])
            for k in ("path", "hash", "version")
            if G.graph.get(k) is not None
        }
    )
    if result is not None:
        F.graph["scenario"] = result.title()
        F.graph["scenario_json"] = json.dumps(result.scenario.to_dict(), sort_keys=True)
    for n in sorted(G):
        attrs = _plain_attrs(G.nodes[n])
        attrs["label"] = str(G.nodes[n].get("name") or n)
        if marks is not None:
            attrs["shortfall"] = float(marks.shortfall.get(n, 0.0))
            attrs["availability"] = float(availability.get(n, 1.0))
            attrs["removed"] = n in marks.removed
            record = records.get(n)
            if record is not None:
                if record["days_to_impact"] is not None:
                    attrs["days_to_impact"] = int(record["days_to_impact"])
                if record["value_at_risk"] is not None:
                    attrs["value_at_risk"] = float(record["value_at_risk"])
                if record["shortfall_on_day"] is not None:
                    attrs["shortfall_on_day"] = float(record["shortfall_on_day"])
                attrs["via"] = " > ".join(record["via"])
        F.add_node(n, **attrs)
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]):
        attrs = _plain_attrs(data)
        if data.get("share") is not None:
            attrs["weight"] = float(data["share"])  # Gephi draws edge thickness from it
        if marks is not None:
            keep = marks.keep.get((u, v, key), 1.0) if data.get("kind") != "controls" else 1.0
            attrs["keep"] = float(keep)
            attrs["cut"] = keep < 1.0
        F.add_edge(u, v, key=str(key), **attrs)
    return F


# ---------------------------------------------------------------- Graphviz


def _quote(value: Any) -> str:
    """A DOT double-quoted string (line breaks become centred line breaks)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _attr_list(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items())


def to_dot(G: nx.MultiDiGraph, *, result: WhatIf | None = None) -> str:
    """Graphviz source for ``G``: one statement per line, layered left to right by kind.

    Nodes carry their label, colour and every attribute (flattened as for
    GraphML); cut edges are dashed red, controls edges dotted, removed nodes
    outlined in red with crossed corners.

    Examples
    --------
    >>> import graph
    >>> text = to_dot(graph.load("tests/fixtures/example.yaml"))
    >>> text.splitlines()[1]
    'digraph chokegraph {'
    >>> '"chn" -> "gallium"' in text
    True
    """
    F = flat_graph(G, result=result)
    marks = S.scenario_marks(result) if result is not None else None
    title = result.title() if result is not None else "Supply dependencies"
    lines = [
        *_dot_header(F, title),
        *_dot_ranks(G),
        *_dot_nodes(G, F, marks),
        *_dot_edges(F),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _dot_header(F: nx.MultiDiGraph, title: str) -> list[str]:
    """The opening lines: a comment, the graph's attributes, node and edge defaults."""
    return [
        f"// chokegraph: {title}".replace("\n", " "),
        "digraph chokegraph {",
        "  graph ["
        + _attr_list(
            {
                "rankdir": "LR",
                "ranksep": "0.9",
                "nodesep": "0.2",
                "fontname": "Helvetica",
                "label": title,
                "labelloc": "t",
                **F.graph,
            }
        )
        + "];",
        '  node [shape="box", style="rounded,filled", fontname="Helvetica", fontsize="10",'
        f' color="{S.BOX_EDGE}"];',
        f'  edge [color="{S.EDGE_COLOUR}", arrowsize="0.6"];',
    ]


def _dot_ranks(G: nx.MultiDiGraph) -> list[str]:
    """One ``rank`` group per column of the diagram, so that dot keeps the layers by kind."""
    column, _ = kind_columns(G, KINDS)
    by_column: dict[int, list[str]] = {}
    for n, c in column.items():
        by_column.setdefault(c, []).append(n)
    last = max(by_column, default=0)
    lines = []
    for c in sorted(by_column):
        rank = "min" if c == 0 else "max" if c == last and c > 0 else "same"
        members = " ".join(f"{_quote(n)};" for n in sorted(by_column[c]))
        lines.append(f"  {{ rank={rank}; {members} }}")
    return lines


def _dot_nodes(G: nx.MultiDiGraph, F: nx.MultiDiGraph, marks: S.ScenarioMarks | None) -> list[str]:
    """A statement per node: label and colours as in the diagrams, then every attribute."""
    colours = S.node_colours(G, shortfall=marks.shortfall if marks is not None else None)
    lines = []
    for n in sorted(G):
        fill = colours[n]
        style = {
            "label": S.node_label(G, n),
            "fillcolor": fill,
            "fontcolor": S.text_colour(fill),
        }
        if marks is not None and n in marks.removed:
            style.update(
                {"style": "rounded,filled,diagonals", "color": S.CUT_COLOUR, "penwidth": "2"}
            )
        data = {k: v for k, v in F.nodes[n].items() if k not in ("label",)}
        lines.append(f"  {_quote(n)} [{_attr_list({**style, **data})}];")
    return lines


def _dot_edges(F: nx.MultiDiGraph) -> list[str]:
    """A statement per edge: width by share, controls dotted, cut flows dashed red."""
    lines = []
    for u, v, key, data in F.edges(keys=True, data=True):
        share = data.get("share", 1.0)
        style: dict[str, Any] = {"key": key, "penwidth": f"{S.edge_width(share):.2f}"}
        if data.get("kind") == "controls":
            style.update(
                {"style": "dotted", "color": S.CONTROL_COLOUR, "penwidth": "1", "arrowhead": "odot"}
            )
        elif data.get("cut"):
            style.update({"style": "dashed", "color": S.CUT_COLOUR})
        attrs = {k: val for k, val in data.items() if k != "weight"}
        lines.append(f"  {_quote(u)} -> {_quote(v)} [{_attr_list({**style, **attrs})}];")
    return lines


# ---------------------------------------------------------------- files


def write_dot(G: nx.MultiDiGraph, path: str | Path, *, result: WhatIf | None = None) -> Path:
    """Write Graphviz source for ``G`` (see ``to_dot``) atomically."""
    return write_atomic(path, to_dot(G, result=result))


def write_graphml(G: nx.MultiDiGraph, path: str | Path, *, result: WhatIf | None = None) -> Path:
    """Write ``G`` as GraphML, every attribute and the scenario's results included.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> out = write_graphml(graph.load("tests/fixtures/example.yaml"),
    ...                     pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    >>> back = nx.read_graphml(out, force_multigraph=True)
    >>> sorted(back)[:2]
    ['chn', 'chn-gallium']
    >>> back.edges["chn", "gallium", "chn:gallium:gallium"]["key"]
    'gallium'
    """
    F = flat_graph(G, result=result)
    for u, v, key, data in F.edges(keys=True, data=True):
        # Edge ids must be unique in a GraphML file (Gephi drops repeats), and an
        # edge's key (its commodity) is not; "u:v:key" is, and keeps to NMTOKEN.
        data["id"] = f"{u}:{v}:{key}"
        data["key"] = key
    buffer = io.BytesIO()
    nx.write_graphml(F, buffer, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")
    return write_atomic(path, buffer.getvalue())


def write_gexf(G: nx.MultiDiGraph, path: str | Path, *, result: WhatIf | None = None) -> Path:
    """Write ``G`` as GEXF (for Gephi), every attribute and the scenario's results included.

    Examples
    --------
    >>> import tempfile, pathlib, graph
    >>> out = write_gexf(graph.load("tests/fixtures/example.yaml"),
    ...                  pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> nx.read_gexf(out).nodes["chn"]["kind"]
    'country'
    """
    buffer = io.BytesIO()
    nx.write_gexf(flat_graph(G, result=result), buffer, encoding="utf-8", prettyprint=True)
    return write_atomic(path, buffer.getvalue())


def write_graph(G: nx.MultiDiGraph, path: str | Path, *, result: WhatIf | None = None) -> Path:
    """Write ``G`` in the format its suffix names: ``.dot``, ``.graphml`` or ``.gexf``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    writers = {"dot": write_dot, "graphml": write_graphml, "gexf": write_gexf}
    if suffix not in writers:
        raise ChokegraphError(
            f"cannot write a graph to {str(path)!r}: end the name in .dot, .graphml or .gexf"
        )
    return writers[suffix](G, path, result=result)
