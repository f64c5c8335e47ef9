"""The node and edge rules on whole columns at once, for big tables.

``graph.validate.check`` walks the rows one by one, which names every
problem exactly but costs a few microseconds a row: seconds for a trade
network of a million edges. For big datasets it first asks ``clean_nodes``
and ``clean_edges``, which apply the same rules with numpy and pandas to
whole columns. When every row passes, that answer is final and the row walk
is skipped; when any rule might fail, they give up and the row walk runs to
name each problem with its file, line and column. Both give the same
resolved values (``tests/test_bulk.py`` checks them against each other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any

import numpy as np
import pandas as pd

from graph.schema import (
    CONFIDENCES,
    EDGE_KINDS,
    NODE_KINDS,
    RESERVED_NAMES,
    Edge,
    Inputs,
    Node,
    Rule,
    numbers,
    rules,
)

_KIND_CODE = {kind: code for code, kind in enumerate(NODE_KINDS)}


def clean_nodes(
    nd: Mapping[str, list], source_ids: Set[str], slug: Any
) -> tuple[dict[str, int], list[str | None], dict[str, int], list] | None:
    """Check every node at once; return what the edges need, or None if any rule may fail.

    Parameters
    ----------
    nd : mapping of column name to list
        The node columns of a dataset (``Columns.data``).
    source_ids : set of str
        The ids of the dataset's sources.
    slug : compiled regular expression
        What ids and commodity names must match.

    Returns
    -------
    tuple or None
        ``(row_of, output, first_output, inputs)``: the row of each node id,
        the commodity each node outputs (None for countries), the first row
        giving each output commodity, and ``(row, commodity)`` for every
        input named. None when some rule may fail.

    Examples
    --------
    >>> import re
    >>> nd = {"id": ["chn", "ga"], "kind": ["country", "mineral"], "country": [None, "chn"],
    ...       "commodity": [None, "gallium"], "value": [None, None],
    ...       "stockpile_days": [None, 30.0], "inputs": [None, None],
    ...       "source": [None, None], "confidence": [None, None]}
    >>> clean_nodes(nd, set(), re.compile("[a-z]+"))[:3]
    ({'chn': 0, 'ga': 1}, [None, 'gallium'], {'gallium': 1})
    """
    ids, kinds, named = nd["id"], nd["kind"], nd["commodity"]
    row_of = dict(zip(ids, range(len(ids)), strict=True))
    if (
        len(row_of) != len(ids)  # a duplicate id
        or None in row_of
        or not set(kinds) <= set(NODE_KINDS)
        or not all(map(slug.fullmatch, ids))
        or not _provenance_ok(nd, source_ids)
        or not _kinds_ok(nd, kinds, rules(Node))
        or not _numbers_ok(nd, numbers(Node))
    ):
        return None
    located = np.array(nd["country"], dtype=object)
    countries = set(located[located != None].tolist())  # noqa: E711 (elementwise)
    if any(c not in row_of or kinds[row_of[c]] != "country" for c in countries):
        return None
    output = [
        None if k == "country" else (n if n is not None else i)
        for i, n, k in zip(ids, named, kinds, strict=True)
    ]
    explicit = set(named)
    explicit.discard(None)
    if any(not slug.fullmatch(name) for name in explicit) or set(output) & set(RESERVED_NAMES):
        return None
    # Walked backwards, so that the row left for each commodity is its first.
    first_output = {
        name: i
        for name, i in reversed(list(zip(output, range(len(output)), strict=True)))
        if name is not None
    }
    inputs = _inputs_named(nd["inputs"])
    return None if inputs is None else (row_of, output, first_output, inputs)


def _holds(x: np.ndarray, rule: Rule) -> np.ndarray:
    """Where the numbers ``x`` lie within the rule's limits (False where NaN)."""
    ok = np.isfinite(x)
    if rule.low is not None:
        ok &= (x > rule.low) if rule.above_low else (x >= rule.low)
    if rule.high is not None:
        ok &= x <= rule.high
    return ok


def _numbers_ok(columns: Mapping[str, list], declared: Mapping[str, Rule]) -> bool:
    """Whether every number given in these columns lies within its declared limits."""
    for name, rule in declared.items():
        values = columns.get(name)
        if values is None or values.count(None) == len(values):
            continue
        number = np.array(values, dtype=np.float64)  # None becomes NaN
        given = np.array([x is not None for x in values], dtype=bool)
        if (given & ~_holds(number, rule)).any():
            return False
    return True


