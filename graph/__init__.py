"""chokegraph's data side: curated YAML or tables in, a networkx graph out.

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
    source, year, confidence, note   provenance
    where           "FILE:LINE:COL" of the node's definition

Edges (``u -> v``), keyed by the commodity for supplies edges and by
``"controls"`` for controls edges:
    kind            "supplies" | "controls"
    commodity       what flows (None on a controls edge)
    share           float; controls default 1.0
    range           (low, high) or None
    source, year, confidence, note, where

Graph attributes ``G.graph``:
    sources         {source id: {"title": ..., "author": ..., ...}}
    groups          {group name: sorted list of member commodities}
    commodities     sorted list of every commodity in the dataset
    path, hash, version, loaded_at   provenance of the data that made the graph
"""

from __future__ import annotations

__all__ = [
    "bundled_path",
    "expand_commodities",
    "from_dict",
    "load",
    "resolve_commodity",
    "resolve_node",
]

from graph._paths import bundled_path
from graph.load import from_dict, load
from graph.lookup import expand_commodities, resolve_commodity, resolve_node
