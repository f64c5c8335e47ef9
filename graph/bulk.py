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

from graph.schema import CONFIDENCES, EDGE_KINDS, NODE_KINDS, RESERVED_NAMES

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
    ):
        return None
    country = np.array([k == "country" for k in kinds], dtype=bool)
    located = np.array(nd["country"], dtype=object)
    has_country = located != None  # noqa: E711 (elementwise)
    has_name = np.array(named, dtype=object) != None  # noqa: E711 (elementwise)
    has_inputs = np.array([bool(x) for x in nd["inputs"]], dtype=bool)
    if (country & (has_country | has_name | has_inputs)).any():
        return None
    countries = set(located[has_country].tolist())
    if any(c not in row_of or kinds[row_of[c]] != "country" for c in countries):
        return None
    for column in ("value", "stockpile_days"):
        values = nd[column]
        number = np.array(values, dtype=np.float64)
        given = np.array([x is not None for x in values], dtype=bool)
        if (given & ~(number >= 0)).any():
            return None

    output = [
        None if c else (n if n is not None else i)
        for i, n, c in zip(ids, named, country, strict=True)
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
    inputs = []
    for i in np.flatnonzero(has_inputs):
        for commodity, settings in nd["inputs"][i].items():
            inputs.append((int(i), commodity))
            low_high = [settings.get("dependence"), settings.get("substitutable")]
            if any(x is not None and not 0 <= x <= 1 for x in low_high):
                return None
            days = settings.get("stockpile_days")
            if days is not None and not days >= 0:
                return None
    return row_of, output, first_output, inputs


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
    output = np.array([*outputs, None], dtype=object)
    u = np.array([row_of.get(x, -1) for x in ed["from"]], dtype=np.int64)
    v = np.array([row_of.get(x, -1) for x in ed["to"]], dtype=np.int64)
    ku, kv = node_code[u], node_code[v]  # -1: unknown node, or one without a kind
    kinds = set(ed["kind"])
    kinds.discard(None)
    if (
        not kinds <= set(EDGE_KINDS)
        or (ku < 0).any()
        or (kv < 0).any()
        or (u == v).any()
        or ed["range"].count(None) != len(ed["range"])  # rare: left to the row walk
        or not _provenance_ok(ed, source_ids)
    ):
        return None
    kind = ed["kind"] if None not in ed["kind"] else [k or "supplies" for k in ed["kind"]]
    controls = np.array([k == "controls" for k in kind], dtype=bool)
    supplies = ~controls
    share = np.array(ed["share"], dtype=np.float64)  # None becomes NaN
    named = np.array(ed["commodity"], dtype=object)
    has_name = named != None  # noqa: E711 (elementwise)
    missing = np.isnan(share)
    in_range = (share > 0) & (share <= 1)  # False where missing
    ku_country, kv_country = ku == _KIND_CODE["country"], kv == _KIND_CODE["country"]
    from_country = supplies & ~has_name & ku_country
    if (
        (controls & ~missing & ~in_range).any()
        or (controls & ~ku_country).any()
        or (controls & has_name).any()
        or (supplies & ~in_range).any()  # also catches a missing share
        or (supplies & kv_country).any()
        or (from_country & (kv != _KIND_CODE["mineral"])).any()
    ):
        return None
    names = set(named[supplies & has_name].tolist())
    if any(name in RESERVED_NAMES or not slug.fullmatch(name) for name in names):
        return None

    flow = named.copy()
    flow[from_country] = output[v[from_country]]
    from_other = supplies & ~has_name & ~ku_country
    flow[from_other] = output[u[from_other]]
    flow[controls] = None
    if (flow[supplies] == None).any():  # noqa: E711 (elementwise)
        return None
    flow_code = pd.factorize(flow, use_na_sentinel=True)[0]  # None is -1

    # No two edges with the same from, to, kind and commodity.
    keys = pd.DataFrame({"u": u, "v": v, "controls": controls, "flow": flow_code})
    if keys.duplicated().any():
        return None
    # Shares into one consumer of one commodity add up to at most the limit.
    # Where a total comes near it, it is added again one share at a time in
    # file order, exactly as the row walk adds, so that both agree to the bit.
    inputs, which = np.unique(
        v[supplies] * (flow_code.max(initial=0) + 1) + flow_code[supplies], return_inverse=True
    )
    supplied = share[supplies]
    totals = np.bincount(which, weights=supplied, minlength=inputs.size)
    near = np.flatnonzero(totals > share_limit - 1e-9)
    if near.size:
        rows = np.flatnonzero(np.isin(which, near))
        exact: dict[int, float] = {}
        for group, x in zip(which[rows].tolist(), supplied[rows].tolist(), strict=True):
            exact[group] = exact.get(group, 0.0) + x
        if any(total > share_limit for total in exact.values()):
            return None

    shares = list(ed["share"])
    for i in np.flatnonzero(controls & missing):
        shares[i] = 1.0
    rows = np.flatnonzero(supplies & has_name)
    codes, uniques = pd.factorize(named[rows])
    first = np.unique(codes, return_index=True)[1]
    first_named = {name: int(rows[j]) for name, j in zip(uniques, first, strict=True)}
    return list(kind), flow.tolist(), shares, first_named


def _provenance_ok(ed: Mapping[str, list], source_ids: Set[str]) -> bool:
    sources = set(ed["source"])
    sources.discard(None)
    confidences = set(ed["confidence"])
    confidences.discard(None)
    return sources <= source_ids and confidences <= set(CONFIDENCES)
