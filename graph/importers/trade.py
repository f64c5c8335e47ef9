"""Import bilateral trade tables (CEPII BACI, UN Comtrade) as import-share edges.

For each importing country and HS6 product, ``import_trade`` makes one node
``<importer>-imports-<hs6>`` (kind ``mineral``, located in the importer, output
commodity ``hs-<hs6>``) and one ``exporter -> node`` supplies edge per
exporting country, whose share is that exporter's part of the importer's
imports of the product: by quantity (tonnes, BACI's ``q``; the edge then
carries it as ``quantity``) where the table has quantities, else by value
(``by=``). The two differ a lot for materials sold in grades of very different
price: Japan's rare earths from China were 66% by quantity in 2024 but 38% by
value. The node is a ``mineral`` because it stands
for a raw or refined material as it reaches a country, which is what the
``mineral`` layer of a dataset holds; industries in the importer can then
take it as an input (``inputs: {hs-811292: ...}``), and a restriction by the
exporter ``to`` the importer cuts exactly the edges it should.

Two layouts are read, both streamed in chunks (``pandas.read_csv(chunksize=...)``)
so that a multi-gigabyte yearly file never sits in memory whole:

BACI (CEPII)
    columns ``t,i,j,k,v,q``: year, exporter, importer (numeric codes), HS6
    product, value in thousand USD, quantity in tonnes. Numeric codes are
    resolved through BACI's ``country_codes_V*.csv`` when given, else as ISO
    3166 / UN M49 numeric codes.
UN Comtrade (bulk CSV)
    ``reporterISO``/``partnerISO`` (or ``reporterCode``/``partnerCode``),
    ``flowCode``, ``cmdCode``, ``refYear`` (or ``period``), ``primaryValue``.
    Imports (``flowCode`` M) as reported by the importer; rows with the
    partner World (code 0, ``W00``) and breakdown rows (``motCode``,
    ``customsCode``, ``partner2Code`` other than their totals) are left out,
    since the totals already hold them.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError, DataError
from graph.files import read_regular, regular_input
from graph.importers.common import Imported, Skipped
from graph.importers.countries import country_name, find_country_id

__all__ = ["BACI_COLUMNS", "MEASURES", "detect_layout", "import_trade", "read_country_codes"]

#: The columns of a BACI yearly file.
BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")

_SOURCES = {
    "baci": {
        "id": "baci",
        "title": "BACI: international trade database at the product level",
        "author": "CEPII",
        "url": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    },
    "comtrade": {
        "id": "comtrade",
        "title": "UN Comtrade: international trade statistics",
        "author": "United Nations Statistics Division",
        "url": "https://comtradeplus.un.org/",
    },
}

_UNITS = {"baci": "thousand USD", "comtrade": "USD"}
#: What an import share can be measured by (``auto``: quantity where the table has it).
MEASURES = ("auto", "quantity", "value")
# No trade flow comes near 1e18 (world trade is about 3e13 USD a year); larger is a broken cell.
_LARGEST_VALUE = 1e18

# Comtrade partner codes that are not a country: World, and areas not elsewhere specified.
_WORLD_CODES = {"0", "w00", "wld", "world"}

# Comtrade columns: the name we use -> the names it may have in a file.
_COMTRADE_COLUMNS = {
    "reporter": ("reporterISO", "reporterCode"),
    "partner": ("partnerISO", "partnerCode"),
    "flow": ("flowCode",),
    "product": ("cmdCode",),
    "year": ("refYear", "period"),
    "value": ("primaryValue",),
}
# Breakdown columns and the value of their total (other values double-count).
_COMTRADE_TOTALS = {"motCode": "0", "customsCode": "C00", "partner2Code": "0"}


def _header(path: Path) -> list[str]:
    try:
        with _open(path) as fh:
            return [h.strip() for h in next(csv.reader(fh), [])]
    except UnicodeDecodeError:
        raise _not_utf8(path) from None


def _not_utf8(path: Path) -> ChokegraphError:
    """The located error for a trade table that is not UTF-8 (found by a second, byte-wise pass)."""
    from graph.files import utf8_problem

    problem = utf8_problem(path, str(path), gzipped=path.suffix == ".gz")
    if problem is None:
        return ChokegraphError(f"{path}: not UTF-8 text: save the file as UTF-8")
    return DataError([problem])


def _open(path: Path) -> io.TextIOWrapper:
    if path.suffix == ".gz":
        import gzip

        return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig", newline="")


def detect_layout(path: str | os.PathLike) -> str:
    """Return ``"baci"`` or ``"comtrade"`` from a trade file's header row.

    Raises
    ------
    ChokegraphError
        When the header matches neither layout.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "BACI_HS92_Y2023_V202501.csv"
    >>> _ = file.write_text("t,i,j,k,v,q\\n")
    >>> detect_layout(file)
    'baci'
    """
    source = regular_input(path)
    header = _header(source)
    lower = {h.lower() for h in header}
    if set(BACI_COLUMNS[:5]) <= lower:
        return "baci"
    comtrade_names = {n.lower() for names in _COMTRADE_COLUMNS.values() for n in names}
    if lower & comtrade_names:
        # Looks like Comtrade: name the column that is missing, if any.
        _comtrade_columns(header, source, strict=True)
        return "comtrade"
    raise ChokegraphError(
        f"{source}: not a BACI (t,i,j,k,v,q) or Comtrade (reporterISO, partnerISO, flowCode, "
        f"cmdCode, refYear, primaryValue) table; its columns are: {', '.join(header) or 'none'}"
    )


def _comtrade_columns(header: list[str], path: Path, *, strict: bool) -> dict[str, str] | None:
    by_lower = {h.lower(): h for h in header}
    found: dict[str, str] = {}
    for role, names in _COMTRADE_COLUMNS.items():
        for name in names:
            if name.lower() in by_lower:
                found[role] = by_lower[name.lower()]
                break
        else:
            if not strict:
                return None
            raise ChokegraphError(f"{path}: Comtrade table without a {' or '.join(names)} column")
    return found


def read_country_codes(path: str | os.PathLike) -> dict[str, str | None]:
    """Read a BACI ``country_codes_V*.csv``: numeric code -> lowercase ISO3 id (or None).

    Both layouts are accepted: ``country_code,country_name,country_iso2,country_iso3``
    (V202301 and later) and ``country_code,country_name_abbreviation,
    country_name_full,iso_2digit_alpha,iso_3digit_alpha`` (V202201 and earlier).
    A code whose alpha-3 is not ISO (BACI's ``S19`` for Taiwan) or missing is
    resolved by its name; one that still resolves to nothing maps to None.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "country_codes.csv"
    >>> _ = file.write_text("country_code,country_name,country_iso2,country_iso3\\n"
    ...                     "842,USA,US,USA\\n490,\\"Other Asia, nes\\",,S19\\n")
    >>> read_country_codes(file)
    {'842': 'usa', '490': 'twn'}
    """
    source = regular_input(path)
    raw = read_regular(source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        return {}
    columns = {c.strip().lower(): c for c in rows[0]}
    code_col = columns.get("country_code")
    iso_col = columns.get("country_iso3") or columns.get("iso_3digit_alpha")
    name_cols = [
        columns[c]
        for c in ("country_name", "country_name_abbreviation", "country_name_full")
        if c in columns
    ]
    if code_col is None or (iso_col is None and not name_cols):
        raise ChokegraphError(
            f"{source}: not a BACI country-codes table (needs country_code and country_iso3 "
            f"or iso_3digit_alpha columns); its columns are: {', '.join(rows[0])}"
        )
    codes: dict[str, str | None] = {}
    for row in rows:
        code = _code(row[code_col])
        iso3 = (row.get(iso_col) or "").strip() if iso_col else ""
        found = find_country_id(iso3) if len(iso3) == 3 else None
        for name_col in name_cols:
            found = found or find_country_id(row[name_col] or "")
        codes[code] = found
    return codes


def _code(text: Any) -> str:
    """A country code as text: numeric codes without leading zeros or '.0'."""
    value = str(text).strip()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if value.isdigit():
        return value.lstrip("0") or "0"
    return value


def _product(text: str) -> str:
    value = str(text).strip()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    return value.zfill(6) if value.isdigit() else value


def _wanted_rows(codes, products: set[str]):
    """Rows whose HS code is one of ``products``, compared as numbers.

    Vectorised, so that only the few matching rows of a large chunk go on to
    the slower per-row clean-up; as numbers, ``10121`` matches ``010121``.
    """
    import pandas as pd

    return pd.to_numeric(codes, errors="coerce").isin({int(p) for p in products})


def _in_year(years, year: int | None):
    import pandas as pd

    if year is None:
        return pd.Series(True, index=years.index)
    return pd.to_numeric(years.str.strip().str[:4], errors="coerce") == year


def _each_unique(series, func):
    """``series.map(func)``, calling ``func`` once per distinct value (codes repeat a lot)."""
    return series.map({value: func(value) for value in series.unique()})


def _chunks_baci(path: Path, products: set[str], year: int | None, chunksize: int, stats: Counter):
    import pandas as pd

    header = _header(path)
    by_lower = {h.lower(): h for h in header}
    names = ["year", "exporter", "importer", "product", "value", "quantity"]
    usecols = [by_lower[c] for c in ("t", "i", "j", "k", "v", "q") if c in by_lower]
    # Numbers are parsed as numbers (in C, several times faster than as text);
    # only the rows kept are turned into text codes. BACI writes a missing
    # quantity as NA (or blanks): read as missing.
    reader = pd.read_csv(path, usecols=usecols, chunksize=chunksize)
    for chunk in reader:
        stats["rows read"] += len(chunk)
        chunk = chunk[usecols]
        chunk.columns = names[: len(usecols)]
        chunk = chunk[_wanted_rows(chunk["product"], products)]
        chunk = chunk[_in_year(chunk["year"].astype(str), year)]
        yield chunk.assign(
            year=_each_unique(chunk["year"], _code),
            exporter=_each_unique(chunk["exporter"], _code),
            importer=_each_unique(chunk["importer"], _code),
            product=_each_unique(chunk["product"], _product),
        )


def _chunks_comtrade(
    path: Path, products: set[str], year: int | None, chunksize: int, stats: Counter
):
    import pandas as pd

    header = _header(path)
    columns = _comtrade_columns(header, path, strict=True)
    assert columns is not None
    by_lower = {h.lower(): h for h in header}
    totals = {by_lower[c.lower()]: v for c, v in _COMTRADE_TOTALS.items() if c.lower() in by_lower}
    usecols = list(dict.fromkeys([*columns.values(), *totals]))
    text = {columns[role]: str for role in ("flow", "reporter", "partner")}
    reader = pd.read_csv(path, usecols=usecols, dtype=text, chunksize=chunksize)
    for chunk in reader:
        stats["rows read"] += len(chunk)
        chunk = chunk[_wanted_rows(chunk[columns["product"]], products)]
        chunk = chunk[chunk[columns["flow"]].str.strip().str.upper() == "M"]
        chunk = chunk[_in_year(chunk[columns["year"]].astype(str), year)]
        for col, total in totals.items():
            keep = _each_unique(chunk[col].fillna(total), _code) == _code(total)
            stats["breakdown rows left out (mode, procedure, second partner)"] += int((~keep).sum())
            chunk = chunk[keep]
        out = pd.DataFrame(
            {
                "year": _each_unique(chunk[columns["year"]], lambda y: _code(y)[:4]),
                # Imports as the importer reports them: the reporter imports from the partner.
                "importer": _each_unique(chunk[columns["reporter"]], _code),
                "exporter": _each_unique(chunk[columns["partner"]], _code),
                "product": _each_unique(chunk[columns["product"]], _product),
                "value": chunk[columns["value"]],
            }
        )
        world = out["exporter"].str.lower().isin(_WORLD_CODES)
        stats["partner World rows left out"] += int(world.sum())
        yield out[~world]


def import_trade(
    path: str | os.PathLike,
    *,
    products: Iterable[str],
    year: int | None = None,
    codes: str | os.PathLike | None = None,
    layout: str = "auto",
    by: str = "auto",
    chunksize: int = 500_000,
) -> Imported:
    """Import import shares by exporter from a BACI or Comtrade trade table.

    Parameters
    ----------
    path : path
        A BACI yearly CSV (``BACI_HS92_Y2023_V202501.csv``) or a Comtrade
        bulk CSV (``.csv`` or ``.csv.gz``).
    products : iterable of str
        HS6 product codes (``811292``); shorter numbers are zero-padded.
    year : int, optional
        The year to keep; required when the file holds several.
    codes : path, optional
        BACI ``country_codes_V*.csv``; without it, numeric codes are read as
        ISO 3166 / UN M49 numeric codes (842 = United States, 490 = Taiwan).
    layout : {"auto", "baci", "comtrade"}
        ``auto`` tells them apart by the header row.
    by : {"auto", "quantity", "value"}
        What a share measures: ``quantity`` (tonnes; BACI only), ``value``,
        or ``auto``: quantity where the table has a quantity column (BACI's
        ``q``), else value. By quantity, a flow without a quantity is left
        out and listed (reason ``no-quantity``).
    chunksize : int
        Rows read at a time; memory stays bounded by it, whatever the file size.

    Returns
    -------
    Imported
        ``.data``: a ``baci`` or ``comtrade`` source naming the file, country
        nodes, one ``<importer>-imports-<hs6>`` node per importer and product,
        and ``exporter -> node`` edges with shares (by quantity, each edge
        also has its ``quantity`` in tonnes). The shares of one
        node sum to 1, or to less when an exporter's code is unknown (its
        value still counts in the total; it is listed in ``.skipped``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "baci.csv"
    >>> _ = file.write_text("t,i,j,k,v,q\\n2023,156,392,811292,30,1\\n2023,56,392,811292,10,1\\n")
    >>> imported = import_trade(file, products=["811292"], by="value")
    >>> imported.share("chn", "jpn-imports-811292"), imported.share("bel", "jpn-imports-811292")
    (0.75, 0.25)
    >>> import_trade(file, products=["811292"]).share("chn", "jpn-imports-811292")  # by quantity
    0.5
    """
    source = Path(path)
    wanted = _wanted_products(products)
    layout = _layout_of(source, layout)
    measure = _measure(source, layout, by)
    resolve = _resolver(read_country_codes(codes) if codes is not None else None)
    stats: Counter = Counter()
    flows, the_year, unmeasured = _read_flows(
        source, layout, wanted, year, chunksize, stats, measure
    )
    unit = "tonnes" if measure == "quantity" else _UNITS[layout]
    totals, by_node, unknown = _attribute(flows, resolve)
    skipped = _skipped_flows(source.name, layout, unit, unknown, unmeasured, resolve)
    nodes, edges = _import_nodes(
        by_node,
        totals,
        source_id=_SOURCES[layout]["id"],
        year=the_year,
        unit=unit,
        shown=source.name,
        skipped=skipped,
        quantity=measure == "quantity",
    )
    return _trade_imported(
        source.name, layout, f"{the_year}, HS {', '.join(sorted(wanted))}, by {measure}",
        nodes, edges, skipped, stats,
    )  # fmt: skip


def _resolver(code_table: dict[str, str | None] | None) -> Callable[[str], str | None]:
    """A trade table's country code to a country id: by the codes file, else ISO/UN numeric."""

    def resolve(code: str) -> str | None:
        if code_table is not None and code in code_table:
            return code_table[code]
        return find_country_id(code)

    return resolve


def _skipped_flows(
    shown: str,
    layout: str,
    unit: str,
    unknown: dict[str, float],
    unmeasured: dict[tuple, float],
    resolve: Callable[[str], str | None],
) -> list[Skipped]:
    """The flows left out: to or from an unknown code, and (by quantity) those without one."""
    skipped = [
        Skipped(shown, 0, "unknown-code", f"{what}: {value:,.10g} {unit} not attributed")
        for what, value in sorted(unknown.items())
    ]
    skipped += [
        Skipped(
            shown,
            0,
            "no-quantity",
            f"{resolve(exporter) or exporter} -> {resolve(importer) or importer}, HS {product}: "
            f"{value:,.10g} {_UNITS[layout]} left out",
        )
        for (_, importer, exporter, product), value in unmeasured.items()
    ]
    return skipped


def _trade_imported(
    shown: str,
    layout: str,
    what: str,
    nodes: list[dict],
    edges: list[dict],
    skipped: list[Skipped],
    stats: Counter,
) -> Imported:
    """The dataset of an import: its source (naming the file), country nodes, nodes and edges."""
    source_entry = dict(_SOURCES[layout])
    source_entry["title"] = f"{source_entry['title']} (file {shown})"
    countries = {node["country"] for node in nodes} | {edge["from"] for edge in edges}
    country_nodes = [
        {"id": c, "kind": "country", "name": country_name(c)} for c in sorted(countries)
    ]
    return Imported(
        data={"sources": [source_entry], "nodes": country_nodes + nodes, "edges": edges},
        skipped=skipped,
        description=f"{shown} ({layout}, {what})",
        info=[f"{k}: {v:,}" for k, v in stats.items() if v],
        skipped_label="flows left out (summed over rows)",
    )


def _wanted_products(products: Iterable[str]) -> set[str]:
    """The HS6 codes asked for, zero-padded; an error unless each has six digits."""
    wanted = {_product(p) for p in products}
    if not wanted:
        raise ChokegraphError("give at least one HS6 product code (--product)")
    bad = sorted(p for p in wanted if not (p.isdigit() and len(p) == 6))
    if bad:
        raise ChokegraphError(
            f"not an HS6 product code: {', '.join(bad)} (six digits, e.g. 811292)"
        )
    return wanted


def _measure(source: Path, layout: str, by: str) -> str:
    """``quantity`` or ``value``: what shares measure (``auto``: quantity where there is one)."""
    if by not in MEASURES:
        raise ChokegraphError(f"unknown measure {by!r} (quantity, value or auto)")
    has_quantity = layout == "baci" and "q" in {h.lower() for h in _header(source)}
    if by == "auto":
        return "quantity" if has_quantity else "value"
    if by == "quantity" and not has_quantity:
        raise ChokegraphError(
            f"{source}: no quantity column (BACI's q) to measure shares by: use --by value"
        )
    return by


def _layout_of(source: Path, layout: str) -> str:
    """``baci`` or ``comtrade``: as given, or told apart by the header for ``auto``."""
    if layout == "auto":
        return detect_layout(source)
    if layout not in _SOURCES:
        raise ChokegraphError(f"unknown layout {layout!r} (baci, comtrade or auto)")
    regular_input(source)
    return layout


def _refuse_huge(values: Any, column: str, source: str) -> None:
    """inf (or a number too large to sum) is no trade figure: a broken cell, named by its row."""
    huge = values.abs() >= _LARGEST_VALUE  # inf too
    if huge.any():
        row = int(values.index[huge][0]) + 1  # read_csv numbers rows across chunks
        raise ChokegraphError(
            f"{source}: data row {row} has the {column} {float(values[huge].iloc[0]):g}, "
            f"which is no trade {column} (inf, or not below 1e18): fix or remove the row"
        )


def _read_flows(
    source: Path,
    layout: str,
    wanted: set[str],
    year: int | None,
    chunksize: int,
    stats: Counter,
    measure: str = "value",
) -> tuple[Any, int, dict]:
    """The value (or quantity) of each (year, importer, exporter, product) flow, and its year.

    Returns a pandas Series indexed by those four codes (as text), summed
    over the file's rows, the year, and (by quantity) the value of the rows
    without a quantity by flow; ``stats`` counts the rows read, used and left out.
    """
    import pandas as pd

    chunks = _chunks_baci if layout == "baci" else _chunks_comtrade
    keys = ["year", "importer", "exporter", "product"]
    parts, unmeasured = [], []
    try:
        for chunk in chunks(source, wanted, year, chunksize, stats):
            for column in dict.fromkeys(("value", measure)):
                _refuse_huge(pd.to_numeric(chunk[column], errors="coerce"), column, source)
            values = pd.to_numeric(chunk[measure], errors="coerce")
            missing = values.isna()
            stats[f"rows without a {measure}"] += int(missing.sum())
            if measure == "quantity" and missing.any():
                lost = chunk[missing].assign(value=pd.to_numeric(chunk["value"], errors="coerce"))
                unmeasured.append(lost.groupby(keys)["value"].sum())
            chunk = chunk.assign(value=values)[~missing]
            stats["rows used"] += len(chunk)
            parts.append(chunk.groupby(keys)["value"].sum())
    except UnicodeDecodeError:
        raise _not_utf8(source) from None
    except ChokegraphError:
        raise
    except (ValueError, pd.errors.ParserError) as exc:
        raise ChokegraphError(f"{source}: cannot read as a {layout} table: {exc}") from exc
    if not parts or not any(len(p) for p in parts):
        when = f" in {year}" if year is not None else ""
        raise ChokegraphError(
            f"{source}: no {layout} import rows for product {', '.join(sorted(wanted))}{when}"
        )
    flows = pd.concat(parts).groupby(level=[0, 1, 2, 3]).sum()
    years = sorted({str(y) for y in flows.index.get_level_values("year")})
    if len(years) > 1:
        raise ChokegraphError(
            f"{source}: rows for several years ({', '.join(years)}): choose one with --year"
        )
    lost = pd.concat(unmeasured).groupby(level=[0, 1, 2, 3]).sum() if unmeasured else {}
    try:
        return flows, int(float(years[0])), dict(sorted(dict(lost).items()))
    except (ValueError, OverflowError):  # a broken year cell: '1.5S 2023', 'inf'
        raise ChokegraphError(
            f"{source}: the year column holds {years[0]!r}, which is not a year: fix the rows"
        ) from None


def _attribute(
    flows: Any, resolve: Callable[[str], str | None]
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], dict[str, float]], dict[str, float]]:
    """Flows by country id: each importer's total per product, its value by exporter,
    and the value whose importer or exporter code is unknown.

    A flow from an unknown exporter still counts in the importer's total, so
    that the known exporters' shares are not overstated.
    """
    totals: dict[tuple[str, str], float] = defaultdict(float)
    by_node: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unknown: dict[str, float] = defaultdict(float)
    for (_, importer_code, exporter_code, product), value in flows.items():
        importer = resolve(importer_code)
        if importer is None:
            unknown[f"importer {importer_code}"] += float(value)
            continue
        totals[(importer, product)] += float(value)
        exporter = resolve(exporter_code)
        if exporter is None:
            unknown[f"exporter {exporter_code} (to {importer}, HS {product})"] += float(value)
            continue
        by_node[(importer, product)][exporter] += float(value)
    for (importer, product), total in totals.items():
        if not math.isfinite(total):
            raise ChokegraphError(
                f"the values imported by {importer} of HS {product} sum to more than a "
                "number can hold: check the file's value column"
            )
    return totals, by_node, unknown


