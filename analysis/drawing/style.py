"""How things look, computed without drawing: colours, labels, edge styles, legend, titles.

Everything here is plain data (hex colours, strings, numbers), so the same
choices serve the matplotlib plots, the Graphviz writer and the tests, and
none of it needs matplotlib.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.drawing.options import LABEL_WIDTH
from analysis.drawing.selection import COUNTRY_NAMES, KINDS
from analysis.engine import AFFECTED
from analysis.output import format_usd
from graph.errors import ChokegraphError

KIND_TITLES = {
    "country": "Countries",
    "mineral": "Minerals",
    "refiner": "Refiners",
    "component": "Components",
    "industry": "Industries",
}
OTHER_KIND = "other"  # the column of nodes whose kind is not in the order
LABEL_LINES = 4  # at most this many lines; longer names end in an ellipsis

UNAFFECTED = "#e3e3e3"  # light grey: not hit by the scenario
# viridis, sampled at 0, 0.1, ..., 1 and reversed: light yellow for a small
# shortfall, dark purple for a total one. Perceptually uniform and readable
# with every common colour-vision deficiency; it holds no red, which marks cut
# flows.
SHORTFALL_STOPS = (
    "#fde725",
    "#bddf26",
    "#7ad151",
    "#44bf70",
    "#22a884",
    "#21918c",
    "#2a788e",
    "#355f8d",
    "#414487",
    "#482475",
    "#440154",
)
# The exposure heatmap: white at 0, then ColorBrewer's YlOrRd (sequential), so
# that near-zero cells stay quiet and only the large exposures stand out. The
# heatmap draws no cut flows, so its red cannot be mistaken for one.
HEAT_STOPS = (
    "#ffffff",
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
)
# Light tints of the Okabe-Ito palette, one per kind, for a graph without a scenario.
KIND_COLOURS = {
    "country": "#cfe3f3",
    "mineral": "#f7dfb5",
    "refiner": "#cbeadf",
    "component": "#f4e9a6",
    "industry": "#ebd3e3",
    OTHER_KIND: "#e3e3e3",
}
CUT_COLOUR = "#c0182a"  # cut flows and removed nodes
EDGE_COLOUR = "#8f8f8f"  # a supplies edge
CONTROL_COLOUR = "#4d4d4d"  # a controls edge (not a flow)
BOX_EDGE = "#5a5a5a"  # the outline of a node's box
HEADER_COLOUR = "#404040"  # column headers
NOTE_COLOUR = "#606060"  # subtitles and notes
# Okabe-Ito, distinguishable with every common colour-vision deficiency; its
# yellow, which reads poorly on white, is replaced by grey.
LINE_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8C8C8C",
)
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


# ---------------------------------------------------------------- labels


def node_label(G: nx.MultiDiGraph, node: str, *, width: int = LABEL_WIDTH) -> str:
    """The label of a node: its display name and its country code, wrapped into lines.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [
    ...     {"id": "chn", "kind": "country", "name": "China"},
    ...     {"id": "chn-ga", "kind": "refiner", "country": "chn",
    ...      "name": "Chinese gallium refining"}],
    ...   "edges": [{"from": "chn", "to": "chn-ga", "kind": "controls"}]})
    >>> node_label(G, "chn-ga")
    'Chinese gallium\\nrefining (chn)'
    >>> node_label(G, "chn")
    'China (chn)'
    """
    attrs = G.nodes[node]
    name = str(attrs.get("name") or node)
    code = attrs.get("country") or (node if attrs.get("kind") == "country" else None)
    if code and attrs.get("kind") != "country":
        # "Semiconductors (Japan)" would say its country twice once the code is added.
        country = f" ({_country_name(G, code)})"
        if name.endswith(country) and len(name) > len(country):
            name = name[: -len(country)]
    tag = f"({code})" if code and code != name else None
    text = f"{name} {tag}" if tag else name
    lines = _wrap_evenly(text, width)
    if len(lines) > LABEL_LINES:
        # Too long: cut the name short and keep the country tag on a line of its own.
        lines = _wrap_evenly(name, width)[: LABEL_LINES - (1 if tag else 0)]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
        if tag:
            lines.append(tag)
    return "\n".join(lines)


def _wrap_evenly(text: str, width: int) -> list[str]:
    """Wrap ``text`` in as few lines as at ``width``, but of lengths as even as can be.

    "Chinese gallium refining (chn)" at 24 becomes "Chinese gallium" and
    "refining (chn)", not "Chinese gallium refining" and "(chn)".
    """
    lines = textwrap.wrap(text, width=width) or [text]
    best = lines
    for narrower in range(width - 1, 0, -1):
        trial = textwrap.wrap(text, width=narrower, break_long_words=False)
        if len(trial) > len(lines) or max(map(len, trial)) > narrower:
            break
        best = trial
    return best


def _country_name(G: nx.MultiDiGraph, code: str) -> str:
    if code in G:
        return str(G.nodes[code].get("name") or code)
    return str(G.graph.get(COUNTRY_NAMES, {}).get(code) or code)


def label_lines(label: str) -> int:
    """The number of lines of a label."""
    return label.count("\n") + 1


def short_label(G: nx.MultiDiGraph | None, node: str, width: int = 34) -> str:
    """A node's label on one line (its id when ``G`` does not hold it).

    Examples
    --------
    >>> short_label(None, "chn")
    'chn'
    """
    if G is None or node not in G:
        return node
    return node_label(G, node, width=width).replace("\n", " ")


def wrap_to_width(text: str, width_in: float, fontsize: float) -> str:
    """Wrap ``text`` into lines that fit ``width_in`` inches at ``fontsize`` points.

    Examples
    --------
    >>> wrap_to_width("a b", 1.0, 10)
    'a b'
    """
    chars = max(20, int(width_in * 72 / (fontsize * 0.56)))
    return "\n".join(textwrap.wrap(text, chars))


def percent(x: float) -> str:
    """A share as a whole percentage ("<1%" for a small one that is not zero).

    Examples
    --------
    >>> percent(0.4), percent(0.001), percent(0.0)
    ('40%', '<1%', '0%')
    """
    if 0 < x < 0.005:
        return "<1%"
    return f"{100 * x:.0f}%"


# ---------------------------------------------------------------- colours


def _hex_to_rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _rgb_to_hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def _interpolate(stops: tuple[str, ...], x: float) -> str:
    """The colour at ``x`` (0 to 1) of the even colour scale through ``stops``."""
    s = max(0.0, min(1.0, float(x))) * (len(stops) - 1)
    i = min(int(s), len(stops) - 2)
    t = s - i
    a, b = _hex_to_rgb(stops[i]), _hex_to_rgb(stops[i + 1])
    return _rgb_to_hex(x + t * (y - x) for x, y in zip(a, b, strict=True))


def heat_colour(shortfall: float) -> str:
    """The fill of an exposure heatmap cell: white at 0, dark red at 1.

    Examples
    --------
    >>> heat_colour(0.0), heat_colour(1.0)
    ('#ffffff', '#800026')
    """
    return _interpolate(HEAT_STOPS, shortfall)


def shortfall_colour(shortfall: float | None) -> str:
    """The fill colour for a node with this steady shortfall (light grey when unaffected).

    Examples
    --------
    >>> shortfall_colour(0.0), shortfall_colour(1.0), shortfall_colour(0.05)
    ('#e3e3e3', '#440154', '#dde326')
    """
    if shortfall is None or shortfall <= AFFECTED:
        return UNAFFECTED
    return _interpolate(SHORTFALL_STOPS, shortfall)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``.

    Examples
    --------
    >>> text_colour("#440154"), text_colour("#fde725")
    ('white', 'black')
    """

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _hex_to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.18 else "black"


