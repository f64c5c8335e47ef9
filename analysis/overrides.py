"""Overrides: a scenario's changes to the data, applied to a copy for its own run.

A ``Change`` sets fields of a node, of one input of a node, or of a supplies
edge (DESIGN.md section 3b). Changes come from a scenario's ``set:`` list
(``changes_from_list``) or from the command line's ``--set`` (``parse_set``),
and ``apply_overrides`` applies them to a copy of the graph: the dataset is
written out as a mapping (``graph.export.to_dict``), changed, and built again
by ``graph.from_dict``, so that the changed data passes every rule of the
dataset, with the dataset's own messages. The user's graph and files are
never touched.

Examples
--------
>>> import graph
>>> G = graph.load()
>>> change = parse_set("jp-automotive:value=4.5e11")
>>> apply_overrides(G, [change]).nodes["jp-automotive"]["value"]
450000000000.0
>>> G.nodes["jp-automotive"]["value"] == 4.5e11
False
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.errors import DataError, Problem, ScenarioError
from graph.lookup import did_you_mean

if TYPE_CHECKING:  # networkx is imported only when a graph needs it
    import networkx as nx


@functools.cache
def allowed_fields() -> dict[str, tuple[str, ...]]:
    """What a change may set on a node, an input and an edge.

    The dataset's own fields (``graph.schema``), less the ones that say what
    a record is (its id, kind, ends) rather than a number or a note about it;
    ``commodity`` on an edge picks which edge is meant. Read on first use:
    the schema needs pydantic, which a what-if without changes never imports.

    Examples
    --------
    >>> allowed_fields()["input"][:3]
    ('dependence', 'dependence_range', 'substitutable')
    """
    from graph.schema import Edge, Inputs, Node, field_names

    return {
        "node": tuple(f for f in field_names(Node) if f not in ("id", "kind", "inputs")),
        "input": tuple(field_names(Inputs)),
        "edge": tuple(f for f in field_names(Edge) if f not in ("from", "to", "kind")),
    }


#: Where a change was written: ``(file, line, col)`` in a scenario file, or
#: the text of a ``--set`` argument.
Origin = tuple[str, int, int] | str | None

_SET = re.compile(r"^(?P<target>[^=]+?):(?P<field>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


@dataclass(frozen=True)
class Change:
    """One override: fields of a node, of one input of a node, or of a supplies edge.

    Parameters
    ----------
    node : str, optional
        The node changed (with ``input``: the consumer whose input is changed).
    input : str, optional
        The input commodity changed.
    edge : (str, str), optional
        ``(from, to)`` of the supplies edge changed; created with ``share: 0``
        if it does not exist.
    values : tuple of (field, value)
        What is set.
    origin : tuple or str, optional
        Where the change was written, for error messages.

    Examples
    --------
    >>> Change(node="jp-automotive", values=(("value", 4.5e11),)).to_dict()
    {'node': 'jp-automotive', 'value': 450000000000.0}
    """

    node: str | None = None
    input: str | None = None
    edge: tuple[str, str] | None = None
    values: tuple[tuple[str, Any], ...] = ()
    origin: Origin = None

    def to_dict(self) -> dict[str, Any]:
        """The change as written in a scenario's ``set:`` (and echoed in JSON)."""
        out: dict[str, Any] = {}
        if self.edge is not None:
            out["edge"] = list(self.edge)
        else:
            out["node"] = self.node
            if self.input is not None:
                out["input"] = self.input
        out.update(self.values)
        return out

    def fail(self, message: str) -> Exception:
        """The error for this change: located in its file, or naming its ``--set``."""
        if isinstance(self.origin, tuple):
            return DataError([Problem(*self.origin, message)])
        if isinstance(self.origin, str):
            return ScenarioError(f"--set {self.origin!r}: {message}")
        return ScenarioError(message)


def _allowed(change: Change) -> tuple[str, tuple[str, ...]]:
    fields = allowed_fields()
    if change.edge is not None:
        return "an edge", fields["edge"]
    if change.input is not None:
        return "an input", fields["input"]
    return "a node", fields["node"]


def _check_fields(change: Change) -> Change:
    what, allowed = _allowed(change)
    if not change.values:
        raise change.fail(f"the change sets nothing: name a field of {what} ({', '.join(allowed)})")
    for name, _ in change.values:
        if name not in allowed:
            raise change.fail(
                f"unknown field {name!r} for {what}{did_you_mean(name, allowed)}; "
                f"allowed: {', '.join(allowed)}"
            )
    return change


def _scalar(text: str) -> Any:
    """A ``--set`` value: a number, ``null``, ``true``/``false``, or text."""
    text = text.strip()
    if text in ("null", "~", ""):
        return None
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.startswith("[") and text.endswith("]"):  # a range: [low, high]
        return [_scalar(x) for x in text[1:-1].split(",")]
    return text


