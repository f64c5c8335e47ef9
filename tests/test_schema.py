"""The pydantic models of a dataset file and the JSON Schema made from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.schema import (
    DOCUMENTED,
    SLUG_PATTERN,
    DatasetFile,
    Edge,
    Inputs,
    Node,
    Rule,
    field_names,
    field_table,
    json_schema,
    json_schema_text,
    numbers,
    rules,
    with_field_tables,
)
from graph.yamlio import parse

ROOT = Path(__file__).parent.parent
EXAMPLE = Path(__file__).parent / "fixtures" / "example.yaml"


def test_schema_file_in_docs_is_current():
    # Regenerate with: chokegraph schema -o docs/chokegraph.schema.json
    assert (ROOT / "docs" / "chokegraph.schema.json").read_text() == json_schema_text()


def test_field_tables_in_the_curation_guide_are_current():
    # Regenerate with:
    # python -c "import pathlib, graph.schema as s; p = pathlib.Path('docs/data.md');
    #            p.write_text(s.with_field_tables(p.read_text()))"
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert text == with_field_tables(text)
    for name in DOCUMENTED:
        assert f"fields of {name} " in text


def test_field_table_rows_are_worked_out_from_the_declaration():
    rows = field_table(Node).splitlines()
    assert rows[0] == "| field | type | values | default | on | meaning |"
    assert "| `value` | number | >= 0 |  | every kind | Annual output value in USD. |" in rows
    country = next(r for r in rows if r.startswith("| `country`"))
    assert "| mineral, refiner, component, industry |" in country
    share = next(r for r in field_table(Edge).splitlines() if r.startswith("| `share`"))
    assert share.startswith("| `share` | number | 0 < x <= 1 |  |")
    assert field_table(Inputs).splitlines()[0] == "| field | type | values | default | meaning |"


def test_rules_are_read_from_the_fields():
    assert rules(Inputs)["dependence"] == Rule(low=0, high=1, default=1)
    assert rules(Edge)["share"].holds(1) and not rules(Edge)["share"].holds(0)
    assert rules(Edge)["range"].bounds == "share"
    assert numbers(Node) == {
        "value": Rule(low=0),
        "stockpile_days": Rule(low=0),
        "wgi": Rule(low=0, high=1, kinds=("country",)),
        "price": Rule(low=0),
    }
    assert rules(Edge)["spare"] == Rule(low=0, high=1, default=0, kinds=("supplies",))
    assert rules(Inputs)["stockpile_days_range"].bounds == "stockpile_days"
    assert "country" in rules(Node) and "name" not in rules(Node)


def test_schema_shape():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert sorted(schema["properties"]) == ["edges", "groups", "nodes", "sources"]
    node, edge = schema["$defs"]["Node"], schema["$defs"]["Edge"]
    assert node["required"] == ["id", "kind"] and node["additionalProperties"] is False
    assert edge["required"] == ["from", "to"]
    assert node["properties"]["kind"]["enum"] == [
        "country",
        "mineral",
        "refiner",
        "component",
        "industry",
    ]
    assert node["properties"]["id"]["pattern"] == SLUG_PATTERN
    # DESIGN 3b: share 0 is allowed only with a spare above 0.
    assert edge["properties"]["share"]["minimum"] == 0
    assert edge["if"] == {"properties": {"share": {"const": 0}}, "required": ["share"]}
    assert edge["then"]["properties"]["spare"] == {"exclusiveMinimum": 0}
    assert edge["properties"]["share"]["maximum"] == 1


def test_field_names_use_the_yaml_spelling():
    assert field_names(Edge)[:2] == ["from", "to"]
    assert field_names(Node)[:2] == ["id", "kind"]


def test_models_are_strict():
    with pytest.raises(ValidationError):
        Node.model_validate({"id": "a", "kind": "mineral", "value": "5"})
    with pytest.raises(ValidationError):
        Node.model_validate({"id": "a", "kind": "mineral", "value": True})
    with pytest.raises(ValidationError):
        Node.model_validate({"id": "a", "kind": "mineral", "colour": "red"})
    with pytest.raises(ValidationError):
        Edge.model_validate({"from": "a", "to": "b", "share": float("nan")})
    assert Edge.model_validate({"from": "a", "to": "b", "share": 1}).share == 1.0


def _yaml(path: Path):
    doc, problem = parse(path.read_text(encoding="utf-8"), str(path))
    assert problem is None
    return doc.data


def test_example_and_bundled_files_match_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    files = [EXAMPLE, *sorted((ROOT / "seeds").glob("*.yaml"))]
    for path in files:
        data = _yaml(path)
        if data is not None:
            errors = [e.message for e in validator.iter_errors(data)]
            assert errors == [], path
        DatasetFile.model_validate(data or {})


def test_schema_rejects_what_the_loader_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    bad = [
        {"nodes": [{"id": "a", "kind": "mineral", "nmae": "A"}]},
        {"edges": [{"from": "a", "to": "b", "share": "0.5"}]},
        {"edges": [{"from": "a", "to": "b", "share": 1.5}]},
        {"nodes": [{"id": "Bad Id", "kind": "mineral"}]},
        {"nodes": [{"id": "a", "kind": "mine"}]},
        {"node": []},
    ]
    for data in bad:
        assert list(validator.iter_errors(data)), data
