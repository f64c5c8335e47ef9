"""Shared pytest fixtures."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

# Keep the bundled-data cache of the test run (and of every subprocess it
# starts) out of the user's own cache folder.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="chokegraph-test-cache-")


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Return ``write(name, content)``: write a file under ``tmp_path``, return its path.

    Text is dedented (so tests can indent YAML inline); bytes are written as given.
    """

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return write
