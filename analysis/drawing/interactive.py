"""The dependency diagram as one self-contained HTML page: hover, zoom, pan and search.

The page holds an SVG drawing with the same positions, colours and edge
styles as the PNG (``layout`` and ``style``), the details shown on hover as
JSON, and a few lines of plain JavaScript (``interactive.js`` beside this
module). Nothing is fetched: no CDN, no font, no request of any kind, so the
file opens offline and can be sent by e-mail. In Jupyter the same page shows
inline (``_repr_html_``, in an ``iframe`` so that its script and style stay
apart from the notebook's).

Names are data: every text of the page is escaped, in the SVG as HTML text
and in the JSON as ``\\u003c`` and the like, so a node called ``<script>``
reads as such and never runs.

Examples
--------
>>> import graph, analysis
>>> from analysis.drawing import interactive
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> page = interactive(res.G, result=res, focus="gallium", depth=1)
>>> page.html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing import style as S
from analysis.drawing.layout import (
    BOX_PAD,
    CHAR_EM,
    COLUMN_GAP_EM,
    FLAT_BULGE,
    LINE_EM,
    NODE_PAD,
    DiagramLayout,
    diagram_layout,
)
from analysis.drawing.options import DiagramOptions
from analysis.drawing.selection import select_subgraph
from graph.errors import ChokegraphError
from graph.files import write_atomic
from graph.lookup import resolve_node

if TYPE_CHECKING:
    from analysis.whatif import WhatIf

FONT_PX = 12.0  # the labels' font size in the page (CSS pixels)
PT_PX = 96 / 72  # matplotlib widths are points; the page's are CSS pixels
MAX_NODES = 1500  # as for the PNG: above this the page would be unusable


@dataclass(frozen=True)
class InteractiveDiagram:
    """An interactive dependency diagram: the page's HTML, and how many nodes and edges it draws.

    Shows inline in Jupyter; ``save(path)`` writes the page atomically.

    Examples
    --------
    >>> import graph
    >>> page = interactive(graph.load(), focus="gallium", depth=1)
    >>> page.nodes == len(select_subgraph(graph.load(), focus="gallium", depth=1))
    True
    """

    html: str
    nodes: int
    edges: int

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (an ``.html`` file), atomically."""
        if Path(path).suffix.lower() != ".html":
            raise ChokegraphError(f"{str(path)!r}: an interactive diagram is saved as .html")
        return write_atomic(path, self.html)

    def _repr_html_(self) -> str:
        # An iframe keeps the page's script and style apart from the notebook's.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width:100%;height:640px;border:1px solid #ddd" '
            'sandbox="allow-scripts"></iframe>'
        )


# ---------------------------------------------------------------- what the page says


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _sources(G: nx.MultiDiGraph, ids: list[str]) -> list[str]:
    """Each source id with its title and URL where the dataset gives them."""
    known = G.graph.get("sources", {}) or {}
    out = []
    for sid in dict.fromkeys(i for i in ids if i):
        info = known.get(sid) or {}
        parts = [sid]
        if info.get("title"):
            parts.append(str(info["title"]))
        if info.get("url"):
            parts.append(str(info["url"]))
        out.append(" — ".join(parts))
    return out


def _node_details(
    G: nx.MultiDiGraph,
    n: str,
    marks: S.ScenarioMarks | None,
    via: list[str] | None,
    band: list | None = None,
) -> dict[str, Any]:
    """What hovering over a node shows (plain strings: the script puts them in as text).

    ``band`` is the node's ``shortfall_band`` in a sampled result.
    """
    attrs = G.nodes[n]
    rows: list[list[str]] = [["id", n], ["kind", _text(attrs.get("kind"))]]
    if attrs.get("country"):
        rows.append(["country", S.short_label(G, attrs["country"])])
    if marks is not None:
        shortfall = marks.shortfall.get(n)
        rows.append(["shortfall", "unaffected" if shortfall is None else S.percent(shortfall)])
        if band is not None:
            rows.append(["p5-p95 over the samples", f"{S.percent(band[0])}-{S.percent(band[2])}"])
        if shortfall is not None:
            days = marks.days_to_impact.get(n)
            rows.append(["days to impact", "not within the horizon" if days is None else str(days)])
        if via:
            rows.append(["via", " → ".join(via)])
        if n in marks.removed:
            rows.append(["removed", "yes"])
    inbound = [d.get("source") for _, _, d in G.in_edges(n, data=True)]
    sources = _sources(G, [attrs.get("source"), *inbound])
    if sources:
        rows.append(["sources", "\n".join(sources)])
    return {"title": str(attrs.get("name") or n), "rows": rows}


