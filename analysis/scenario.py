"""Scenarios: export restrictions and removals, as values and as YAML files.

A ``Restriction`` names a restricting country, the commodities it restricts (a
commodity, a group such as ``rare-earths``, or ``all``), optionally the
countries it restricts them to, a severity and a start day. Names may be ids
or display names; ``resolve`` turns them into the dataset's ids.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import DataError, Problem, ScenarioError
from graph.lookup import did_you_mean, resolve_commodity, resolve_node

if TYPE_CHECKING:
    import networkx as nx

    from analysis.overrides import Change

DEFAULT_HORIZON = 365
#: The longest timeline (100 years): the timeline holds one row per day, and a
#: typo such as ``--horizon 1000000000`` must be an error, not a memory crash.
MAX_HORIZON = 36_525


@dataclass(frozen=True)
class Restriction:
    """A country restricting what it sells.

    Parameters
    ----------
    by : str
        The restricting country (id or name).
    commodities : sequence of str
        Commodities, group names, or ``"all"``.
    to : sequence of str, optional
        Only consumers located in these countries are cut; ``None`` cuts
        every consumer outside ``by``.
    severity : float
        The fraction of the flow held back, in (0, 1].
    start_day : int
        The first day the restriction acts (timeline only; the steady state
        counts every restriction).
    end_day : int, optional
        The first day it no longer acts (above ``start_day``; default: it
        never ends). The steady state counts it as if it stayed in force.

    Examples
    --------
    >>> Restriction("chn", ["gallium"], to=["jpn"], severity=0.5).severity
    0.5
    >>> Restriction("chn", ["gallium"], severity=0)
    Traceback (most recent call last):
    ...
    graph.errors.ScenarioError: severity must be in (0, 1], got 0
    """

    by: str
    commodities: tuple[str, ...]
    to: tuple[str, ...] | None = None
    severity: float = 1.0
    start_day: int = 0
    end_day: int | None = None
    severity_range: tuple[float, float] | None = None  # [low, high] holding severity (section 3c)

    def __post_init__(self) -> None:
        commodities = (self.commodities,) if isinstance(self.commodities, str) else self.commodities
        to = (self.to,) if isinstance(self.to, str) else self.to
        object.__setattr__(self, "commodities", tuple(commodities))
        object.__setattr__(self, "to", None if to is None else tuple(to))
        if not self.commodities:
            raise ScenarioError("a restriction needs at least one commodity (or 'all')")
        if isinstance(self.severity, bool) or not isinstance(self.severity, (int, float)):
            raise ScenarioError(f"severity must be a number in (0, 1], got {self.severity!r}")
        if not (math.isfinite(self.severity) and 0 < self.severity <= 1):
            raise ScenarioError(f"severity must be in (0, 1], got {self.severity}")
        if isinstance(self.start_day, bool) or not isinstance(self.start_day, int):
            raise ScenarioError(f"start_day must be a whole number of days, got {self.start_day!r}")
        if self.start_day < 0:
            raise ScenarioError(f"start_day must be 0 or more, got {self.start_day}")
        if self.end_day is not None:
            if isinstance(self.end_day, bool) or not isinstance(self.end_day, int):
                raise ScenarioError(f"end_day must be a whole number of days, got {self.end_day!r}")
            if self.end_day <= self.start_day:
                raise ScenarioError(
                    f"end_day must be after start_day ({self.start_day}), got {self.end_day}: "
                    "the restriction acts on the days start_day <= t < end_day"
                )
        object.__setattr__(self, "severity", float(self.severity))
        if self.severity_range is not None:
            object.__setattr__(self, "severity_range", _severity_range(self))

    def resolve(self, G: nx.MultiDiGraph) -> Restriction:
        """Return the same restriction with every name replaced by the dataset's id.

        Examples
        --------
        >>> import graph
        >>> Restriction("China", ["Gallium"], to=["Japan"]).resolve(graph.load()).to
        ('jpn',)
        """
        by = resolve_node(G, self.by, kind="country")
        commodities = tuple(dict.fromkeys(resolve_commodity(G, c) for c in self.commodities))
        to = None
        if self.to is not None:
            to = tuple(dict.fromkeys(resolve_node(G, t, kind="country") for t in self.to))
        return replace(self, by=by, commodities=commodities, to=to)

    def to_dict(self, day0: dt.date | None = None) -> dict[str, Any]:
        """The restriction as in the JSON output.

        ``end_day`` appears when the restriction ends; with a scenario's
        ``day0``, ``start`` and ``end`` give the same days as ISO dates.

        Examples
        --------
        >>> r = Restriction("chn", ["rare-earths"], start_day=0, end_day=61)
        >>> d = r.to_dict(dt.date(2010, 9, 21))
        >>> d["end_day"], d["start"], d["end"]
        (61, '2010-09-21', '2010-11-21')
        """
        out: dict[str, Any] = {
            "by": self.by,
            "commodities": list(self.commodities),
            "to": None if self.to is None else list(self.to),
            "severity": self.severity,
            "start_day": self.start_day,
        }
        if self.end_day is not None:
            out["end_day"] = self.end_day
        if self.severity_range is not None:
            out["severity_range"] = list(self.severity_range)
        if day0 is not None:
            out["start"] = date_of(day0, self.start_day)
            out["end"] = date_of(day0, self.end_day)
        return out


def _severity_range(r: Restriction) -> tuple[float, float]:
    """A restriction's ``severity_range``: two numbers in (0, 1] that hold its severity."""
    rng = r.severity_range
    ok = isinstance(rng, (list, tuple)) and len(rng) == 2
    ok = ok and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng)
    if not ok or not all(math.isfinite(x) and 0 < x <= 1 for x in rng):
        raise ScenarioError(f"severity_range must be [low, high] within (0, 1], got {rng!r}")
    low, high = float(rng[0]), float(rng[1])
    if not low <= r.severity <= high:
        raise ScenarioError(
            f"severity_range {[low, high]} must hold the severity {r.severity}"
            " (low <= severity <= high)"
        )
    return low, high


