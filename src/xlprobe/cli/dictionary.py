"""`xlprobe dictionary` commands."""

from __future__ import annotations

import argparse


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `dictionary` command group to the top-level parser."""
    parser = groups.add_parser("dictionary" if "dictionary" == "metrics" else "dict", help="dictionary tools")
    parser.set_defaults(func=lambda args: parser.print_help())
