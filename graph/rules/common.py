"""What the rule families share: the declared rules, the run's findings, the messages.

``Run`` carries what one family found to the next (the source ids, every
node's kind and output commodity, where each commodity is first named); the
helpers write the messages several families give (a number out of its
limits, a ``[low, high]`` range, a field on the wrong kind, an unknown node).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.errors import Problem
from graph.lookup import did_you_mean
from graph.records import Columns, show
from graph.schema import NODE_KINDS, RESERVED_NAMES, Edge, Inputs, Node, Rule, numbers, rules

SHARE_TOLERANCE = 1e-6
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
#: Suggestions are worked out for this many unknown names of each kind; past
#: that, a big table full of mistakes would spend its time in difflib.
MAX_SUGGESTIONS = 50

#: The declared rules of each record's fields (``graph.schema``), read once.
NODE_RULES = rules(Node)
EDGE_RULES = rules(Edge)
INPUT_RULES = rules(Inputs)
NODE_NUMBERS = numbers(Node)
INPUT_NUMBERS = numbers(Inputs)
#: An edge's share is checked by its kind's own rule (its meaning differs).
EDGE_NUMBERS = {k: r for k, r in numbers(Edge).items() if k != "share"}
KIND_BOUND = {k: r for k, r in NODE_RULES.items() if r.kinds is not None}
EDGE_KIND_BOUND = {k: r for k, r in EDGE_RULES.items() if r.kinds is not None}


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


@dataclass
class Run:
    """What the rules have found so far, shared from one rule family to the next."""

    problems: list[Problem]
    #: From this many rows on, a table is first checked on whole columns (``graph.bulk``).
    bulk_from: int
    source_ids: dict[str, int] = field(default_factory=dict)  # id -> first row
    node_first: dict[str, int] = field(default_factory=dict)
    node_kind: dict[str, str | None] = field(default_factory=dict)
    node_commodity: list[str | None] = field(default_factory=list)
    #: Where each commodity is first named: (columns, row).
    commodity_where: dict[str, tuple[Columns, int]] = field(default_factory=dict)
    inputs_to_check: list[tuple[int, str]] = field(default_factory=list)
    bulk: bool = False  # whether the node columns passed ``graph.bulk`` as a whole
    suggestions_left: dict[str, int] = field(
        default_factory=lambda: {"node": MAX_SUGGESTIONS, "source": MAX_SUGGESTIONS}
    )

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def suggest(self, what: str, name: Any, candidates: Iterable[str]) -> str:
        if self.suggestions_left[what] <= 0:
            return ""
        self.suggestions_left[what] -= 1
        return did_you_mean(name, candidates)


@dataclass
class Edges:
    """The resolved edge columns, and the supplies shares of each consumer and commodity."""

    kind: list[str] = field(default_factory=list)
    commodity: list[str | None] = field(default_factory=list)
    share: list[float] = field(default_factory=list)
    first: dict[tuple, int] = field(default_factory=dict)
    sums: dict[tuple[str, str], list] = field(default_factory=dict)  # -> [total, last row]


# --------------------------------------------------------------------------- messages


def unknown_node(C: Columns, i: int, fieldname: str, name: str, run: Run) -> None:
    hint = run.suggest("node", name, run.node_kind)
    run.add(
        C.problem(
            i, fieldname, f"{fieldname} {name!r} names no node{hint}: add the node or fix the id"
        )
    )


def not_on_kind(
    C: Columns, i: int, kind: Any, row: dict, bound: dict[str, Rule], what: str, run: Run
) -> set[str]:
    """Report the fields a record of this kind may not carry; return their names."""
    wrong = set()
    for name, rule in bound.items():
        x = row.get(name)
        if x is None or x == {} or kind is None or kind in rule.kinds:
            continue
        if what == "node" and kind not in NODE_KINDS:
            continue  # an unknown kind was reported already
        wrong.add(name)
        allowed = " or ".join(rule.kinds)
        message = rule.wrong_kind or (
            f"{name} is only for {allowed} {what}s, not for {article(kind)} {what}: remove it"
        )
        run.add(C.problem(i, name, message))
    return wrong


def value_used(x: Any, rule: Rule, absent: Any) -> Any:
    """The value the model uses for a number: ``x``; ``absent`` (or 0) when it is not given.

    None when ``x`` is out of range: that was reported, and no range is checked against it.
    """
    if x is None:
        return 0 if absent is None else absent
    return x if rule.holds(x) else None


def limit_message(label: str, x: Any, rule: Rule) -> str:
    """What to say of a number outside its declared limits."""
    if rule.high is None:
        below = "is negative" if rule.low == 0 else f"is below {show(rule.low)}"
        return f"{label} {show(x)} {below}: it must be >= {show(rule.low)}"
    if (rule.low, rule.high) == (0, 1):
        return f"{label} {show(x)} is out of range: it is a fraction in [0, 1]"
    return f"{label} {show(x)} is out of range: it lies in [{show(rule.low)}, {show(rule.high)}]"


def article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def slug_message(what: str, name: str) -> str:
    fixed = re.sub(r"[^a-z0-9._-]+", "-", name.strip().lower()).strip("-._")
    hint = f" such as {fixed!r}" if fixed and SLUG.fullmatch(fixed) else ""
    return (
        f"{what} {name!r} is not a lowercase slug [a-z0-9][a-z0-9._-]*: "
        f"use lowercase letters, digits, '.', '_' and '-'{hint}"
    )


def commodity_name_ok(C: Columns, i: int, fieldname: str, name: str, add: Any) -> bool:
    if name in RESERVED_NAMES:
        add(
            C.problem(
                i,
                fieldname,
                f"{name!r} is a reserved word and cannot name a commodity: "
                + ("give the node another id" if fieldname == "id" else "rename the commodity"),
            )
        )
        return False
    if fieldname != "id" and not SLUG.fullmatch(name):
        add(C.problem(i, fieldname, slug_message("commodity", name)))
        return False
    return True


def check_bounds(
    C: Columns,
    i: int,
    place: tuple,
    prefix: str,
    name: str,
    rng: Any,
    of: str,
    rule: Rule,
    value: Any,
    run: Run,
) -> None:
    """A ``[low, high]`` field: two numbers, within the limits of ``of``, holding its value.

    ``rule`` is the rule of the number ``of``; ``value`` what the model uses
    for it, or None when it is missing or out of range (reported already).
    Messages name the fields after ``prefix`` (``"inputs.gallium."``, or "").
    """
    label, of_label = prefix + name, prefix + of
    ok_shape = (
        isinstance(rng, (list, tuple))
        and len(rng) == 2
        and all(is_number(x) and math.isfinite(x) for x in rng)
    )
    if not ok_shape:
        example = "[0.4, 0.5]" if rule.high is not None else "[30, 60]"
        run.add(C.problem(i, place, f"{label} must be two numbers [low, high], e.g. {example}"))
        return
    low, high = rng
    floor = f"{show(rule.low)} <= " if rule.low is not None else ""
    ceiling = f" <= {show(rule.high)}" if rule.high is not None else ""
    if (
        not low <= high
        or (rule.low is not None and not rule.low <= low)
        or (rule.high is not None and not high <= rule.high)
    ):
        run.add(
            C.problem(
                i,
                place,
                f"{label} [{show(low)}, {show(high)}] must have {floor}low <= high{ceiling}: "
                "fix the bounds",
            )
        )
    elif value is not None and not low <= value <= high:
        run.add(
            C.problem(
                i,
                place,
                f"{of_label} {show(value)} lies outside its range [{show(low)}, {show(high)}]: "
                f"widen the range or fix the {of}",
            )
        )
