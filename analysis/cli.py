"""The ``chokegraph`` command line: a thin layer over the library.

Results go to stdout, messages to stderr. A ``ChokegraphError`` (bad input the
user can fix) becomes ``error: ...`` lines and exit code 2; anything else is
an internal error, exit code 1, with the traceback only under ``--debug``.
Heavy libraries are imported inside the commands, so that start-up stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from graph.errors import ChokegraphError

FORMAT_CHOICE = click.Choice(["table", "json", "csv", "markdown"], case_sensitive=False)


def data_option(f: Callable) -> Callable:
    """``--data PATH``: the dataset to use (default: the bundled one)."""
    return click.option(
        "--data",
        "data",
        type=click.Path(path_type=str),
        default=None,
        help="Dataset: a YAML file, or a folder of YAML files or tables (default: bundled).",
    )(f)


def format_option(f: Callable) -> Callable:
    """``--format table|json|csv|markdown``."""
    return click.option(
        "--format",
        "fmt",
        type=FORMAT_CHOICE,
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def load_data(data: str | None):
    """Load the dataset named by ``--data`` (the bundled one by default)."""
    import graph

    return graph.load(data)


def echo(text: str) -> None:
    """Write a result to stdout (no extra newline when it has one)."""
    click.echo(text, nl=not text.endswith("\n"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.version_option(package_name="chokegraph")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Map critical-mineral supply chains: chokepoints and what-ifs."""
    ctx.obj = {"debug": debug}


