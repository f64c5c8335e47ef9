"""The shape of a dataset file: pydantic models, and the JSON Schema made from them.

The models check structure and types only: which keys exist, and that a
number is a number (strictly: the text ``"0.5"`` is not a number, nor is
``yes``). Ranges, id syntax, the allowed kinds and every rule across records
live in ``graph.validate``, so that YAML and tables share one set of rules
and one set of messages. The limits still appear in the JSON Schema (as
``json_schema_extra``), so that an editor can flag them while typing.

Examples
--------
>>> Node.model_validate({"id": "chn", "kind": "country", "name": "China"}).name
'China'
>>> sorted(json_schema()["properties"])
['edges', 'groups', 'nodes', 'sources']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

#: Ids of nodes and sources, commodity and group names.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
NODE_KINDS = ("country", "mineral", "refiner", "component", "industry")
NOT_COUNTRY = NODE_KINDS[1:]
EDGE_KINDS = ("supplies", "controls")
CONFIDENCES = ("reported", "estimate", "recalled")
#: Names that can never be commodities (nor groups): the CLI gives them a meaning.
RESERVED_NAMES = ("all", "controls")
SECTIONS = ("sources", "groups", "nodes", "edges")


@dataclass(frozen=True)
class Rule:
    """What a field must satisfy beyond its type, and what it means when absent.

    Declared once per field (``number(...)``, ``bounds(...)``, ``only_on(...)``)
    and read by everything else: ``graph.validate`` (row rules),
    ``graph.bulk`` (column rules), ``graph.build`` (defaults), ``graph.export``
    (defaults left out), the JSON Schema and the field table of ``docs/data.md``.
    """

    #: Limits of a number: ``low <= x`` (``low < x`` with ``above_low``), ``x <= high``.
    low: float | None = None
    high: float | None = None
    above_low: bool = False
    #: The value the model uses when the field is absent (None: no default).
    default: float | None = None
    #: The node kinds (or edge kinds) that may carry the field; None: every kind.
    kinds: tuple[str, ...] | None = None
    #: The message when a record of another kind carries it (None: a generic one).
    wrong_kind: str | None = None
    #: For a ``[low, high]`` field: the number field whose value it bounds.
    bounds: str | None = None

    def holds(self, x: float) -> bool:
        """Whether the number ``x`` lies within the limits.

        Examples
        --------
        >>> Rule(low=0, high=1, above_low=True).holds(0)
        False
        """
        low_ok = self.low is None or (x > self.low if self.above_low else x >= self.low)
        return low_ok and (self.high is None or x <= self.high)

    def json_limits(self) -> dict[str, Any]:
        """The limits as JSON Schema keywords."""
        out: dict[str, Any] = {}
        if self.low is not None:
            out["exclusiveMinimum" if self.above_low else "minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


def _declare(default: Any, description: str, rule: Rule, extra: dict[str, Any] | None) -> Any:
    info = Field(default, description=description, json_schema_extra=extra or None)
    info.metadata.append(rule)  # pydantic keeps metadata it does not know, and ignores it
    return info


def number(
    description: str,
    *,
    low: float | None = 0,
    high: float | None = None,
    above_low: bool = False,
    default: float | None = None,
    kinds: tuple[str, ...] | None = None,
) -> Any:
    """Declare an optional number field with its limits (by default ``>= 0``).

    Examples
    --------
    >>> rule_of(Inputs, "dependence")
    Rule(low=0, high=1, above_low=False, default=1, kinds=None, wrong_kind=None, bounds=None)
    """
    rule = Rule(low=low, high=high, above_low=above_low, default=default, kinds=kinds)
    return _declare(None, description, rule, rule.json_limits())


def bounds(of: str, description: str, *, kinds: tuple[str, ...] | None = None) -> Any:
    """Declare an optional ``[low, high]`` field that must hold the value of field ``of``."""
    rule = Rule(bounds=of, kinds=kinds)
    return _declare(None, description, rule, {"minItems": 2, "maxItems": 2})


def only_on(
    kinds: tuple[str, ...], wrong_kind: str, description: str, extra: dict | None = None
) -> Any:
    """Declare an optional field that only records of some kinds may carry."""
    return _declare(None, description, Rule(kinds=kinds, wrong_kind=wrong_kind), extra)


def _slug(description: str) -> Any:
    return Field(description=description, json_schema_extra={"pattern": SLUG_PATTERN})


def _fraction(
    description: str, *, above_zero: bool = False, default: float | None = None, **kw: Any
) -> Any:
    return number(description, high=1, above_low=above_zero, default=default, **kw)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _source() -> Any:
    return Field(None, description="Id of an entry of `sources`.")


def _year() -> Any:
    return Field(None, description="Year the figure refers to.")


def _confidence() -> Any:
    return Field(
        None,
        description="How sure the figure is: reported, estimate or recalled.",
        json_schema_extra={"enum": [*CONFIDENCES, None]},
    )


def _note() -> Any:
    return Field(None, description="Free text.")


class Source(_Strict):
    """A publication or data set that figures cite by ``source: ID``."""

    id: str = _slug("Unique id, cited by `source:` fields.")
    title: str | None = None
    author: str | None = None
    published: str | None = Field(None, description="Where and when it was published.")
    year: int | None = None
    url: str | None = None
    note: str | None = None


class Inputs(_Strict):
    """How a node depends on one input commodity."""

    dependence: float | None = _fraction(
        "Fraction of the node's output that needs this input (default 1).", default=1
    )
    dependence_range: list[float] | None = bounds(
        "dependence", "[low, high] of the dependence where it is uncertain."
    )
    substitutable: float | None = _fraction(
        "Fraction of any shortfall of this input that substitutes can cover (default 0).",
        default=0,
    )
    substitutable_range: list[float] | None = bounds(
        "substitutable", "[low, high] of substitutable where it is uncertain."
    )
    stockpile_days: float | None = number(
        "Days of normal use of this input held in stock (overrides the node's)."
    )
    stockpile_days_range: list[float] | None = bounds(
        "stockpile_days",
        "[low, high] of the days of stock where they are uncertain (holding the input's "
        "stockpile_days, else the node's, else 0).",
    )


class Node(_Strict):
    """A country, mine, refiner, component maker or industry."""

    id: str = _slug("Unique id across the dataset, a lowercase slug.")
    kind: str = Field(
        description="country, mineral, refiner, component or industry.",
        json_schema_extra={"enum": list(NODE_KINDS)},
    )
    name: str | None = Field(None, description="Display name (default: the id).")
    country: str | None = only_on(
        NOT_COUNTRY,
        "a country node has no country: remove 'country' (or give the node another kind)",
        "Id of the country node that controls this node (not on a country).",
    )
    commodity: str | None = only_on(
        NOT_COUNTRY,
        "a country node outputs no commodity of its own: remove 'commodity' and "
        "give what it produces as edges from the country to mineral nodes",
        "What the node outputs (default: its id); not on a country.",
        {"pattern": SLUG_PATTERN},
    )
    value: float | None = number("Annual output value in USD.")
    stockpile_days: float | None = number("Days of normal use held in stock, for every input.")
    inputs: dict[str, Inputs] | None = only_on(
        NOT_COUNTRY,
        "a country node has no inputs (a country supplies, it does not consume): "
        "model its imports as a node located in it",
        "Per input commodity: dependence, substitutable, stockpile_days.",
    )
    wgi: float | None = _fraction(
        "Political-stability risk of a country, 0..1 (higher is riskier): World Bank's "
        "estimate PV as min(1, max(0, (2.5 - PV) / 5)).",
        kinds=("country",),
    )
    price: float | None = number("Price of the node's output, USD per kg.")
    source: str | None = _source()
    year: int | None = _year()
    confidence: str | None = _confidence()
    note: str | None = _note()


class Edge(_Strict):
    """A supplies edge (``from`` sells to ``to``) or a controls edge."""

    from_: str = Field(alias="from", description="Id of the supplier (or controlling country).")
    to: str = Field(description="Id of the consumer (or controlled node).")
    kind: str | None = Field(
        None,
        description="supplies (default) or controls.",
        json_schema_extra={"enum": [*EDGE_KINDS, None]},
    )
    commodity: str | None = Field(
        None,
        description="What flows (default: the supplier's output commodity).",
        json_schema_extra={"pattern": SLUG_PATTERN},
    )
    share: float | None = _fraction(
        "supplies (required): fraction of the consumer's use of this commodity that comes "
        "from this supplier. controls: fraction of the target's output the country can "
        "hold back (default 1).",
        above_zero=True,
    )
    range: list[float] | None = bounds("share", "[low, high] of the share where sources disagree.")
    spare: float | None = _fraction(
        "Share of the consumer's use this supplier can deliver on top of `share` once ramped "
        "up (default 0). With spare, `share` may be 0.",
        default=0,
        kinds=("supplies",),
    )
    spare_range: list[float] | None = bounds(
        "spare", "[low, high] of the spare where it is uncertain.", kinds=("supplies",)
    )
    ramp_days: float | None = number(
        "Days the spare takes to ramp up in full (default 0).", default=0, kinds=("supplies",)
    )
    quantity: float | None = number("Tonnes a year that flow along the edge.")
    source: str | None = _source()
    year: int | None = _year()
    confidence: str | None = _confidence()
    note: str | None = _note()


class DatasetFile(_Strict):
    """One dataset file: any of the keys sources, groups, nodes, edges."""

    sources: list[Source] | None = None
    groups: dict[str, list[str]] | None = Field(
        None, description="Group name -> member commodities."
    )
    nodes: list[Node] | None = None
    edges: list[Edge] | None = None


#: The model of each list section's entries.
RECORD_MODELS: dict[str, type[BaseModel]] = {"sources": Source, "nodes": Node, "edges": Edge}


def field_names(model: type[BaseModel]) -> list[str]:
    """Return the keys a record of ``model`` may have, as written in YAML.

    Examples
    --------
    >>> field_names(Edge)[:3]
    ['from', 'to', 'kind']
    """
    return [f.alias or name for name, f in model.model_fields.items()]


def rules(model: type[BaseModel]) -> dict[str, Rule]:
    """Return the declared ``Rule`` of every field of ``model`` that has one, by YAML name.

    Examples
    --------
    >>> list(rules(Inputs))[:3]
    ['dependence', 'dependence_range', 'substitutable']
    """
    out = {}
    for name, info in model.model_fields.items():
        found = [m for m in info.metadata if isinstance(m, Rule)]
        if found:
            out[info.alias or name] = found[0]
    return out


def rule_of(model: type[BaseModel], name: str) -> Rule:
    """Return the ``Rule`` of one field (an empty rule for a field without one)."""
    return rules(model).get(name, Rule())


def numbers(model: type[BaseModel]) -> dict[str, Rule]:
    """Return the number fields of ``model`` (``float`` ones) and their rules.

    Examples
    --------
    >>> list(numbers(Node))
    ['value', 'stockpile_days', 'wgi', 'price']
    """
    declared = rules(model)
    return {
        info.alias or name: declared.get(info.alias or name, Rule())
        for name, info in model.model_fields.items()
        if info.annotation == float | None
    }


def whole_numbers(model: type[BaseModel]) -> list[str]:
    """Return the whole-number fields of ``model`` (``int`` ones), e.g. ``year``."""
    return [f.alias or n for n, f in model.model_fields.items() if f.annotation == int | None]


def nested(model: type[BaseModel]) -> list[str]:
    """Return the fields of ``model`` that hold a list or mapping (JSON text in a table).

    Examples
    --------
    >>> nested(Edge), nested(Node)
    (['range', 'spare_range'], ['inputs'])
    """
    return [
        f.alias or n
        for n, f in model.model_fields.items()
        if getattr(f.annotation, "__args__", (None,))[0] in (list[float], dict[str, Inputs])
    ]


def _type_name(annotation: Any) -> str:
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    inner = args[0]
    if get_origin(inner) is list:
        return "[low, high]"
    if get_origin(inner) is dict:
        return "mapping"
    return {str: "text", float: "number", int: "whole number"}.get(inner, str(inner))


def _limits_text(rule: Rule, extra: dict) -> str:
    if "enum" in extra:
        return ", ".join(f"`{x}`" for x in extra["enum"] if x is not None)
    if "pattern" in extra:
        return "a slug"
    if rule.bounds is not None:
        return f"holds `{rule.bounds}`, within its limits"
    if rule.low is not None and rule.high is None:
        return f"{'>' if rule.above_low else '>='} {rule.low}"
    if rule.low is not None:
        return f"{rule.low} {'<' if rule.above_low else '<='} x <= {rule.high}"
    return ""


def field_table(model: type[BaseModel]) -> str:
    """Return the markdown table of a record's fields, as ``docs/data.md`` shows it.

    Examples
    --------
    >>> print(field_table(Inputs).splitlines()[2][:41])
    | `dependence` | number | 0 <= x <= 1 | 1
    """
    declared = rules(model)
    # Only records of several kinds say which kinds may carry each field.
    by_kind = any(rule.kinds for rule in declared.values())
    head = ["field", "type", "values", "default", *(["on"] if by_kind else []), "meaning"]
    lines = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
    for name, info in model.model_fields.items():
        key = info.alias or name
        rule = declared.get(key, Rule())
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        default = (
            "required" if info.is_required() else ("" if rule.default is None else rule.default)
        )
        cells = [f"`{key}`", _type_name(info.annotation), _limits_text(rule, extra), str(default)]
        if by_kind:
            cells.append(", ".join(rule.kinds) if rule.kinds else "every kind")
        cells.append(info.description or "")
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def columns_table() -> str:
    """Return the markdown table of the columns of each table of a dataset in tables.

    Examples
    --------
    >>> columns_table().splitlines()[-1]
    '| `groups` | `group, member` (one row per member) | both |'
    """
    lines = ["| table | columns | required |", "|---|---|---|"]
    for table, model in (("nodes", Node), ("edges", Edge), ("sources", Source)):
        names = ", ".join(field_names(model))
        required = ", ".join(
            f"`{f.alias or n}`" for n, f in model.model_fields.items() if f.is_required()
        )
        lines.append(f"| `{table}` | `{names}` | {required} |")
    lines.append("| `groups` | `group, member` (one row per member) | both |")
    return "\n".join(lines) + "\n"


#: The records whose field tables ``docs/data.md`` shows, by the name in its markers.
DOCUMENTED = {"Source": Source, "Node": Node, "Inputs": Inputs, "Edge": Edge}
_BEGIN = "<!-- fields of {} (made from graph/schema.py: do not edit) -->\n"
_END = "<!-- end of fields -->"


def with_field_tables(text: str) -> str:
    """Return the text of ``docs/data.md`` with each field table made afresh.

    A table sits between the markers ``_BEGIN`` (naming a record) and ``_END``.

    Examples
    --------
    >>> text = _BEGIN.format("Inputs") + "old" + chr(10) + _END
    >>> with_field_tables(text).count("| `dependence` |")
    1
    """
    tables = {name: columns_table() for name in ("tables",)}
    for name, made in [*((n, field_table(m)) for n, m in DOCUMENTED.items()), *tables.items()]:
        begin = _BEGIN.format(name)
        start = text.find(begin)
        if start < 0:
            continue
        start += len(begin)
        end = text.index(_END, start)
        text = text[:start] + made + text[end:]
    return text


def json_schema() -> dict:
    """Return the JSON Schema of a dataset file, for editors and other tools.

    Examples
    --------
    >>> json_schema()["$defs"]["Node"]["additionalProperties"]
    False
    """
    schema = DatasetFile.model_json_schema(by_alias=True)
    _zero_share_with_spare(schema["$defs"]["Edge"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chokegraph dataset file",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _zero_share_with_spare(edge: dict) -> None:
    """DESIGN 3b in the JSON Schema: ``share: 0`` only on an edge with ``spare`` above 0."""
    share = edge["properties"]["share"]
    share.pop("exclusiveMinimum", None)
    share["minimum"] = 0
    edge["if"] = {"properties": {"share": {"const": 0}}, "required": ["share"]}
    edge["then"] = {"required": ["spare"], "properties": {"spare": {"exclusiveMinimum": 0}}}


def json_schema_text() -> str:
    """Return the JSON Schema as the text of ``docs/chokegraph.schema.json``."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
