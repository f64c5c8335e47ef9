"""Hypothesis strategies: random valid datasets and scenarios for the model tests.

A dataset is a mapping in the YAML shape (``sources``/``groups``/``nodes``/
``edges``) that ``graph.from_dict`` accepts; a scenario is
``{"restrictions": [restriction dicts], "removed": [node ids]}`` with the
restriction dicts of ``tests/reference.py``.

Numbers are drawn on coarse grids (shares in hundredths, whole or half days)
so that a shrunk failing example can be checked by hand.

Example
-------
>>> from hypothesis import find
>>> data = find(datasets(), lambda d: len(d["edges"]) >= 3)
>>> sorted(data)
['edges', 'groups', 'nodes', 'sources']
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Layers of a supply chain, upstream first. Supplies edges of the DAG part run
# from an earlier layer to a later one; with cycles, extra edges run back.
LAYERS = ("mineral", "refiner", "component", "industry")
PREFIX = {"country": "c", "mineral": "m", "refiner": "r", "component": "p", "industry": "i"}
LARGEST_CYCLE_SHARE = 80  # hundredths: shares on a commodity that closes a cycle stay <= 0.8


def _hundredths(low: int = 1, high: int = 100) -> st.SearchStrategy[float]:
    return st.integers(low, high).map(lambda k: k / 100)


_days = st.one_of(st.integers(0, 60).map(float), st.integers(0, 120).map(lambda k: k / 2))


@st.composite
def _split(draw: st.DrawFn, parts: int, total_high: int) -> list[float]:
    """``parts`` positive shares in hundredths summing to at most ``total_high`` / 100."""
    total = draw(st.integers(parts, total_high))
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=parts - 1,
                                max_size=parts - 1, unique=True))) if parts > 1 else []  # fmt: skip
    bounds = [0, *cuts, total]
    return [(bounds[i + 1] - bounds[i]) / 100 for i in range(parts)]


@st.composite
def _nodes(
    draw: st.DrawFn,
    countries: list[str],
    producers: list[str],
    layer_of: dict[str, int],
    explicit_commodity: dict[str, str],
    by_key: dict[tuple[str, str], list[str]],
) -> list[dict[str, Any]]:
    """The node entries: countries, then producers with location, stock, inputs and value."""
    consumed: dict[str, list[str]] = {}
    for v, c in by_key:
        consumed.setdefault(v, []).append(c)
    nodes: list[dict[str, Any]] = [{"id": c, "kind": "country"} for c in countries]
    for node in producers:
        kind = LAYERS[layer_of[node]]
        entry: dict[str, Any] = {"id": node, "kind": kind}
        if node in explicit_commodity:
            entry["commodity"] = explicit_commodity[node]
        if draw(st.booleans()):
            entry["country"] = draw(st.sampled_from(countries))
        if draw(st.integers(0, 3)) == 0:
            entry["stockpile_days"] = draw(_days)
        inputs = {}
        for commodity in sorted(consumed.get(node, [])):
            if draw(st.booleans()):
                continue
            spec = {}
            if draw(st.booleans()):
                spec["dependence"] = draw(_hundredths(0, 100))
            if draw(st.booleans()):
                spec["substitutable"] = draw(_hundredths(0, 100))
            if draw(st.booleans()):
                spec["stockpile_days"] = draw(_days)
            inputs[commodity] = spec
        if inputs:
            entry["inputs"] = inputs
        if kind == "industry" and draw(st.booleans()):
            entry["value"] = draw(st.integers(0, 10_000)) * 1e6
        nodes.append(entry)

    return nodes


@st.composite
def datasets(
    draw: st.DrawFn, *, cycles: bool = False, max_nodes: int = 25, alternatives: bool = False
) -> dict[str, Any]:
    """A random valid dataset; ``cycles=True`` adds edges that close cycles.

    ``alternatives=True`` gives some supplies edges a ``spare`` and
    ``ramp_days``, and adds alternatives with ``share: 0``.
    """
    n_countries = draw(st.integers(1, 4))
    sizes = {
        "mineral": draw(st.integers(1, 4)),
        "refiner": draw(st.integers(0, 4)),
        "component": draw(st.integers(0, 4)),
        "industry": draw(st.integers(1, 4)),
    }
    assert n_countries + sum(sizes.values()) <= max_nodes
    countries = [f"c{i}" for i in range(n_countries)]
    layer_of: dict[str, int] = {}
    for depth, kind in enumerate(LAYERS):
        for i in range(sizes[kind]):
            layer_of[f"{PREFIX[kind]}{i}"] = depth
    producers = sorted(layer_of, key=lambda n: (layer_of[n], n))

    # Output commodities: each node's own id, or (sometimes) the commodity of an
    # earlier node, so that several nodes supply the same commodity.
    commodity_of: dict[str, str] = {}
    explicit_commodity: dict[str, str] = {}
    for node in producers:
        earlier = sorted({commodity_of[n] for n in commodity_of if layer_of[n] < layer_of[node]})
        if earlier and draw(st.booleans()):
            explicit_commodity[node] = commodity_of[node] = draw(st.sampled_from(earlier))
        else:
            commodity_of[node] = node

    # Who supplies whom: (supplier, consumer, commodity), no duplicates.
    links: set[tuple[str, str, str]] = set()
    for node in producers:
        if layer_of[node] == 0:  # mines: country -> mineral
            for country in draw(st.lists(st.sampled_from(countries), max_size=3, unique=True)):
                links.add((country, node, commodity_of[node]))
        else:
            upstream = [n for n in producers if layer_of[n] < layer_of[node]]
            for supplier in draw(st.lists(st.sampled_from(upstream), max_size=3, unique=True)):
                links.add((supplier, node, commodity_of[supplier]))
    cycle_keys: set[tuple[str, str]] = set()
    if cycles:
        back = [(u, v) for u in producers for v in producers
                if u != v and layer_of[u] >= layer_of[v]]  # fmt: skip
        for u, v in draw(st.lists(st.sampled_from(back), min_size=1, max_size=4, unique=True)):
            links.add((u, v, commodity_of[u]))
            cycle_keys.add((v, commodity_of[u]))

    # Shares: per consumer and commodity, positive and summing to <= 1.
    by_key: dict[tuple[str, str], list[str]] = {}
    for u, v, c in sorted(links):
        by_key.setdefault((v, c), []).append(u)
    edges: list[dict[str, Any]] = []
    for (v, c), suppliers in sorted(by_key.items()):
        high = LARGEST_CYCLE_SHARE if (v, c) in cycle_keys else 100
        high = max(high, len(suppliers))
        for u, share in zip(suppliers, draw(_split(len(suppliers), high)), strict=True):
            edges.append({"from": u, "to": v, "share": share})
    if alternatives:
        edges.extend(draw(_alternatives(edges, links, producers, layer_of, countries,
                                        commodity_of)))  # fmt: skip

    # Partial control by a country over nodes located elsewhere (or in it).
    for node in draw(st.lists(st.sampled_from(producers), max_size=3, unique=True)):
        edge: dict[str, Any] = {"from": draw(st.sampled_from(countries)), "to": node,
                                "kind": "controls"}  # fmt: skip
        if draw(st.booleans()):
            edge["share"] = draw(_hundredths())
        edges.append(edge)

    nodes = draw(_nodes(countries, producers, layer_of, explicit_commodity, by_key))
    commodities = sorted(set(commodity_of.values()))
    groups = {}
    for i in range(draw(st.integers(0, 2))):
        groups[f"grp{i}"] = draw(st.lists(st.sampled_from(commodities), min_size=1,
                                          max_size=3, unique=True))  # fmt: skip
    return {"sources": [], "groups": groups, "nodes": nodes, "edges": edges}


_spare = _hundredths(1, 50)
_ramp_days = st.one_of(st.just(0.0), st.integers(1, 30).map(float), st.just(2.5))


@st.composite
def _alternatives(
    draw: st.DrawFn,
    edges: list[dict[str, Any]],
    links: set[tuple[str, str, str]],
    producers: list[str],
    layer_of: dict[str, int],
    countries: list[str],
    commodity_of: dict[str, str],
) -> list[dict[str, Any]]:
    """Give some edges a spare (in place) and return new ``share: 0`` alternatives.

    A new alternative runs from a country to a mine, or from an earlier
    layer to a later one, where no edge of that commodity ran yet, so the
    graph gains no cycle it did not have.
    """
    for e in edges:
        if draw(st.integers(0, 2)) == 0:
            e["spare"] = draw(_spare)
            if draw(st.booleans()):
                e["ramp_days"] = draw(_ramp_days)
    candidates = []
    for v in producers:
        if layer_of[v] == 0:
            candidates += [(c, v, commodity_of[v]) for c in countries]
        else:
            candidates += [(u, v, commodity_of[u]) for u in producers
                           if layer_of[u] < layer_of[v]]  # fmt: skip
    candidates = [c for c in candidates if c not in links]
    new = []
    if candidates:
        for u, v, _ in draw(st.lists(st.sampled_from(candidates), max_size=3, unique=True)):
            edge = {"from": u, "to": v, "share": 0, "spare": draw(_spare)}
            if draw(st.booleans()):
                edge["ramp_days"] = draw(_ramp_days)
            new.append(edge)
    return new


def commodity_names(data: dict[str, Any]) -> list[str]:
    """Every commodity of a dataset (its nodes' outputs and its edges' ``commodity``)."""
    names = {n.get("commodity", n["id"]) for n in data["nodes"] if n["kind"] != "country"}
    names |= {e["commodity"] for e in data["edges"] if e.get("commodity")}
    return sorted(names)


@st.composite
def restrictions(draw: st.DrawFn, data: dict[str, Any], *, windows: bool = False) -> dict[str, Any]:
    """One restriction on a dataset: by a country, on commodities, groups or ``all``.

    ``windows=True``: half of them end (``end_day``), 1 to 40 days after they start.
    """
    countries = [n["id"] for n in data["nodes"] if n["kind"] == "country"]
    names = commodity_names(data) + sorted(data["groups"])
    commodities = draw(st.one_of(
        st.just(["all"]),
        st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True),
    ))  # fmt: skip
    to = draw(st.one_of(st.none(), st.lists(st.sampled_from(countries), min_size=1,
                                            max_size=2, unique=True)))  # fmt: skip
    start = draw(st.integers(0, 40))
    return {
        "by": draw(st.sampled_from(countries)),
        "commodities": commodities,
        "to": to,
        "severity": draw(_hundredths()),
        "start_day": start,
        "end_day": None if not windows or draw(st.booleans()) else start + draw(st.integers(1, 40)),
    }


@st.composite
def scenarios(draw: st.DrawFn, data: dict[str, Any], *, max_restrictions: int = 3,
              max_removed: int = 2, windows: bool = False) -> dict[str, Any]:  # fmt: skip
    """0 to 3 restrictions and 0 to 2 removed nodes on a dataset."""
    ids = [n["id"] for n in data["nodes"]]
    return {
        "restrictions": draw(
            st.lists(restrictions(data, windows=windows), max_size=max_restrictions)
        ),
        "removed": draw(st.lists(st.sampled_from(ids), max_size=max_removed, unique=True)),
    }


@st.composite
def cases(
    draw: st.DrawFn, *, cycles: bool | None = None, second_edition: bool = False
) -> tuple[dict, dict]:
    """A dataset (DAG or, with ``cycles=True``, cyclic; ``None``: either) and a scenario on it.

    ``second_edition=True`` adds alternatives to the dataset and windows to
    the restrictions (DESIGN section 3b).
    """
    if cycles is None:
        cycles = draw(st.booleans())
    data = draw(datasets(cycles=cycles, alternatives=second_edition))
    return data, draw(scenarios(data, windows=second_edition))
