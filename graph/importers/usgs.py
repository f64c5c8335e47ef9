"""Import the USGS Mineral Commodity Summaries world table as a chokegraph dataset.

The USGS publishes, with each year's Mineral Commodity Summaries, one CSV of
world production by country for about 90 commodities (MCS 2025:
``MCS2025_World_Data.csv``, doi:10.5066/P13XCP3R). ``import_usgs`` turns it
into a dataset: one ``mineral`` node per commodity and production type, one
``country`` node per producer, and ``country -> mineral`` supplies edges whose
share is the country's production over the world total.

The file has quirks, all handled here: a UTF-8 byte-order mark; trailing and
non-breaking spaces in names; typos (``Gemanium``, ``Mine poduction``); a
column named ``PROD_EST_ 2024`` with a space; ``World total (rounded)`` and
``Other countries`` rows among the countries; withheld figures (blank, ``W``,
or a note such as ``Included in World total``); several production types per
commodity, and a few rows filed under a variant of their table's type.

Rows that cannot become an edge (no figure, an unknown country, no world
total) are kept in ``Imported.skipped`` with their line and reason, and
``Imported.summary()`` lists them: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError, DataError, Problem, UnknownNameError
from graph.importers.common import Imported, Skipped, plural
from graph.importers.countries import (
    country_name,
    country_qualifier,
    find_country_id,
    normalize_name,
)
from graph.lookup import did_you_mean

__all__ = [
    "CURATED_MINERAL_IDS",
    "USGS_SOURCE",
    "import_usgs",
    "mineral_id",
    "read_usgs",
    "slugify",
]

#: The source entry every imported node and edge cites.
USGS_SOURCE: dict[str, Any] = {
    "id": "usgs-mcs-2025",
    "title": (
        "Mineral Commodity Summaries 2025: world production, capacity and reserves (data release)"
    ),
    "author": "U.S. Geological Survey",
    "published": "2025",
    "year": 2025,
    "url": "https://doi.org/10.5066/P13XCP3R",
}

#: (commodity, production type) -> the mineral id the bundled dataset uses.
#: Keys are case-folded, as ``_clean`` leaves them; every other table gets
#: ``slugify(commodity)-slugify(type)``.
CURATED_MINERAL_IDS: dict[tuple[str, str], str] = {
    ("gallium", "primary production"): "gallium",
    ("germanium", "primary and secondary refinery production"): "germanium",
    ("graphite", "mine production"): "natural-graphite",
    ("rare earths", "mine production, rare-earth-oxide equivalent"): "rare-earth-ore",
    ("diamond (industrial)", "mine production, industrial diamond"): "industrial-diamond",
    ("lithium", "mine production, lithium content"): "lithium",
    ("cobalt", "mine production, cobalt content, estimated"): "cobalt",
    ("nickel", "mine production, nickel content"): "nickel",
    ("manganese", "mine production, manganese content"): "manganese",
    ("tungsten", "mine production, tungsten content"): "tungsten",
    ("vanadium", "mine production, vanadium content"): "vanadium",
    ("platinum-group metals", "mine production, palladium content"): "palladium",
    ("silicon", "plant production, silicon metal"): "silicon",
}

#: The commodity a curated mineral outputs where it is not its id: the bundled
#: ``lithium`` and ``cobalt`` mine nodes output ``mined-*``, so that the names
#: ``lithium`` and ``cobalt`` are groups of both stages (seeds/battery-metals.yaml)
#: and an import still compares edge for edge with the bundled data.
CURATED_COMMODITIES: dict[str, str] = {"lithium": "mined-lithium", "cobalt": "mined-cobalt"}

# Rows the USGS filed under a variant of their table's commodity or type
# (the table's other rows, and its world total, use the second spelling).
_SAME_TABLE: dict[tuple[str, str], tuple[str, str]] = {
    ("cobalt", "mine production, estimated"): (
        "cobalt",
        "mine production, cobalt content, estimated",
    ),
    ("soda ash", "soda ash, natural, mine production"): ("soda ash", "mine production, natural"),
    ("talc and pyrophyllite", "mine production, estimated"): (
        "talc, crude",
        "mine production, estimated",
    ),
}

# Misspellings in the MCS 2025 file, fixed in names and ids.
_TYPOS = {
    "Gemanium": "Germanium",
    "poduction": "production",
    "ilmentite": "ilmenite",
    "Ferosilicon": "Ferrosilicon",
    "grosss": "gross",
}
_TYPO_RE = re.compile(r"\b(" + "|".join(_TYPOS) + r")\b")

_WORLD = re.compile(r"^world( total)?\b", re.I)
_OTHER = re.compile(r"^other countries\b", re.I)
_FOOTNOTE = re.compile(r"\s+\d+$")  # "World total (rounded) 10": a footnote mark
_PROD_COLUMN = re.compile(r"^PROD_(?:EST_)?(\d{4})$", re.I)
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]*)?$")


def slugify(text: str) -> str:
    """Lowercase ASCII slug: runs of anything but letters and digits become ``-``.

    Examples
    --------
    >>> slugify("Diamond (industrial)")
    'diamond-industrial'
    >>> slugify("Mine production, bauxite, dry tons")
    'mine-production-bauxite-dry-tons'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _clean(text: str) -> str:
    """Spaces normalised, typos fixed: the display form of a commodity or type."""
    return _TYPO_RE.sub(lambda m: _TYPOS[m.group(1)], normalize_name(text))