def _edge_details(
    G: nx.MultiDiGraph, u: str, v: str, data: dict, keep: float | None
) -> dict[str, Any]:
    rows = [["kind", _text(data.get("kind"))]]
    if data.get("commodity"):
        rows.append(["commodity", str(data["commodity"])])
    if data.get("share") is not None:
        rows.append(["share", S.percent(float(data["share"]))])
    if keep is not None:
        rows.append(["cut", f"the restriction keeps {S.percent(keep)} of it"])
    sources = _sources(G, [data.get("source")])
    if sources:
        rows.append(["source", "\n".join(sources)])
    title = f"{S.short_label(G, u)} → {S.short_label(G, v)}"
    return {"title": title, "rows": rows}


# ---------------------------------------------------------------- the SVG


@dataclass(frozen=True)
class _Px:
    """Layout units in pixels, as ``diagram._Scale`` turns them into inches."""

    column: float
    line: float
    em: float

    @classmethod
    def of(cls, lay: DiagramLayout) -> _Px:
        em = FONT_PX
        return cls((lay.label_chars * CHAR_EM + 2 * BOX_PAD + COLUMN_GAP_EM) * em, LINE_EM * em, em)

    def xy(self, p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] * self.column, -p[1] * self.line)


def _num(x: float) -> str:
    return f"{x:.1f}"


def _path(route: list[tuple[float, float]], px: _Px) -> str:
    pts = [px.xy(p) for p in route]
    d = [f"M{_num(pts[0][0])},{_num(pts[0][1])}"]
    for i in range(1, len(pts), 3):
        (a, b), (c, e), (f, g) = pts[i : i + 3]
        d.append(f"C{_num(a)},{_num(b)} {_num(c)},{_num(e)} {_num(f)},{_num(g)}")
    return " ".join(d)


def _dash(look: S.EdgeStyle, width: float) -> str:
    if look.dashes == "-":
        return ""
    on, off = look.dashes[1]  # matplotlib scales dashes by the line width
    return f' stroke-dasharray="{_num(on * width)} {_num(off * width)}"'


def _svg_edges(H: nx.MultiDiGraph, lay: DiagramLayout, marks, px: _Px, details: list) -> list[str]:
    drawn = []
    for u, v, key, data in H.edges(keys=True, data=True):
        route = lay.routes.get((u, v))
        if route is None:  # a self-loop: nothing to draw, as in the PNG
            continue
        keep = marks.keep.get((u, v, key)) if marks is not None else None
        look = S.edge_style(data.get("kind"), data.get("share"), keep)
        drawn.append((look.rank, u, v, str(key), route, look, data, keep))
    out = []
    for _, u, v, key, route, look, data, keep in sorted(drawn, key=lambda t: t[:4]):
        width = look.width * PT_PX
        details.append(_edge_details(H, u, v, data, keep))
        cls = "edge cut" if keep is not None else "edge"
        out.append(
            f'<path class="{cls}" data-i="{len(details) - 1}" data-from="{html.escape(u)}" '
            f'data-to="{html.escape(v)}" data-commodity="{html.escape(key)}" '
            f'd="{_path(route, px)}" fill="none" stroke="{look.colour}" '
            f'stroke-width="{_num(width)}" stroke-opacity="{look.alpha}"{_dash(look, width)}/>'
        )
    return out


def _svg_node(n: str, lay: DiagramLayout, fill: str, px: _Px, focused: bool, removed: bool) -> str:
    x, y = px.xy(lay.pos[n])
    lines = lay.labels[n].split("\n")
    w = (max(map(len, lines)) * CHAR_EM + 2 * BOX_PAD) * px.em
    h = (len(lines) * LINE_EM + NODE_PAD) * px.em
    ink = S.text_colour(fill)
    first = y - (len(lines) - 1) * px.line / 2
    spans = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first + i * px.line)}">{html.escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    outline = ' stroke="black" stroke-width="2"' if focused else f' stroke="{S.BOX_EDGE}"'
    cross = ""
    if removed:
        x0, y0, x1, y1 = x - w / 2, y - h / 2, x + w / 2, y + h / 2
        cross = (
            f'<path class="removed" d="M{_num(x0)},{_num(y0)} L{_num(x1)},{_num(y1)} '
            f'M{_num(x0)},{_num(y1)} L{_num(x1)},{_num(y0)}" stroke="{S.CUT_COLOUR}" '
            'stroke-width="2.4" stroke-linecap="round"/>'
        )
    return (
        f'<g class="node{" focus" if focused else ""}" data-id="{html.escape(n)}">'
        f'<rect x="{_num(x - w / 2)}" y="{_num(y - h / 2)}" width="{_num(w)}" '
        f'height="{_num(h)}" rx="{_num(px.em * 0.3)}" fill="{fill}"{outline}/>'
        f'<text fill="{ink}" text-anchor="middle" dominant-baseline="central">{spans}</text>'
        f"{cross}</g>"
    )


