"""docs/backtest.md: its "model says" column is what the model prints now.

Each row of the table of events names its scenario as ``(`ID`)`` in the first
cell; the second cell lists, for some nodes, the long-run shortfall, the peak
and the first day hit, as ``what-if --scenario ID`` prints them (percent with
one decimal, ISO dates), or ``nothing hit``. This test runs each scenario
and compares, so that a change of the data or the model that moves an answer
fails here until the page is brought up to date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import run_cli

PAGE = Path(__file__).resolve().parents[1] / "docs" / "backtest.md"
ENTRY = re.compile(
    r"`(?P<node>[a-z0-9][a-z0-9._-]*)` (?P<long>\d+\.\d)% long run, "
    r"peak (?P<peak>\d+\.\d)%, first hit (?P<first>\d{4}-\d\d-\d\d)"
)


def _rows() -> list[tuple[str, str]]:
    """(scenario id, model-says cell) for each row of the events table."""
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## Events with a recorded outcome", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found = re.search(r"\(`([a-z0-9-]+)`\)", cells[0]) if len(cells) == 4 else None
        if found:
            rows.append((found.group(1), cells[1]))
    return rows


ROWS = _rows()


def test_the_page_has_a_row_per_event_with_an_outcome():
    assert [sid for sid, _ in ROWS] == [
        "2010-rare-earths-japan",
        "2023-gallium-germanium",
        "2023-natural-graphite",
        "2024-us-ban",
        "2026-dual-use-japan",
    ]
    # every cell is either "nothing hit" or one or more entries, and nothing else
    for sid, cell in ROWS:
        rest = ENTRY.sub("", cell).replace(";", "").strip()
        assert rest in ("", "nothing hit"), (sid, rest)
        assert (rest == "nothing hit") != bool(ENTRY.search(cell)), sid


@pytest.mark.parametrize("sid, cell", ROWS, ids=[sid for sid, _ in ROWS])
def test_model_says_what_the_page_says(sid, cell):
    code, out, err = run_cli(["what-if", "--scenario", sid, "--format", "json"])
    assert code == 0, err
    result = json.loads(out)
    impacts = {i["node"]: i for i in result["impacts"]}
    if cell == "nothing hit":
        assert result["summary"]["nodes_hit"] == 0
        return
    for m in ENTRY.finditer(cell):
        got = impacts[m["node"]]
        said = (m["long"], m["peak"], m["first"])
        now = (
            f"{100 * got['shortfall']:.1f}",
            f"{100 * got['peak_shortfall']:.1f}",
            got["date_to_impact"],
        )
        assert now == said, f"{sid}: {m['node']} now {now}, docs/backtest.md says {said}"


def test_every_scenario_named_on_the_page_is_bundled():
    from analysis.scenario import bundled_scenarios

    named = set(re.findall(r"`(\d{4}-[a-z0-9-]+)`", PAGE.read_text(encoding="utf-8")))
    assert named <= set(bundled_scenarios())
    assert {sid for sid, _ in ROWS} <= named