def node_colours(
    G: nx.MultiDiGraph, *, shortfall: Mapping[str, float] | None = None
) -> dict[str, str]:
    """Fill colour of every node: by shortfall when given, else by kind.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    shortfall : mapping, optional
        ``{node: steady shortfall}`` of a scenario; nodes missing from it are
        unaffected.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("chn", kind="country")
    >>> node_colours(G)
    {'chn': '#cfe3f3'}
    >>> node_colours(G, shortfall={"chn": 1.0})
    {'chn': '#440154'}
    """
    if shortfall is None:
        return {n: KIND_COLOURS.get(k, KIND_COLOURS[OTHER_KIND]) for n, k in G.nodes(data="kind")}
    return {n: shortfall_colour(shortfall.get(n, 0.0)) for n in G}


#: What a scenario's node colours can show (``DiagramOptions.colour``): the steady
#: shortfall at the values, or its p50 or p95 over the samples (its place in a band).
COLOURINGS = {"point": None, "p50": 1, "p95": 2}
SHORTFALL_TITLE = "steady-state shortfall"


def colour_shortfall(result: Any, colour: str = "point") -> dict[str, float] | None:
    """``{node: shortfall}`` that a diagram of ``result`` is coloured by (None: no scenario).

    ``"point"`` is each impact's steady shortfall; ``"p50"`` and ``"p95"`` the
    median and 95th percentile of its ``shortfall_band`` over the samples.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.remove(graph.load(), ["jp-defence"])
    >>> colour_shortfall(res)
    {'jp-defence': 1.0}
    """
    if colour not in COLOURINGS:
        known = ", ".join(COLOURINGS)
        raise ChokegraphError(f"colour must be one of {known}, got {colour!r}")
    at = COLOURINGS[colour]
    if at is not None and getattr(result, "sample_set", None) is None:
        raise ChokegraphError(
            f"colour {colour!r} is the {colour} of the sampled shortfall: run the scenario "
            "with samples (--samples N; in Python run_uncertain(..., samples=N))"
        )
    if result is None:
        return None
    if at is None:
        return {r["node"]: r["shortfall"] for r in result.records}
    return {r["node"]: r["shortfall_band"][at] for r in result.records if "shortfall_band" in r}


