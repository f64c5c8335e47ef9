"""Reading YAML as chokegraph does (``graph.yamlio``): positions, numbers, and refusals.

Every position is 1-based ``(line, column)``, counted by hand from the text.
"""

from __future__ import annotations

import pytest

from graph.yamlio import MAX_DEPTH, decode, parse

NODE = "nodes:\n  - id: chn\n    kind: country\n"


def _problem(text: str) -> tuple[int, int, str]:
    doc, problem = parse(text, "f.yaml")
    assert doc is None and problem is not None
    assert problem.path == "f.yaml"
    return problem.line, problem.col, problem.message


# --------------------------------------------------------------------------- positions


def test_values_are_located_by_their_path_of_keys_and_indices():
    doc, problem = parse(NODE, "f.yaml")
    assert problem is None
    assert doc.data == {"nodes": [{"id": "chn", "kind": "country"}]}
    # Line 2 is "  - id: chn": the entry's "-" is column 3, "id" column 5, "chn" column 9.
    assert doc.values[()] == (1, 1)
    assert doc.values[("nodes",)] == (2, 3)
    assert doc.values[("nodes", 0)] == (2, 5)  # a mapping starts at its first key
    assert doc.values[("nodes", 0, "id")] == (2, 9)
    assert doc.values[("nodes", 0, "kind")] == (3, 11)


def test_keys_are_located_apart_from_their_values():
    doc, _ = parse(NODE, "f.yaml")
    assert doc.keys[("nodes",)] == (1, 1)
    assert doc.keys[("nodes", 0, "id")] == (2, 5)
    assert doc.keys[("nodes", 0, "kind")] == (3, 5)
    assert ("nodes", 0) not in doc.keys  # a list entry has no key


def test_flow_style_positions():
    doc, _ = parse("edges:\n  - {from: chn, to: gallium, share: 0.98}\n", "f.yaml")
    # "  - {from: chn, to: gallium, share: 0.98}": "{" is column 5, "chn" 12, "share" 30, "0.98" 37.
    assert doc.values[("edges", 0)] == (2, 5)
    assert doc.values[("edges", 0, "from")] == (2, 12)
    assert doc.values[("edges", 0, "share")] == (2, 37)
    assert doc.keys[("edges", 0, "share")] == (2, 30)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4.0e10", 4.0e10),  # YAML 1.1 (PyYAML) reads this as the text "4.0e10"
        ("1e-3", 0.001),
        ("1E5", 100000.0),
        ("0.98", 0.98),
        ("-2.5", -2.5),
        (".5", 0.5),
    ],
)
def test_numbers_in_yaml_12_form_are_floats(text, value):
    doc, _ = parse(f"value: {text}\n", "f.yaml")
    assert doc.data["value"] == value
    assert type(doc.data["value"]) is float


def test_integers_stay_integers_and_quoted_numbers_stay_text():
    doc, _ = parse("year: 2024\nshare: '0.5'\nvalue: \"4.0e10\"\n", "f.yaml")
    assert doc.data == {"year": 2024, "share": "0.5", "value": "4.0e10"}
    assert type(doc.data["year"]) is int


def test_words_that_only_look_like_numbers_stay_text():
    doc, _ = parse("a: 1e\nb: e10\nc: 1.2.3\n", "f.yaml")
    assert doc.data == {"a": "1e", "b": "e10", "c": "1.2.3"}


# --------------------------------------------------------------------------- refusals


def test_a_repeated_key_is_an_error_naming_both_places():
    assert _problem("a: 1\nb: 2\na: 3\n") == (
        3,
        1,
        "duplicate key 'a' in one mapping (first at line 1, column 1): keep only one",
    )


def test_the_same_key_in_two_mappings_is_fine():
    doc, problem = parse("nodes:\n  - {id: a}\n  - {id: b}\n", "f.yaml")
    assert problem is None
    assert doc.data == {"nodes": [{"id": "a"}, {"id": "b"}]}


def test_aliases_are_refused_where_they_are_used():
    # "b: *x": the alias starts at column 4 of line 2.
    assert _problem("a: &x 1\nb: *x\n") == (
        2,
        4,
        "YAML aliases are not supported (*x): write the value out in full",
    )


def test_an_anchor_alone_is_harmless():
    doc, problem = parse("a: &x 1\n", "f.yaml")
    assert problem is None
    assert doc.data == {"a": 1}


def test_nesting_deeper_than_the_limit_is_an_error():
    # The document is the outermost list; list number MAX_DEPTH + 1 starts at
    # column MAX_DEPTH + 1 (one "[" per level before it).
    text = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    line, col, message = _problem(text)
    assert (line, col) == (1, MAX_DEPTH + 1)
    assert message.startswith(f"nesting deeper than {MAX_DEPTH} levels")


def test_nesting_up_to_the_limit_is_read():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    doc, problem = parse(text, "f.yaml")
    assert problem is None
    expected: list = []
    for _ in range(MAX_DEPTH - 1):
        expected = [expected]
    assert doc.data == expected


def test_tags_other_than_the_plain_ones_are_refused():
    assert _problem("a: !custom 1\n") == (1, 4, "unsupported YAML tag !custom: remove it")


def test_a_key_must_be_plain_text():
    line, col, message = _problem("? [a, b]\n: 1\n")
    assert (line, col, message) == (1, 3, "a mapping key must be plain text")


def test_a_control_character_is_located():
    # "a: \x07": the bell is the 4th character of line 1.
    assert _problem("a: \x07\n") == (
        1,
        4,
        "control character #x0007 is not allowed in YAML: remove it",
    )


def test_a_syntax_error_gets_a_hint():
    line, col, message = _problem("a:\n\tb: 1\n")
    assert (line, col) == (2, 1)
    assert message.startswith("YAML syntax error: ")
    assert message.endswith(": indent with spaces, not tabs")


def test_a_second_document_is_refused():
    _, _, message = _problem("a: 1\n---\nb: 2\n")
    assert message.endswith("keep one document per file: remove the '---' line")


# --------------------------------------------------------------------------- empty files


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_an_empty_file_is_no_data(text):
    doc, problem = parse(text, "f.yaml")
    assert problem is None
    assert doc.data is None


# --------------------------------------------------------------------------- bytes


def test_decode_skips_a_utf8_byte_order_mark():
    assert decode(b"\xef\xbb\xbfa: 1\n", "f.yaml") == ("a: 1\n", None)


def test_decode_names_the_first_bad_byte():
    # b"a: 1\nb: \xff": the 0xff is byte 8 (from 0), line 2, column 4.
    text, problem = decode(b"a: 1\nb: \xff", "f.yaml")
    assert text is None
    assert (problem.path, problem.line, problem.col) == ("f.yaml", 2, 4)
    assert problem.message == "not UTF-8: byte 0xff at offset 8; save the file as UTF-8"


def test_decode_recognises_utf16():
    text, problem = decode("a: 1\n".encode("utf-16"), "f.yaml")
    assert text is None
    assert (problem.line, problem.col) == (1, 1)
    assert problem.message.startswith("not UTF-8 but UTF-16")
