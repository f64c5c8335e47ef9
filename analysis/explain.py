"""Why a what-if hits nothing, and what the country does supply in that area.

An empty answer ("0 nodes hit") is right, but it does not say whether the
country holds none of the commodity, sells it to no one in the target
countries, or nothing rests on it; nor that the country's hold may be on the
next stage (China refines cobalt, it mines little). ``why_nothing`` reads the
dataset and says so, in a sentence:

- what the restricting country controls (itself, the nodes located in it, the
  targets of its ``controls`` edges, as ``analysis.engine.control_fraction``)
  and which restricted commodity those nodes supply;
- the commodities they do supply whose id shares a word with the one asked
  about (``cobalt`` -> ``refined-cobalt``), with the largest share one
  such edge carries;
- the groups that hold both (``battery-metals``);
- otherwise the commodity's largest suppliers.

Examples
--------
>>> import graph
>>> from analysis.scenario import Restriction, Scenario
>>> G = graph.load()
>>> text = why_nothing(G, Scenario((Restriction("chn", ["mined-cobalt"]),)))
>>> text.startswith("China supplies no mined-cobalt in this dataset; it supplies refined-cobalt")
True
>>> text.endswith("did you mean one of those, or the group battery-metals or cobalt?")
True
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph.lookup import expand_commodities

if TYPE_CHECKING:
    import networkx as nx

    from analysis.scenario import Restriction, Scenario

#: Words too common in commodity names to relate two commodities.
_COMMON = {"world", "supply", "mine", "primary", "refined", "refining", "chemicals", "imports"}


def _name(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("name") or node) if node in G else node


def _controlled(G: nx.MultiDiGraph, country: str) -> set[str]:
    """The nodes whose output ``country`` can hold back (see ``control_fraction``)."""
    nodes = {country} | {n for n, d in G.nodes(data=True) if d.get("country") == country}
    for _, target, d in G.out_edges(country, data=True):
        if d.get("kind") == "controls":
            nodes.add(target)
    return nodes


def _supplied(G: nx.MultiDiGraph, suppliers: set[str]) -> dict[str, tuple[float, str]]:
    """Each commodity the ``suppliers`` supply: its largest share, and the consumer of it."""
    out: dict[str, tuple[float, str]] = {}
    for u in sorted(suppliers):
        for _, v, d in G.out_edges(u, data=True):
            commodity = d.get("commodity") or G.nodes[u].get("commodity")
            if d.get("kind") == "controls" or not commodity:
                continue
            share = float(d.get("share") or 0.0)
            if commodity not in out or share > out[commodity][0]:
                out[commodity] = (share, v)
    return out


def _words(commodity: str) -> set[str]:
    """The words of a commodity's id (``refined-cobalt``: refined, cobalt), common ones left out."""
    words = set(re.findall(r"[a-z]+", commodity.lower()))
    return {w for w in words if len(w) > 2 and w not in _COMMON}


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _one(G: nx.MultiDiGraph, r: Restriction) -> str:
    """Why one restriction cuts nothing."""
    country = _name(G, r.by)
    wanted = expand_commodities(G, list(r.commodities))
    supplied = _supplied(G, _controlled(G, r.by))
    asked = ", ".join(r.commodities)
    held = sorted(c for c in wanted if c in supplied)
    if held:
        consumers = sorted({_name(G, supplied[c][1]) for c in held})
        to = " or ".join(_name(G, t) for t in r.to or ())
        where = f"not to {to}" if r.to else "and nothing outside it rests on that"
        text = f"{country}'s {', '.join(held)} goes to {', '.join(consumers[:3])}, {where}"
    else:
        text = f"{country} supplies no {asked} in this dataset"
    asked_words = set().union(*(_words(c) for c in wanted)) if wanted else set()
    related = sorted(
        (c for c in supplied if c not in wanted and _words(c) & asked_words),
        key=lambda c: (-supplied[c][0], c),
    )
    if related:
        listed = ", ".join(
            f"{c} ({_percent(supplied[c][0])} of {_name(G, supplied[c][1])})" for c in related[:3]
        )
        groups = sorted(
            g
            for g, members in G.graph.get("groups", {}).items()
            if set(members) & wanted and set(members) & set(related)
        )
        also = f", or the group {' or '.join(groups)}" if groups else ""
        that = "that" if len(related) == 1 else "one of those"
        return f"{text}; it supplies {listed}: did you mean {that}{also}?"
    return text if held else text + _largest_suppliers(G, wanted)


def _largest_suppliers(G: nx.MultiDiGraph, wanted: frozenset[str]) -> str:
    """``; its largest suppliers are ...`` (the suppliers of the nodes that output ``wanted``)."""
    edges = [
        (float(d.get("share") or 0.0), u, v)
        for u, v, d in G.edges(data=True)
        if d.get("kind") != "controls"
        and (d.get("commodity") or G.nodes[u].get("commodity") or G.nodes[v].get("commodity"))
        in wanted
        and G.nodes[u].get("kind") == "country"
    ]
    if not edges:
        return ""
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    shown = ", ".join(f"{_name(G, u)} ({_percent(s)})" for s, u, _ in edges[:3])
    return f"; its largest suppliers are {shown}"


def why_nothing(G: nx.MultiDiGraph, scenario: Scenario) -> str:
    """A sentence on why ``scenario`` hits no node (for the headline of an empty result).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph the scenario ran on.
    scenario : Scenario
        The scenario as run (names resolved to ids).

    Returns
    -------
    str
        One sentence per restriction, and one for removals, joined by ``"; "``.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import Restriction, Scenario
    >>> G = graph.load()
    >>> for part in why_nothing(G, Scenario((Restriction("chn", ["palladium"]),))).split("; "):
    ...     print(part)
    China supplies no palladium in this dataset
    its largest suppliers are Russia (39%), South Africa (38%), Canada (8%)
    """
    parts = [_one(G, r) for r in scenario.restrictions]
    for node in scenario.removed:
        parts.append(f"no node takes supplies from {_name(G, node)}")
    return "; ".join(parts)