def scenario_options(f: Callable) -> Callable:
    """The options that describe a scenario (shared by what-if and render)."""
    options = [
        click.argument("country", required=False),
        click.argument("commodities", nargs=-1),
        click.option(
            "--to",
            "to",
            multiple=True,
            metavar="COUNTRY",
            help="Only restrict sales to this country (repeatable; default: everyone).",
        ),
        click.option(
            "--severity",
            type=float,
            default=1.0,
            show_default=True,
            help="Fraction of the flow held back, in (0, 1].",
        ),
        click.option(
            "--start-day",
            type=int,
            default=0,
            show_default=True,
            help="Day the restriction starts.",
        ),
        click.option(
            "--scenario",
            "scenario_name",
            metavar="NAME_OR_FILE",
            help="A bundled scenario id or a scenario YAML file, instead of COUNTRY COMMODITY...",
        ),
        click.option(
            "--remove", "remove_nodes", multiple=True, metavar="NODE", help="Also remove this node."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def days_options(f: Callable) -> Callable:
    """``--day`` and ``--horizon``."""
    f = click.option(
        "--horizon", type=int, default=365, show_default=True, help="Days in the timeline."
    )(f)
    return click.option(
        "--day", type=int, default=None, help="Also report the shortfall on day T."
    )(f)


def top_option(f: Callable) -> Callable:
    """``--top N``."""
    return click.option("--top", type=int, default=None, help="Show only the first N rows.")(f)


def build_scenario(
    *,
    country: str | None,
    commodities: tuple[str, ...],
    to: tuple[str, ...],
    severity: float,
    start_day: int,
    scenario_name: str | None,
    remove_nodes: tuple[str, ...] = (),
    day: int | None = None,
    horizon: int = 365,
):
    """Turn scenario options into a ``Scenario`` (names are resolved later)."""
    from dataclasses import replace

    from analysis.scenario import Restriction, Scenario, load_scenario

    if day is not None and day < 0:
        raise click.BadParameter(f"must be 0 or more, got {day}", param_hint="--day")
    if horizon < 0:
        raise click.BadParameter(f"must be 0 or more, got {horizon}", param_hint="--horizon")
    if scenario_name:
        if country or commodities:
            raise click.UsageError("give either --scenario or COUNTRY COMMODITY..., not both")
        scenario = load_scenario(scenario_name)
        removed = tuple(scenario.removed) + tuple(remove_nodes)
        return replace(scenario, removed=removed, day=day, horizon=horizon)
    restrictions = ()
    if country:
        if not commodities:
            raise click.UsageError("name at least one COMMODITY (or 'all') after the country")
        restrictions = (
            Restriction(
                by=country,
                commodities=commodities,
                to=to or None,
                severity=severity,
                start_day=start_day,
            ),
        )
    elif not remove_nodes:
        raise click.UsageError("give COUNTRY COMMODITY..., --scenario NAME, or --remove NODE")
    return Scenario(restrictions=restrictions, removed=remove_nodes, horizon=horizon, day=day)


def print_what_if(result, fmt: str, top: int | None) -> None:
    """Print a ``WhatIf`` result in the chosen format."""
    from analysis.output import format_usd, render

    records = result.records[:top] if top is not None else result.records
    obj = result.to_json()
    obj["impacts"] = obj["impacts"][: len(records)]
    if fmt == "table":
        rows = [
            {
                "name": r["name"],
                "kind": r["kind"],
                "country": r["country"] or "",
                "shortfall": f"{100 * r['shortfall']:.1f}%",
                "days": "never" if r["days_to_impact"] is None else r["days_to_impact"],
                "on_day": ""
                if r["shortfall_on_day"] is None
                else f"{100 * r['shortfall_on_day']:.1f}%",
                "value": "" if r["value_at_risk"] is None else format_usd(r["value_at_risk"]),
                "via": " -> ".join(r["via"]),
            }
            for r in records
        ]
        columns = ["name", "kind", "country", "shortfall", "days", "value", "via"]
        headers = ["name", "kind", "country", "shortfall", "days to impact", "value at risk", "via"]
        if result.scenario.day is not None:
            columns.insert(5, "on_day")
            headers.insert(5, f"on day {result.scenario.day}")
        echo(result.headline())
        if rows:
            echo(render("table", json_obj=obj, records=rows, columns=columns, headers=headers))
        return
    columns = list(obj["impacts"][0]) if obj["impacts"] else ["node", "shortfall"]
    echo(render(fmt, json_obj=obj, records=records, columns=columns, title=result.headline()))


@cli.command("what-if")
@scenario_options
@days_options
@top_option
@format_option
@click.option(
    "--render",
    "render_path",
    metavar="FILE",
    default=None,
    help="Also draw the scenario to FILE (.png .svg .pdf .dot .graphml .gexf).",
)
@data_option
def what_if_command(
    country: str | None,
    commodities: tuple[str, ...],
    to: tuple[str, ...],
    severity: float,
    start_day: int,
    scenario_name: str | None,
    remove_nodes: tuple[str, ...],
    day: int | None,
    horizon: int,
    top: int | None,
    fmt: str,
    render_path: str | None,
    data: str | None,
) -> None:
    """What happens downstream when COUNTRY restricts COMMODITY... (or a --scenario).

    COMMODITY is a commodity, a group (rare-earths, graphite) or 'all'.

    Example: chokegraph what-if china gallium germanium --to japan
    """
    from analysis.whatif import run_scenario

    if render_path is not None:
        from analysis.drawing import check_output

        check_output(render_path)  # fail before the work, not after it

    scenario = build_scenario(
        country=country,
        commodities=commodities,
        to=to,
        severity=severity,
        start_day=start_day,
        scenario_name=scenario_name,
        remove_nodes=remove_nodes,
        day=day,
        horizon=horizon,
    )
    G = load_data(data)
    result = run_scenario(G, scenario)
    print_what_if(result, fmt.lower(), top)
    if render_path is not None:
        _render(render_path, G, result=result)


@cli.command("remove")
@click.argument("nodes", nargs=-1, required=True)
@days_options
@top_option
@format_option
@data_option
def remove_command(
    nodes: tuple[str, ...],
    day: int | None,
    horizon: int,
    top: int | None,
    fmt: str,
    data: str | None,
) -> None:
    """What happens downstream when NODE... stop supplying for good.

    Removing a country removes only what it supplies directly.

    Example: chokegraph remove chn-ree-refining
    """
    from analysis.whatif import run_scenario

    scenario = build_scenario(
        country=None,
        commodities=(),
        to=(),
        severity=1.0,
        start_day=0,
        scenario_name=None,
        remove_nodes=tuple(nodes),
        day=day,
        horizon=horizon,
    )
    G = load_data(data)
    print_what_if(run_scenario(G, scenario), fmt.lower(), top)


def _render(path: str, G, **kwargs) -> None:
    """Draw or export to ``path`` (see ``analysis.render.render_file``) and say so on stderr."""
    import matplotlib

    from analysis.drawing import draw_file as render_file

    matplotlib.use("Agg")  # a command line draws to files, never to a window
    written = render_file(path, G, **kwargs)
    click.echo(f"wrote {written}", err=True)


@cli.command("render")
@scenario_options
@click.option(
    "--focus", metavar="NODE", default=None, help="Draw only what lies around NODE (see --depth)."
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Steps from --focus to follow upstream and downstream.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["country", "mineral", "refiner", "component", "industry"]),
    help="Draw only nodes of this kind (repeatable).",
)
@click.option(
    "--timeline",
    is_flag=True,
    help="Draw the scenario's shortfall over the days instead of the graph.",
)
@click.option(
    "--layout",
    "method",
    type=click.Choice(["barycenter", "dot"]),
    default="barycenter",
    show_default=True,
    help="Order within each column: chokegraph's own, or Graphviz dot (must be installed).",
)
@click.option("--horizon", type=int, default=365, show_default=True, help="Days in the timeline.")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Where to write: .png .svg .pdf (a picture) or .dot .graphml .gexf (the graph).",
)
@data_option
def render_command(
    country: str | None,
    commodities: tuple[str, ...],
    to: tuple[str, ...],
    severity: float,
    start_day: int,
    scenario_name: str | None,
    remove_nodes: tuple[str, ...],
    focus: str | None,
    depth: int,
    kinds: tuple[str, ...],
    timeline: bool,
    method: str,
    horizon: int,
    output: str,
    data: str | None,
) -> None:
    """Draw the dependency diagram, or export the graph; with a scenario, coloured by it.

    The scenario options are those of what-if; without any, the plain graph
    is drawn. The suffix of FILE picks the format.

    Example: chokegraph render china gallium --to japan --focus gallium -o gallium.png
    """
    from analysis.drawing import IMAGE_FORMATS, LEGIBLE_NODES, check_output, select_subgraph
    from analysis.whatif import run_scenario

    fmt = check_output(output, timeline=timeline)
    result = None
    if country or scenario_name or remove_nodes:
        scenario = build_scenario(
            country=country,
            commodities=commodities,
            to=to,
            severity=severity,
            start_day=start_day,
            scenario_name=scenario_name,
            remove_nodes=remove_nodes,
            horizon=horizon,
        )
    elif timeline:
        raise click.UsageError(
            "--timeline needs a scenario: COUNTRY COMMODITY..., --scenario or --remove"
        )
    else:
        scenario = None
    G = load_data(data)
    if scenario is not None:
        result = run_scenario(G, scenario)
    if fmt in IMAGE_FORMATS and not timeline:
        shown = len(select_subgraph(G, focus=focus, depth=depth, kinds=kinds or None))
        if shown > LEGIBLE_NODES:
            click.echo(
                f"hint: {shown} nodes make a large picture; draw a part of it with "
                "--focus NODE --depth K (or --kind KIND)",
                err=True,
            )
    _render(
        output,
        G,
        result=result,
        focus=focus,
        depth=depth,
        kinds=kinds or None,
        timeline=timeline,
        method=method,
    )


