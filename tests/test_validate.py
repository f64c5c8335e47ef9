"""Every validation rule: its exact message and location (FILE:LINE:COL).

Each test writes a small dataset to ``data.yaml`` and loads it from its
folder, so that problems read ``data.yaml:LINE:COL: error: ...``. Columns
are worked out from the fixture text itself (the position of a token in its
line), not taken from the loader.
"""

from __future__ import annotations

import pytest

import graph
from graph.errors import DataError

BASE = """\
sources:
  - {id: src, title: A source}
nodes:
  - {id: chn, kind: country, name: China}
  - {id: jpn, kind: country, name: Japan}
  - {id: gallium, kind: mineral}
  - {id: semis, kind: industry, country: jpn}
"""
# Lines 1-7 above; what a test appends starts at line 8.


def at(text: str, line: int, token: str) -> str:
    """``LINE:COL`` of the first ``token`` on 1-based ``line`` of ``text``."""
    col = text.splitlines()[line - 1].index(token) + 1
    return f"{line}:{col}"


@pytest.fixture
def errors(tmp_path, monkeypatch):
    """``errors(text)``: load ``text`` as data.yaml; return its error lines."""
    monkeypatch.chdir(tmp_path)

    def run(text: str) -> list[str]:
        (tmp_path / "data.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as info:
            graph.load("data.yaml")
        return [str(p) for p in info.value.problems]

    return run


def test_base_is_valid(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(BASE + "edges:\n  - {from: chn, to: gallium, share: 0.98, source: src}\n")
    G = graph.load(path)
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 1


# --------------------------------------------------------------------------- keys and ids


def test_unknown_key_suggests(errors):
    text = BASE + "  - {id: kor, kind: country, nmae: Korea}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'nmae')}: error: unknown key 'nmae' in a node "
        "(did you mean 'name'?): the keys of a node are id, kind, name, country, commodity, "
        "value, stockpile_days, inputs, wgi, price, source, year, confidence, note"
    ]


def test_unknown_input_key_suggests(errors):
    text = BASE + "  - {id: car, kind: industry, inputs: {gallium: {dependance: 0.5}}}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'dependance')}: error: unknown key 'dependance' in an input "
        "(did you mean 'dependence' or 'dependence_range'?): the keys of an input are "
        "dependence, dependence_range, substitutable, substitutable_range, stockpile_days, "
        "stockpile_days_range"
    ]


def test_unknown_top_level_key(errors):
    text = "node:\n  - {id: chn, kind: country}\n"
    assert errors(text) == [
        "data.yaml:1:1: error: unknown key 'node' (did you mean 'nodes'?): expected a mapping "
        "with keys sources, groups, nodes, edges"
    ]


def test_missing_required_field(errors):
    text = BASE + "  - {kind: mineral}\n"
    assert errors(text) == [f"data.yaml:{at(text, 8, '{')}: error: a node needs 'id': add it"]


def test_duplicate_node_id_says_where_the_first_is(errors):
    text = BASE + "  - {id: gallium, kind: refiner}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'gallium')}: error: duplicate node id 'gallium' (first defined "
        f"at data.yaml:{at(text, 6, '{')}): give each node its own id, or merge the two"
    ]


def test_duplicate_source_id(errors):
    text = BASE.replace(
        "  - {id: src, title: A source}\n",
        "  - {id: src, title: A source}\n  - {id: src, title: Another}\n",
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 3, 'src')}: error: duplicate source id 'src' (first defined at "
        f"data.yaml:{at(text, 2, '{')}): give each source its own id"
    ]


def test_id_not_a_slug(errors):
    text = BASE + "  - {id: Rare Earths, kind: mineral}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'Rare')}: error: node id 'Rare Earths' is not a lowercase slug "
        "[a-z0-9][a-z0-9._-]*: use lowercase letters, digits, '.', '_' and '-' such as "
        "'rare-earths'"
    ]


def test_kind_not_one_of_five(errors):
    text = BASE + "  - {id: smelter, kind: refinery}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'refinery')}: error: node kind 'refinery' must be one of "
        "country, mineral, refiner, component, industry (did you mean 'refiner'?)"
    ]


# --------------------------------------------------------------------------- countries


