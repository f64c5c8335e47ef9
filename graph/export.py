"""Write a graph back out as a dataset: a mapping, a YAML file, or tables.

``to_dict(G)`` gives the dataset mapping (the YAML shape) of a graph, with
defaults left out, so that ``from_dict(to_dict(G))`` builds the same graph.
``write_yaml`` and ``write_tables`` write such a mapping atomically.

Examples
--------
>>> import graph, tempfile, pathlib
>>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"}]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "data.yaml"
>>> _ = write_yaml(to_dict(G), path)
>>> graph.load(path).nodes["chn"]["kind"]
'country'
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from graph.errors import ChokegraphError
from graph.files import write_atomic, write_folder
from graph.schema import (
    Edge,
    Inputs,
    Node,
    Source,
    field_names,
    nested,
    numbers,
    rules,
    whole_numbers,
)


def to_dict(G: nx.MultiDiGraph) -> dict:
    """Return the dataset mapping (sources, groups, nodes, edges) of a graph.

    Fields equal to their default are left out (a name equal to the id, a
    commodity equal to the default, ``dependence: 1``, ...); empty sections
    are left out.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({
    ...     "nodes": [{"id": "chn", "kind": "country"}, {"id": "gallium", "kind": "mineral"}],
    ...     "edges": [{"from": "chn", "to": "gallium", "share": 0.98}],
    ... })
    >>> to_dict(G)["edges"]
    [{'from': 'chn', 'to': 'gallium', 'share': 0.98}]
    """
    sources = [
        {k: v for k, v in s.items() if k != "where" and v is not None}
        for s in G.graph.get("sources", {}).values()
    ]
    groups = {name: list(members) for name, members in G.graph.get("groups", {}).items()}
    nodes = [_node_record(n, d) for n, d in G.nodes(data=True)]
    edges = [_edge_record(G, u, v, d) for u, v, d in G.edges(data=True)]
    data = {"sources": sources, "groups": groups, "nodes": nodes, "edges": edges}
    return {k: v for k, v in data.items() if v}


def _node_record(n: str, d: Mapping) -> dict:
    rec: dict[str, Any] = {"id": n, "kind": d["kind"]}
    for key in field_names(Node)[2:]:
        x = d.get(key)
        if key == "name":
            if x not in (None, n):
                rec[key] = x
        elif key == "commodity":
            if d["kind"] != "country" and x not in (None, n):
                rec[key] = x
        elif key == "inputs":
            if x:
                rec[key] = {commodity: _input_record(s) for commodity, s in x.items()}
        elif x is not None:
            rec[key] = _plain(x)
    return rec


def _input_record(settings: Mapping) -> dict:
    """One input's settings, without those equal to the default ``graph.build`` fills in."""
    out = {}
    for key, rule in rules(Inputs).items():
        x = settings.get(key)
        if x is not None and x != rule.default:
            out[key] = _plain(x)
    return out


def _plain(x: Any) -> Any:
    """A value as the YAML shape writes it: a ``(low, high)`` range as a list."""
    return list(x) if isinstance(x, tuple) else x


def _edge_record(G: nx.MultiDiGraph, u: str, v: str, d: Mapping) -> dict:
    rec: dict[str, Any] = {"from": u, "to": v}
    if d["kind"] == "controls":
        rec["kind"] = "controls"
    else:
        supplier, consumer = G.nodes[u], G.nodes[v]
        if supplier["kind"] == "country":
            default = consumer["commodity"] if consumer["kind"] == "mineral" else None
        else:
            default = supplier["commodity"]
        if d["commodity"] != default:
            rec["commodity"] = d["commodity"]
    rec["share"] = d["share"]
    for key in field_names(Edge):
        if key not in rec and key not in ("kind", "commodity") and d.get(key) is not None:
            rec[key] = _plain(d[key])
    return rec