def parse_set(text: str) -> Change:
    """One ``--set``: ``NODE:FIELD=V``, ``NODE:INPUT:FIELD=V`` or ``FROM->TO:FIELD=V``.

    Raises
    ------
    ScenarioError
        (a ``ValueError``) naming the argument, when it has none of the forms
        or names an unknown field.

    Examples
    --------
    >>> parse_set("lynas->jp-heavy-ree:spare=0.2").to_dict()
    {'edge': ['lynas', 'jp-heavy-ree'], 'spare': 0.2}
    >>> parse_set("jp-magnets:heavy-rare-earths:stockpile_days=180").to_dict()
    {'node': 'jp-magnets', 'input': 'heavy-rare-earths', 'stockpile_days': 180}
    >>> parse_set("jp-magnets:valeu=1")
    Traceback (most recent call last):
    ...
    graph.errors.ScenarioError: --set 'jp-magnets:valeu=1': unknown field ...
    """
    match = _SET.match(text)
    if match is None:
        raise ScenarioError(
            f"--set {text!r}: write NODE:FIELD=VALUE, NODE:INPUT:FIELD=VALUE or "
            "FROM->TO:FIELD=VALUE (e.g. --set jp-automotive:value=4.5e11)"
        )
    target, name, value = match["target"], match["field"], _scalar(match["value"])
    if "->" in target:
        u, _, v = target.partition("->")
        if not u or not v or ":" in target or "->" in v:
            raise ScenarioError(f"--set {text!r}: an edge is written FROM->TO, e.g. lynas->jp-ree")
        change = Change(edge=(u, v), values=((name, value),), origin=text)
    else:
        node, _, commodity = target.partition(":")
        if not node or ":" in commodity or (_ and not commodity):
            raise ScenarioError(f"--set {text!r}: write NODE:FIELD=V or NODE:INPUT:FIELD=V")
        change = Change(node=node, input=commodity or None, values=((name, value),), origin=text)
    return _check_fields(change)


def change_from_mapping(item: Any, origin: Origin = None) -> Change:
    """One entry of a scenario's ``set:`` list.

    ``{node: ID, field: value...}``, ``{node: ID, input: C, field:
    value...}`` or ``{edge: [FROM, TO], field: value...}``.

    Raises
    ------
    DataError or ScenarioError
        When the entry has neither ``node`` nor ``edge``, or an unknown field
        (located at ``origin``).

    Examples
    --------
    >>> change_from_mapping({"edge": ["lynas", "jp-ree"], "spare": 0.2, "ramp_days": 90}).values
    (('spare', 0.2), ('ramp_days', 90))
    """
    probe = Change(origin=origin)
    if not isinstance(item, Mapping):
        raise probe.fail("each entry of set must be a mapping, e.g. {node: ID, value: 1.0e9}")
    rest = {k: v for k, v in item.items() if k not in ("node", "input", "edge")}
    values = tuple(rest.items())
    if "edge" in item:
        edge = item["edge"]
        if "node" in item or "input" in item:
            raise probe.fail("a change names either an edge or a node, not both")
        if not (isinstance(edge, Sequence) and not isinstance(edge, str) and len(edge) == 2):
            raise probe.fail(f"edge must be [from, to], not {edge!r}")
        change = Change(edge=(str(edge[0]), str(edge[1])), values=values, origin=origin)
    elif "node" in item:
        node, commodity = item["node"], item.get("input")
        if not isinstance(node, str) or (commodity is not None and not isinstance(commodity, str)):
            raise probe.fail("node and input must be ids (text)")
        change = Change(node=node, input=commodity, values=values, origin=origin)
    else:
        raise probe.fail("a change names a node (node: ID) or an edge (edge: [FROM, TO])")
    return _check_fields(change)


# --------------------------------------------------------------------------- applying


def _node_record(data: dict, node: str, change: Change) -> dict:
    for record in data["nodes"]:
        if record["id"] == node:
            return record
    ids = [r["id"] for r in data["nodes"]]
    raise change.fail(f"unknown node {node!r}{did_you_mean(node, ids)}")


def _supplies_edges(data: dict, u: str, v: str) -> list[dict]:
    return [
        e
        for e in data["edges"]
        if e["from"] == u and e["to"] == v and e.get("kind", "supplies") == "supplies"
    ]


def _edge_commodity(G: nx.MultiDiGraph, record: Mapping) -> str | None:
    """What an exported supplies edge carries: its ``commodity``, else the default."""
    if record.get("commodity") is not None:
        return record["commodity"]
    supplier, consumer = G.nodes[record["from"]], G.nodes[record["to"]]
    return consumer["commodity"] if supplier["kind"] == "country" else supplier["commodity"]


