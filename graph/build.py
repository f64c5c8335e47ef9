"""Build the networkx graph from a dataset that passed every rule.

The attributes set here are the contract between ``graph`` and ``analysis``
(see the ``graph`` package docstring): every node and edge carries every
attribute, ``None`` when absent, numbers as floats, defaults filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from graph.lazy import TableGraph
from graph.records import Dataset, Resolved
from graph.schema import Edge, Inputs, Node, field_names, numbers, rule_of, rules

if TYPE_CHECKING:  # networkx only where a MultiDiGraph is built (build_lazy needs none)
    import networkx as nx
    from pydantic import BaseModel


def _float(x: float | int | None) -> float | None:
    return None if x is None else float(x)


def _pair(x: list | None) -> tuple[float, float] | None:
    return None if x is None else (float(x[0]), float(x[1]))


def _converter(model: type[BaseModel], name: str) -> Any:
    """How a field's value becomes its attribute: numbers as floats, ranges as pairs."""
    if name in numbers(model):
        return _float
    return _pair if rule_of(model, name).bounds is not None else None


#: How each field of an input becomes its attribute, and the default filled in.
_INPUT_FIELDS = {
    name: (_converter(Inputs, name), rule.default) for name, rule in rules(Inputs).items()
}


def _inputs(inputs: dict | None) -> dict:
    if not inputs:
        return {}
    out = {}
    for commodity, settings in inputs.items():
        entry = {}
        for name, (convert, default) in _INPUT_FIELDS.items():
            x = settings.get(name)
            if x is None and convert is _pair:
                continue  # a range only when given: inputs keep their first-edition shape
            entry[name] = convert(default if x is None else x)
        out[commodity] = entry
    return out


def _column(values: list, convert: Any) -> list | None:
    """A column converted for the graph, or None when no row gives the field."""
    if values.count(None) == len(values):
        return None
    return values if convert is None else [convert(x) for x in values]


def _template(columns: dict[str, list | None]) -> tuple[dict, list[str], list[list]]:
    """Split attribute columns into a dict of Nones and the columns some row gives.

    Each row's attributes are then ``template.copy()`` updated with its given
    values: two thirds of the time of ``dict(zip(...))`` over every key, which
    counts on a graph of millions of edges. The keys keep the columns' order.
    """
    given = {name: column for name, column in columns.items() if column is not None}
    return dict.fromkeys(columns), list(given), list(given.values())


def _node_columns(ds: Dataset, resolved: Resolved) -> dict[str, Any]:
    """Every node attribute as a column, in the order of the declared fields."""
    N = ds.nodes.data
    columns: dict[str, list | None] = {"kind": N["kind"]}
    for name in field_names(Node)[2:]:
        if name == "name":
            columns[name] = [
                n if n is not None else i for n, i in zip(N[name], N["id"], strict=True)
            ]
        elif name == "commodity":
            columns[name] = resolved.node_commodity
        elif name == "inputs":
            columns[name] = [_inputs(x) for x in N[name]]
        else:
            columns[name] = _column(N[name], _converter(Node, name))
    columns["where"] = ds.nodes.wheres()
    return columns


def _edge_columns(ds: Dataset, resolved: Resolved, *, where: bool = True) -> dict[str, list | None]:
    """Every edge attribute as a column (None: no row gives it), plus ``from`` and ``to``.

    ``where=False`` leaves out the ``where`` column (a string per edge: a
    gigabyte at ten million edges), for ``build_lazy`` to add when needed.
    """
    ed = ds.edges.data
    columns: dict[str, list | None] = {
        "kind": resolved.edge_kind,
        "commodity": resolved.edge_commodity,
        "share": [float(x) for x in resolved.edge_share],
    }
    for name in field_names(Edge):
        if name not in columns and name not in ("from", "to"):
            columns[name] = _column(ed[name], _converter(Edge, name))
    if where:
        columns["where"] = ds.edges.wheres()
    return {"from": ed["from"], "to": ed["to"], **columns}


def _edge_records(columns: dict[str, list | None]) -> Iterator[tuple[str, str, str, dict]]:
    """``(from, to, key, attributes)`` of every edge, in the order of the files."""
    attributes = {k: v for k, v in columns.items() if k not in ("from", "to")}
    template, names, given = _template(attributes)
    for u, v, values in zip(columns["from"], columns["to"], zip(*given, strict=True), strict=True):
        attrs = template.copy()
        attrs.update(zip(names, values, strict=True))
        yield u, v, attrs["commodity"] if attrs["kind"] == "supplies" else "controls", attrs


