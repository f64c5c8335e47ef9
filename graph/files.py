"""Read and write files safely: regular files only, bounded reads, atomic writes.

Reading (``read_regular``): only a regular file is read, after following
links; a folder, a named pipe (FIFO), a device (such as ``/dev/zero``) or a
socket is an error, and so is a file larger than ``max_read_bytes()``
(64 MB by default; set ``CHOKEGRAPH_MAX_FILE_MB`` to raise it). A pipe is
opened without blocking, so it can never hang a command.

Writing (``write_atomic``): a temporary file beside the target, then a
rename. An existing file is replaced only once the new content is fully
written, so a crash or a full disk never leaves a half-written file or
loses the old one. ``check_output_path`` refuses what must not be written:
a device, a pipe, a socket or a folder, and any of the command's own inputs.
A symbolic link is written *through*: the file it points to is replaced and
the link stays a link.

A folder of several files (tables) is staged (``write_folder``): written
whole into a hidden sibling folder, then swapped in with renames, so a
folder is never left half-written. A folder chokegraph wrote holds a
manifest (``.chokegraph-written.json``) of the files and their hashes; a
folder holding anything else, or a file changed since chokegraph wrote it,
is a user's and is not replaced without ``force``.

Public: ``analysis`` writes its pictures, diagrams and schemas through these
too, so that every file chokegraph writes fails the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from graph.errors import ChokegraphError, Problem

__all__ = [
    "MANIFEST",
    "check_output_path",
    "max_read_bytes",
    "missing_folder",
    "not_regular",
    "read_regular",
    "shown_name",
    "write_atomic",
    "write_folder",
]

#: Default bound on one file read whole, in megabytes (of a million bytes).
DEFAULT_MAX_MB = 64
MB = 1_000_000
#: The file in a folder of tables that lists what chokegraph wrote there.
MANIFEST = ".chokegraph-written.json"


def shown_name(path: str | os.PathLike) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 as ``\\xNN``.

    Examples
    --------
    >>> shown_name(b"data/caf\\xe9.yaml".decode("utf-8", "surrogateescape"))
    'data/caf\\\\xe9.yaml'
    """
    return os.fsencode(os.fspath(path)).decode("utf-8", "backslashreplace")


def max_read_bytes() -> int:
    """The largest file read whole: ``CHOKEGRAPH_MAX_FILE_MB`` megabytes (default 64).

    Examples
    --------
    >>> max_read_bytes() >= 1 << 20
    True
    """
    text = os.environ.get("CHOKEGRAPH_MAX_FILE_MB", "").strip()
    try:
        mb = float(text) if text else DEFAULT_MAX_MB
    except ValueError:
        raise ChokegraphError(
            f"CHOKEGRAPH_MAX_FILE_MB={text!r} is not a number of megabytes, e.g. 256"
        ) from None
    if not mb > 0 or mb == float("inf"):
        raise ChokegraphError(f"CHOKEGRAPH_MAX_FILE_MB={text!r} must be a positive number")
    return int(mb * MB)


