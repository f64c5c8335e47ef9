"""Country names and codes as public data writes them -> lowercase ISO 3166 alpha-3 ids.

USGS, CEPII BACI and UN Comtrade each name countries their own way: "Korea,
Republic of", "Congo (Kinshasa)", "Burma", "Rep. of Korea", numeric code 842
for the United States, "Other Asia, nes" for Taiwan, names padded with
trailing or non-breaking spaces. ``pycountry`` knows the ISO names and codes;
a small table here adds the names and codes it does not know. Anything still
unknown is ``None`` (``find_country_id``) or an ``UnknownNameError``
(``country_id``), never a guess: importers list such rows for the user.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

from graph.errors import UnknownNameError
from graph.lookup import did_you_mean

__all__ = ["country_id", "country_name", "country_qualifier", "find_country_id", "normalize_name"]

# Names (case-folded, spaces normalised) that pycountry does not resolve, or
# resolves to something else. Sources: USGS MCS world tables, BACI and
# Comtrade country lists, and common English usage.
_NAME_OVERRIDES = {
    # USGS Mineral Commodity Summaries
    "burma": "mmr",
    "congo (kinshasa)": "cod",
    "congo (brazzaville)": "cog",
    "korea, north": "prk",
    "korea, south": "kor",
    "russia": "rus",
    "turkey": "tur",
    "brunei": "brn",
    "cote d'ivoire": "civ",
    "ivory coast": "civ",
    "czech republic": "cze",
    "swaziland": "swz",
    "macedonia": "mkd",
    "cape verde": "cpv",
    "east timor": "tls",
    "vatican city": "vat",
    "palestine": "pse",
    "micronesia": "fsm",
    # Common English names
    "south korea": "kor",
    "north korea": "prk",
    "dr congo": "cod",
    "drc": "cod",
    "democratic republic of the congo": "cod",
    "republic of the congo": "cog",
    "united states of america": "usa",
    "us": "usa",
    "u.s.": "usa",
    "uk": "gbr",
    "great britain": "gbr",
    # BACI and UN Comtrade (M49) names
    "rep. of korea": "kor",
    "dem. people's rep. of korea": "prk",
    "dem. rep. of the congo": "cod",
    "lao people's dem. rep.": "lao",
    "united rep. of tanzania": "tza",
    "rep. of moldova": "mda",
    "china, hong kong sar": "hkg",
    "china, macao sar": "mac",
    "bosnia herzegovina": "bih",
    "central african rep.": "caf",
    "dominican rep.": "dom",
    "fs micronesia": "fsm",
    "state of palestine": "pse",
    # Taiwan appears in UN statistics as "Other Asia, not elsewhere specified".
    "other asia, nes": "twn",
    "other asia, not elsewhere specified": "twn",
}

# Codes that differ from ISO 3166: UN M49 / BACI numeric codes (842 for the
# United States where ISO has 840, ...) and the UN's non-ISO alpha-3 for Taiwan.
_CODE_OVERRIDES = {
    "842": "usa",
    "699": "ind",
    "251": "fra",
    "579": "nor",
    "757": "che",
    "490": "twn",
    "s19": "twn",
    "58": "bel",  # Belgium-Luxembourg until 1998, reported under Belgium
}

# Display names: pycountry's common name where it has one, else its name,
# except where that name is a formal or inverted form nobody types.
_DISPLAY_NAMES = {
    "rus": "Russia",
    "cod": "DR Congo",
    "cog": "Republic of the Congo",
    "brn": "Brunei",
    "pse": "Palestine",
    "fsm": "Micronesia",
    "vat": "Vatican City",
    "vgb": "British Virgin Islands",
    "vir": "US Virgin Islands",
    "mkd": "North Macedonia",
    "hkg": "Hong Kong",
    "mac": "Macao",
}

# Every display name this module writes must read back as its country.
_NAME_OVERRIDES.update({name.casefold(): iso3 for iso3, name in _DISPLAY_NAMES.items()})

_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
_SPACES = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """Clean a name as it comes out of a data file: spaces, quotes, case kept.

    Non-breaking and repeated spaces become one space, curly apostrophes
    straight ones, and the ends are stripped.

    Examples
    --------
    >>> normalize_name("Russia\\u00a0 ")
    'Russia'
    >>> normalize_name("Côte d’Ivoire")
    "Côte d'Ivoire"
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _lookup(text: str) -> str | None:
    key = text.casefold()
    if key in _NAME_OVERRIDES:
        return _NAME_OVERRIDES[key]
    if _ascii_fold(key) in _NAME_OVERRIDES:
        return _NAME_OVERRIDES[_ascii_fold(key)]
    if key in _CODE_OVERRIDES:
        return _CODE_OVERRIDES[key]
    if key.isdigit():
        key = key.lstrip("0") or "0"
        if key in _CODE_OVERRIDES:
            return _CODE_OVERRIDES[key]
        found = pycountry.countries.get(numeric=key.zfill(3))
        return found.alpha_3.lower() if found else None
    try:
        return pycountry.countries.lookup(text).alpha_3.lower()
    except LookupError:
        return None