def mineral_id(commodity: str, production_type: str) -> str:
    """Return the mineral node id for a USGS commodity and production type.

    The commodities of the bundled dataset keep its ids (``CURATED_MINERAL_IDS``);
    every other table is ``slug(commodity)-slug(type)``.

    Examples
    --------
    >>> mineral_id("Gallium ", "Primary production")
    'gallium'
    >>> mineral_id("Gemanium", "Primary and secondary refinery production")
    'germanium'
    >>> mineral_id("Bauxite", "Mine production, bauxite, dry tons")
    'bauxite-mine-production-bauxite-dry-tons'
    """
    key = (_clean(commodity).casefold(), _clean(production_type).casefold())
    key = _SAME_TABLE.get(key, key)
    if key in CURATED_MINERAL_IDS:
        return CURATED_MINERAL_IDS[key]
    return f"{slugify(key[0])}-{slugify(key[1])}"


def _number(text: str) -> float | None:
    """A production figure, or None when the cell holds none (blank, W, a note)."""
    cleaned = normalize_name(text).replace(",", "").replace(" ", "")
    return float(cleaned) if _NUMBER.match(cleaned) else None


@dataclass
class _Row:
    line: int
    commodity: str  # cleaned, as displayed
    type: str
    country: str  # as written (cleaned of spaces)
    unit: str
    value: float | None
    raw: str
    note: str
    mineral: str