def colour_title(result: Any, colour: str = "point") -> str:
    """What the node colours show, in words: ``steady-state shortfall, p95 of 200 samples``.

    Examples
    --------
    >>> colour_title(None)
    'steady-state shortfall'
    """
    if COLOURINGS.get(colour) is None:
        return SHORTFALL_TITLE
    n = len(result.sample_set.shortfall)
    return f"{SHORTFALL_TITLE}, {colour} of {n} samples"


@dataclass(frozen=True)
class ScenarioMarks:
    """What a scenario did to each node and edge, keyed by graph ids.

    ``shortfall`` and ``days_to_impact`` hold every affected node; ``keep``
    holds every supplies edge ``(u, v, key)`` a restriction cut (what it keeps, < 1).
    """

    shortfall: dict[str, float]
    days_to_impact: dict[str, int | None]
    removed: frozenset[str]
    keep: dict[tuple[str, str, Any], float]
    title: str


def scenario_marks(result: Any) -> ScenarioMarks:
    """Read what a ``WhatIf`` result did to each node and edge.

    Examples
    --------
    >>> import graph, analysis
    >>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"},
    ...     {"id": "x", "kind": "industry"}],
    ...   "edges": [{"from": "chn", "to": "x", "commodity": "ga", "share": 0.5}]})
    >>> marks = scenario_marks(analysis.what_if(G, [analysis.Restriction("chn", ["ga"])]))
    >>> marks.shortfall, marks.keep
    ({'x': 0.5}, {('chn', 'x', 'ga'): 0.0})
    """
    C, raw = result.compiled, result.raw
    shortfall = {r["node"]: r["shortfall"] for r in result.records}
    days = {r["node"]: r["days_to_impact"] for r in result.records}
    keep = {}
    for e in range(len(C.src)):
        if raw.keep[e] < 1.0:
            u, v = C.nodes[C.src[e]], C.nodes[C.dst[e]]
            keep[(u, v, C.commodities[C.edge_commodity[e]])] = float(raw.keep[e])
    return ScenarioMarks(
        shortfall=shortfall,
        days_to_impact=days,
        removed=frozenset(result.scenario.removed),
        keep=keep,
        title=result.title(),
    )


# ---------------------------------------------------------------- edges


def edge_width(share: float) -> float:
    """The line width of a supplies edge, in points: wider for a larger share.

    Examples
    --------
    >>> edge_width(0.5)
    2.0
    """
    return 0.5 + 3.0 * share


@dataclass(frozen=True)
class EdgeStyle:
    """How one edge is drawn; ``rank`` orders the drawing (cut edges last, on top)."""

    colour: str
    width: float
    dashes: Any  # "-" or a matplotlib dash tuple ``(offset, (on, off))``
    alpha: float
    zorder: int
    rank: int


