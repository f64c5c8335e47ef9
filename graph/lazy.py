"""Lazy package attributes (PEP 562), so that importing a package stays cheap.

``import analysis.cli`` runs ``analysis/__init__.py`` first; if that imported
every module, a command line that needs only a what-if would pay for scipy,
pydantic and friends before doing anything. Instead a package lists what it
exports and from which module, and each is imported on first use.

Several packages export a function with the name of its own module
(``graph.load`` the function lives in ``graph/load.py``). Importing such a
module makes Python bind it as an attribute of the package, which would hide
the function; the package's module class keeps the function in its place, as
an eager ``from graph.load import load`` in ``__init__.py`` would.

Public: both ``graph`` and ``analysis`` build their package namespaces with
``attach``.

Examples
--------
>>> import graph
>>> callable(graph.load), "load" in dir(graph)
(True, True)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any


class _Package(ModuleType):
    """A package whose exported names win over its submodules of the same name."""

    def __setattr__(self, name: str, value: Any) -> None:
        exports = self.__dict__.get("_EXPORTS", {})
        if isinstance(value, ModuleType) and exports.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


def attach(package: str, exports: Mapping[str, str]) -> tuple[Callable, Callable]:
    """Make ``package`` import each exported name from its module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Exported name -> the module that defines it.

    Returns
    -------
    (__getattr__, __dir__)
        To assign in the package's namespace.
    """
    module = sys.modules[package]
    module._EXPORTS = dict(exports)
    module.__class__ = _Package

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            setattr(module, name, value)
            return value
        if not name.startswith("_"):
            try:
                # A submodule (``graph.errors``): eager imports used to make these
                # attributes as a side effect, and code relies on it.
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(exports))

    return __getattr__, __dir__


class LazyGraph:
    """A chokegraph graph that imports networkx only when something needs it.

    It holds the node attributes and the adjacency exactly as a
    ``networkx.MultiDiGraph`` does (``{u: {v: {key: attrs}}}``, insertion
    order kept) and answers the read-only questions of a what-if itself:
    ``G.graph``, ``G.nodes[n]``, ``G.nodes(data=True)``, ``n in G``,
    iteration, ``G.adjacency()``, ``G.edges(...)``, ``G.out_edges(...)``,
    ``G.in_edges(...)``, the counts. Anything else (a drawing, a structural
    query, a change) builds the real ``MultiDiGraph`` once, sharing the very
    attribute dictionaries, and from then on every call goes to it.

    The command line reads the bundled dataset's cached graph as one of
    these (``graph.load(lazy=True)``): importing networkx costs more than
    the rest of a what-if. ``graph.load()`` itself always returns a real
    ``MultiDiGraph``.

    Examples
    --------
    >>> G = LazyGraph({"a": {"kind": "country"}, "b": {"kind": "mineral"}},
    ...               {"a": {"b": {"b": {"share": 0.5}}}}, {"hash": "x"})
    >>> "a" in G, G.nodes["b"]["kind"], list(G.edges(keys=True))
    (True, 'mineral', [('a', 'b', 'b')])
    >>> G.to_networkx().number_of_edges()
    1
    """

    def __init__(self, node: dict, succ: dict, graph: dict | None = None):
        self._node = node
        # Every node has an entry, as in networkx, so that adjacency() lists all.
        self._succ = {n: succ.get(n, {}) for n in node}
        self._pred: dict | None = None
        self._nx: Any = None
        self.graph = {} if graph is None else graph

    # --- the real graph, built on first need ---------------------------------
    def to_networkx(self) -> Any:
        """The ``networkx.MultiDiGraph``, built once, sharing the attribute dicts."""
        if self._nx is None:
            import networkx as nx

            G = nx.MultiDiGraph()
            G.graph = self.graph
            for n, attrs in self._node.items():
                G.add_node(n)
                G._node[n] = attrs
            succ, pred = G._succ, G._pred
            for u, targets in self._succ.items():
                for v, keyed in targets.items():
                    # One key dict shared by both maps, as MultiDiGraph.add_edge does.
                    succ[u][v] = pred[v][u] = keyed
            clear_cache = getattr(nx, "_clear_cache", None)
            if clear_cache is not None:
                clear_cache(G)
            self._nx = G
        return self._nx

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class does not define: networkx answers it.
        if name.startswith("__") or name in _OWN:
            raise AttributeError(name)
        return getattr(self.to_networkx(), name)

    # --- what a what-if reads ----------------------------------------------
    @property
    def nodes(self) -> Any:
        if self._nx is not None:
            return self._nx.nodes
        return _NodeView(self._node)

    def __contains__(self, n: object) -> bool:
        return n in self._nx if self._nx is not None else n in self._node

    def __iter__(self) -> Iterator:
        return iter(self._nx if self._nx is not None else self._node)

    def __len__(self) -> int:
        return len(self._nx if self._nx is not None else self._node)

    def __getitem__(self, n: Any) -> Any:
        return self.to_networkx()[n]

    def number_of_nodes(self) -> int:
        return len(self)

    def number_of_edges(self) -> int:
        if self._nx is not None:
            return self._nx.number_of_edges()
        return sum(len(keyed) for targets in self._succ.values() for keyed in targets.values())

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def has_node(self, n: Any) -> bool:
        return n in self

    def adjacency(self) -> Iterator:
        if self._nx is not None:
            return self._nx.adjacency()
        return iter(self._succ.items())

    @property
    def edges(self) -> Any:
        if self._nx is not None:
            return self._nx.edges
        return _EdgeView(self, self._edges)

    @property
    def out_edges(self) -> Any:
        if self._nx is not None:
            return self._nx.out_edges
        return _EdgeView(self, self._out_edges)

    @property
    def in_edges(self) -> Any:
        if self._nx is not None:
            return self._nx.in_edges
        return _EdgeView(self, self._in_edges, reverse=True)

    def _edges(self, nbunch: Any = None, data: Any = False, keys: bool = False, default=None):
        if nbunch is not None:
            return self.to_networkx().edges(nbunch, data=data, keys=keys, default=default)
        return _edges(self._succ.items(), data, keys, default, reverse=False)

    def _out_edges(self, nbunch: Any = None, data: Any = False, keys: bool = False, default=None):
        if nbunch is not None and nbunch not in self._node:  # many nodes, or an error
            return self.to_networkx().out_edges(nbunch, data=data, keys=keys, default=default)
        items = self._succ.items() if nbunch is None else [(nbunch, self._succ[nbunch])]
        return _edges(items, data, keys, default, reverse=False)

    def _in_edges(self, nbunch: Any = None, data: Any = False, keys: bool = False, default=None):
        if nbunch is not None and nbunch not in self._node:
            return self.to_networkx().in_edges(nbunch, data=data, keys=keys, default=default)
        pred = self._predecessors()
        items = pred.items() if nbunch is None else [(nbunch, pred[nbunch])]
        return _edges(items, data, keys, default, reverse=True)

    def successors(self, n: Any) -> Iterator:
        if self._nx is not None or n not in self._node:
            return self.to_networkx().successors(n)
        return iter(self._succ[n])

    def predecessors(self, n: Any) -> Iterator:
        if self._nx is not None or n not in self._node:
            return self.to_networkx().predecessors(n)
        return iter(self._predecessors()[n])

    def _predecessors(self) -> dict:
        if self._pred is None:
            pred: dict = {n: {} for n in self._node}
            for u, targets in self._succ.items():
                for v, keyed in targets.items():
                    pred[v][u] = keyed
            self._pred = pred
        return self._pred


#: Attributes of a LazyGraph (or TableGraph) itself: never looked up in networkx.
_OWN = frozenset(("_node", "_succ", "_pred", "_nx", "graph", "_columns", "_records", "_built"))


class TableGraph(LazyGraph):
    """A ``LazyGraph`` whose edges stay columns until something asks for them one by one.

    ``graph.load(folder, lazy=True)`` of a dataset in tables returns one
    (``graph.build.build_lazy``): the nodes are dicts as usual, but a million
    edges are not turned into a million dicts, nor a networkx graph. While
    no edge has been asked for, ``edge_columns()`` gives the columns (``from``,
    ``to``, ``kind``, ``commodity``, ``share``, ``spare``, ``ramp_days``, ...;
    None for a field no row gives) and ``analysis.compiled.compile_graph``
    compiles from them directly. The first question about edges (``G.edges``,
    ``G.adjacency()``, ...) makes the dicts, exactly as ``graph.build.build``
    makes them, and from then on ``edge_columns()`` is None: the dicts may
    change, the columns would not follow.

    Examples
    --------
    >>> columns = {"from": ["a"], "to": ["b"], "kind": ["supplies"], "share": [0.5]}
    >>> def records():
    ...     yield "a", "b", "b", {"kind": "supplies", "share": 0.5}
    >>> G = TableGraph({"a": {"kind": "country"}, "b": {"kind": "mineral"}}, columns, records)
    >>> G.number_of_edges(), G.edge_columns()["share"]
    (1, [0.5])
    >>> list(G.edges(data="share")), G.edge_columns()
    ([('a', 'b', 0.5)], None)
    """

    def __init__(
        self,
        node: dict,
        columns: dict[str, list | None],
        records: Callable[[], Iterator[tuple[str, str, str, dict]]],
        graph: dict | None = None,
    ):
        self._node = node
        self._columns: dict | None = columns
        self._records: Callable | None = records
        self._built: dict | None = None
        self._pred = None
        self._nx = None
        self.graph = {} if graph is None else graph

    @property
    def _succ(self) -> dict:
        if self._built is None:
            succ: dict = {n: {} for n in self._node}
            for u, v, key, attrs in self._records():
                keydict = succ[u].get(v)
                if keydict is None:
                    keydict = succ[u][v] = {}
                keydict[key] = attrs
            self._built, self._columns, self._records = succ, None, None
        return self._built

    def edge_columns(self) -> dict[str, list | None] | None:
        """The edges as columns, in file order, or None once they are dicts."""
        return self._columns if self._nx is None else None

    def number_of_edges(self) -> int:
        if self._nx is None and self._columns is not None:
            return len(self._columns["from"])
        return super().number_of_edges()


def _edges(items: Any, data: Any, keys: bool, default: Any, *, reverse: bool) -> list:
    """Edges as networkx lists them: ``(u, v[, key][, data])``, in adjacency order."""
    out = []
    for a, others in items:
        for b, keyed in others.items():
            u, v = (b, a) if reverse else (a, b)
            for key, attrs in keyed.items():
                head = (u, v, key) if keys else (u, v)
                if data is True:
                    out.append((*head, attrs))
                elif data is False:
                    out.append(head)
                else:
                    out.append((*head, attrs.get(data, default)))
    return out


class _EdgeView:
    """``G.edges`` (or ``out_edges``, ``in_edges``) of a ``LazyGraph``, as networkx has it.

    Called, it lists edges; ``G.edges[u, v, key]`` is an edge's attributes;
    iterated, it gives ``(u, v, key)``; ``len`` counts the edges.
    """

    def __init__(self, G: LazyGraph, listing: Callable, *, reverse: bool = False):
        self._G, self._listing = G, listing

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._listing(*args, **kwargs)

    def __getitem__(self, edge: tuple) -> dict:
        u, v, *key = edge
        keyed = self._G._succ[u][v]
        return keyed[key[0]] if key else keyed

    def __iter__(self) -> Iterator:
        return iter(self._listing(keys=True))

    def __len__(self) -> int:
        return self._G.number_of_edges()

    def __contains__(self, edge: object) -> bool:
        if not isinstance(edge, tuple) or len(edge) not in (2, 3):
            return False
        u, v, *key = edge
        keyed = self._G._succ.get(u, {}).get(v)
        return keyed is not None and (not key or key[0] in keyed)

    def data(self, data: Any = True, default: Any = None, keys: bool = False) -> Any:
        return self._listing(data=data, default=default, keys=keys)


class _NodeView:
    """``G.nodes`` of a ``LazyGraph``: ``G.nodes[n]``, ``G.nodes(data=True)``, ``n in``, ``len``."""

    def __init__(self, node: dict):
        self._node = node

    def __getitem__(self, n: Any) -> dict:
        return self._node[n]

    def __contains__(self, n: object) -> bool:
        return n in self._node

    def __iter__(self) -> Iterator:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __call__(self, data: Any = False, default: Any = None) -> Any:
        if data is False:
            return self
        if data is True:
            return list(self._node.items())
        return [(n, attrs.get(data, default)) for n, attrs in self._node.items()]

    def items(self) -> Any:
        return self._node.items()

    def data(self, data: Any = True, default: Any = None) -> Any:
        return self(data=data, default=default)