def _apply_edge(data: dict, G: nx.MultiDiGraph, change: Change) -> None:
    u, v = change.edge
    for node in (u, v):
        _node_record(data, node, change)
    values = dict(change.values)
    edges = _supplies_edges(data, u, v)
    commodity = values.get("commodity")
    if commodity is not None:
        edges = [e for e in edges if _edge_commodity(G, e) == commodity]
    if len(edges) > 1:
        carried = sorted(k for k, d in G[u][v].items() if d["kind"] == "supplies")
        raise change.fail(
            f"{u} -> {v} carries several commodities ({', '.join(carried)}): "
            "name one with commodity: C"
        )
    if edges:
        _update(edges[0], values, "Edge")
    else:
        # An edge that did not exist: an alternative that delivers nothing today.
        data["edges"].append({"from": u, "to": v, "share": 0, **values})


def _apply_input(data: dict, G: nx.MultiDiGraph, change: Change) -> None:
    record = _node_record(data, change.node, change)
    consumed = sorted({d["commodity"] for _, _, d in G.in_edges(change.node, data=True)
                       if d["kind"] == "supplies"})  # fmt: skip
    if change.input not in consumed:
        known = ", ".join(consumed) or "none"
        raise change.fail(
            f"{change.node} has no input {change.input!r}"
            f"{did_you_mean(change.input, consumed)}; its inputs: {known}"
        )
    inputs = record.setdefault("inputs", {})
    entry = inputs.get(change.input) or {}
    _update(entry, dict(change.values), "Inputs")
    inputs[change.input] = entry


def _apply(data: dict, G: nx.MultiDiGraph, change: Change) -> None:
    if change.edge is not None:
        _apply_edge(data, G, change)
    elif change.input is not None:
        _apply_input(data, G, change)
    else:
        _update(_node_record(data, change.node, change), dict(change.values), "Node")


def _update(record: dict, values: dict, model: str) -> None:
    """Set ``values`` on ``record``; a value set outside its field's range drops the range.

    The range described how sure the data is of the old value; a change is
    the user's own assumption, so it is not held to it (set the range in the
    same change to keep one). Which field bounds which is the schema's
    (``bounds(...)``), read for the record's ``model`` (``Node``, ``Inputs``, ``Edge``).
    """
    for field, value in values.items():
        span = _range_of(model).get(field)
        low_high = record.get(span) if span is not None else None
        if span not in values and low_high is not None and isinstance(value, (int, float)):
            low, high = low_high
            if not low <= value <= high:
                del record[span]
    record.update(values)


@functools.cache
def _range_of(model: str) -> dict[str, str]:
    """``{field: its [low, high] field}`` for a schema model, e.g. ``{"share": "range"}``."""
    from graph import schema

    declared = schema.rules(getattr(schema, model))
    return {rule.bounds: name for name, rule in declared.items() if rule.bounds is not None}


def _rebuild(data: dict, change: Change | None = None) -> nx.MultiDiGraph:
    import graph

    try:
        return graph.from_dict(data, path="<overrides>")
    except DataError as exc:
        if change is None:
            raise
        messages = "; ".join(p.message for p in exc.problems)
        raise change.fail(f"the change breaks a rule of the data: {messages}") from None


def apply_overrides(G: nx.MultiDiGraph, changes: Iterable[Change]) -> nx.MultiDiGraph:
    """Return a copy of ``G`` with ``changes`` applied and checked by the dataset's rules.

    ``G`` itself is not changed. Where each node and edge was written
    (``where``) and the dataset's provenance are kept; ``G.graph["overrides"]``
    lists the changes.

    Raises
    ------
    DataError
        For a change from a scenario file: ``FILE:LINE:COL: error: ...``.
    ScenarioError
        For a ``--set`` change: ``--set 'TEXT': ...``. Both are ``ValueError``.

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> H = apply_overrides(G, [parse_set("fr-jp-ree-recycling->jp-ndfeb-magnets:spare=0.05")])
    >>> H.edges["fr-jp-ree-recycling", "jp-ndfeb-magnets", "light-rare-earths"]["share"]
    0.0
    """
    from graph.export import to_dict

    changes = list(changes)
    if not changes:
        return G
    data = to_dict(G)
    for change in changes:
        _apply(data, G, change)
    try:
        H = _rebuild(data)
    except DataError:
        # Find the change that breaks a rule, to point at it: one at a time.
        data = to_dict(G)
        for change in changes:
            _apply(data, G, change)
            _rebuild(data, change)
        raise
    _keep_provenance(G, H)
    H.graph["overrides"] = [c.to_dict() for c in changes]
    return H


def _keep_provenance(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    """Copy where each node and edge was written, and the dataset's provenance, from G to H."""
    for node, attrs in H.nodes(data=True):
        if node in G:
            attrs["where"] = G.nodes[node].get("where")
    for u, v, key, attrs in H.edges(keys=True, data=True):
        if G.has_edge(u, v, key):
            attrs["where"] = G.edges[u, v, key].get("where")
    for key in ("path", "hash", "version", "loaded_at"):
        if key in G.graph:
            H.graph[key] = G.graph[key]