@cli.group("import")
def import_group() -> None:
    """Import public data (USGS, BACI, UN Comtrade) as a chokegraph dataset.

    The dataset goes to stdout as YAML, or with -o to a YAML file, or to a
    folder of CSV tables when OUT is a folder or ends with '/'. A summary of
    what was imported and of every row that could not be used goes to stderr.
    """


def _write_imported(imported, out: str | None) -> None:
    """Write an ``Imported`` dataset where -o says, and its summary to stderr."""
    if out is None:
        echo(imported.to_yaml())
    else:
        written = imported.write(out)
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
def import_usgs_command(
    file: str, out: str | None, year: str, commodities: tuple[str, ...]
) -> None:
    """Import a USGS Mineral Commodity Summaries world-data CSV.

    One mineral node per commodity and production type, country -> mineral
    edges with each country's share of world production.

    Example: chokegraph import usgs MCS2025_World_Data.csv -o usgs.yaml
    """
    from graph.usgs import import_usgs

    _write_imported(import_usgs(file, year=int(year), commodities=commodities or None), out)


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
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
def import_trade_command(
    file: str,
    products: tuple[str, ...],
    year: int | None,
    codes: str | None,
    layout: str,
    out: str | None,
) -> None:
    """Import each country's import shares by exporter from BACI or Comtrade.

    Makes a node IMPORTER-imports-HS6 per importer and product, with one
    exporter -> node edge per exporting country (share of import value).

    Example: chokegraph import trade BACI_HS92_Y2023_V202501.csv --product 811292
    --codes country_codes_V202501.csv -o trade/
    """
    from graph.trade import import_trade

    imported = import_trade(file, products=products, year=year, codes=codes, layout=layout)
    _write_imported(imported, out)