def test_country_on_a_country_node(errors):
    text = BASE + "  - {id: kor, kind: country, country: jpn}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'jpn')}: error: a country node has no country: remove "
        "'country' (or give the node another kind)"
    ]


def test_country_naming_no_node_suggests(errors):
    text = BASE + "  - {id: cars, kind: industry, country: jpnn}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'jpnn')}: error: country 'jpnn' names no node "
        "(did you mean 'jpn'?): add the node or fix the id"
    ]


def test_country_naming_a_non_country(errors):
    text = BASE + "  - {id: cars, kind: industry, country: gallium}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'gallium')}: error: country 'gallium' is a mineral node, "
        "not a country: name a node of kind country"
    ]


def test_commodity_on_a_country_node(errors):
    text = BASE + "  - {id: kor, kind: country, commodity: chips}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'chips')}: error: a country node outputs no commodity of its "
        "own: remove 'commodity' and give what it produces as edges from the country to "
        "mineral nodes"
    ]


# --------------------------------------------------------------------------- edges


def test_edge_naming_no_node_suggests(errors):
    text = BASE + "edges:\n  - {from: chn, to: galium, share: 0.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'galium')}: error: to 'galium' names no node "
        "(did you mean 'gallium'?): add the node or fix the id"
    ]


def test_self_loop(errors):
    text = BASE + "edges:\n  - {from: semis, to: semis, share: 0.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'semis, share')}: error: edge from 'semis' to itself: a node "
        "cannot supply or control itself; remove the edge"
    ]


def test_controls_edge_must_start_at_a_country(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, kind: controls}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'gallium')}: error: a controls edge starts at a country, but "
        "'gallium' is a mineral node: start it at the controlling country"
    ]


def test_controls_edge_names_no_commodity(errors):
    text = BASE + "edges:\n  - {from: chn, to: semis, kind: controls, commodity: gallium}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'gallium')}: error: a controls edge carries no commodity: "
        "remove 'commodity' (it controls all of the target's output)"
    ]


def test_edge_kind(errors):
    text = BASE + "edges:\n  - {from: chn, to: gallium, kind: supply, share: 0.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'supply')}: error: edge kind 'supply' must be supplies or "
        "controls (did you mean 'supplies'?)"
    ]


def test_supplies_edge_into_a_country(errors):
    text = BASE + "edges:\n  - {from: gallium, to: jpn, share: 0.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'jpn')}: error: supplies edge into the country node 'jpn': "
        "a country supplies, it does not consume; model its imports as a node located in it "
        "(country: jpn)"
    ]


def test_country_edge_to_a_non_mineral_needs_a_commodity(errors):
    text = BASE + "edges:\n  - {from: chn, to: semis, share: 0.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '{')}: error: edge from the country 'chn' to an industry node "
        "'semis' names no commodity: add 'commodity' (a country's edges carry their target's "
        "commodity only when the target is a mineral)"
    ]


def test_country_edge_to_a_non_mineral_with_a_commodity_is_fine(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(BASE + "edges:\n  - {from: chn, to: semis, share: 0.5, commodity: gallium}\n")
    assert graph.load(path).has_edge("chn", "semis", key="gallium")


def test_duplicate_edges(errors):
    text = (
        BASE + "edges:\n  - {from: gallium, to: semis, share: 0.3}\n"
        "  - {from: gallium, to: semis, share: 0.2}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 10, '{')}: error: duplicate gallium supplies edge gallium -> "
        f"semis (first at data.yaml:{at(text, 9, '{')}): merge them into one edge"
    ]


def test_supplies_edge_needs_a_share(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '{')}: error: supplies edge gallium -> semis needs a share: the "
        "fraction (0 < share <= 1) of the consumer's use of the commodity that comes from this "
        "supplier"
    ]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("share", ["0", "1.5", "-0.2"])
def test_supplies_share_out_of_range(errors, share):
    text = BASE + f"edges:\n  - {{from: gallium, to: semis, share: {share}}}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, share)}: error: share {share} is out of range: a supplies "
        "share is the fraction 0 < share <= 1 of the consumer's use that comes from this "
        "supplier"
    ]


