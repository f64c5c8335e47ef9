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

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: Ids of nodes and sources, commodity and group names.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
NODE_KINDS = ("country", "mineral", "refiner", "component", "industry")
EDGE_KINDS = ("supplies", "controls")
CONFIDENCES = ("reported", "estimate", "recalled")
#: Names that can never be commodities (nor groups): the CLI gives them a meaning.
RESERVED_NAMES = ("all", "controls")
SECTIONS = ("sources", "groups", "nodes", "edges")


def _slug(description: str) -> Any:
    return Field(description=description, json_schema_extra={"pattern": SLUG_PATTERN})


def _fraction(description: str, default: Any = None, *, above_zero: bool = False) -> Any:
    low = {"exclusiveMinimum": 0} if above_zero else {"minimum": 0}
    return Field(default, description=description, json_schema_extra={**low, "maximum": 1})


def _non_negative(description: str) -> Any:
    return Field(None, description=description, json_schema_extra={"minimum": 0})


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
        "Fraction of the node's output that needs this input (default 1)."
    )
    substitutable: float | None = _fraction(
        "Fraction of any shortfall of this input that substitutes can cover (default 0)."
    )
    stockpile_days: float | None = _non_negative(
        "Days of normal use of this input held in stock (overrides the node's)."
    )


class Node(_Strict):
    """A country, mine, refiner, component maker or industry."""

    id: str = _slug("Unique id across the dataset, a lowercase slug.")
    kind: str = Field(
        description="country, mineral, refiner, component or industry.",
        json_schema_extra={"enum": list(NODE_KINDS)},
    )
    name: str | None = Field(None, description="Display name (default: the id).")
    country: str | None = Field(
        None, description="Id of the country node that controls this node (not on a country)."
    )
    commodity: str | None = Field(
        None,
        description="What the node outputs (default: its id); not on a country.",
        json_schema_extra={"pattern": SLUG_PATTERN},
    )
    value: float | None = _non_negative("Annual output value in USD.")
    stockpile_days: float | None = _non_negative(
        "Days of normal use held in stock, for every input."
    )
    inputs: dict[str, Inputs] | None = Field(
        None, description="Per input commodity: dependence, substitutable, stockpile_days."
    )
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
    range: list[float] | None = Field(
        None,
        description="[low, high] of the share where sources disagree.",
        json_schema_extra={"minItems": 2, "maxItems": 2},
    )
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


def json_schema() -> dict:
    """Return the JSON Schema of a dataset file, for editors and other tools.

    Examples
    --------
    >>> json_schema()["$defs"]["Node"]["additionalProperties"]
    False
    """
    schema = DatasetFile.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chokegraph dataset file",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def json_schema_text() -> str:
    """Return the JSON Schema as the text of ``docs/chokegraph.schema.json``."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
