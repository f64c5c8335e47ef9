"""The notebooks run top to bottom on the bundled data, headless, and are kept without outputs.

Each notebook is executed with nbclient in a kernel that runs this very
interpreter: a kernelspec written to a temporary folder and found through
``JUPYTER_PATH``, so that no kernel needs to be installed and nothing outside
the temporary folder is touched. Figures go to matplotlib's Agg backend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel", reason="the notebooks need ipykernel (pip install -e '.[test]')")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "chokegraph-tests"
CELL_TIMEOUT = 300  # seconds; a hung cell fails instead of blocking the run


@pytest.fixture(scope="module")
def kernel(tmp_path_factory) -> str:
    """The name of a kernelspec that starts ``sys.executable``, visible only to these tests."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "data" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel_json = {"argv": argv, "display_name": "chokegraph tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel_json), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root / "data"))
        mp.setenv("JUPYTER_RUNTIME_DIR", str(root / "runtime"))  # connection files
        mp.setenv("IPYTHONDIR", str(root / "ipython"))  # no user profile or startup files
        mp.setenv("MPLBACKEND", "Agg")
        yield KERNEL


def test_the_notebooks_are_there():
    names = [p.name for p in PATHS]
    assert names == [
        "01_explore_the_graph.ipynb",
        "02_what_if_china_restricts.ipynb",
        "03_chokepoints_and_exposure.ipynb",
        "04_how_sure.ipynb",
    ]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, kernel):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # cells run in notebooks/
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed\n{err}")
    errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    # Outputs are made by running the notebook; kept out of the repository, they
    # never go stale and diffs show only what was written.
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}, cell {i}: clear the outputs"
            assert cell.execution_count is None, f"{path.name}, cell {i}: clear the outputs"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_reads_nothing_outside_the_repository(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for needle in ("../", "..\\", "/work/", "shared/"):
                assert needle not in cell.source, f"{path.name}, cell {i} names {needle!r}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_says_what_it_shows_and_how_sure_it_is(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "How sure" in first.source, f"{path.name}: say how sure the data is, at the top"
