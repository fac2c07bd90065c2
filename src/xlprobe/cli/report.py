"""`xlprobe report RUN_DIR`: rebuild a run's ``report.html`` from its outputs."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `report` command to the top-level parser."""
    parser = groups.add_parser(
        "report",
        help="rebuild a run's report.html (concept explorer)",
        description="Rebuild RUN_DIR/report.html, the self-contained concept explorer, from the "
        "run's probe/ directory, probe_report.csv and probe corpus (runs of any xlprobe "
        "version that wrote probe/manifest.json).",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a train.py / probe.py run directory")
    parser.add_argument(
        "--probe-dir",
        default=None,
        help="the probe directory to read (default RUN_DIR/probe; for a from_run run: the "
        "source run's probe/)",
    )
    parser.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from xlprobe.errors import InputError
    from xlprobe.reporting.html_report import write_html_report

    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise InputError("not a directory: give a train.py / probe.py run directory", path=run_dir)
    path = write_html_report(run_dir, probe_dir=args.probe_dir)
    print(f"{path} ({path.stat().st_size / 1024:.1f} KiB)")
    return 0
