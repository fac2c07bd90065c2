"""User-facing errors: bad input reported as one line naming the file, line and the fix."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad user input (a file, a line in it, or an option).

    Rendered by the CLIs as a single line ``xlprobe: error: FILE:LINE: MESSAGE`` with exit code 2,
    never as a traceback.

    Args:
        message: What is wrong and what was expected.
        path: The offending file, if any.
        line: 1-based line number inside ``path``, if any.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return where + self.message