def test_share_of_one_is_fine(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(BASE + "edges:\n  - {from: gallium, to: semis, share: 1}\n")
    assert graph.load(path).edges["gallium", "semis", "gallium"]["share"] == 1.0


def test_controls_share_out_of_range(errors):
    text = BASE + "edges:\n  - {from: chn, to: semis, kind: controls, share: 2}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '2')}: error: share 2 is out of range: a controls share is the "
        "fraction 0 < share <= 1 of the target's output the country can hold back"
    ]


@pytest.mark.parametrize("name", ["dependence", "substitutable"])
def test_input_fractions_out_of_range(errors, name):
    text = BASE + f"  - {{id: cars, kind: industry, inputs: {{gallium: {{{name}: 1.2}}}}}}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, '1.2')}: error: inputs.gallium.{name} 1.2 is out of range: "
        "it is a fraction in [0, 1]"
    ]


def test_negative_stockpile_and_value(errors):
    text = (
        BASE + "  - {id: cars, kind: industry, value: -5, stockpile_days: -1,"
        " inputs: {gallium: {stockpile_days: -2}}}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 8, '-5')}: error: value -5 is negative: it must be >= 0",
        f"data.yaml:{at(text, 8, '-1')}: error: stockpile_days -1 is negative: it must be >= 0",
        f"data.yaml:{at(text, 8, '-2')}: error: inputs.gallium.stockpile_days -2 is negative: "
        "it must be >= 0",
    ]


def test_range_bounds(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, range: [0.6, 0.4]}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '[')}: error: range [0.6, 0.4] must have 0 <= low <= high "
        "<= 1: fix the bounds"
    ]


def test_share_outside_its_range(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, range: [0.1, 0.4]}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '[')}: error: share 0.5 lies outside its range [0.1, 0.4]: "
        "widen the range or fix the share"
    ]


def test_range_shape(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, range: [0.5]}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '[')}: error: range must be two numbers [low, high], "
        "e.g. [0.4, 0.5]"
    ]


def test_shares_summing_above_one(errors):
    text = BASE + (
        "  - {id: chn-gallium, kind: refiner, country: chn, commodity: gallium}\n"
        "edges:\n"
        "  - {from: gallium, to: semis, share: 0.7}\n"
        "  - {from: chn-gallium, to: semis, share: 0.5}\n"
    )
    # 0.7 + 0.5 = 1.2 > 1; reported at the last edge's share.
    assert errors(text) == [
        f"data.yaml:{at(text, 11, '0.5')}: error: supplies of gallium into semis add up to 1.2 "
        "(from gallium 0.7, chn-gallium 0.5), more than 1: shares are fractions of semis's use "
        "of gallium; correct them so that they add up to at most 1"
    ]


def test_shares_summing_to_one_within_tolerance(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(
        BASE + "  - {id: chn-gallium, kind: refiner, country: chn, commodity: gallium}\n"
        "edges:\n  - {from: gallium, to: semis, share: 0.7}\n"
        "  - {from: chn-gallium, to: semis, share: 0.3000005}\n"  # 1.0000005 <= 1 + 1e-6
    )
    assert graph.load(path).number_of_edges() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'0.5'", "share must be a number, not the text '0.5': remove the quotes"),
        ('"0.5"', "share must be a number, not the text '0.5': remove the quotes"),
        ("yes", "share must be a number, not true"),
        (".nan", "share must be a finite number, not nan: give a real value"),
        (".inf", "share must be a finite number, not inf: give a real value"),
        ("1e999", "share must be a finite number, not inf: give a real value"),
    ],
)
def test_share_of_the_wrong_type(errors, value, message):
    text = BASE + f"edges:\n  - {{from: gallium, to: semis, share: {value}}}\n"
    # Only the type error: the share is not then reported as missing too.
    assert errors(text) == [f"data.yaml:{at(text, 9, value)}: error: {message}"]


def test_text_field_given_a_boolean(errors):
    text = BASE + "  - {id: nor, kind: country, name: no}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'no}')}: error: name must be text, not false: put it in quotes "
        "(YAML reads yes/no/on/off as true/false)"
    ]


def test_year_must_be_whole(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, year: 2024.5}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '2024.5')}: error: year must be a whole number, not 2024.5"
    ]


# --------------------------------------------------------------------------- sources, groups


def test_source_naming_no_source(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, source: srcc}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'srcc')}: error: source 'srcc' is not in sources "
        "(did you mean 'src'?): add it to a sources list or fix the id"
    ]


