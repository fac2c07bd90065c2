"""The ``xlprobe`` file-level tool.

Each command group lives in its own module exposing ``register(subparsers)``; the module sets
``func`` on its parser. Heavy libraries are imported inside the command functions only, so
``xlprobe --help`` and the metrics commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xlprobe.errors import InputError

from . import corpus, dictionary, embeddings, experts, langsim, metrics, report, sweep, ud


def build_parser() -> argparse.ArgumentParser:
    """The full ``xlprobe`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="xlprobe", description="File-level tools for cross-lingual concept probing."
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    metrics.register(groups)
    dictionary.register(groups)
    corpus.register(groups)
    experts.register(groups)
    embeddings.register(groups)
    langsim.register(groups)
    sweep.register(groups)
    report.register(groups)
    ud.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xlprobe`` console script. Returns the process exit code.

    Bad input (:class:`~xlprobe.errors.InputError`) is printed as one line on stderr with exit
    code 2, like argparse's own usage errors.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as err:
        print(f"xlprobe: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
