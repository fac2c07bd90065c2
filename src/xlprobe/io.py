"""File I/O shared by every module: UTF-8 line reading, output path checks, atomic writes.

Writes go to a temporary sibling that is renamed when complete, so no half-written artifact ever
looks complete. No writer removes what it did not create: an output path that is an existing
directory is an error, unless the caller owns that directory and asks to replace it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from xlprobe.errors import InputError


def read_text_lines(path: str | Path, *, expected: str, allow_empty: bool = False) -> list[str]:
    """Lines of a UTF-8 text file, without line ends (``\\n``, ``\\r\\n`` or ``\\r``).

    Only these end a line: other Unicode separators (``\\x85``, ``\\u2028``, ...) stay inside
    it, so line-aligned files keep their alignment.

    Args:
        path: The file.
        expected: What the file should contain, for the error message of an empty file.
        allow_empty: Return the lines of an empty (whitespace-only) file instead of failing.

    Raises:
        InputError: The file cannot be read, is not UTF-8, or is empty (whitespace only) and
            ``allow_empty`` is false.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", path=path) from None
    except UnicodeDecodeError as err:
        line = Path(path).read_bytes().count(b"\n", 0, err.start) + 1
        raise InputError("not UTF-8 text", path=path, line=line) from None
    if not text.strip() and not allow_empty:
        raise InputError(f"empty file, expected {expected}", path=path)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def check_output_path(
    path: str | Path, *, option: str | None = None, directory: bool = False
) -> Path:
    """Check, before any work, that ``path`` can be written without removing anything.

    A file output (``directory`` false) must not be an existing directory: it would have to be
    deleted. A directory output (a run directory) may exist, but not as a file. In both cases
    the nearest existing ancestor must be a writable directory (parents are created).

    Args:
        path: The output path.
        option: The option that named it (``--out``, ``paths.output_dir``), for the message.
        directory: Whether ``path`` is a directory the caller writes into.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        InputError: One line naming ``option`` and ``path``.
    """
    path = Path(path)
    named = f"{option}={path}" if option else str(path)
    if not directory and path.is_dir() and not path.is_symlink():
        raise InputError(
            f"{named} is an existing directory; nothing was written (existing directories are "
            "never replaced): give a file path"
        )
    if directory and path.exists() and not path.is_dir():
        raise InputError(f"{named} is a file, not a directory: give a directory path")
    for parent in path.absolute().parents:
        if not parent.exists():
            continue
        if not parent.is_dir():
            raise InputError(f"cannot write {named}: {parent} is a file, not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise InputError(f"cannot write {named}: directory {parent} is not writable")
        break
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path, *, replace_dir: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    Works for files and directories: whatever the block creates at the yielded path takes the
    place of ``path``. An existing file at ``path`` is replaced; an existing directory only with
    ``replace_dir`` (for callers that wrote that directory themselves), otherwise it is an
    :class:`InputError` before the block runs. On error the temporary path is removed and
    ``path`` is left untouched.

    Raises:
        InputError: ``path`` is an existing directory (without ``replace_dir``), lies below a
            file, or its directory cannot be created or written.
    """
    path = Path(path)
    if not (replace_dir and path.is_dir()):
        check_output_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=path) from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    old = tmp.with_name(tmp.name + ".old")
    try:
        yield tmp
        if replace_dir and path.is_dir() and not path.is_symlink():
            os.replace(path, old)
            try:
                os.replace(tmp, path)
            except OSError:
                os.replace(old, path)
                raise
        else:
            os.replace(tmp, path)
    finally:
        for leftover in (tmp, old):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            elif leftover.exists():
                leftover.unlink()


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