def _kinds_ok(columns: Mapping[str, list], kinds: Sequence[Any], declared: Mapping) -> bool:
    """Whether no record carries a field its kind may not carry (nor a range: rare)."""
    for name, rule in declared.items():
        values = columns.get(name)
        if values is None or values.count(None) == len(values):
            continue  # nobody gives it: the usual case, decided in C
        if rule.bounds is not None:
            return False  # rare: left to the row walk
        if rule.kinds is None:
            continue
        allowed = set(rule.kinds)
        wrong_kind = np.array([k not in allowed for k in kinds], dtype=bool)
        if not wrong_kind.any():
            continue
        given = np.array([x is not None and x != {} for x in values], dtype=bool)
        if (given & wrong_kind).any():
            return False
    return True


def _inputs_named(column: list) -> list[tuple[int, str]] | None:
    """``(row, commodity)`` of every input, or None if an input's number may fail."""
    declared = numbers(Inputs)
    ranged = [name for name, rule in rules(Inputs).items() if rule.bounds is not None]
    inputs = []
    for i, settings_of in enumerate(column):
        for commodity, settings in (settings_of or {}).items():
            inputs.append((i, commodity))
            for name, rule in declared.items():
                x = settings.get(name)
                if x is not None and not rule.holds(x):
                    return None
            if any(settings.get(name) is not None for name in ranged):
                return None  # rare: left to the row walk
    return inputs


def clean_edges(
    ed: Mapping[str, list],
    row_of: Mapping[str, int],
    node_kinds: Sequence[str | None],
    outputs: Sequence[str | None],
    source_ids: Set[str],
    slug: Any,
    share_limit: float,
) -> tuple[list[str], list[str | None], list[Any], dict[str, int]] | None:
    """Check every edge at once; return the resolved columns, or None if any may fail.

    Parameters
    ----------
    ed : mapping of column name to list
        The edge columns of a dataset (``Columns.data``).
    row_of : mapping of str to int
        The row of each node id.
    node_kinds, outputs : sequence
        Each node row's kind, and the commodity it outputs (None for countries).
    source_ids : set of str
        The ids of the dataset's sources.
    slug : compiled regular expression
        What a commodity name must match.
    share_limit : float
        The most the supplies shares of one input may add up to.

    Returns
    -------
    tuple or None
        ``(kind, commodity, share, first_named)``: each edge's kind, the
        commodity it carries (None for controls), its share (1.0 for a
        controls edge without one), and the first row naming each commodity
        in its ``commodity`` column. None when some rule may fail.

    Examples
    --------
    >>> import re
    >>> ed = {"from": ["chn"], "to": ["gallium"], "kind": [None], "commodity": [None],
    ...       "share": [0.98], "range": [None], "source": [None], "confidence": [None]}
    >>> rows = {"chn": 0, "gallium": 1}
    >>> clean_edges(ed, rows, ["country", "mineral"], [None, "gallium"], set(),
    ...             re.compile("[a-z]+"), 1.0)[:3]
    (['supplies'], ['gallium'], [0.98])
    """
    # Nodes as rows, so that every rule below is arithmetic on integer arrays
    # (row -1, an unknown node, reads the -1 kind and None output at the end).
    node_code = np.array([*(_KIND_CODE.get(k, -1) for k in node_kinds), -1])
    u, v = _rows(row_of, ed["from"]), _rows(row_of, ed["to"])
    ku, kv = node_code[u], node_code[v]  # -1: unknown node, or one without a kind
    kinds = set(ed["kind"])
    kinds.discard(None)
    if (
        not kinds <= set(EDGE_KINDS)
        or (ku < 0).any()
        or (kv < 0).any()
        or (u == v).any()
        or not _provenance_ok(ed, source_ids)
    ):
        return None
    kind = ed["kind"] if None not in ed["kind"] else [k or "supplies" for k in ed["kind"]]
    declared = rules(Edge)
    if not _kinds_ok(ed, kind, declared) or not _numbers_ok(ed, _EDGE_NUMBERS):
        return None
    controls = np.array([k == "controls" for k in kind], dtype=bool)
    share = np.array(ed["share"], dtype=np.float64)  # None becomes NaN
    named = np.array(ed["commodity"], dtype=object)
    if not _edge_rules_ok(ed, controls, share, named != None, ku, kv, declared):  # noqa: E711
        return None
    names = set(named[~controls & (named != None)].tolist())  # noqa: E711 (elementwise)
    if any(name in RESERVED_NAMES or not slug.fullmatch(name) for name in names):
        return None
    flow = _flows(named, controls, ku, u, v, np.array([*outputs, None], dtype=object))
    if flow is None:
        return None
    flow_code = pd.factorize(flow, use_na_sentinel=True)[0]  # None is -1
    # No two edges with the same from, to, kind and commodity.
    keys = pd.DataFrame({"u": u, "v": v, "controls": controls, "flow": flow_code})
    if keys.duplicated().any() or not _sums_ok(v, ~controls, flow_code, share, share_limit):
        return None
    shares = list(ed["share"])
    for i in np.flatnonzero(controls & np.isnan(share)):
        shares[i] = 1.0
    rows = np.flatnonzero(~controls & (named != None))  # noqa: E711 (elementwise)
    codes, uniques = pd.factorize(named[rows])
    first = np.unique(codes, return_index=True)[1]
    first_named = {name: int(rows[j]) for name, j in zip(uniques, first, strict=True)}
    return list(kind), flow.tolist(), shares, first_named


