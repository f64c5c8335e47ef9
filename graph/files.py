"""Write files atomically: a temporary file beside the target, then a rename.

An existing file is replaced only once the new content is fully written, so
a crash or a full disk never leaves a half-written file or loses the old one.

Public: ``analysis`` writes its pictures, diagrams and schemas through these
too, so that every file chokegraph writes fails the same way.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from graph.errors import ChokegraphError


def missing_folder(folder: str | os.PathLike) -> str:
    """Say why ``folder`` cannot take a file: it does not exist, or it is a file.

    Examples
    --------
    >>> missing_folder("no/such/folder")
    'folder no/such/folder does not exist'
    """
    if Path(folder).exists():
        return f"{folder} is a file, not a folder"
    return f"folder {folder} does not exist"


def write_atomic(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    Raises ``ChokegraphError`` (not ``OSError``) when the folder is missing or
    not writable, so the command line reports it as bad input.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, "hello").read_text()
    'hello'
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ChokegraphError(f"cannot write {target}: {missing_folder(folder)}")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ChokegraphError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ChokegraphError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:  # Ctrl-C or a bug: still leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