def _import_nodes(
    by_node: dict[tuple[str, str], dict[str, float]],
    totals: dict[tuple[str, str], float],
    *,
    source_id: str,
    year: int,
    unit: str,
    shown: str,
    skipped: list[Skipped],
    quantity: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One ``<importer>-imports-<hs6>`` node per importer and product, with its edges.

    A product an importer imported nothing of, and a flow of value 0, give
    no node or edge; each is added to ``skipped`` (``shown`` names the file).
    """
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for (importer, product), exporters in sorted(by_node.items()):
        total = totals[(importer, product)]
        if total <= 0:
            skipped.append(
                Skipped(shown, 0, "zero", f"{importer} imports of HS {product}: total value 0")
            )
            continue
        node_id = f"{importer}-imports-{product}"
        nodes.append(
            {
                "id": node_id,
                "kind": "mineral",
                "name": f"{country_name(importer)} imports of HS {product}",
                "country": importer,
                "commodity": f"hs-{product}",
                "source": source_id,
                "year": year,
                "confidence": "reported",
                "note": f"imports of HS {product} in {year}: {total:,.10g} {unit}",
            }
        )
        for exporter, value in sorted(exporters.items(), key=lambda kv: (-kv[1], kv[0])):
            if value <= 0:
                skipped.append(
                    Skipped(shown, 0, "zero", f"{exporter} -> {node_id}: value {value:g}")
                )
                continue
            edge = {"from": exporter, "to": node_id, "share": value / total}
            if quantity:
                edge["quantity"] = value
            edges.append({**edge, "source": source_id, "year": year, "confidence": "reported"})
    return nodes, edges
