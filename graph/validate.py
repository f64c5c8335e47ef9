"""Every rule a dataset must satisfy, checked across all of its files at once.

YAML files and tables are both turned into the same column form
(``Columns``: one list per field, one position per row), then checked here
by one set of rules with one set of messages. Every problem is collected and
returned, located at the offending value; nothing stops at the first.

The rules live in ``graph.rules``, one module per family (``sources``,
``nodes``, ``edges``, ``groups``; what they share in ``common``), one
function per rule, called in order by ``check`` (sources, nodes, edges,
share sums, inputs, groups); each message says what to do:

- ids of nodes and sources, commodity and group names are lowercase slugs
  ``[a-z0-9][a-z0-9._-]*``, unique across the dataset;
- a node's ``kind`` is one of ``NODE_KINDS``; its ``country`` names a country
  node and is not set on a country node, which also has no ``commodity`` or
  ``inputs`` (a country supplies, it does not consume);
- an edge's ``from`` and ``to`` name nodes, and differ; its ``kind`` is
  ``supplies`` or ``controls``; a ``controls`` edge starts at a country and
  names no commodity; a ``supplies`` edge has a ``share``, does not end at a
  country, and if it starts at a country either ends at a mineral or names a
  ``commodity``; no two edges have the same from, to, kind and commodity;
- numbers lie within the limits ``graph.schema`` declares for them
  (supplies and controls shares in (0, 1], dependence, substitutable, spare
  and wgi in [0, 1], value, price, stockpile days, ramp days and quantity
  >= 0); a supplies share may be 0 on an edge with spare > 0;
- a field is carried only by the kinds its declaration allows (``country``,
  ``commodity`` and ``inputs`` not by a country, ``wgi`` only by a country,
  ``spare``, ``spare_range`` and ``ramp_days`` only by a supplies edge);
- every ``[low, high]`` field (``range`` of the share, ``spare_range``,
  ``dependence_range``, ...) has low <= high within the limits of its number
  and holds the value the model uses for it (its default when absent);
- for every consumer and commodity, supplies shares add up to at most 1
  (within ``SHARE_TOLERANCE``);
- ``source`` names an entry of ``sources``; ``confidence`` is ``reported``,
  ``estimate`` or ``recalled``;
- group members and the keys of ``inputs`` are commodities of the dataset
  (its nodes' output commodities and its edges' ``commodity`` values); a
  group does not share its name with a commodity; ``all`` and ``controls``
  name neither.

Examples
--------
>>> import graph
>>> graph.from_dict({"nodes": [{"id": "chn", "kind": "country"}]}).nodes["chn"]["kind"]
'country'
"""

from __future__ import annotations

from graph.errors import Problem
from graph.records import Dataset, Resolved
from graph.rules.common import SHARE_TOLERANCE, Run
from graph.rules.edges import check_edges, check_share_sums
from graph.rules.groups import check_groups
from graph.rules.nodes import check_inputs_named, check_node, check_node_ids
from graph.rules.sources import check_sources

__all__ = ["BULK_FROM", "SHARE_TOLERANCE", "check"]

#: From this many rows on, a table's rows are first checked on whole columns
#: (``graph.bulk``); below it the row walk is quicker than importing pandas.
BULK_FROM = 20_000


def check(ds: Dataset) -> tuple[list[Problem], Resolved]:
    """Apply every rule to a dataset; return the problems and the resolved values.

    The rule families run in this order, which is the order of the messages.

    Examples
    --------
    >>> from graph.records import TableLocator
    >>> ds = Dataset()
    >>> ds.nodes.extend({"id": ["Chn"], "kind": ["country"]}, 1, TableLocator("n.csv", ["id"]))
    >>> problem = check(ds)[0][0]
    >>> problem.line, problem.message[:30]
    (2, "node id 'Chn' is not a lowerca")
    """
    run = Run(problems=list(ds.problems), bulk_from=BULK_FROM)
    check_sources(ds.sources, run)
    check_node_ids(ds.nodes, run)
    if not run.bulk:
        for i in range(ds.nodes.n):
            check_node(ds.nodes, i, run)
    edges = check_edges(ds.edges, ds.nodes.data["kind"], run)
    check_share_sums(ds.edges, edges, run)
    commodities = set(run.commodity_where)
    check_inputs_named(ds.nodes, commodities, run)
    groups = check_groups(ds.groups, commodities, run)
    resolved = Resolved(
        node_commodity=run.node_commodity,
        edge_kind=edges.kind,
        edge_commodity=edges.commodity,
        edge_share=edges.share,
        commodities=sorted(commodities),
        groups={name: sorted(members) for name, members in sorted(groups.items())},
    )
    return run.problems, resolved