def _svg(d: dict[str, Any], px: _Px) -> tuple[str, list[str]]:
    """The diagram's SVG, and the JSON-ready details of its nodes (by position) and edges."""
    H, lay, marks = d["H"], d["lay"], d["marks"]
    edge_details: list[dict] = []
    parts = _svg_edges(H, lay, marks, px, edge_details)
    via, bands = {}, {}
    if d["result"] is not None:
        via = {r["node"]: r["via"] for r in d["result"].records}
        bands = {
            r["node"]: r["shortfall_band"] for r in d["result"].records if "shortfall_band" in r
        }
    node_details = {}
    for n in lay.pos:
        removed = marks is not None and n in marks.removed
        parts.append(_svg_node(n, lay, d["colours"][n], px, n == d["focus_id"], removed))
        node_details[n] = _node_details(H, n, marks, via.get(n), bands.get(n))
    _, top = lay.y_range()
    for kind in dict.fromkeys(lay.columns):
        cols = [i for i, k in enumerate(lay.columns) if k == kind]
        x, y = px.xy((sum(cols) / len(cols), top + 0.9))
        parts.append(
            f'<text class="header" x="{_num(x)}" y="{_num(y)}" text-anchor="middle">'
            f"{html.escape(S.KIND_TITLES.get(kind, 'Other'))}</text>"
        )
    half = (lay.label_chars * CHAR_EM + 2 * BOX_PAD) / 2 * px.em + 10
    right = (lay.width - 1) * px.column + half
    if any(p[0][0] == p[-1][0] for p in lay.routes.values()):
        right += FLAT_BULGE * px.column * 0.75
    bottom, top = lay.y_range()
    y0, y1 = -(top + 2.2) * px.line, -(bottom - 0.6) * px.line
    box = f"{_num(-half)} {_num(y0)} {_num(right + half)} {_num(y1 - y0)}"
    svg = (
        f'<svg id="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="{box}" '
        f'data-viewbox="{box}" font-size="{FONT_PX}">' + "".join(parts) + "</svg>"
    )
    return svg, [edge_details, node_details]


# ---------------------------------------------------------------- the page


