"""Country names and codes from USGS, BACI and Comtrade -> lowercase ISO3 ids."""

from __future__ import annotations

import pytest

from graph.errors import UnknownNameError
from graph.importers.countries import (
    country_id,
    country_name,
    country_qualifier,
    find_country_id,
    normalize_name,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # USGS MCS spellings
        ("China", "chn"),
        ("Korea, Republic of", "kor"),
        ("Korea, North", "prk"),
        ("Congo (Kinshasa)", "cod"),
        ("Congo (Brazzaville)", "cog"),
        ("Burma", "mmr"),
        ("Russia", "rus"),
        ("Russia ", "rus"),  # trailing space
        ("Russia\u00a0", "rus"),  # non-breaking space
        ("United\u00a0States", "usa"),
        ("Turkey", "tur"),
        ("Türkiye", "tur"),
        ("Côte d’Ivoire", "civ"),  # curly apostrophe
        ("Vietnam", "vnm"),
        ("Laos", "lao"),
        ("Iran", "irn"),
        ("Taiwan", "twn"),
        ("Czechia", "cze"),
        # a qualifier in brackets that is not part of the name
        ("Brazil (beneficiated)", "bra"),
        ("United States (includes Puerto Rico)", "usa"),
        # BACI / Comtrade spellings and codes
        ("Rep. of Korea", "kor"),
        ("Dem. Rep. of the Congo", "cod"),
        ("China, Hong Kong SAR", "hkg"),
        ("Other Asia, nes", "twn"),
        ("S19", "twn"),
        ("JPN", "jpn"),
        ("jp", "jpn"),
        ("392", "jpn"),
        (392, "jpn"),
        ("056", "bel"),
        ("842", "usa"),  # UN M49 / BACI code for the United States (ISO: 840)
        ("840", "usa"),
        ("699", "ind"),  # BACI India (ISO: 356)
        ("251", "fra"),
        ("757", "che"),
        ("490", "twn"),
    ],
)
def test_known_names_and_codes(name, expected):
    assert find_country_id(name) == expected
    assert country_id(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Other Countries",
        "World total (rounded)",
        "United States and Canada",
        "World",
        "0",
        "W00",
        "",
        "   ",
        "Atlantis",
    ],
)
def test_aggregates_and_unknown_names_are_not_countries(name):
    assert find_country_id(name) is None


def test_country_id_raises_with_a_suggestion():
    with pytest.raises(UnknownNameError, match=r"unknown country 'Frnace' \(did you mean"):
        country_id("Frnace")


@pytest.mark.parametrize(
    ("iso3", "expected"),
    [
        ("chn", "China"),
        ("kor", "South Korea"),
        ("prk", "North Korea"),
        ("rus", "Russia"),
        ("cod", "DR Congo"),
        ("twn", "Taiwan"),
        ("usa", "United States"),
        ("vnm", "Vietnam"),
        ("zzz", "zzz"),  # unknown: the id itself
    ],
)
def test_display_names(iso3, expected):
    assert country_name(iso3) == expected


def test_every_display_name_resolves_back_to_its_id():
    # So that a user can type the name the importers write into a dataset.
    import pycountry

    for country in pycountry.countries:
        iso3 = country.alpha_3.lower()
        assert find_country_id(country_name(iso3)) == iso3, iso3


def test_qualifier():
    assert country_qualifier("Brazil (beneficiated)") == "beneficiated"
    assert country_qualifier("Congo (Kinshasa)") is None
    assert country_qualifier("Bolivia") is None
    assert country_qualifier("Nowhere (crude)") is None


def test_normalize_name():
    assert normalize_name("  Korea,\u00a0 Republic of ") == "Korea, Republic of"
