"""Where the bundled dataset lives, in a source checkout and in a wheel."""

from __future__ import annotations

from pathlib import Path


def bundled_path() -> Path:
    """Return the folder of the bundled dataset (``seeds/``).

    An installed wheel carries it as ``graph/seeds``; a source checkout (or an
    editable install) has it at the repository's top level.

    Examples
    --------
    >>> (bundled_path() / "scenarios").is_dir()
    True
    """
    here = Path(__file__).resolve().parent
    installed = here / "seeds"
    return installed if installed.is_dir() else here.parent / "seeds"
