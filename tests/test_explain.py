"""An empty what-if says why (``analysis.explain``), from the data alone."""

from __future__ import annotations

import pytest
from helpers import dataset, run_cli

import analysis
import graph
from analysis.explain import why_nothing
from analysis.scenario import Restriction, Scenario

#: China mines no cobalt but refines it; Japan's batteries buy refined cobalt.
COBALT = """
groups:
  battery-metals: [cobalt, refined-cobalt]
nodes:
  - {id: chn, kind: country, name: China}
  - {id: cod, kind: country, name: DR Congo}
  - {id: jpn, kind: country, name: Japan}
  - {id: cobalt, kind: mineral, name: Cobalt (mine supply)}
  - {id: chn-cobalt-refining, kind: refiner, country: chn, commodity: refined-cobalt}
  - {id: refined-cobalt, kind: refiner, name: Refined cobalt (world)}
  - {id: jp-batteries, kind: industry, country: jpn, name: Batteries (Japan)}
edges:
  - {from: cod, to: cobalt, share: 0.76}
  - {from: cobalt, to: refined-cobalt, share: 1.0}
  - {from: chn-cobalt-refining, to: refined-cobalt, share: 0.74}
  - {from: refined-cobalt, to: jp-batteries, share: 1.0}
"""


@pytest.fixture(scope="module")
def G():
    return dataset(COBALT)


def test_the_next_stage_is_suggested_with_its_share_and_group(G):
    text = why_nothing(G, Scenario((Restriction("chn", ["cobalt"]).resolve(G),)))
    assert text == (
        "China supplies no cobalt in this dataset; it supplies refined-cobalt "
        "(74% of Refined cobalt (world)): did you mean that, or the group battery-metals?"
    )


def test_with_nothing_related_the_largest_suppliers_are_named(G):
    text = why_nothing(G, Scenario((Restriction("jpn", ["cobalt"]).resolve(G),)))
    assert (
        text == "Japan supplies no cobalt in this dataset; its largest suppliers are DR Congo (76%)"
    )


def test_a_commodity_that_goes_elsewhere_than_the_target(G):
    # China's refined cobalt goes to the world market node, which lies in no country.
    r = Restriction("chn", ["refined-cobalt"], to=["jpn"]).resolve(G)
    assert why_nothing(G, Scenario((r,))) == (
        "China's refined-cobalt goes to Refined cobalt (world), not to Japan"
    )


def test_a_removal_that_hits_nothing(G):
    assert why_nothing(G, Scenario(removed=("jp-batteries",))) == (
        "no node takes supplies from Batteries (Japan)"
    )


def test_the_headline_of_an_empty_result_carries_the_reason(G):
    res = analysis.what_if(G, [Restriction("china", ["cobalt"])])
    assert res.summary["nodes_hit"] == 0
    assert res.headline().startswith(
        "China restricts cobalt: 0 nodes hit, 0 industries. China supplies no cobalt"
    )


# `cobalt` and `lithium` name both stages in the bundled data (groups in
# seeds/battery-metals.yaml), so they hit; the mine stage alone is still empty.
@pytest.mark.parametrize(
    "args, says",
    [
        (
            ["china", "mined-cobalt"],
            "China supplies no mined-cobalt in this dataset; it supplies refined-cobalt (74% of",
        ),
        (
            ["china", "nickel", "--to", "japan"],
            "China's nickel goes to Nickel (world mine supply, nickel content), not to Japan",
        ),
        (["china", "palladium"], "China supplies no palladium in this dataset; its largest"),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else "",
)
def test_the_bundled_data_says_why_on_the_command_line(args, says):
    code, out, err = run_cli(["what-if", *args])
    assert code == 0, err
    assert says in " ".join(out.split())  # the headline wraps between words at the width
    assert ("battery-metals" in out) == (args[1] == "mined-cobalt")


def test_the_bundled_cobalt_suggestion_is_the_refining_share():
    # seeds/battery-metals.yaml: chn-cobalt-refining -> refined-cobalt, share 0.74.
    G = graph.load()
    text = why_nothing(G, Scenario((Restriction("chn", ["mined-cobalt"]).resolve(G),)))
    assert "refined-cobalt (74% of Refined cobalt (world supply))" in text