def test_confidence(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5, confidence: estimated}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'estimated')}: error: confidence 'estimated' must be one of "
        "reported, estimate, recalled (did you mean 'estimate'?): say how sure the figure is"
    ]


def test_group_naming_an_unknown_commodity(errors):
    text = BASE + "groups:\n  metals: [gallium, tin]\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, 'tin')}: error: group 'metals' names 'tin', which "
        "is not a commodity of the dataset: fix the name, or add a node or edge that carries it"
    ]


def test_group_sharing_a_name_with_a_commodity(errors):
    text = BASE + "groups:\n  gallium: [gallium]\n"
    assert errors(text) == [
        f"data.yaml:9:3: error: group 'gallium' has the name of a commodity (at "
        f"data.yaml:{at(text, 6, '{')}): rename the group"
    ]


def test_edge_commodities_count_as_commodities(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(
        BASE + "edges:\n  - {from: chn, to: semis, share: 0.5, commodity: germanium}\n"
        "groups:\n  metals: [gallium, germanium]\n"
    )
    G = graph.load(path)
    assert G.graph["commodities"] == ["gallium", "germanium", "semis"]
    assert G.graph["groups"] == {"metals": ["gallium", "germanium"]}


def test_group_defined_in_two_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/a.yaml").write_text(BASE + "groups:\n  metals: [gallium]\n")
    (tmp_path / "data/b.yaml").write_text("groups:\n  metals: [gallium]\n")
    with pytest.raises(DataError) as info:
        graph.load("data")
    assert [str(p) for p in info.value.problems] == [
        "data/b.yaml:2:3: error: group 'metals' is defined twice (first at data/a.yaml:9:3): "
        "define each group once"
    ]


def test_input_naming_an_unknown_commodity(errors):
    text = BASE + "  - {id: cars, kind: industry, inputs: {galium: {dependence: 0.5}}}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'galium')}: error: input 'galium' is not a commodity of the "
        "dataset (did you mean 'gallium'?): fix the name, or add a node or edge that carries it"
    ]


@pytest.mark.parametrize("word", ["all", "controls"])
def test_reserved_commodity_names(errors, word):
    text = BASE + f"edges:\n  - {{from: chn, to: semis, share: 0.5, commodity: {word}}}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, word)}: error: {word!r} is a reserved word and cannot name a "
        "commodity: rename the commodity"
    ]


def test_reserved_word_as_a_node_id(errors):
    text = BASE + "  - {id: all, kind: mineral}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'all')}: error: 'all' is a reserved word and cannot name a "
        "commodity: give the node another id"
    ]


def test_reserved_word_as_a_group_name(errors):
    text = BASE + "groups:\n  all: [gallium]\n"
    assert errors(text) == [
        "data.yaml:9:3: error: 'all' is a reserved word, not a group name: rename it"
    ]


# --------------------------------------------------------------------------- file level


def test_yaml_syntax_error(errors):
    text = BASE + "edges:\n  - {from: gallium, to: semis, share: 0.5\n"
    [line] = errors(text)
    assert line.startswith("data.yaml:10:1: error: YAML syntax error: ")
    assert line.endswith(": fix the YAML syntax")


def test_tab_indentation(errors):
    text = "nodes:\n\t- {id: chn, kind: country}\n"
    assert errors(text) == [
        "data.yaml:2:1: error: YAML syntax error: while scanning for the next token found "
        "character '\\t' that cannot start any token: indent with spaces, not tabs"
    ]


@pytest.mark.parametrize(("text", "what"), [("- a\n- b\n", "list"), ("hello\n", "text")])
def test_not_a_mapping(errors, text, what):
    assert errors(text) == [
        "data.yaml:1:1: error: expected a mapping with keys sources, groups, nodes, edges, "
        f"not a {what}"
    ]


def test_section_of_the_wrong_shape(errors):
    text = "nodes:\n  chn: country\n"
    assert errors(text) == [
        "data.yaml:2:3: error: nodes must be a list of mappings such as - {id: ..., kind: ...}, "
        "not a mapping"
    ]


def test_entry_not_a_mapping(errors):
    text = "nodes:\n  - chn\n"
    assert errors(text) == [
        "data.yaml:2:5: error: each entry of nodes must be a mapping such as "
        "{id: ..., kind: ...}, not a text"
    ]