@functools.lru_cache(maxsize=4096)
def find_country_id(name: str | int) -> str | None:
    """Return the lowercase ISO3 id of a country name or code, or None if unknown.

    Accepts English names (ISO, common, USGS, BACI and Comtrade spellings),
    ISO alpha-2 and alpha-3 codes and numeric codes (ISO 3166 and UN M49 as
    BACI and Comtrade use them). A trailing qualifier in brackets, as in
    USGS's "Brazil (beneficiated)", is ignored when the full name is unknown.

    Examples
    --------
    >>> find_country_id("Korea, Republic of")
    'kor'
    >>> find_country_id("Congo (Kinshasa)")
    'cod'
    >>> find_country_id(842)
    'usa'
    >>> find_country_id("Other Countries") is None
    True
    """
    text = normalize_name(str(name))
    if not text:
        return None
    found = _lookup(text)
    if found is None and _QUALIFIER.search(text):
        found = _lookup(_QUALIFIER.sub("", text))
    return found


def country_qualifier(name: str) -> str | None:
    """Return the bracketed qualifier of a name that is only known without it.

    USGS writes "Brazil (beneficiated)" for a figure that covers only part of
    a country's output; "Congo (Kinshasa)" is a name, not a qualifier.

    Examples
    --------
    >>> country_qualifier("Brazil (beneficiated)")
    'beneficiated'
    >>> country_qualifier("Congo (Kinshasa)") is None
    True
    """
    text = normalize_name(name)
    match = _QUALIFIER.search(text)
    if not match or _lookup(text) is not None or find_country_id(text) is None:
        return None
    return match.group(0).strip()[1:-1]


def country_id(name: str | int) -> str:
    """Return the lowercase ISO3 id of a country name or code.

    Raises
    ------
    UnknownNameError
        When the name is not a known country, with close names as a hint.

    Examples
    --------
    >>> country_id("Burma")
    'mmr'
    >>> country_id("Russia\\u00a0")
    'rus'
    """
    found = find_country_id(name)
    if found is None:
        names = sorted({c.name.casefold() for c in pycountry.countries} | set(_NAME_OVERRIDES))
        hint = did_you_mean(normalize_name(str(name)).casefold(), names)
        raise UnknownNameError(f"unknown country {name!r}{hint}")
    return found


@functools.lru_cache(maxsize=1024)
def country_name(iso3: str) -> str:
    """Return the English display name of a country id (its id when unknown).

    Examples
    --------
    >>> country_name("kor")
    'South Korea'
    >>> country_name("rus")
    'Russia'
    """
    key = iso3.lower()
    if key in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[key]
    found = pycountry.countries.get(alpha_3=key.upper())
    if found is None:
        return key
    return getattr(found, "common_name", None) or found.name