def edge_style(kind: str | None, share: float | None, keep: float | None) -> EdgeStyle:
    """The style of an edge of ``kind`` carrying ``share``, with what a restriction ``keep``\\ s.

    Controls are dotted and thin, cut flows dashed red, other flows grey with
    a width by share. ``keep`` is None for an edge no restriction cut.

    Examples
    --------
    >>> edge_style("supplies", 0.5, None).width
    2.0
    >>> edge_style("supplies", 0.1, 0.0).colour == CUT_COLOUR
    True
    """
    share = 1.0 if share is None else float(share)
    if kind == "controls":
        return EdgeStyle(CONTROL_COLOUR, 0.9, (0, (1, 2)), 0.8, 1, 0)
    if keep is not None:
        return EdgeStyle(CUT_COLOUR, max(1.3, edge_width(share)), (0, (3, 1.5)), 0.95, 2, 2)
    return EdgeStyle(EDGE_COLOUR, edge_width(share), "-", 0.75, 1, 1)


# ---------------------------------------------------------------- legend and titles


@dataclass(frozen=True)
class LegendEntry:
    """One entry of a diagram's legend.

    ``shape`` is ``"line"`` (a stroke of ``width`` and ``dashes``), ``"cross"``
    (an X marker) or ``"box"`` (a filled box outlined in ``BOX_EDGE``).
    """

    label: str
    colour: str
    shape: str
    width: float = 0.0
    dashes: str | None = None


def legend_entries(H: nx.MultiDiGraph, marks: ScenarioMarks | None) -> list[LegendEntry]:
    """The legend of a diagram of ``H``: its kinds of edge, then the scenario's marks or the kinds.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("chn", kind="country")
    >>> [e.label for e in legend_entries(G, None)]
    ['countries']
    """
    kinds = {d.get("kind") for _, _, d in H.edges(data=True)}
    entries = []
    if "supplies" in kinds:
        entries.append(LegendEntry("supply (width: share of the input)", EDGE_COLOUR, "line", 2.5))
    if "controls" in kinds:
        entries.append(LegendEntry("control (not a flow)", CONTROL_COLOUR, "line", 1.0, ":"))
    if marks is not None:
        entries.append(LegendEntry("cut by the restriction", CUT_COLOUR, "line", 2.0, "--"))
        if marks.removed & set(H):
            entries.append(LegendEntry("removed", CUT_COLOUR, "cross"))
        entries.append(LegendEntry("unaffected", UNAFFECTED, "box"))
        return entries
    present = {k if k in KINDS else OTHER_KIND for _, k in H.nodes(data="kind")}
    for kind in (*KINDS, OTHER_KIND):
        if kind in present:
            label = KIND_TITLES.get(kind, "other").lower()
            entries.append(LegendEntry(label, KIND_COLOURS[kind], "box"))
    return entries


def diagram_titles(
    G: nx.MultiDiGraph,
    H: nx.MultiDiGraph,
    result: Any,
    focus_id: str | None,
    depth: int,
    colour: str = "point",
) -> tuple[str, str]:
    """The title of a diagram of ``H`` (a part of ``G``), and a line under it.

    The line says what is shown, the scenario's toll and which data drew it.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("chn", kind="country")
    >>> diagram_titles(G, G, None, None, 2)
    ('Supply dependencies', '1 nodes, 0 edges')
    """
    parts = []
    if focus_id is not None:
        name = G.nodes[focus_id].get("name") or focus_id
        steps = "step" if depth == 1 else "steps"
        parts.append(f"Around {name}, {depth} {steps} up and down")
    if result is not None:
        title = result.title()
        s = result.summary
        toll = f"{s['nodes_hit']} nodes hit, {s['industries_hit']} industries"
        if s.get("value_at_risk") is not None:
            toll += f", value at risk {format_usd(s['value_at_risk'])}"
        parts.append(toll + (" in the whole dataset" if focus_id is not None else ""))
        parts.append(f"colour: {colour_title(result, colour)}")
    else:
        title = "Supply dependencies"
        parts.append(f"{H.number_of_nodes()} nodes, {H.number_of_edges()} edges")
    data = G.graph.get("hash")
    if data:
        parts.append(f"dataset {str(data)[:12]}")
    sub = " · ".join(parts)
    return title, sub[0].upper() + sub[1:]