@cli.command("compare")
@click.argument("dataset", type=click.Path(path_type=str))
@click.argument("other", type=click.Path(path_type=str))
@click.option(
    "--tolerance",
    type=float,
    default=0.01,
    show_default=True,
    help="Differences above this fraction (0.01 = 1 pp) count as differing.",
)
@format_option
def compare_command(dataset: str, other: str, tolerance: float, fmt: str) -> None:
    """Compare the supplies shares of DATASET and OTHER, edge by edge.

    Lists every supplier -> consumer edge (same commodity) both give a share
    for, largest difference (in percentage points) first.

    Example: chokegraph compare seeds/ usgs.yaml
    """
    import graph
    from analysis.compare import COLUMNS, compare_shares
    from analysis.output import render

    result = compare_shares(graph.load(dataset), graph.load(other), tolerance=tolerance)
    fmt = fmt.lower()
    echo(render(fmt, json_obj=result.to_json(), records=result.rows, columns=list(COLUMNS)))
    # The count line is for people: after the table, or on stderr when the
    # output is JSON or CSV meant for a program.
    click.echo(result.count_line(), err=fmt in ("json", "csv"))


@cli.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=str))
def validate_command(path: str | None) -> None:
    """Check a dataset (default: the bundled one) and summarise it.

    PATH is a YAML file, a folder of YAML files, or a folder of tables
    (nodes.csv, edges.csv, ...). Every problem is reported, each as
    FILE:LINE:COL: error: MESSAGE on stderr, with exit code 2.

    Example: chokegraph validate seeds/
    """
    from graph.describe import summary

    echo(f"ok: {summary(load_data(path))}")


@cli.command("convert")
@click.argument("source", metavar="IN", type=click.Path(path_type=str))
@click.argument("target", metavar="OUT", type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"], case_sensitive=False),
    default=None,
    help="Format of the tables when OUT is a folder (default: csv).",
)
def convert_command(source: str, target: str, fmt: str | None) -> None:
    """Convert a dataset between YAML and tables (CSV or parquet).

    IN is a YAML file, a folder of YAML files, or a folder of tables; it is
    checked first. OUT ending in .yaml or .yml gets one YAML file; any other
    OUT is a folder that gets the nodes, edges, sources and groups tables.
    The input is never overwritten.

    Example: chokegraph convert seeds/ tables/
    """
    from graph.convert import convert

    written = convert(source, target, fmt=fmt)
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


SHOW_COLUMNS = ["direction", "node", "commodity", "share", "kind", "source"]


