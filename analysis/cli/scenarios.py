"""The scenario commands: what-if, remove and render."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

import click

from analysis.output import Format

if TYPE_CHECKING:
    pass


from analysis.cli.options import (
    ScenarioOptions,
    _at_least_zero,
    _NodeKind,
    data_option,
    days_options,
    format_option,
    horizon_option,
    load_data,
    print_result,
    scenario_options,
    top_option,
)

#: ``--colour``: ``analysis.drawing.style.COLOURINGS``, written out so that starting the
#: command line does not import the drawing code (tests check that the two agree).
_COLOURINGS = ("point", "p50", "p95")


@click.command("what-if")
@scenario_options()
@days_options
@top_option
@format_option
@click.option(
    "--render",
    "draw_path",
    metavar="FILE",
    default=None,
    help="Also draw the scenario to FILE (.png .svg .pdf .dot .graphml .gexf).",
)
@data_option
def what_if_command(
    scenario: ScenarioOptions,
    top: int | None,
    fmt: Format,
    draw_path: str | None,
    data: str | None,
) -> None:
    """What happens downstream when COUNTRY restricts COMMODITY... (or a --scenario).

    COMMODITY is a commodity, a group (rare-earths, graphite) or 'all'.

    Example: chokegraph what-if china gallium germanium --to japan
    """
    from analysis.whatif import run_scenario

    if draw_path is not None:
        from analysis.drawing import check_output

        check_output(draw_path, inputs=_inputs(scenario, data))  # fail before the work
    built = scenario.build()
    if built is None:
        raise click.UsageError("give COUNTRY COMMODITY..., --scenario NAME, or --remove NODE")
    G = load_data(data)
    result = run_scenario_options(G, built, scenario) or run_scenario(G, built)
    print_result(result.head(top), fmt)
    if draw_path is not None:
        _draw_to_file(draw_path, G, result=result)


@click.command("remove")
@scenario_options(nodes_only=True)
@days_options
@top_option
@format_option
@data_option
def remove_command(
    scenario: ScenarioOptions, top: int | None, fmt: Format, data: str | None
) -> None:
    """What happens downstream when NODE... stop supplying for good.

    Removing a country removes only what it supplies directly.

    Example: chokegraph remove chn-lree-refining
    """
    from analysis.whatif import run_scenario

    built = scenario.build()
    G = load_data(data)
    result = run_scenario_options(G, built, scenario) or run_scenario(G, built)
    print_result(result.head(top), fmt)


def run_scenario_options(G, built, options: ScenarioOptions):
    """The run with bands and drivers (section 3c) when asked for; None otherwise.

    Sampling runs show a progress bar on stderr when it is a terminal.
    """
    samples = options.samples if options.samples is not None else built.samples
    if samples is None and not options.sensitivity:
        if options.scheduler is not None:
            raise click.UsageError("--scheduler runs samples: give --samples N or --sensitivity")
        return None

    from analysis.whatif import run_uncertain

    with contextlib.ExitStack() as stack:
        mapper = None
        if options.scheduler is not None:
            from analysis import distributed

            mapper = distributed.dask_mapper(
                stack.enter_context(distributed.client(options.scheduler))
            )
        progress = None
        if sys.stderr.isatty():
            from rich.progress import Progress

            bar = stack.enter_context(Progress(transient=True))
            task = bar.add_task("sampling", total=(samples or 0))
            progress = lambda k: bar.advance(task, k)  # noqa: E731
        return run_uncertain(
            G,
            built,
            samples=samples,
            seed=options.seed,
            distribution=options.distribution,
            sensitivity=options.sensitivity,
            mapper=mapper,
            progress=progress,
        )


def _inputs(scenario: ScenarioOptions, data: str | None) -> list[str]:
    """The files a drawing command reads, which its -o must not replace."""
    return [p for p in (scenario.scenario_name, data) if p]


def _draw_to_file(path: str, G, **kwargs) -> None:
    """Draw or export to ``path`` (see ``analysis.drawing.draw_file``) and say so on stderr."""
    import matplotlib

    from analysis.drawing import draw_file

    matplotlib.use("Agg")  # a command line draws to files, never to a window
    written = draw_file(path, G, **kwargs)
    click.echo(f"wrote {written}", err=True)


@click.command("render")
@scenario_options()
@click.option(
    "--focus",
    metavar="NODE",
    default=None,
    help="Draw only what lies around NODE (see --depth); with a scenario, also the paths "
    "from its cut edges to NODE; with --timeline, only NODE and the nodes around it; "
    "with --sensitivity, the drivers of NODE.",
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
    type=_NodeKind(),
    help="Draw only nodes of this kind (repeatable).",
)
@click.option(
    "--timeline",
    is_flag=True,
    help="Draw the scenario's shortfall over the days instead of the graph.",
)
@click.option(
    "--colour",
    type=click.Choice(list(_COLOURINGS)),
    default="point",
    show_default=True,
    help="Colour the diagram's nodes by the shortfall at the values (point), or by its "
    "p50 or p95 over the samples (with --samples N).",
)
@click.option(
    "--exposure",
    "exposure_of",
    metavar="COUNTRY_OR_NODE",
    default=None,
    help="Draw the exposure heatmap of COUNTRY_OR_NODE (as 'chokegraph exposure') instead.",
)
@click.option(
    "--chokepoints",
    is_flag=True,
    help="Draw the chokepoint ranking (as 'chokegraph chokepoints') instead.",
)
@click.option(
    "--compare",
    "compared",
    multiple=True,
    metavar="NAME_OR_FILE",
    help="Draw these scenarios side by side (give two or more) instead.",
)
@click.option(
    "--top",
    type=int,
    default=None,
    callback=_at_least_zero,
    metavar="N",
    help="With --chokepoints or --compare: draw only the first N nodes.",
)
@click.option(
    "--layout",
    "method",
    type=click.Choice(["barycenter", "dot"]),
    default="barycenter",
    show_default=True,
    help="Order within each column: chokegraph's own, or Graphviz dot (must be installed).",
)
@horizon_option
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Where to write: .png .svg .pdf (a picture), .html (the interactive diagram) "
    "or .dot .graphml .gexf (the graph).",
)
@data_option
def render_command(
    scenario: ScenarioOptions,
    focus: str | None,
    depth: int,
    kinds: tuple[str, ...],
    timeline: bool,
    colour: str,
    exposure_of: str | None,
    chokepoints: bool,
    compared: tuple[str, ...],
    top: int | None,
    method: str,
    output: str,
    data: str | None,
) -> None:
    """Draw the dependency diagram, a chart, or export the graph; with a scenario, coloured by it.

    The scenario options are those of what-if; without any, the plain graph
    is drawn. The suffix of FILE picks the format; .html is an interactive
    diagram in one offline page. --timeline, --exposure, --chokepoints and
    --compare draw a chart instead of the diagram; --sensitivity draws the
    scenario's drivers as a tornado. With --samples N, the timeline shades
    each line's p5-p95 band and --colour p50 or p95 colours the diagram by
    the sampled shortfall.

    Example: chokegraph render china gallium --to japan --focus gallium -o gallium.png

    Example: chokegraph render --scenario 2026-dual-use-japan --timeline --samples 200 -o t.png

    Example: chokegraph render --scenario 2026-dual-use-japan -o dual-use.html

    Example: chokegraph render --exposure japan -o heat.png
    """
    from analysis.drawing import IMAGE_FORMATS, check_output
    from analysis.whatif import run_scenario

    charts = {
        "--exposure": exposure_of is not None,
        "--chokepoints": chokepoints,
        "--compare": bool(compared),
    }
    chosen = [name for name, on in charts.items() if on]
    if top is not None and not (chokepoints or compared):
        raise click.UsageError("--top goes with --chokepoints or --compare")
    if chosen:
        others = chosen[1:] + (["--timeline"] if timeline else [])
        if others:
            raise click.UsageError(f"give one of {chosen[0]} and {others[0]}, not both")
        if scenario.build() is not None or focus is not None or kinds:
            raise click.UsageError(
                f"{chosen[0]} draws a chart of its own: it takes no scenario, --focus or --kind"
            )
        if _sampled(scenario):
            raise click.UsageError(
                f"{chosen[0]} draws a chart of its own: it takes no --samples, --sensitivity "
                "or --scheduler"
            )
        _render_chart(chosen[0], output, data, top, exposure_of, compared)
        return
    built = scenario.build()
    _check_scenario_picture(built, scenario, timeline=timeline, colour=colour, kinds=kinds)
    chart = "a tornado plot" if scenario.sensitivity else None
    suffix = check_output(output, timeline=timeline, chart=chart, inputs=_inputs(scenario, data))
    G = load_data(data)
    result = None
    if built is not None:
        result = run_scenario_options(G, built, scenario) or run_scenario(G, built)
    if scenario.sensitivity:
        _render_sensitivity(output, result, focus)
        return
    if suffix in IMAGE_FORMATS and not timeline:
        _hint_if_large(G, focus=focus, depth=depth, kinds=kinds or None, result=result)
    _draw_to_file(
        output,
        G,
        result=result,
        focus=focus,
        depth=depth,
        kinds=kinds or None,
        timeline=timeline,
        method=method,
        colour=colour,
    )


def _sampled(scenario: ScenarioOptions) -> bool:
    """Whether the options ask for samples or drivers."""
    return scenario.samples is not None or scenario.sensitivity or scenario.scheduler is not None


def _check_scenario_picture(
    built, scenario: ScenarioOptions, *, timeline: bool, colour: str, kinds: tuple[str, ...]
) -> None:
    """Refuse the render options that do not go together, before any work."""
    needs = "--timeline" if timeline else "--sensitivity" if scenario.sensitivity else None
    if needs is None and built is None and (_sampled(scenario) or colour != "point"):
        needs = "--samples" if _sampled(scenario) else f"--colour {colour}"
    if built is None and needs is not None:
        raise click.UsageError(
            f"{needs} needs a scenario: COUNTRY COMMODITY..., --scenario or --remove"
        )
    if timeline and scenario.sensitivity:
        raise click.UsageError("give one of --timeline and --sensitivity, not both")
    if colour != "point" and (timeline or scenario.sensitivity):
        other = "--timeline" if timeline else "--sensitivity"
        raise click.UsageError(f"--colour colours the diagram's nodes: it does not go with {other}")
    if scenario.sensitivity and kinds:
        raise click.UsageError("--sensitivity draws a chart of its own: it takes no --kind")
    if colour != "point" and built is not None:
        samples = scenario.samples if scenario.samples is not None else built.samples
        if samples is None:
            raise click.UsageError(
                f"--colour {colour} is the {colour} of the sampled shortfall: give --samples N"
            )


def _render_sensitivity(output: str, result, focus: str | None) -> None:
    """``render --sensitivity``: the tornado of ``res.plot("sensitivity")``, to ``output``."""
    import matplotlib

    from analysis.drawing import save_or_show
    from graph.lookup import resolve_node

    matplotlib.use("Agg")  # a command line draws to files, never to a window
    node = None if focus is None else resolve_node(result.G, focus)
    fig, _ = result.plot("sensitivity", node=node)
    click.echo(f"wrote {save_or_show(fig, output)}", err=True)


def _render_chart(
    chart: str,
    output: str,
    data: str | None,
    top: int | None,
    exposure_of: str | None,
    compared: tuple[str, ...],
) -> None:
    """``render --exposure``, ``--chokepoints`` or ``--compare``: one chart to ``output``."""
    import matplotlib

    from analysis.drawing import check_output, save_or_show

    what = {"--exposure": "a heatmap", "--chokepoints": "a ranking", "--compare": "a comparison"}
    check_output(output, chart=what[chart])
    if chart == "--compare" and len(compared) < 2:
        raise click.UsageError("--compare needs two or more scenarios: --compare A --compare B")
    matplotlib.use("Agg")  # a command line draws to files, never to a window
    G = load_data(data)
    if chart == "--exposure":
        from analysis.exposure import exposure

        fig, _ = exposure(G, exposure_of).plot()
    elif chart == "--chokepoints":
        from analysis.chokepoints import chokepoints
        from analysis.drawing import plot_chokepoints

        fig, _ = plot_chokepoints(chokepoints(G, progress=True), top=15 if top is None else top)
    else:
        fig, _ = _compared(G, compared).plot(top=12 if top is None else top)
    click.echo(f"wrote {save_or_show(fig, output)}", err=True)


def _compared(G, names: tuple[str, ...]):
    """``compare_scenarios`` of the scenarios ``names`` (bundled ids or files) on ``G``."""
    from analysis.compare import compare_scenarios
    from analysis.scenario import load_scenario

    return compare_scenarios(G, [load_scenario(n) for n in names], labels=list(names))


def _hint_if_large(G, **selection: Any) -> None:
    """Say on stderr how to draw a part of a picture too large to read."""
    from analysis.drawing import LEGIBLE_NODES, select_subgraph

    shown = len(select_subgraph(G, **selection))
    if shown > LEGIBLE_NODES:
        click.echo(
            f"hint: {shown} nodes make a large picture; draw a part of it with "
            "--focus NODE --depth K (or --kind KIND)",
            err=True,
        )