class _FlowDict(dict):
    """A record written on one line, as in the hand-written files."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _FlowDict,
    lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True),
)


def to_yaml(data: Mapping, *, schema: str | None = None) -> str:
    """Return a dataset mapping as YAML text: one line per edge and per simple record.

    ``schema``, when given, adds a ``# yaml-language-server: $schema=...`` line
    so that editors check the file against the JSON Schema.

    Examples
    --------
    >>> print(to_yaml({"edges": [{"from": "chn", "to": "gallium", "share": 0.98}]}), end="")
    edges:
    - {from: chn, to: gallium, share: 0.98}
    """
    flowed = {
        key: [_FlowDict(r) for r in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    body = yaml.dump(
        flowed,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=1_000_000,
    )
    header = f"# yaml-language-server: $schema={schema}\n" if schema else ""
    return header + body


def write_yaml(data: Mapping, path: str | os.PathLike, *, schema: str | None = None) -> Path:
    """Write a dataset mapping to a YAML file, atomically; return the path."""
    return write_atomic(path, to_yaml(data, schema=schema))


def _table_rows(data: Mapping) -> dict[str, tuple[list[str], list[dict]]]:
    nodes = [_json_cells(n, nested(Node)) for n in data.get("nodes", [])]
    edges = [_json_cells(e, nested(Edge)) for e in data.get("edges", [])]
    groups = [
        {"group": name, "member": member}
        for name, members in data.get("groups", {}).items()
        for member in (members or [None])
    ]
    tables = {
        "nodes": (field_names(Node), nodes, ("id", "kind")),
        "edges": (field_names(Edge), edges, ("from", "to")),
        "sources": (field_names(Source), list(data.get("sources", [])), ("id",)),
        "groups": (["group", "member"], groups, ("group", "member")),
    }
    out = {}
    for name, (fields, rows, required) in tables.items():
        if not rows and name in ("sources", "groups"):
            continue
        used = [f for f in fields if f in required or any(r.get(f) is not None for r in rows)]
        out[name] = (used, rows)
    return out


def _json_cells(record: Mapping, names: list[str]) -> dict:
    """A record with its lists and mappings as JSON text, as a table cell holds them."""
    cells = {name: json.dumps(_plain(record[name])) for name in names if record.get(name)}
    return {**record, **dict.fromkeys([n for n in names if n not in cells]), **cells}


def _csv_cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(x)
    return str(x)


def write_tables(
    data: Mapping,
    folder: str | os.PathLike,
    fmt: str = "csv",
    *,
    inputs: Iterable[str | os.PathLike] = (),
    force: bool = False,
) -> list[Path]:
    """Write a dataset mapping as tables (see ``graph.tables``); return the files.

    The folder is written whole (``graph.files.write_folder``): staged beside
    it and swapped in, so a full disk never leaves half of it, and tables of
    an earlier write that the new one lacks do not linger. A folder holding
    files chokegraph did not write there (a user's curated tables) is
    refused unless ``force``.

    Parameters
    ----------
    data : mapping
        A dataset mapping, e.g. from ``to_dict(G)``.
    folder : str or path-like
        Created if missing (its parent must exist). ``nodes`` and ``edges``
        are always written, ``sources`` and ``groups`` when not empty.
    fmt : {"csv", "parquet"}
    inputs : paths
        The command's inputs: a folder that is or holds one is refused.
    force : bool
        Replace a folder that holds other files.

    Examples
    --------
    >>> import graph, tempfile
    >>> G = graph.from_dict({"nodes": [{"id": "chn", "kind": "country"}]})
    >>> [p.name for p in write_tables(to_dict(G), tempfile.mkdtemp())]
    ['nodes.csv', 'edges.csv']
    """
    if fmt not in ("csv", "parquet"):
        raise ChokegraphError(f"unknown table format {fmt!r}: use csv or parquet")
    files = {}
    for name, (columns, rows) in _table_rows(data).items():
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_csv_cell(r.get(c)) for c in columns] for r in rows)
            files[f"{name}.{fmt}"] = buf.getvalue().encode("utf-8")
        else:
            files[f"{name}.{fmt}"] = _parquet_bytes(columns, rows)
    return write_folder(folder, files, inputs=inputs, force=force)


def _parquet_bytes(columns: list[str], rows: list[dict]) -> bytes:
    import pandas as pd

    floats = {*numbers(Node), *numbers(Edge)}
    whole = {*whole_numbers(Source), *whole_numbers(Node), *whole_numbers(Edge)}
    frame = pd.DataFrame({c: [r.get(c) for r in rows] for c in columns})
    for c in columns:
        if c in floats:
            frame[c] = frame[c].astype("float64")
        elif c in whole:
            frame[c] = frame[c].astype("Int64")
        else:
            frame[c] = frame[c].astype(object)
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()
