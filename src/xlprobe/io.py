"""File I/O shared by every module: the one reading of text inputs, output path checks, atomic
writes.

Every text input is read by :func:`read_text` (or :func:`read_text_lines`), so that its rules
(byte-order mark, line ends, control characters) are made once. :func:`check_outputs` refuses,
before any work, an output that is an input, holds one or lies inside one.

Writes go to a temporary sibling that is renamed when complete, so no half-written artifact ever
looks complete. No writer removes what it did not create: an output path that is an existing
directory is an error, unless the caller owns that directory and asks to replace it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from xlprobe.errors import InputError

_BOM = "\ufeff"
# Characters no text input may hold: C0 controls but tab and newline (a lone CR is its own
# message), DEL, C1 controls, and a byte-order mark after the start of the file.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_CHARACTER_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text(path: str | Path, *, expected: str, allow_empty: bool = False) -> str:
    """The text of a UTF-8 file, read the one way every text input of xlprobe is read.

    Rules (each violation is an :class:`InputError` naming the file and line):

    * decoding is UTF-8, strict; a byte-order mark at the start is dropped, so it never becomes
      part of a word or a language code (a UTF-16 file is named as such);
    * lines end with ``\\n`` or ``\\r\\n`` (returned as ``\\n``); a ``\\r`` at the very end of the
      file ends the last line; any other ``\\r`` (a lone carriage return inside a line) is an
      error, as a reader that split there would misalign line-aligned files;
    * NUL, the other C0 controls (tab excepted: formats use it as a separator), DEL, the C1
      controls (U+0080-U+009F, e.g. NEL U+0085, the trace of a wrong Windows-1252 conversion)
      and a byte-order mark after the start (files concatenated with theirs) are errors;
    * other Unicode separators (U+2028, U+2029) are ordinary characters inside a line.

    Args:
        path: The file.
        expected: What the file should contain, for the error message of an empty file.
        allow_empty: Return the text of an empty (whitespace-only) file instead of failing.

    Returns:
        The text, every line ending with ``\\n`` except maybe the last.

    Raises:
        InputError: The file cannot be read, is not UTF-8, breaks a rule above, or is empty
            (whitespace only) and ``allow_empty`` is false.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", path=path) from None
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "UTF-16 text (it starts with a UTF-16 byte-order mark): re-save the file as UTF-8",
            path=path,
            line=1,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = err.object.count(b"\n", 0, err.start) + 1
        byte = err.object[err.start]
        raise InputError(
            f"not UTF-8 text (byte 0x{byte:02x}): re-save the file as UTF-8", path=path, line=line
        ) from None
    text = text.replace("\r\n", "\n")
    if text.endswith("\r"):
        text = text[:-1] + "\n"
    if "\r" in text:
        position = text.index("\r")
        raise InputError(
            "carriage return (\\r) inside a line: lines end with \\n or \\r\\n; a lone \\r splits "
            "a line for some readers and misaligns line-aligned files, remove it",
            path=path,
            line=text.count("\n", 0, position) + 1,
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        start = bad.start()
        line_start = text.rfind("\n", 0, start) + 1
        what, why = _describe(bad.group())
        raise InputError(
            f"{what} in column {start - line_start + 1} ({why}): remove it",
            path=path,
            line=text.count("\n", 0, start) + 1,
        )
    if not text.strip() and not allow_empty:
        raise InputError(f"empty file, expected {expected}", path=path)
    return text


def _describe(char: str) -> tuple[str, str]:
    """What a character :func:`read_text` refuses is, and why, for its error message."""
    if char == _BOM:
        return "byte-order mark (U+FEFF) after the start of the file", "files concatenated?"
    name = f" ({_CHARACTER_NAMES[char]})" if char in _CHARACTER_NAMES else ""
    return (
        f"control character U+{ord(char):04X}{name}",
        "text inputs hold no control characters but tab and newline",
    )


def read_text_lines(path: str | Path, *, expected: str, allow_empty: bool = False) -> list[str]:
    """Lines of a UTF-8 text file (read by :func:`read_text`, whose rules apply), without their
    line ends.

    Args:
        path: The file.
        expected: What the file should contain, for the error message of an empty file.
        allow_empty: Return the lines of an empty (whitespace-only) file instead of failing.

    Raises:
        InputError: As :func:`read_text`.
    """
    lines = read_text(path, expected=expected, allow_empty=allow_empty).split("\n")
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


PathLike = str | os.PathLike


def check_outputs(
    inputs: Iterable[PathLike | None], outputs: Iterable[tuple[PathLike | None, str]]
) -> None:
    """Refuse, before any work, outputs that would overwrite, truncate or hold an input.

    Paths are compared as the files they are, not as spelled: by device and inode after
    resolving symbolic links, so another spelling (``d/../f``), a symbolic link and a hard link
    to an input are that input. An output is refused when

    * it is an input (file or directory);
    * it is an existing directory that contains an input (a command writing there may replace
      it: ``corpus build --out D`` over sources in ``D``);
    * it lies inside an input directory (``probe.py from_run=RUN hydra.run.dir=RUN/x``);
    * it is the same path as an earlier output (``--out X --reverse X``).

    Inputs that do not exist are skipped (their reader names them); ``None`` entries (options
    not given) are skipped. Call it after :func:`check_output_path`, which refuses outputs
    that are existing directories for file outputs.

    Args:
        inputs: Every file and directory the command reads.
        outputs: ``(path, option)`` of every file or directory the command writes; the option
            (``--out``, ``hydra.run.dir``) names it in the message.

    Raises:
        InputError: One line naming the option, its value and the input it would destroy.
    """
    existing = [(Path(p), _identity(p)) for p in inputs if p is not None and os.path.exists(p)]
    written: list[tuple[Path, str, Path]] = []
    for out, option in outputs:
        if out is None:
            continue
        out = Path(out)
        named = f"{option}={out}"
        target = _resolved(out)
        identity = _identity(out) if os.path.exists(out) else None
        around = _containers(out)
        for path, key in existing:
            if key == identity:
                raise InputError(
                    f"{named} is the input {path}: writing it would destroy the input; nothing "
                    "was written, give another path"
                )
            if identity is not None and os.path.isdir(out) and identity in _containers(path):
                raise InputError(
                    f"{named} contains the input {path}: writing there could replace it; "
                    "nothing was written, give a directory that holds no input"
                )
            if os.path.isdir(path) and key in around:
                raise InputError(
                    f"{named} lies inside the input directory {path}: an input is never "
                    "written to; nothing was written, give a path outside it"
                )
        for earlier, earlier_option, earlier_target in written:
            if target == earlier_target:
                raise InputError(
                    f"{named} is the same path as {earlier_option}={earlier}: give two "
                    "different paths"
                )
        written.append((out, option, target))


def _identity(path: PathLike) -> tuple[int, int]:
    """(device, inode) of what ``path`` names, symbolic links followed."""
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def _resolved(path: Path) -> Path:
    """``path`` with its directory resolved but not its last component: the directory entry a
    writer replaces (a writer replaces a symbolic link, not what it points to)."""
    return Path(os.path.realpath(path.parent)) / path.name


def _containers(path: PathLike) -> set[tuple[int, int]]:
    """Identities of the existing directories that contain ``path``: the ancestors of the
    directory entry and of the file it resolves to."""
    path = Path(path)
    ancestors = [*_resolved(path).parents, *Path(os.path.realpath(path)).parents]
    return {_identity(p) for p in dict.fromkeys(ancestors) if p.exists()}


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