def _json_in_html(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left to end it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _legend(
    entries: list[S.LegendEntry], scenario: bool, colour_title: str = S.SHORTFALL_TITLE
) -> str:
    items = []
    for e in entries:
        label = html.escape(e.label)
        if e.shape == "box":
            mark = f'<span class="swatch" style="background:{e.colour}"></span>'
        elif e.shape == "cross":
            mark = f'<span class="mark" style="color:{e.colour}">✕</span>'
        else:
            style = "dashed" if e.dashes == "--" else "dotted" if e.dashes == ":" else "solid"
            mark = (
                f'<span class="line" style="border-top:{max(1.0, e.width):.1f}px {style} '
                f'{e.colour}"></span>'
            )
        items.append(f"<li>{mark}{label}</li>")
    if scenario:
        stops = ", ".join(S.SHORTFALL_STOPS)
        items.append(
            '<li><span>0%</span><span class="bar" style="background:linear-gradient(to right, '
            f'{stops})"></span><span>100% {html.escape(colour_title)}</span></li>'
        )
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _prepare(G: nx.MultiDiGraph, result: WhatIf | None, opts: DiagramOptions) -> dict[str, Any]:
    H = select_subgraph(G, opts, result=result)
    if len(H) > MAX_NODES:
        raise ChokegraphError(
            f"{len(H)} nodes are too many for one page; draw a part with --focus and --depth "
            "or --kind, or write .graphml or .gexf for Gephi"
        )
    marks = S.scenario_marks(result) if result is not None else None
    shortfall = S.colour_shortfall(result, opts.colour)
    focus_id = resolve_node(G, opts.focus) if opts.focus is not None else None
    return {
        "H": H,
        "lay": diagram_layout(H, method=opts.method, label_width=opts.label_width),
        "marks": marks,
        "result": result,
        "colours": S.node_colours(H, shortfall=shortfall),
        "focus_id": focus_id,
        "titles": S.diagram_titles(G, H, result, focus_id, opts.depth, opts.colour),
        "colour_title": S.colour_title(result, opts.colour),
        "legend": S.legend_entries(H, marks),
    }


def interactive(
    G: nx.MultiDiGraph,
    options: DiagramOptions | None = None,
    *,
    result: WhatIf | None = None,
    **changes: Any,
) -> InteractiveDiagram:
    """The dependency diagram of ``G`` (and a scenario) as an interactive, offline HTML page.

    The same selection, layout and colours as ``plot_graph``; hovering shows
    a node's kind, country, shortfall, days to impact, ``via`` chain and
    sources, or an edge's commodity, share and source. The wheel zooms, a drag
    pans, and the search box finds and highlights nodes by name or id.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    options : DiagramOptions, optional
        What to show (``focus``, ``depth``, ``kinds``, ...), or its fields as keywords.
    result : WhatIf, optional
        A scenario run on ``G`` to colour the diagram by.

    Returns
    -------
    InteractiveDiagram
        ``.html`` (the page), ``.save(path)``; shows inline in Jupyter.

    Examples
    --------
    >>> import graph
    >>> page = interactive(graph.load(), kinds=["mineral"])
    >>> page.html.count('class="node') == page.nodes
    True
    """
    d = _prepare(G, result, DiagramOptions.of(options, **changes))
    px = _Px.of(d["lay"])
    svg, details = _svg(d, px)
    title, subtitle = d["titles"]
    script = resources.files("analysis.drawing").joinpath("interactive.js").read_text("utf-8")
    page = _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle),
        legend=_legend(d["legend"], d["marks"] is not None, d["colour_title"]),
        svg=svg,
        data=_json_in_html({"edges": details[0], "nodes": details[1]}),
        script=script,
        style=_STYLE,
    )
    H = d["H"]
    return InteractiveDiagram(page, H.number_of_nodes(), H.number_of_edges())


_STYLE = """
body{margin:0;font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#202020;background:#fff}
header{padding:8px 14px 4px}
h1{font-size:17px;margin:0 0 2px}
p.sub{font-size:12px;color:#606060;margin:0 0 6px}
.tools{display:flex;gap:8px;align-items:center;font-size:12px;flex-wrap:wrap}
.tools input{font-size:13px;padding:3px 6px;width:18em}
.tools button{font-size:13px;min-width:2em}
#found{color:#606060}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:6px 0 0;
font-size:12px}
ul.legend li{display:flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:14px;height:11px;border:1px solid #5a5a5a}
.line{display:inline-block;width:28px;height:0}
.bar{display:inline-block;width:120px;height:10px;border:1px solid #5a5a5a}
#diagram{display:block;width:100vw;height:calc(100vh - 118px);cursor:grab;user-select:none}
#diagram.dragging{cursor:grabbing}
#diagram .header{font-weight:bold;fill:#404040;font-size:13px}
#diagram .node{cursor:pointer}
#diagram .edge:hover{stroke-opacity:1}
#diagram.searching .node:not(.match){opacity:.25}
#diagram.searching .edge{opacity:.2}
#diagram .node.match rect{stroke:#d55e00;stroke-width:4}
#tip{position:fixed;display:none;max-width:440px;background:#fff;border:1px solid #888;
box-shadow:0 2px 6px rgba(0,0,0,.2);padding:6px 8px;font-size:12px;pointer-events:none;z-index:2}
#tip b{display:block;margin-bottom:3px}
#tip table{border-collapse:collapse}
#tip td{vertical-align:top;padding:1px 6px 1px 0;white-space:pre-line}
#tip td:first-child{color:#606060;white-space:nowrap}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="sub">{subtitle}</p>
<div class="tools">
<input id="search" type="search" placeholder="find a node by name or id" autocomplete="off">
<span id="found"></span>
<button id="zoom-in" title="zoom in">+</button><button id="zoom-out" title="zoom out">−</button>
<button id="reset" title="show everything">reset</button>
<span>wheel: zoom · drag: pan · hover: details</span>
</div>
{legend}
</header>
{svg}
<div id="tip"></div>
<script type="application/json" id="details">{data}</script>
<script>{script}</script>
</body>
</html>
"""