@dataclass(frozen=True)
class Scenario:
    """Everything one what-if run needs: restrictions, removals and the days to watch."""

    restrictions: tuple[Restriction, ...] = ()
    removed: tuple[str, ...] = ()
    horizon: int = DEFAULT_HORIZON
    day: int | None = None
    id: str | None = None
    name: str | None = None
    description: str | None = None
    sources: tuple[str, ...] = field(default=())
    day0: dt.date | None = None  # the calendar date of day 0, when dates are given
    overrides: tuple[Change, ...] = field(default=())  # ``set:``, applied to a copy of the data
    samples: int | None = None  # ``samples:``: runs with the uncertain numbers drawn (section 3c)

    def __post_init__(self) -> None:
        for label, value in (("horizon", self.horizon), ("day", self.day)):
            if value is None and label == "day":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ScenarioError(f"{label} must be a whole number of days >= 0, got {value!r}")
        if self.day is not None and self.day > self.horizon:
            # Asking about a day past the horizon extends the horizon to it.
            object.__setattr__(self, "horizon", self.day)
        if self.horizon > MAX_HORIZON:
            label = "horizon" if self.day is None or self.day < self.horizon else "day"
            raise ScenarioError(
                f"{label} must be at most {MAX_HORIZON} days (100 years), got {self.horizon}"
            )

    def resolve(self, G: nx.MultiDiGraph) -> Scenario:
        """Return the scenario with every name replaced by the dataset's id."""
        removed = tuple(dict.fromkeys(resolve_node(G, n) for n in self.removed))
        restrictions = tuple(r.resolve(G) for r in self.restrictions)
        return replace(self, restrictions=restrictions, removed=removed)

    def title(self, G: nx.MultiDiGraph | None = None) -> str:
        """A one-line description for table headers and plot titles."""
        if self.name:
            return self.name

        def label(node: str) -> str:
            if G is not None and node in G:
                return str(G.nodes[node].get("name") or node)
            return node

        parts = []
        for r in self.restrictions:
            text = f"{label(r.by)} restricts {', '.join(r.commodities)}"
            if r.to:
                text += " to " + ", ".join(label(t) for t in r.to)
            if r.severity < 1:
                text += f" (severity {r.severity:g})"
            if r.start_day:
                text += f" from day {r.start_day}"
            if r.end_day is not None:
                text += f", lifted on day {r.end_day}"
            parts.append(text)
        if self.removed:
            parts.append("removed: " + ", ".join(label(n) for n in self.removed))
        return "; ".join(parts) or "no disruption"

    def to_dict(self) -> dict[str, Any]:
        """The scenario as in the JSON output (``day0`` and ``set`` only when given)."""
        out: dict[str, Any] = {
            "restrictions": [r.to_dict(self.day0) for r in self.restrictions],
            "removed": list(self.removed),
            "horizon": self.horizon,
            "day": self.day,
        }
        if self.day0 is not None:
            out["day0"] = self.day0.isoformat()
        if self.overrides:
            out["set"] = [c.to_dict() for c in self.overrides]
        if self.samples is not None:
            out["samples"] = self.samples
        return out

    def date(self, day: int | None) -> str | None:
        """The ISO date of a day of the timeline (None without ``day0``, or for no day).

        Examples
        --------
        >>> Scenario(day0=dt.date(2023, 8, 1)).date(122)
        '2023-12-01'
        """
        return None if self.day0 is None else date_of(self.day0, day)


