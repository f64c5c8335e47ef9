"""The groups rules: names are slugs, not reserved, not commodities, defined once; members exist."""

from __future__ import annotations

import bisect

from graph.lookup import did_you_mean
from graph.records import Columns, YamlLocator
from graph.rules.common import SLUG, Run, slug_message
from graph.schema import RESERVED_NAMES


def check_groups(G: Columns, commodities: set[str], run: Run) -> dict[str, set[str]]:
    """Group names are slugs, not reserved, not commodities, defined once; members exist."""
    groups: dict[str, set[str]] = {}
    group_first: dict[str, tuple[int, int]] = {}  # name -> (segment, row)
    reported_twice: set[tuple[str, int]] = set()
    for i, (name, member) in enumerate(zip(G.data["group"], G.data["member"], strict=True)):
        segment = bisect.bisect_right(G.starts, i) - 1
        if name is None:
            continue
        if name not in group_first:
            group_first[name] = (segment, i)
            groups[name] = set()
            check_group_name(G, i, name, commodities, run)
        elif group_first[name][0] != segment and isinstance(G.locators[segment], YamlLocator):
            if (name, segment) not in reported_twice:
                reported_twice.add((name, segment))
                run.add(
                    G.problem(
                        i,
                        "group",
                        f"group {name!r} is defined twice (first at "
                        f"{G.where(group_first[name][1])}): define each group once",
                    )
                )
            continue
        if member is None:
            continue
        if member not in commodities:
            run.add(
                G.problem(
                    i,
                    "member",
                    f"group {name!r} names {member!r}, which is not a commodity of the dataset"
                    f"{did_you_mean(member, commodities)}: fix the name, or add a node or "
                    "edge that carries it",
                )
            )
        groups[name].add(member)
    return groups


def check_group_name(G: Columns, i: int, name: str, commodities: set[str], run: Run) -> None:
    if not SLUG.fullmatch(name):
        run.add(G.problem(i, "group", slug_message("group name", name)))
    elif name in RESERVED_NAMES:
        run.add(G.problem(i, "group", f"{name!r} is a reserved word, not a group name: rename it"))
    elif name in commodities:
        N_or_E, j = run.commodity_where[name]
        run.add(
            G.problem(
                i,
                "group",
                f"group {name!r} has the name of a commodity (at {N_or_E.where(j)}): "
                "rename the group",
            )
        )