def not_regular(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file, else None.

    Examples
    --------
    >>> import stat
    >>> not_regular(stat.S_IFIFO), not_regular(stat.S_IFREG)
    ('a named pipe (FIFO)', None)
    """
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(
    path: str | os.PathLike, *, shown: str | None = None, limit: int | None = None
) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most ``limit`` of them.

    Parameters
    ----------
    path : str or path-like
        The file.
    shown : str, optional
        The name errors give (default: ``path``).
    limit : int, optional
        The most bytes read (default ``max_read_bytes()``).

    Raises
    ------
    ChokegraphError
        ``cannot read PATH: ...`` when it is missing, unreadable, not a
        regular file, or larger than the limit.

    Examples
    --------
    >>> read_regular("/dev/zero")
    Traceback (most recent call last):
    ...
    graph.errors.ChokegraphError: cannot read /dev/zero: it is a device, not a regular file
    """
    name = shown_name(path if shown is None else shown)
    limit = max_read_bytes() if limit is None else limit
    try:
        # O_NONBLOCK: opening a pipe with no writer would wait for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ChokegraphError(f"cannot read {name}: {exc.strerror or exc}") from exc
    # Checked before fdopen, which itself refuses a folder with IsADirectoryError.
    what = not_regular(os.fstat(fd).st_mode)
    if what is not None:
        os.close(fd)
        raise ChokegraphError(f"cannot read {name}: it is {what}, not a regular file")
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise ChokegraphError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise ChokegraphError(
            f"cannot read {name}: it is larger than the limit of {limit / MB:g} MB "
            "for one file; set CHOKEGRAPH_MAX_FILE_MB to raise it"
        )
    return data


def missing_folder(folder: str | os.PathLike) -> str:
    """Say why ``folder`` cannot take a file: it does not exist, or it is a file.

    Examples
    --------
    >>> missing_folder("no/such/folder")
    'folder no/such/folder does not exist'
    """
    if Path(folder).exists():
        return f"{shown_name(folder)} is a file, not a folder"
    return f"folder {shown_name(folder)} does not exist"


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _input_stats(inputs: Iterable[str | os.PathLike]) -> list[tuple[str, os.stat_result]]:
    out = []
    for item in inputs:
        with contextlib.suppress(OSError):
            out.append((os.fspath(item), os.stat(item)))
    return out


def check_output_path(
    path: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    folder: bool = False,
) -> Path:
    """Check that ``path`` may be written; return the path to write (links followed).

    Refuses a device, a named pipe, a socket, a folder (unless ``folder``;
    then a file), a missing parent folder, and anything that is one of
    ``inputs`` or, for a folder, holds one of them. A symbolic link is
    written through: the returned path is the file it points to.

    Raises
    ------
    ChokegraphError
        ``cannot write PATH: ...`` saying why and what to do.

    Examples
    --------
    >>> check_output_path("/dev/null")
    Traceback (most recent call last):
    ...
    graph.errors.ChokegraphError: cannot write /dev/null: it is a device; give the name of a file
    >>> import tempfile, pathlib
    >>> data = pathlib.Path(tempfile.mkdtemp()) / "data.yaml"
    >>> _ = data.write_text("nodes: []")
    >>> check_output_path(data, inputs=[data])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.ChokegraphError: cannot write ...data.yaml: it is an input of this command; ...
    """
    name = shown_name(path)
    target = Path(os.path.realpath(path))  # through links, as the write will go
    parent = target.parent
    if not parent.is_dir():
        raise ChokegraphError(f"cannot write {name}: {missing_folder(Path(path).parent or '.')}")
    try:
        st: os.stat_result | None = os.stat(target)
    except OSError:
        st = None
    if st is not None:
        what = not_regular(st.st_mode)
        if folder and stat.S_ISDIR(st.st_mode):
            what = None
        elif folder and what is None:
            what = "a file"
        if what is not None:
            give = "a folder" if folder else "the name of a file"
            raise ChokegraphError(f"cannot write {name}: it is {what}; give {give}")
    for given, inp in _input_stats(inputs):
        same = st is not None and _same_file(st, inp)
        inside = folder and Path(os.path.realpath(given)).is_relative_to(target)
        if same or inside:
            raise ChokegraphError(
                f"cannot write {name}: it is an input of this command"
                + ("" if same else f" (it holds {shown_name(given)})")
                + "; write somewhere else, so the input stays as it is"
            )
    return target


def write_atomic(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    The file is checked first (``check_output_path``): a device, a pipe or a
    folder is refused, and a link is written through. Raises
    ``ChokegraphError`` (not ``OSError``) when the folder is missing or not
    writable, so the command line reports it as bad input.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, "hello").read_text()
    'hello'
    """
    given = Path(path)
    target = check_output_path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    _write_file(target, data, shown_name(given))
    return given


def _write_file(target: Path, data: bytes, name: str, *, mode: int | None = None) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ChokegraphError(f"cannot write {name}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ChokegraphError(f"cannot write {name}: {exc.strerror or exc}") from exc
    except BaseException:  # Ctrl-C or a bug: still leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _theirs(folder: Path) -> list[str]:
    """The files in ``folder`` that chokegraph did not write there, or changed since."""
    try:
        listed = json.loads(read_regular(folder / MANIFEST, limit=1 << 20))
        assert isinstance(listed, dict)
    except (ChokegraphError, ValueError, AssertionError):
        listed = {}
    theirs = []
    for entry in sorted(os.listdir(folder)):
        if entry == MANIFEST:
            continue
        p = folder / entry
        try:
            ours = p.is_file() and listed.get(entry) == _digest(read_regular(p))
        except ChokegraphError:
            ours = False
        if not ours:
            theirs.append(shown_name(entry))
    return theirs


def write_folder(
    folder: str | os.PathLike,
    files: Mapping[str, bytes],
    *,
    inputs: Iterable[str | os.PathLike] = (),
    force: bool = False,
) -> list[Path]:
    """Write ``files`` (name -> bytes) as the whole content of ``folder``, staged.

    The files go into a hidden sibling folder first; only when all are
    written is it renamed into place (an old folder is moved aside, then
    removed). A folder that holds files chokegraph did not write there, or
    has changed since, is refused unless ``force``: then it is replaced
    whole, and files of the old folder not in ``files`` are gone.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tables"
    >>> [p.name for p in write_folder(out, {"nodes.csv": b"id,kind\\n"})]
    ['nodes.csv']
    >>> sorted(p.name for p in out.iterdir())
    ['.chokegraph-written.json', 'nodes.csv']
    """
    given = Path(folder)
    name = shown_name(given)
    target = check_output_path(folder, inputs=inputs, folder=True)
    if Path(os.getcwd()).resolve().is_relative_to(target):
        # Swapping it would leave this process, and the user's shell, in a deleted folder.
        raise ChokegraphError(
            f"cannot write {name}: it is or holds the current folder; give a folder of its own"
        )
    if target.is_dir() and not force:
        theirs = _theirs(target)
        if theirs:
            shown = ", ".join(theirs[:5]) + (
                f" and {len(theirs) - 5} more" if len(theirs) > 5 else ""
            )
            raise ChokegraphError(
                f"cannot write {name}: it holds files chokegraph did not write there "
                f"or that were changed since ({shown}); give a new folder, or --force to "
                "replace the folder whole"
            )
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise ChokegraphError(f"cannot write {name}: {exc.strerror or exc}") from exc
    try:
        manifest = {n: _digest(data) for n, data in files.items()}
        for n, data in files.items():
            _write_file(stage / n, data, shown_name(given / n))
        _write_file(stage / MANIFEST, json.dumps(manifest, indent=1).encode(), name)
        os.chmod(stage, 0o755 & ~_umask())
        old = None
        if target.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, old / "folder")
        try:
            os.replace(stage, target)
        except OSError:
            if old is not None:  # put the old folder back
                os.replace(old / "folder", target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise ChokegraphError(f"cannot write {name}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return [given / n for n in files]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def regular_input(path: str | os.PathLike) -> Path:
    """Check that ``path`` is a regular file (after links) to read from; return it.

    For inputs read in a stream (trade tables can be gigabytes), where
    ``read_regular``'s bound does not apply.

    Raises
    ------
    ChokegraphError
        ``no such file: PATH``, or ``cannot read PATH: it is a device, ...``.

    Examples
    --------
    >>> regular_input("/dev/zero")
    Traceback (most recent call last):
    ...
    graph.errors.ChokegraphError: cannot read /dev/zero: it is a device, not a regular file
    """
    name = shown_name(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ChokegraphError(f"no such file: {name}") from None
    except OSError as exc:
        raise ChokegraphError(f"cannot read {name}: {exc.strerror or exc}") from exc
    what = not_regular(st.st_mode)
    if what is not None:
        raise ChokegraphError(f"cannot read {name}: it is {what}, not a regular file")
    return Path(path)


def utf8_problem(path: str | os.PathLike, shown: str, *, gzipped: bool = False) -> Problem | None:
    """Where the first byte of a file that is not UTF-8 stands, as a located problem.

    Read in a stream, for files too large to hold; None when the file is
    all UTF-8 (a byte-order mark is allowed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = f.write_bytes(b"a,b\\n1,\\x81\\n")
    >>> print(utf8_problem(f, "t.csv"))
    t.csv:2:3: error: not UTF-8: byte 0x81 at line 2, column 3; save the file as UTF-8
    """
    import gzip

    line, col, carry = 1, 1, b""
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as fh:
        while True:
            block = fh.read(1 << 16)
            data = carry + block
            try:
                data.decode("utf-8")
                good, carry = len(data), b""
            except UnicodeDecodeError as exc:
                # A character cut at the end of a block: finish it with the next one.
                if block and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                    good, carry = exc.start, data[exc.start :]
                else:
                    line, col = _advance(line, col, data[: exc.start])
                    return Problem(
                        shown,
                        line,
                        col,
                        f"not UTF-8: byte 0x{data[exc.start]:02x} at line {line}, column {col}; "
                        "save the file as UTF-8",
                    )
            line, col = _advance(line, col, data[:good])
            if not block:
                return None


def _advance(line: int, col: int, text: bytes) -> tuple[int, int]:
    """The line and column (in characters) after ``text``, valid UTF-8, from ``line``, ``col``."""
    nl = text.rfind(b"\n")
    if nl < 0:
        return line, col + len(text.decode("utf-8"))
    return line + text.count(b"\n"), len(text[nl + 1 :].decode("utf-8")) + 1