def _node_attrs(ds: Dataset, resolved: Resolved) -> dict[str, dict]:
    """Every node's attributes, by id, in the order of the files."""
    template, names, given = _template(_node_columns(ds, resolved))
    node = {}
    for nid, values in zip(ds.nodes.data["id"], zip(*given, strict=True), strict=True):
        attrs = template.copy()
        attrs.update(zip(names, values, strict=True))
        node[nid] = attrs
    return node


def _graph_attrs(ds: Dataset, resolved: Resolved) -> dict[str, Any]:
    S = ds.sources
    return {
        "sources": {
            sid: {**{f: S.data[f][i] for f in S.fields}, "where": S.where(i)}
            for i, sid in enumerate(S.data["id"])
        },
        "groups": resolved.groups,
        "commodities": resolved.commodities,
    }


def build_lazy(ds: Dataset, resolved: Resolved) -> TableGraph:
    """The graph of a valid dataset as a ``graph.lazy.TableGraph``: no networkx, no edge dicts.

    The nodes are as ``build`` makes them; the edges stay columns, which
    ``analysis.compiled.compile_graph`` reads directly, until something asks
    for them one by one (then they become the very dicts ``build`` makes).

    Examples
    --------
    >>> import graph
    >>> from graph.records import Dataset
    >>> from graph.validate import check
    >>> from graph.yaml_records import add_document
    >>> ds = Dataset()
    >>> add_document(ds, {"nodes": [{"id": "chn", "kind": "country"},
    ...                             {"id": "gallium", "kind": "mineral"}],
    ...                   "edges": [{"from": "chn", "to": "gallium", "share": 0.98}]},
    ...              "<memory>", None)
    >>> G = build_lazy(ds, check(ds)[1])
    >>> G.number_of_edges(), list(G.edges(keys=True))
    (1, [('chn', 'gallium', 'gallium')])
    """
    columns = _edge_columns(ds, resolved, where=False)

    def records() -> Iterator[tuple[str, str, str, dict]]:
        # "where" last, as build() has it: the attributes keep one order.
        return _edge_records({**columns, "where": ds.edges.wheres()})

    return TableGraph(_node_attrs(ds, resolved), columns, records, _graph_attrs(ds, resolved))


def _can_fill_directly(G: nx.MultiDiGraph) -> bool:
    """Whether ``G`` keeps its adjacency in plain dicts, as networkx 2 and 3 do.

    Only then may ``build`` fill them itself; otherwise it uses the public
    ``add_edges_from``, slower but independent of how networkx stores a graph.
    """
    succ, pred = getattr(G, "_succ", None), getattr(G, "_pred", None)
    return (
        type(succ) is dict
        and type(pred) is dict
        and getattr(G, "_adj", None) is succ
        and all(
            getattr(G, factory, None) is dict
            for factory in (
                "adjlist_inner_dict_factory",
                "edge_key_dict_factory",
                "edge_attr_dict_factory",
            )
        )
    )


def build(ds: Dataset, resolved: Resolved) -> nx.MultiDiGraph:
    """Return the ``MultiDiGraph`` of a valid dataset (no provenance yet).

    Edges are keyed by their commodity (supplies) or ``"controls"``.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"},
    ...                                {"id": "gallium", "kind": "mineral"}],
    ...                      "edges": [{"from": "chn", "to": "gallium", "share": 0.98}]})
    >>> list(G.edges(keys=True))
    [('chn', 'gallium', 'gallium')]
    """
    import networkx as nx

    G = nx.MultiDiGraph()
    for nid, attrs in _node_attrs(ds, resolved).items():
        G.add_node(nid, **attrs)
    edges = _edge_records(_edge_columns(ds, resolved))
    if _can_fill_directly(G):
        # Filling networkx's adjacency dicts directly takes a third of the time
        # of add_edges_from (1.7 s against 5.4 s for a million edges). This is
        # what MultiDiGraph.add_edge does for a new edge of a fresh graph: the
        # successor and predecessor maps share one key dict per node pair.
        succ, pred = G._succ, G._pred
        for u, v, key, attrs in edges:
            keydict = succ[u].get(v)
            if keydict is None:
                keydict = succ[u][v] = pred[v][u] = {}
            keydict[key] = attrs
        clear_cache = getattr(nx, "_clear_cache", None)
        if clear_cache is not None:
            clear_cache(G)
    else:  # a networkx that stores its graphs otherwise: the public way
        G.add_edges_from(edges)
    G.graph.update(_graph_attrs(ds, resolved))
    return G