def test_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.yaml").write_bytes(b"nodes:\n  - {id: caf\xe9, kind: country}\n")
    with pytest.raises(DataError) as info:
        graph.load("data.yaml")
    # b"nodes:\n" is 7 bytes, "  - {id: caf" 12 more: the bad byte is at offset 19,
    # line 2, column 13.
    assert [str(p) for p in info.value.problems] == [
        "data.yaml:2:13: error: not UTF-8: byte 0xe9 at offset 19; save the file as UTF-8"
    ]


def test_duplicate_key(errors):
    text = BASE + "  - {id: cars, kind: industry, kind: component}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 8, 'kind: component')}: error: duplicate key 'kind' in one mapping "
        f"(first at line 8, column {at(text, 8, 'kind').split(':')[1]}): keep only one"
    ]


def test_alias_is_rejected(errors):
    text = (
        BASE + "edges:\n  - {from: gallium, to: semis, share: &s 0.5}\n"
        "  - {from: chn, to: semis, commodity: x, share: *s}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 10, '*s')}: error: YAML aliases are not supported (*s): write the "
        "value out in full"
    ]


def test_billion_laughs_fails(errors):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    [line] = errors("\n".join(lines) + "\n")
    assert line.startswith("data.yaml:2:")
    assert "YAML aliases are not supported (*a)" in line


def test_deep_nesting_is_an_error_not_a_crash(errors):
    text = "nodes: " + "[" * 5000 + "]" * 5000 + "\n"
    [line] = errors(text)
    assert "nesting deeper than 64 levels" in line


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert graph.load(path).nodes["chn"]["name"] == "China"


def test_empty_file_is_an_empty_dataset(tmp_path):
    (tmp_path / "empty.yaml").write_text("# nothing here yet\n")
    G = graph.load(tmp_path / "empty.yaml")
    assert G.number_of_nodes() == 0 and G.graph["commodities"] == []


# --------------------------------------------------------------------------- all at once


def test_every_problem_of_every_file_in_one_run_sorted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/b.yaml").write_text(
        "edges:\n  - {from: chn, to: gallium, share: 2}\n  - {from: chn, to: nowhere, share: 0.5}\n"
    )
    (tmp_path / "data/a.yaml").write_text(BASE + "  - {id: X, kind: mineral}\n")
    (tmp_path / "data/c.yaml").write_text("nodes: [\n")
    with pytest.raises(DataError) as info:
        graph.load("data")
    places = [f"{p.path}:{p.line}:{p.col}" for p in info.value.problems]
    # a.yaml line 8 "  - {id: X": X at column 10; b.yaml line 2 the share 2 at column
    # 37, line 3 "nowhere" at column 21; c.yaml ends inside the flow list (line 2).
    assert places == [
        "data/a.yaml:8:10",
        "data/b.yaml:2:37",
        "data/b.yaml:3:21",
        "data/c.yaml:2:1",
    ]
    assert len(str(info.value).splitlines()) == 4


def test_from_dict_problems_name_the_memory_path():
    with pytest.raises(DataError) as info:
        graph.from_dict({"nodes": [{"id": "chn", "kind": "nation"}]}, path="<test>")
    assert [str(p) for p in info.value.problems] == [
        "<test>:0:0: error: node kind 'nation' must be one of country, mineral, refiner, "
        "component, industry"
    ]


def test_from_dict_checks_types_strictly():
    with pytest.raises(DataError, match=r"share must be a number, not the text '0\.5'"):
        graph.from_dict(
            {
                "nodes": [{"id": "a", "kind": "mineral"}, {"id": "b", "kind": "industry"}],
                "edges": [{"from": "a", "to": "b", "share": "0.5"}],
            }
        )


# --------------------------------------------------------------------------- second-edition fields