def _rows(row_of: Mapping[str, int], names: list) -> np.ndarray:
    """The row of each name (-1 where no node has it), hashed in C by pandas.

    A dict lookup per edge costs ten times as much at a million edges.
    """
    ids = pd.Index(list(row_of))
    rows = np.append(np.fromiter(row_of.values(), np.int64, len(row_of)), -1)
    return rows[ids.get_indexer(names)]  # -1 reads the -1 at the end


#: An edge's share is checked by its kind's rule (``_edge_rules_ok``).
_EDGE_NUMBERS = {k: r for k, r in numbers(Edge).items() if k != "share"}


def _edge_rules_ok(
    ed: Mapping[str, list],
    controls: np.ndarray,
    share: np.ndarray,
    has_name: np.ndarray,
    ku: np.ndarray,
    kv: np.ndarray,
    declared: Mapping[str, Rule],
) -> bool:
    """The rules of ``graph.rules.edges.check_controls`` and ``check_supplies``, on columns."""
    supplies = ~controls
    missing = np.isnan(share)
    in_range = _holds(share, declared["share"])  # False where missing
    spares = ed.get("spare")
    if spares is not None and spares.count(None) != len(spares):
        # A share of 0 is allowed where there is spare.
        spare = np.array(spares, dtype=np.float64)
        in_range |= (share == 0) & (spare > 0) & _holds(spare, declared["spare"])
    ku_country, kv_country = ku == _KIND_CODE["country"], kv == _KIND_CODE["country"]
    from_country = supplies & ~has_name & ku_country
    return not (
        (controls & ~missing & ~in_range).any()
        or (controls & ~ku_country).any()
        or (controls & has_name).any()
        or (supplies & ~in_range).any()  # also catches a missing share
        or (supplies & kv_country).any()
        or (from_country & (kv != _KIND_CODE["mineral"])).any()
    )


def _flows(
    named: np.ndarray,
    controls: np.ndarray,
    ku: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    output: np.ndarray,
) -> np.ndarray | None:
    """The commodity of each edge (as ``graph.rules.edges.edge_flow``), or None if one has none."""
    has_name = named != None  # noqa: E711 (elementwise)
    supplies = ~controls
    ku_country = ku == _KIND_CODE["country"]
    flow = named.copy()
    from_country = supplies & ~has_name & ku_country
    flow[from_country] = output[v[from_country]]
    from_other = supplies & ~has_name & ~ku_country
    flow[from_other] = output[u[from_other]]
    flow[controls] = None
    if (flow[supplies] == None).any():  # noqa: E711 (elementwise)
        return None
    return flow


def _sums_ok(
    v: np.ndarray, supplies: np.ndarray, flow_code: np.ndarray, share: np.ndarray, limit: float
) -> bool:
    """Whether the supplies shares into each consumer of each commodity stay within the limit.

    Where a total comes near it, it is added again one share at a time in
    file order, exactly as the row walk adds, so that both agree to the bit.
    """
    inputs, which = np.unique(
        v[supplies] * (flow_code.max(initial=0) + 1) + flow_code[supplies], return_inverse=True
    )
    supplied = share[supplies]
    totals = np.bincount(which, weights=supplied, minlength=inputs.size)
    near = np.flatnonzero(totals > limit - 1e-9)
    if not near.size:
        return True
    rows = np.flatnonzero(np.isin(which, near))
    exact: dict[int, float] = {}
    for group, x in zip(which[rows].tolist(), supplied[rows].tolist(), strict=True):
        exact[group] = exact.get(group, 0.0) + x
    return all(total <= limit for total in exact.values())


def _provenance_ok(ed: Mapping[str, list], source_ids: Set[str]) -> bool:
    sources = set(ed["source"])
    sources.discard(None)
    confidences = set(ed["confidence"])
    confidences.discard(None)
    return sources <= source_ids and confidences <= set(CONFIDENCES)