def _open_text(path: Path) -> str:
    from graph.files import read_regular

    data = read_regular(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Some USGS releases (MCS 2026) are Windows-1252.
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            # Five bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d) are not Windows-1252 either.
            start = exc.start
            line = data.count(b"\n", 0, start) + 1
            col = start - (data.rfind(b"\n", 0, start) + 1) + 1
            message = (
                f"byte 0x{data[exc.start]:02x} is neither UTF-8 nor Windows-1252 text: "
                "save the file as UTF-8"
            )
            raise DataError([Problem(str(path), line, col, message)]) from None


def _year_column(header: list[str], year: int, source: Path) -> int:
    """The index of the production column for ``year`` in a USGS world-data header.

    Raises ``ChokegraphError`` when the header lacks the table's columns or that year.
    """
    years = {int(m.group(1)): i for i, h in enumerate(header) if (m := _PROD_COLUMN.match(h))}
    needed = ["COMMODITY", "COUNTRY", "TYPE"]
    missing = [c for c in needed if c not in header]
    if missing or not years:
        raise ChokegraphError(
            f"{source}: not a USGS MCS world-data table (missing columns: "
            f"{', '.join(missing + ([] if years else ['PROD_<year>']))})"
        )
    if year not in years:
        raise ChokegraphError(
            f"{source}: no production column for {year} "
            f"(years in the file: {', '.join(map(str, sorted(years)))})"
        )
    return years[year]


def read_usgs(path: str | os.PathLike, *, year: int = 2024) -> list[_Row]:
    """Read the rows of a USGS MCS world-data CSV for one year's production.

    Returns one record per data row (world totals and residual rows
    included) with the cleaned commodity, type, country, unit, the figure
    (None when withheld or blank), the cell as written and the row's line.

    Raises
    ------
    ChokegraphError
        When the file is missing or lacks the needed columns or year.
    """
    from graph.files import regular_input

    source = regular_input(path)
    reader = csv.reader(io.StringIO(_open_text(source), newline=""))
    try:
        header = [re.sub(r"\s+", "", normalize_name(h)).upper() for h in next(reader)]
    except StopIteration:
        raise ChokegraphError(f"{source}: empty file") from None
    value_col = _year_column(header, year, source)
    col = {name: i for i, name in enumerate(header)}

    def cell(record: list[str], name: str) -> str:
        i = col.get(name)
        return record[i] if i is not None and i < len(record) else ""

    rows: list[_Row] = []
    next_line = 2
    for record in reader:
        line, next_line = next_line, reader.line_num + 1
        if not any(c.strip() for c in record):
            continue
        raw = record[value_col] if value_col < len(record) else ""
        commodity, kind = cell(record, "COMMODITY"), cell(record, "TYPE")
        rows.append(
            _Row(
                line=line,
                commodity=_clean(commodity),
                type=_clean(kind),
                country=_FOOTNOTE.sub("", normalize_name(cell(record, "COUNTRY"))),
                unit=normalize_name(cell(record, "UNIT_MEAS")),
                value=_number(raw),
                raw=normalize_name(raw),
                note=normalize_name(cell(record, "PROD_NOTES")),
                mineral=mineral_id(commodity, kind),
            )
        )
    return rows


def _select(rows: list[_Row], commodities: Iterable[str] | None) -> list[_Row]:
    if not commodities:
        return rows
    wanted = {normalize_name(c).casefold() for c in commodities}
    known = {r.mineral for r in rows} | {r.commodity.casefold() for r in rows}
    unknown = sorted(wanted - known)
    if unknown:
        hints = [f"{name!r}{did_you_mean(name, sorted(known))}" for name in unknown]
        raise UnknownNameError(f"unknown USGS commodity {', '.join(hints)}")
    return [r for r in rows if r.mineral in wanted or r.commodity.casefold() in wanted]


def _label(row: _Row) -> str:
    return f"{row.commodity} / {row.country}"


def _is_plain_total(row: _Row) -> bool:
    return row.country.casefold() in ("world total", "world total (rounded)", "world")


def import_usgs(
    path: str | os.PathLike,
    *,
    year: int = 2024,
    commodities: Iterable[str] | None = None,
) -> Imported:
    """Import a USGS MCS world-data CSV as a dataset of country -> mineral shares.

    Parameters
    ----------
    path : path
        ``MCS2025_World_Data.csv`` (or a file in the same layout).
    year : int
        Which production column to use (MCS 2025: 2023, or 2024 = the
        USGS estimate; default 2024).
    commodities : iterable of str, optional
        Only these tables: mineral ids (``gallium``, ``bauxite-mine-production-...``)
        or USGS commodity names (``Rare earths``: every type of it). Default: all.

    Returns
    -------
    Imported
        ``.data`` is the dataset: the ``usgs-mcs-2025`` source, country
        nodes (lowercase ISO3 ids), one mineral node per commodity and type
        that has at least one usable row, and ``country -> mineral`` edges.
        ``.skipped`` lists every row that gave no edge, with the reason.

    Notes
    -----
    share = country production / max(world total, sum of all rows of the
    table, named countries and "Other countries"), so that the shares of one
    mineral never add up to more than 1 when USGS's rounded world total is a
    little below the sum of its parts. A country listed twice in one table
    (USGS helium: two United States rows) gets one edge with the sum.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv_text = (
    ...     "COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_ 2024\\n"
    ...     "Gallium,China,Primary production,kilograms,621000,750000\\n"
    ...     "Gallium,World total (rounded),Primary production,kilograms,633000,760000\\n")
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "world.csv"
    >>> _ = file.write_text(csv_text)
    >>> round(import_usgs(file).share("chn", "gallium"), 4)
    0.9868
    """
    source_path = Path(path)
    shown = source_path.name
    rows = _select(read_usgs(source_path, year=year), commodities)
    tables: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        tables[row.mineral].append(row)

    skipped: list[Skipped] = []

    def skip(row: _Row, reason: str, detail: str) -> None:
        skipped.append(Skipped(shown, row.line, reason, f"{_label(row)}: {detail}"))

    minerals: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for mineral in sorted(tables):
        made = _import_table(mineral, tables[mineral], year, skip)
        if made is not None:
            minerals.append(made[0])
            edges += made[1]
    countries = sorted({edge["from"] for edge in edges})
    nodes = [{"id": c, "kind": "country", "name": country_name(c)} for c in countries]
    data = {"sources": [dict(USGS_SOURCE)], "nodes": nodes + minerals, "edges": edges}
    made_ids = {n["id"] for n in minerals}
    empty = sorted(m for m in tables if m not in made_ids)
    info = [
        f"{plural(len(rows), 'row')} read in {plural(len(tables), 'table')} "
        "(one per commodity and production type)"
    ]
    if empty:
        info.append(f"{len(empty)} tables without any usable row: {', '.join(empty)}")
    return Imported(
        data=data,
        skipped=sorted(skipped, key=lambda s: s.line),
        description=f"{shown} ({year})",
        info=info,
    )


_Skip = Callable[[_Row, str, str], None]  # records one unusable row: row, reason, detail


def _import_table(
    mineral: str, table: list[_Row], year: int, skip: _Skip
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """One USGS table -> its mineral node and edges (None when no row is usable)."""
    total_row = _world_total(table, year, skip)
    world = total_row.value if total_row else None
    by_country, listed_sum = _country_rows(table, total_row, year, skip)
    if not by_country:
        return None
    denominator = max(world or 0.0, listed_sum)
    node = _mineral_node(mineral, total_row or table[0], world, listed_sum, year)
    return node, _edges(mineral, by_country, denominator, year)


def _world_total(table: list[_Row], year: int, skip: _Skip) -> _Row | None:
    """The table's world-total row (None if it has none); the others are skipped."""
    totals = [r for r in table if _WORLD.match(r.country)]
    # Prefer a plain "World total (rounded)" over a qualified one such as
    # "World total (ilmenite and rutile, rounded)" filed in the same table.
    totals.sort(key=lambda r: (not _is_plain_total(r), r.line))
    for extra in totals[1:]:
        skip(extra, "extra-world-total", f"{totals[0].country!r} (line {totals[0].line}) used")
    total_row = totals[0] if totals else None
    if total_row is not None and total_row.value is None:
        skip(total_row, "no-value", f"world total for {year} is {_shown(total_row.raw)}")
    return total_row


def _country_rows(
    table: list[_Row], total_row: _Row | None, year: int, skip: _Skip
) -> tuple[dict[str, list[_Row]], float]:
    """The usable rows by country id, and the sum of every listed figure.

    The sum counts "Other countries" and rows of unknown countries too: they
    are part of the world even though no edge can name them.
    """
    world = total_row.value if total_row else None
    by_country: dict[str, list[_Row]] = defaultdict(list)
    listed_sum = 0.0
    for row in table:
        if _WORLD.match(row.country):
            continue
        if row.value is None:
            skip(row, "no-value", f"{year} figure is {_shown(row.raw)}" + _why(row))
            continue
        if not world:
            if total_row is None:
                skip(row, "no-world-total", "the table has no world-total row")
            else:
                skip(row, "no-world-total", f"the world total for {year} is not given")
            continue
        listed_sum += row.value
        if _OTHER.match(row.country):
            continue  # residual: counts towards the world, no country to link
        iso3 = find_country_id(row.country)
        if iso3 is None:
            skip(row, "unknown-country", f"{row.country!r} ({row.value:g} counted in the sum)")
            continue
        if row.value == 0:
            skip(row, "zero", f"{year} figure is 0")
            continue
        by_country[iso3].append(row)
    return by_country, listed_sum


def _mineral_node(
    mineral: str, first: _Row, world: float | None, listed_sum: float, year: int
) -> dict[str, Any]:
    """The mineral node of a table, named after ``first``, its world-total row.

    A stray row may carry a variant of the table's type (USGS cobalt: the
    United States row), so the world-total row names the table when there is one.
    """
    note = f"USGS MCS 2025: {first.commodity}, {first.type}; unit: {first.unit or 'not given'}; "
    note += f"world total {year}: {world:,.10g}"
    if listed_sum > (world or 0.0):
        note += f" (sum of listed rows {listed_sum:,.10g} used as the denominator)"
    return {
        "id": mineral,
        "kind": "mineral",
        "name": f"{first.commodity}: {first.type[0].lower()}{first.type[1:]}",
        **({"commodity": CURATED_COMMODITIES[mineral]} if mineral in CURATED_COMMODITIES else {}),
        "source": USGS_SOURCE["id"],
        "year": year,
        "confidence": "reported",
        "note": note,
    }


def _edges(
    mineral: str, by_country: dict[str, list[_Row]], denominator: float, year: int
) -> list[dict[str, Any]]:
    """One ``country -> mineral`` edge per country, largest producer first."""
    edges = []
    for iso3 in sorted(by_country, key=lambda c: (-sum(r.value for r in by_country[c]), c)):
        parts_of = by_country[iso3]
        value = sum(r.value for r in parts_of if r.value is not None)
        edge: dict[str, Any] = {
            "from": iso3,
            "to": mineral,
            "share": value / denominator,
            "source": USGS_SOURCE["id"],
            "year": year,
            "confidence": "reported",
        }
        # Keep what USGS says about the figure: a qualifier on the row
        # ("Brazil (beneficiated)"), the rows summed, the production note.
        notes = [r.country for r in parts_of if country_qualifier(r.country)]
        if len(parts_of) > 1:
            notes.append("sum of " + " and ".join(f"{r.country} {r.value:,.10g}" for r in parts_of))
        notes += [n for r in parts_of for n in _notes_for(r, year)]
        if notes:
            edge["note"] = "USGS: " + "; ".join(dict.fromkeys(notes))
        edges.append(edge)
    return edges


def _why(row: _Row) -> str:
    return f" ({row.note})" if row.note else ""


def _shown(raw: str) -> str:
    return repr(raw) if raw else "blank"


_ESTIMATED_YEAR = re.compile(r"^estimated (?:for )?(\d{4})$", re.I)


def _notes_for(row: _Row, year: int) -> list[str]:
    """USGS's production note, unless it is about the other year's figure."""
    match = _ESTIMATED_YEAR.match(row.note)
    if not row.note or (match and int(match.group(1)) != year):
        return []
    return [row.note]