def test_share_zero_is_allowed_with_spare(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(
        BASE + "edges:\n"
        "  - {from: gallium, to: semis, share: 0.7}\n"
        "  - {from: chn, to: semis, commodity: gallium, share: 0, spare: 0.4, ramp_days: 90,"
        " quantity: 1200, spare_range: [0.3, 0.5]}\n"
    )
    G = graph.load(path)
    edge = G.edges["chn", "semis", "gallium"]
    assert (edge["share"], edge["spare"], edge["ramp_days"]) == (0.0, 0.4, 90.0)
    assert edge["quantity"] == 1200.0 and edge["spare_range"] == (0.3, 0.5)
    # Spare does not count in the shares sum: 0.7 + 0 <= 1 although 0.7 + 0.4 > 1.
    other = G.edges["gallium", "semis", "gallium"]
    assert (other["spare"], other["ramp_days"], other["spare_range"]) == (None, None, None)


@pytest.mark.parametrize("spare", ["0", "-0.1", "1.5"])
def test_share_zero_needs_a_valid_spare_above_zero(errors, spare):
    text = BASE + f"edges:\n  - {{from: gallium, to: semis, share: 0, spare: {spare}}}\n"
    expected = [
        f"data.yaml:{at(text, 9, '0,')}: error: share 0 is out of range: a supplies share is "
        "the fraction 0 < share <= 1 of the consumer's use that comes from this supplier"
    ]
    if spare != "0":  # 0 itself is a valid spare, but not one above 0
        expected.append(
            f"data.yaml:{at(text, 9, spare + '}')}: error: spare {spare} is out of range: "
            "it is a fraction in [0, 1]"
        )
    assert errors(text) == expected


def test_edge_numbers_out_of_range(errors):
    text = BASE + (
        "edges:\n  - {from: gallium, to: semis, share: 0.5, spare: 1.2, ramp_days: -3,"
        " quantity: -7}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '1.2')}: error: spare 1.2 is out of range: it is a fraction "
        "in [0, 1]",
        f"data.yaml:{at(text, 9, '-3')}: error: ramp_days -3 is negative: it must be >= 0",
        f"data.yaml:{at(text, 9, '-7')}: error: quantity -7 is negative: it must be >= 0",
    ]


def test_spare_and_ramp_days_only_on_supplies_edges(errors):
    text = BASE + "edges:\n  - {from: chn, to: semis, kind: controls, spare: 0.2, ramp_days: 9}\n"
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '0.2')}: error: spare is only for supplies edges, not for a "
        "controls edge: remove it",
        f"data.yaml:{at(text, 9, '9}')}: error: ramp_days is only for supplies edges, not for a "
        "controls edge: remove it",
    ]


def test_spare_range_holds_the_spare_or_its_default(errors):
    text = BASE + (
        "edges:\n"
        "  - {from: gallium, to: semis, share: 0.5, spare: 0.4, spare_range: [0.1, 0.3]}\n"
        "  - {from: chn, to: semis, commodity: gallium, share: 0.2, spare_range: [0.1, 0.3]}\n"
        "  - {from: jpn, to: semis, commodity: gallium, share: 0.1, spare_range: [0.3, 1.2]}\n"
        "  - {from: chn, to: gallium, share: 0.1, spare_range: [0.5]}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 9, '[')}: error: spare 0.4 lies outside its range [0.1, 0.3]: "
        "widen the range or fix the spare",
        # No spare: the model uses 0, which the range must hold.
        f"data.yaml:{at(text, 10, '[')}: error: spare 0 lies outside its range [0.1, 0.3]: "
        "widen the range or fix the spare",
        f"data.yaml:{at(text, 11, '[')}: error: spare_range [0.3, 1.2] must have "
        "0 <= low <= high <= 1: fix the bounds",
        f"data.yaml:{at(text, 12, '[')}: error: spare_range must be two numbers [low, high], "
        "e.g. [0.4, 0.5]",
    ]


def test_wgi_only_on_country_nodes_and_price_not_negative(errors):
    text = (
        "nodes:\n"
        "  - {id: chn, kind: country, wgi: 0.6}\n"
        "  - {id: aus, kind: country, wgi: 1.1}\n"
        "  - {id: gallium, kind: mineral, wgi: 0.2, price: -3}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 3, '1.1')}: error: wgi 1.1 is out of range: it is a fraction "
        "in [0, 1]",
        f"data.yaml:{at(text, 4, '0.2')}: error: wgi is only for country nodes, not for a "
        "mineral node: remove it",
        f"data.yaml:{at(text, 4, '-3')}: error: price -3 is negative: it must be >= 0",
    ]