def date_of(day0: dt.date, day: int | None) -> str | None:
    """The ISO date ``day`` days after ``day0`` (None for no day)."""
    return None if day is None else (day0 + dt.timedelta(days=day)).isoformat()


SCENARIO_KEYS = (
    *("id", "name", "description", "sources", "day0", "restrictions", "remove", "set"),
    "samples",
)
RESTRICTION_KEYS = (
    *("by", "commodities", "to", "severity", "start_day", "end_day", "start", "end"),
    "severity_range",
)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (``seeds/scenarios/*.yaml``), for editors.

    Examples
    --------
    >>> sorted(scenario_json_schema()["properties"]) == sorted(SCENARIO_KEYS)
    True
    """
    names = {"type": "array", "items": {"type": "string"}}
    date = {"type": "string", "format": "date"}
    restriction = {
        "type": "object",
        "additionalProperties": False,
        "required": ["by", "commodities"],
        "properties": {
            "by": {"type": "string", "description": "The restricting country (id or name)."},
            "commodities": {
                "description": "Commodities, group names, or 'all'.",
                "anyOf": [{"type": "string"}, names],
            },
            "to": {
                "description": "Only consumers in these countries are cut (default: everyone).",
                "anyOf": [{"type": "null"}, {"type": "string"}, names],
            },
            "severity": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 1,
                "default": 1.0,
                "description": "Fraction of the flow held back.",
            },
            "start_day": {"type": "integer", "minimum": 0, "default": 0},
            "end_day": {
                "type": "integer",
                "minimum": 1,
                "description": "The first day it no longer acts (above start_day).",
            },
            "severity_range": {
                "type": "array",
                "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "minItems": 2,
                "maxItems": 2,
                "description": "[low, high] holding severity: sampled with --samples.",
            },
            "start": {**date, "description": "start_day as a date (needs day0)."},
            "end": {**date, "description": "end_day as a date (needs day0)."},
        },
    }
    change = {
        "type": "object",
        "description": "A change to the data for this run: {node, [input], field: value} "
        "or {edge: [from, to], field: value}.",
        "properties": {
            "node": {"type": "string"},
            "input": {"type": "string"},
            "edge": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chokegraph scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "sources": {**names, "description": "Source ids of the dataset."},
            "day0": {**date, "description": "The date of day 0, for start and end dates."},
            "restrictions": {"type": "array", "items": restriction},
            "remove": {**names, "description": "Node ids removed for the whole run."},
            "set": {"type": "array", "items": change},
            "samples": {
                "type": "integer",
                "minimum": 1,
                "description": "Sampled runs (section 3c).",
            },
        },
    }


def bundled_scenarios() -> dict[str, Path]:
    """The scenarios shipped with the bundled dataset, by id.

    Examples
    --------
    >>> "2026-dual-use-japan" in bundled_scenarios()
    True
    """
    from graph import bundled_path

    folder = bundled_path() / "scenarios"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a scenario: a bundled scenario id, or the path of a YAML file.

    Errors name the file, line and column of the offending value.

    Examples
    --------
    >>> load_scenario("2023-gallium-germanium").restrictions[0].by
    'chn'
    """
    from graph.files import read_regular, shown_name
    from graph.yamlio import decode, parse

    path = Path(name_or_path)
    bundled = bundled_scenarios()
    # A folder beside the user named like a bundled scenario (say, for its
    # pictures) does not hide it; anything else there is what they meant,
    # and read_regular refuses a pipe, a device or a folder as it does data.
    name = str(name_or_path)
    if name in bundled and not path.is_file() and (path.is_dir() or not path.exists()):
        path = bundled[name]
    elif not path.exists():
        if path.suffix in (".yaml", ".yml") or path.parent != Path("."):
            raise ScenarioError(f"scenario file {name!r} does not exist")
        hint = did_you_mean(name, bundled, n=1)
        known = ", ".join(bundled) or "none"
        raise ScenarioError(f"unknown scenario {name!r}{hint}; bundled scenarios: {known}")
    shown = shown_name(path)  # a file name that is not UTF-8 still prints
    raw = read_regular(path, shown=shown)
    text, problem = decode(raw, shown)
    doc = None
    if problem is None:
        doc, problem = parse(text, shown)
    if problem is not None:
        raise DataError([problem])
    return scenario_from_mapping(doc.data, path=shown, positions=doc.values, key_positions=doc.keys)


@dataclass
class _Where:
    """Collects a scenario file's problems, each at the line and column it was written."""

    path: str
    positions: Mapping[tuple, tuple[int, int]]
    key_positions: Mapping[tuple, tuple[int, int]]
    problems: list[Problem] = field(default_factory=list)

    def at(self, keys: tuple, *, at_key: bool = False) -> tuple[str, int, int]:
        if at_key and keys in self.key_positions:
            return (self.path, *self.key_positions[keys])
        # The value itself, or the nearest enclosing one that has a position.
        while keys and keys not in self.positions:
            keys = keys[:-1]
        return (self.path, *self.positions.get(keys, (1, 1)))

    def problem(self, keys: tuple, message: str, *, at_key: bool = False) -> None:
        self.problems.append(Problem(*self.at(keys, at_key=at_key), message))


def scenario_from_mapping(
    data: Any,
    *,
    path: str = "<scenario>",
    positions: Mapping[tuple, tuple[int, int]] | None = None,
    key_positions: Mapping[tuple, tuple[int, int]] | None = None,
) -> Scenario:
    """Build a ``Scenario`` from the mapping of a scenario file, collecting every problem.

    ``positions`` maps key paths such as ``("restrictions", 0, "severity")`` to
    the ``(line, col)`` of their value, ``key_positions`` to that of the key
    itself, so that each problem names where it was written.

    Raises
    ------
    DataError
        Every problem of the file, each ``FILE:LINE:COL: error: ...``.

    Examples
    --------
    >>> s = scenario_from_mapping({"day0": dt.date(2010, 9, 21), "restrictions": [
    ...     {"by": "chn", "commodities": "rare-earths", "end": dt.date(2010, 11, 21)}]})
    >>> s.restrictions[0].end_day
    61
    """
    where = _Where(path, positions or {}, key_positions or {})
    if not isinstance(data, Mapping):
        where.problem((), "a scenario file must be a mapping with keys " + ", ".join(SCENARIO_KEYS))
        raise DataError(where.problems)
    _check_keys(data, where)
    day0 = _day0(data.get("day0"), where)
    restrictions = _restrictions(data.get("restrictions"), day0, where)
    lists = {key: _id_list(data, key, where) for key in ("remove", "sources")}
    for key in ("id", "name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            where.problem((key,), f"{key} must be text, not {data[key]!r}: put it in quotes")
    overrides = _overrides(data.get("set"), where)
    samples = data.get("samples")
    if samples is not None and (
        isinstance(samples, bool) or not isinstance(samples, int) or samples < 1
    ):
        where.problem(
            ("samples",), f"samples must be a whole number of at least 1, got {samples!r}"
        )
    if where.problems:
        raise DataError(where.problems)
    return Scenario(
        restrictions=tuple(restrictions),
        removed=lists["remove"],
        id=data.get("id"),
        name=data.get("name"),
        description=data.get("description"),
        sources=lists["sources"],
        day0=day0,
        overrides=overrides,
        samples=samples,
    )


def _check_keys(data: Mapping, where: _Where) -> None:
    for key in data:
        if key not in SCENARIO_KEYS:
            allowed = ", ".join(SCENARIO_KEYS)
            message = f"unknown key {key!r} in a scenario; allowed: {allowed}"
            where.problem((key,), message, at_key=True)


def _day0(value: Any, where: _Where) -> dt.date | None:
    if value is None:
        return None
    day0 = _date(value)
    if day0 is None:
        where.problem(("day0",), f"day0 must be an ISO date such as 2023-08-01, not {value!r}")
    return day0


def _date(value: Any) -> dt.date | None:
    """A date from YAML (read as a date) or text in ISO 8601 form; None if it is neither."""
    if isinstance(value, dt.datetime):
        return None  # a time of day means nothing here
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _restrictions(raw: Any, day0: dt.date | None, where: _Where) -> list[Restriction]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        where.problem(("restrictions",), "restrictions must be a list")
        return []
    out = []
    for i, item in enumerate(raw):
        restriction = _restriction(item, i, day0, where)
        if restriction is not None:
            out.append(restriction)
    return out


def _restriction(item: Any, i: int, day0: dt.date | None, where: _Where) -> Restriction | None:
    keys = ("restrictions", i)
    if not isinstance(item, Mapping):
        where.problem(keys, "each restriction must be a mapping")
        return None
    for key in item:
        if key not in RESTRICTION_KEYS:
            allowed = ", ".join(RESTRICTION_KEYS)
            message = f"unknown key {key!r}; allowed: {allowed}"
            where.problem((*keys, key), message, at_key=True)
    if "by" not in item or "commodities" not in item:
        where.problem(keys, "a restriction needs 'by' and 'commodities'")
        return None
    start = _bound(item, "start_day", "start", day0, keys, where)
    end = _bound(item, "end_day", "end", day0, keys, where)
    if start is _BAD or end is _BAD:
        return None
    try:
        return Restriction(
            by=_name(item["by"], "by"),
            commodities=_names(item["commodities"], "commodities"),
            to=None if item.get("to") is None else _names(item["to"], "to"),
            severity=item.get("severity", 1.0),
            start_day=0 if start is None else start,
            end_day=end,
            severity_range=item.get("severity_range"),
        )
    except ScenarioError as exc:
        field_name = str(exc).split(" ", 1)[0]
        if field_name == "end_day" and "end" in item:
            field_name = "end"
        where.problem((*keys, field_name), str(exc))
        return None


_BAD = object()  # a bound that could not be read (its problem is recorded)


def _bound(
    item: Mapping, day_key: str, date_key: str, day0: dt.date | None, keys: tuple, where: _Where
) -> Any:
    """A restriction's start or end as a day number, from the number or from the date.

    Returns the day, None when neither is given, or ``_BAD`` after recording
    a problem.
    """
    if date_key not in item:
        return item.get(day_key)
    at = (*keys, date_key)
    if day_key in item:
        where.problem(at, f"give {day_key} or {date_key}, not both: they say the same day")
        return _BAD
    if day0 is None:
        where.problem(at, f"{date_key} is a date: give the scenario's day0 (the date of day 0)")
        return _BAD
    when = _date(item[date_key])
    if when is None:
        where.problem(
            at, f"{date_key} must be an ISO date such as 2023-12-01, not {item[date_key]!r}"
        )
        return _BAD
    if when < day0:
        where.problem(at, f"{date_key} {when.isoformat()} is before day0 {day0.isoformat()}")
        return _BAD
    return (when - day0).days


def _id_list(data: Mapping, key: str, where: _Where) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, (list, tuple)):
        what = "node ids" if key == "remove" else "source ids"
        where.problem((key,), f"{key} must be a list of {what}, e.g. [a, b]")
        return ()
    try:
        return _names(value, key)
    except ScenarioError as exc:
        where.problem((key,), str(exc))
        return ()


def _overrides(raw: Any, where: _Where) -> tuple[Change, ...]:
    if not raw:
        return ()
    from analysis.overrides import change_from_mapping  # the schema it reads needs pydantic

    if not isinstance(raw, list):
        where.problem(("set",), "set must be a list of changes, e.g. [{node: ID, value: 1.0e9}]")
        return ()
    changes = []
    for i, item in enumerate(raw):
        try:
            changes.append(change_from_mapping(item, where.at(("set", i))))
        except DataError as exc:
            where.problems.extend(exc.problems)
    return tuple(changes)


def _name(value: Any, field_name: str) -> str:
    """One name: text, or a number written without quotes (a numeric id)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ScenarioError(f"{field_name} must be a name, not {value!r}")


def _names(value: Any, field_name: str) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(_name(v, field_name) for v in value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (_name(value, field_name),)
    raise ScenarioError(f"{field_name} must be a name or a list of names, not {value!r}")
