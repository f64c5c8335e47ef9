"""The dataset commands: compare, validate, list, convert, show, schema and the rankings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from analysis.output import Format
from graph.errors import ChokegraphError

if TYPE_CHECKING:
    pass


from analysis.cli.options import (
    checked_top_option,
    data_option,
    echo,
    error_lines,
    force_option,
    format_option,
    load_data,
    print_result,
    top_option,
)
from analysis.cli.scenarios import _compared


@click.command("compare")
@click.argument("dataset", required=False, type=click.Path(path_type=str))
@click.argument("other", required=False, type=click.Path(path_type=str))
@click.option(
    "--tolerance",
    type=float,
    default=0.01,
    show_default=True,
    help="Differences above this fraction (0.01 = 1 pp) count as differing.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME_OR_FILE",
    help="Compare scenarios instead of datasets: give two or more, each a bundled id or a file.",
)
@checked_top_option
@click.option(
    "--render",
    "draw_path",
    metavar="FILE",
    default=None,
    help="With --scenario: also draw the comparison as grouped bars to FILE (.png .svg .pdf).",
)
@format_option
@data_option
def compare_command(
    dataset: str | None,
    other: str | None,
    tolerance: float,
    scenarios: tuple[str, ...],
    top: int | None,
    draw_path: str | None,
    fmt: Format,
    data: str | None,
) -> None:
    """Compare the supplies shares of DATASET and OTHER, or scenarios side by side.

    With two datasets: every supplier -> consumer edge (same commodity) both
    give a share for, largest difference (in percentage points) first.
    With --scenario A --scenario B...: the shortfall of every node some
    scenario hits, one column per scenario, on the dataset of --data.

    Example: chokegraph compare seeds/ usgs.yaml

    Example: chokegraph compare --scenario 2023-gallium-germanium --scenario 2025-graphite
    """
    if scenarios:
        if dataset is not None:
            raise click.UsageError(
                "give either DATASET OTHER or --scenario (with --data for the dataset), not both"
            )
        _compare_scenarios(scenarios, top, draw_path, fmt, data)
        return
    if other is None:
        raise click.UsageError("give two datasets, DATASET OTHER, or two or more --scenario")
    for name, given in (("--data", data), ("--top", top), ("--render", draw_path)):
        if given is not None:
            raise click.UsageError(f"{name} goes with --scenario, not with DATASET OTHER")
    import graph
    from analysis.compare import compare_shares

    result = compare_shares(graph.load(dataset), graph.load(other), tolerance=tolerance)
    print_result(result, fmt)
    # The count line is for people: after the table, or on stderr when the
    # output is JSON or CSV meant for a program.
    click.echo(result.count_line(), err=fmt in (Format.JSON, Format.CSV))


def _compare_scenarios(
    scenarios: tuple[str, ...],
    top: int | None,
    draw_path: str | None,
    fmt: Format,
    data: str | None,
) -> None:
    """``compare --scenario A --scenario B ...``: the table, and the chart with --render."""
    if len(scenarios) < 2:
        raise click.UsageError("compare two or more scenarios: --scenario A --scenario B")
    if draw_path is not None:
        from analysis.drawing import check_output

        check_output(draw_path, chart="a comparison")  # fail before the work, not after it
    result = _compared(load_data(data), scenarios)
    print_result(result.head(top), fmt)
    if draw_path is not None:
        import matplotlib

        from analysis.drawing import save_or_show

        matplotlib.use("Agg")
        fig, _ = result.plot(top=12 if top is None else top)
        click.echo(f"wrote {save_or_show(fig, draw_path)}", err=True)


@click.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=str))
@format_option
def validate_command(path: str | None, fmt: Format) -> None:
    """Check a dataset (default: the bundled one) and summarise it.

    PATH is a YAML file, a folder of YAML files, or a folder of tables
    (nodes.csv, edges.csv, ...). Every problem is reported, each as
    FILE:LINE:COL: error: MESSAGE on stderr, with exit code 2; with
    --format json, stdout also gets {"ok": false, "errors": [...]}.

    Example: chokegraph validate seeds/ --format json
    """
    from analysis.listing import failed_validation, validation
    from analysis.output import to_json

    try:
        G = load_data(path)
    except ChokegraphError as exc:
        if fmt is Format.JSON:
            echo(to_json(failed_validation(error_lines(exc))) + "\n")
        raise
    print_result(validation(G), fmt)


@click.command("list")
@click.argument(
    "what", type=click.Choice(["commodities", "groups", "countries", "scenarios", "sources"])
)
@top_option
@format_option
@data_option
def list_command(what: str, top: int | None, fmt: Format, data: str | None) -> None:
    """List the commodities, groups, countries, bundled scenarios or sources of the dataset.

    The names are those the other commands take: a commodity or a group after
    what-if's COUNTRY, a scenario after --scenario. Sources come with their
    title, author, publication and URL.

    Example: chokegraph list groups
    """
    from analysis.listing import listing

    G = None if what == "scenarios" else load_data(data)
    print_result(listing(G, what).head(top), fmt)


@click.command("convert")
@click.argument("source", metavar="IN", type=click.Path(path_type=str))
@click.argument("target", metavar="OUT", type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"], case_sensitive=False),
    default=None,
    help="Format of the tables when OUT is a folder (default: csv).",
)
@force_option
def convert_command(source: str, target: str, fmt: str | None, force: bool) -> None:
    """Convert a dataset between YAML and tables (CSV or parquet).

    IN is a YAML file, a folder of YAML files, or a folder of tables; it is
    checked first. OUT ending in .yaml or .yml gets one YAML file; any other
    OUT is a folder that gets the nodes, edges, sources and groups tables.
    The input is never overwritten.

    Example: chokegraph convert seeds/ tables/
    """
    from graph.convert import convert

    written = convert(source, target, fmt=fmt, force=force)
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


@click.command("show")
@click.argument("node")
@data_option
@format_option
def show_command(node: str, data: str | None, fmt: Format) -> None:
    """Show a node's suppliers and customers, with shares and sources.

    NODE is an id or a display name, in any case.

    Example: chokegraph show jp-compound-semis --format json
    """
    from analysis.neighbours import neighbours

    print_result(neighbours(load_data(data), node), fmt)


@click.command("schema")
@click.option(
    "-o", "--output", default=None, type=click.Path(path_type=str), help="Write it to FILE."
)
@click.option("--scenario", is_flag=True, help="The schema of a scenario file instead.")
def schema_command(output: str | None, scenario: bool) -> None:
    """Print the JSON Schema of a dataset file (for editors and other tools).

    Example: chokegraph schema -o docs/chokegraph.schema.json
    """
    import json

    from graph.files import write_atomic
    from graph.schema import json_schema_text

    if scenario:
        from analysis.scenario import scenario_json_schema

        text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    else:
        text = json_schema_text()
    if output is None:
        echo(text)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


@click.command("chokepoints")
@checked_top_option
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="Only try nodes of this kind: mineral, refiner, component (or country, industry).",
)
@format_option
@data_option
def chokepoints_command(top: int | None, kind: str | None, fmt: Format, data: str | None) -> None:
    """Rank nodes by the damage their removal does to industry, and countries by leverage.

    Every node that is neither a country nor an industry is removed in turn;
    each country's leverage is the damage of its full export ban.

    Example: chokegraph chokepoints --kind refiner --top 10
    """
    from analysis.chokepoints import chokepoints

    G = load_data(data)
    print_result(chokepoints(G, kind=kind, top=top, progress=True), fmt)


@click.command("exposure")
@click.argument("target", metavar="COUNTRY_OR_NODE")
@top_option
@format_option
@data_option
def exposure_command(target: str, top: int | None, fmt: Format, data: str | None) -> None:
    """How much each industry of a country (or one node) rests on each other country.

    Each cell is the industry's shortfall under that country's full export ban.

    Example: chokegraph exposure japan
    """
    from analysis.exposure import exposure

    print_result(exposure(load_data(data), target).head(top), fmt)


@click.command("concentration")
@click.argument("commodity", required=False)
@top_option
@format_option
@data_option
def concentration_command(
    commodity: str | None, top: int | None, fmt: Format, data: str | None
) -> None:
    """Supplier concentration (HHI) of every input, and country shares of every mineral.

    COMMODITY (optional) is a commodity or a group such as rare-earths.

    Example: chokegraph concentration gallium
    """
    from analysis.concentration import concentration

    print_result(concentration(load_data(data), commodity).head(top), fmt)