def test_wgi_and_price_reach_the_graph(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(
        "nodes:\n  - {id: chn, kind: country, wgi: 0.6}\n"
        "  - {id: gallium, kind: mineral, price: 250}\n"
    )
    G = graph.load(path)
    assert (G.nodes["chn"]["wgi"], G.nodes["chn"]["price"]) == (0.6, None)
    assert (G.nodes["gallium"]["wgi"], G.nodes["gallium"]["price"]) == (None, 250.0)


def test_input_ranges(errors):
    text = BASE + (
        "  - {id: gallium2, kind: mineral}\n"
        "  - id: cars\n"
        "    kind: industry\n"
        "    stockpile_days: 30\n"
        "    inputs:\n"
        "      gallium: {dependence: 0.8, dependence_range: [0.5, 0.7]}\n"
        "      semis: {substitutable_range: [0.1, 0.2], stockpile_days_range: [10, 20]}\n"
        "      gallium2: {dependence_range: [0.5, 1.5], stockpile_days_range: [-1, 5]}\n"
    )
    assert errors(text) == [
        f"data.yaml:{at(text, 13, '[')}: error: inputs.gallium.dependence 0.8 lies outside its "
        "range [0.5, 0.7]: widen the range or fix the dependence",
        # Absent: substitutable is 0 and the stock is the node's 30 days.
        f"data.yaml:{at(text, 14, '[')}: error: inputs.semis.substitutable 0 lies outside its "
        "range [0.1, 0.2]: widen the range or fix the substitutable",
        f"data.yaml:{at(text, 14, '[10')}: error: inputs.semis.stockpile_days 30 lies outside "
        "its range [10, 20]: widen the range or fix the stockpile_days",
        f"data.yaml:{at(text, 15, '[')}: error: inputs.gallium2.dependence_range [0.5, 1.5] must "
        "have 0 <= low <= high <= 1: fix the bounds",
        f"data.yaml:{at(text, 15, '[-1')}: error: inputs.gallium2.stockpile_days_range [-1, 5] "
        "must have 0 <= low <= high: fix the bounds",
    ]


def test_input_ranges_reach_the_graph_only_when_given(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text(
        "nodes:\n  - {id: gallium, kind: mineral}\n"
        "  - {id: semis, kind: industry, inputs: {gallium: {dependence: 0.6,"
        " dependence_range: [0.5, 0.7]}}}\n"
        "edges:\n  - {from: gallium, to: semis, share: 0.5}\n"
    )
    G = graph.load(path)
    assert G.nodes["semis"]["inputs"] == {
        "gallium": {
            "dependence": 0.6,
            "dependence_range": (0.5, 0.7),
            "substitutable": 0.0,
            "stockpile_days": None,
        }
    }


def test_new_fields_in_tables_are_located(tmp_path):
    (tmp_path / "nodes.csv").write_text(
        "id,kind,wgi,price\nchn,country,0.5,\ngallium,mineral,0.5,-1\nsemis,industry,,\n"
    )
    (tmp_path / "edges.csv").write_text(
        "from,to,share,spare,ramp_days,quantity,spare_range\n"
        "chn,gallium,0,0.3,10,5,\n"
        "gallium,semis,0.5,2,-1,,\n"
        'chn,semis,0.1,,,-4,"[0.2, 0.1]"\n'
    )
    with pytest.raises(DataError) as info:
        graph.load(tmp_path)
    nodes, edges = tmp_path / "nodes.csv", tmp_path / "edges.csv"
    assert [str(p) for p in info.value.problems] == [
        f"{edges}:3:4: error: spare 2.0 is out of range: it is a fraction in [0, 1]",
        f"{edges}:3:5: error: ramp_days -1.0 is negative: it must be >= 0",
        f"{edges}:4:1: error: edge from the country 'chn' to an industry node 'semis' names no "
        "commodity: add 'commodity' (a country's edges carry their target's commodity only when "
        "the target is a mineral)",
        f"{edges}:4:6: error: quantity -4.0 is negative: it must be >= 0",
        f"{edges}:4:7: error: spare_range [0.2, 0.1] must have 0 <= low <= high <= 1: "
        "fix the bounds",
        f"{nodes}:3:3: error: wgi is only for country nodes, not for a mineral node: remove it",
        f"{nodes}:3:4: error: price -1.0 is negative: it must be >= 0",
    ]
