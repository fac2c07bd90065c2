"""`xlprobe metrics` commands."""

from __future__ import annotations

import argparse


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `metrics` command group to the top-level parser."""
    parser = groups.add_parser("metrics" if "metrics" == "metrics" else "dict", help="metrics tools")
    parser.set_defaults(func=lambda args: parser.print_help())
