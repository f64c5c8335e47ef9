"""Names people type -> the ids of a dataset (``graph.lookup``)."""

from __future__ import annotations

import pytest

import graph
from graph.errors import UnknownNameError
from graph.lookup import did_you_mean, expand_commodities, resolve_commodity, resolve_node


@pytest.fixture(scope="module")
def G():
    # Commodities (the nodes' outputs): gallium (the mine and the refinery),
    # germanium, jp-semis (an industry outputs its own id). Countries output none.
    return graph.from_dict(
        {
            "groups": {"minor-metals": ["gallium", "germanium"]},
            "nodes": [
                {"id": "chn", "kind": "country", "name": "China"},
                {"id": "jpn", "kind": "country", "name": "Japan"},
                {"id": "gallium", "kind": "mineral", "name": "Primary gallium"},
                {"id": "germanium", "kind": "mineral"},
                {
                    "id": "chn-gallium",
                    "kind": "refiner",
                    "name": "Chinese gallium refining",
                    "country": "chn",
                    "commodity": "gallium",
                },
                # An industry that shares its display name with a country node.
                {"id": "jp-semis", "kind": "industry", "name": "Japan", "country": "jpn"},
            ],
            "edges": [
                {"from": "chn", "to": "gallium", "share": 0.98},
                {"from": "chn-gallium", "to": "jp-semis", "share": 0.5},
            ],
        }
    )


# --------------------------------------------------------------------------- did_you_mean


def test_did_you_mean_names_the_closest_candidate():
    assert did_you_mean("galium", ["gallium", "tin"]) == " (did you mean 'gallium'?)"


def test_did_you_mean_lists_up_to_three_best_first():
    # Similarity (difflib): "nod" ~ "node" and ~ "nods" 2*3/7 = 0.86, ~ "cod" 2*2/6 = 0.67,
    # ~ "edge" 2*1/7 = 0.29 (below the cut-off 0.6). Equal scores: the later name first.
    suggestion = did_you_mean("nod", ["node", "nods", "cod", "edge"])
    assert suggestion == " (did you mean 'nods' or 'node' or 'cod'?)"
    assert did_you_mean("nod", ["node", "nods", "cod"], n=1) == " (did you mean 'nods'?)"


def test_did_you_mean_is_empty_when_nothing_is_close_or_the_name_is_not_text():
    assert did_you_mean("zinc", ["gallium", "germanium"]) == ""
    assert did_you_mean(42, ["42"]) == ""
    assert did_you_mean("x", []) == ""


# --------------------------------------------------------------------------- resolve_node


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("chn", "chn"),  # the id
        ("CHN", "chn"),  # any case
        ("  chn ", "chn"),  # spaces around it
        ("China", "chn"),  # the display name
        ("chinese GALLIUM refining", "chn-gallium"),
    ],
)
def test_a_node_is_found_by_id_or_display_name_in_any_case(G, typed, node):
    assert resolve_node(G, typed) == node


def test_two_nodes_with_one_display_name_are_an_error_naming_both(G):
    # "Japan" names jpn and jp-semis: neither is picked silently (issue 18).
    with pytest.raises(UnknownNameError) as err:
        resolve_node(G, "japan")
    assert str(err.value) == "'japan' is the name of 2 nodes (jp-semis, jpn): give one of these ids"
    # The kind tells them apart; the id is never ambiguous.
    assert resolve_node(G, "japan", kind="country") == "jpn"
    assert resolve_node(G, "jp-semis") == "jp-semis"


def test_kind_limits_the_nodes_that_match(G):
    assert resolve_node(G, "gallium", kind="mineral") == "gallium"
    with pytest.raises(UnknownNameError) as err:
        resolve_node(G, "gallium", kind="country")
    assert str(err.value) == "unknown country 'gallium'"


def test_an_unknown_node_suggests_ids_and_names(G):
    with pytest.raises(UnknownNameError) as err:
        resolve_node(G, "Chna")
    # "chna" ~ "china" 2*4/9 = 0.89, ~ "chn" 2*3/7 = 0.86; the rest score below 0.6.
    assert str(err.value) == "unknown node 'Chna' (did you mean 'china' or 'chn'?)"


# --------------------------------------------------------------------------- resolve_commodity


@pytest.mark.parametrize(
    ("typed", "commodity"),
    [
        ("gallium", "gallium"),  # a commodity
        ("Germanium ", "germanium"),
        ("minor-metals", "minor-metals"),  # a group stays a group
        ("ALL", "all"),
        ("chn-gallium", "gallium"),  # the id of a node that outputs it
        ("primary gallium", "gallium"),  # a node's display name
    ],
)
def test_a_commodity_is_found_by_name_group_or_node(G, typed, commodity):
    assert resolve_commodity(G, typed) == commodity


def test_an_unknown_commodity_suggests_commodities_and_groups(G):
    with pytest.raises(UnknownNameError) as err:
        resolve_commodity(G, "galium")
    # "galium" ~ "gallium" 2*6/13 = 0.92; ~ "germanium" 2*5/15 = 0.67 ("g", "a", "ium").
    assert str(err.value) == (
        "unknown commodity or group 'galium' (did you mean 'gallium' or 'germanium'?)"
    )


def test_a_country_is_not_a_commodity(G):
    with pytest.raises(UnknownNameError):
        resolve_commodity(G, "China")


# --------------------------------------------------------------------------- expand_commodities


def test_groups_expand_to_their_members_and_commodities_stand_for_themselves(G):
    assert expand_commodities(G, ["minor-metals"]) == {"gallium", "germanium"}
    assert expand_commodities(G, ["jp-semis", "gallium"]) == {"jp-semis", "gallium"}
    assert expand_commodities(G, []) == frozenset()


def test_all_is_every_commodity_of_the_dataset(G):
    assert G.graph["commodities"] == ["gallium", "germanium", "jp-semis"]
    assert expand_commodities(G, ["gallium", "all"]) == {"gallium", "germanium", "jp-semis"}


def test_did_you_mean_finds_a_word_of_a_long_imported_id():
    # An imported dataset names its nodes MINERAL-PRODUCTION-TYPE: "antimony" is far
    # from the id by spelling (difflib ratio below 0.6), but the id starts with it.
    ids = ["antimony-mine-production-antimony-content", "tin-mine-production-tin-content"]
    assert did_you_mean("antimony", ids) == (
        " (did you mean 'antimony-mine-production-antimony-content'?)"
    )
    # Contained, not at the start: found too, after the ones that start with it.
    assert (
        did_you_mean("production-tin", ids) == " (did you mean 'tin-mine-production-tin-content'?)"
    )
    # Shorter than three letters: no word search ("ti" is in both ids).
    assert did_you_mean("ti", ids) == ""


def test_unknown_node_of_an_imported_dataset_suggests_its_long_id():
    G = graph.from_dict(
        {
            "nodes": [
                {"id": "chn", "kind": "country"},
                {"id": "antimony-mine-production-antimony-content", "kind": "mineral"},
            ],
            "edges": [
                {"from": "chn", "to": "antimony-mine-production-antimony-content", "share": 0.5}
            ],
        }
    )
    with pytest.raises(UnknownNameError, match="did you mean 'antimony-mine-production-antimony"):
        resolve_node(G, "antimony")
    with pytest.raises(UnknownNameError, match="did you mean 'antimony-mine-production-antimony"):
        resolve_commodity(G, "antimony")