@cli.command("show")
@click.argument("node")
@data_option
@format_option
def show_command(node: str, data: str | None, fmt: str) -> None:
    """Show a node's suppliers and customers, with shares and sources.

    NODE is an id or a display name, in any case.

    Example: chokegraph show jp-compound-semis --format json
    """
    import graph
    from analysis.output import render

    G = load_data(data)
    nid = graph.resolve_node(G, node)
    attrs = G.nodes[nid]

    def entries(edges, end: int) -> list[dict]:
        rows = [
            {
                "node": edge[end],
                "commodity": d["commodity"],
                "share": d["share"],
                "kind": d["kind"],
                "source": d["source"],
            }
            for edge in edges
            for d in (edge[2],)
        ]
        return sorted(rows, key=lambda r: (-r["share"], r["node"], r["commodity"] or ""))

    suppliers = entries(G.in_edges(nid, data=True), 0)
    customers = entries(G.out_edges(nid, data=True), 1)
    result = {
        "node": nid,
        "name": attrs["name"],
        "kind": attrs["kind"],
        "country": attrs["country"],
        "suppliers": suppliers,
        "customers": customers,
    }
    records = [{"direction": "supplier", **r} for r in suppliers] + [
        {"direction": "customer", **r} for r in customers
    ]
    where = f", in {attrs['country']}" if attrs["country"] else ""
    title = f"{attrs['name']} ({nid}): {attrs['kind']}{where}"
    echo(render(fmt.lower(), json_obj=result, records=records, columns=SHOW_COLUMNS, title=title))


@cli.command("schema")
@click.option(
    "-o", "--output", default=None, type=click.Path(path_type=str), help="Write it to FILE."
)
@click.option("--scenario", is_flag=True, help="The schema of a scenario file instead.")
def schema_command(output: str | None, scenario: bool) -> None:
    """Print the JSON Schema of a dataset file (for editors and other tools).

    Example: chokegraph schema -o docs/chokegraph.schema.json
    """
    import json

    from graph._atomic import write_atomic
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


@cli.command("chokepoints")
@top_option
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="Only try nodes of this kind: mineral, refiner, component (or country, industry).",
)
@format_option
@data_option
def chokepoints_command(top: int | None, kind: str | None, fmt: str, data: str | None) -> None:
    """Rank nodes by the damage their removal does to industry, and countries by leverage.

    Every node that is neither a country nor an industry is removed in turn;
    each country's leverage is the damage of its full export ban.

    Example: chokegraph chokepoints --kind refiner --top 10
    """
    from analysis.chokepoints import chokepoints

    if top is not None and top < 0:
        raise click.BadParameter(f"must be 0 or more, got {top}", param_hint="--top")
    G = load_data(data)
    echo(chokepoints(G, kind=kind, top=top, progress=True).render(fmt.lower()))


@cli.command("exposure")
@click.argument("target", metavar="COUNTRY_OR_NODE")
@format_option
@data_option
def exposure_command(target: str, fmt: str, data: str | None) -> None:
    """How much each industry of a country (or one node) rests on each other country.

    Each cell is the industry's shortfall under that country's full export ban.

    Example: chokegraph exposure japan
    """
    from analysis.exposure import exposure

    G = load_data(data)
    echo(exposure(G, target).render(fmt.lower()))


@cli.command("concentration")
@click.argument("commodity", required=False)
@format_option
@data_option
def concentration_command(commodity: str | None, fmt: str, data: str | None) -> None:
    """Supplier concentration (HHI) of every input, and country shares of every mineral.

    COMMODITY (optional) is a commodity or a group such as rare-earths.

    Example: chokegraph concentration gallium
    """
    from analysis.concentration import concentration

    G = load_data(data)
    echo(concentration(G, commodity).render(fmt.lower()))


#: Click 8.2+ raises this for a group called without a command; older versions print the help.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code (0 ok, 2 bad input, 1 internal)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="chokegraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(2)
    except _NO_ARGS_IS_HELP as exc:  # a bare 'chokegraph' (or 'chokegraph import'): the help
        click.echo(exc.ctx.get_help())
        sys.exit(0)
    except click.ClickException as exc:  # usage errors: bad options, missing arguments
        message = exc.format_message()
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {message}{hint}", err=True)
        sys.exit(2)
    except ChokegraphError as exc:
        for line in str(exc).splitlines():
            click.echo(line if ": error: " in line else f"error: {line}", err=True)
        sys.exit(2)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "chokegraph: please report it, with the output of the same command run "
            "with 'chokegraph --debug ...'.",
            err=True,
        )
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
