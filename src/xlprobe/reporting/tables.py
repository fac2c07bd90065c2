"""ProbeReport files in a run directory and a compact text summary for logs.

Files (all written atomically):
    ``probe_report.csv``    the long metric table (ROW_COLUMNS)
    ``probe_examples.csv``  example concepts (EXAMPLE_COLUMNS, words space-separated)
    ``probe_timings.json``  ``{stage: seconds}``
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.io import write_text_atomic
from xlprobe.probing.probes import check_row, metrics
from xlprobe.probing.report import ProbeReport, read_examples_csv, write_examples_csv

REPORT_CSV = "probe_report.csv"
EXAMPLES_CSV = "probe_examples.csv"
TIMINGS_JSON = "probe_timings.json"


def write_report(report: ProbeReport, run_dir: str | Path) -> dict[str, Path]:
    """Write the three report files into ``run_dir`` (created if needed).

    Returns:
        ``{"report": path, "examples": path, "timings": path}``.
    """
    run_dir = Path(run_dir)
    paths = {
        "report": run_dir / REPORT_CSV,
        "examples": run_dir / EXAMPLES_CSV,
        "timings": run_dir / TIMINGS_JSON,
    }
    report.to_csv(paths["report"])
    write_examples_csv(report.examples, paths["examples"])
    write_text_atomic(paths["timings"], json.dumps(report.timings, indent=2, sort_keys=True) + "\n")
    return paths


def read_report(run_dir: str | Path) -> ProbeReport:
    """Read a report written by :func:`write_report`; examples and timings files are optional.

    Raises:
        InputError: ``probe_report.csv`` missing or malformed, or a malformed optional file.
    """
    run_dir = Path(run_dir)
    report = ProbeReport.read_csv(run_dir / REPORT_CSV, check=check_row)
    if (run_dir / EXAMPLES_CSV).exists():
        report.examples = read_examples_csv(run_dir / EXAMPLES_CSV)
    if (run_dir / TIMINGS_JSON).exists():
        report.timings = _read_timings(run_dir / TIMINGS_JSON)
    return report


def _read_timings(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON: {err.msg}", path=path, line=err.lineno) from err
    if not isinstance(data, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in data.values()
    ):
        raise InputError('expected a JSON object {"stage": seconds, ...}', path=path)
    return {str(k): float(v) for k, v in data.items()}


def summary_table(report: ProbeReport, epoch: int | None = None) -> str:
    """Plain-text table of one epoch's values (%), one line per curve family and language pair.

    Columns: metric, sides, language pair, then one column per layer (``L00`` ...). Values are
    rounded to one decimal (the seeds' ARI to two), followed by ``±sd`` when they average several
    K-means seeds; ``-`` marks a missing layer, ``nan`` an undefined value.

    Args:
        report: The probe results.
        epoch: Epoch to show (-1 = base); ``None`` = the last epoch in the report.

    Returns:
        The table, lines joined by ``\\n``; a one-line notice when the report has no rows.
    """
    if not report.rows:
        return "probe: no results"
    if epoch is None:
        epoch = report.epochs()[-1]
    rows = sorted((r for r in report.rows if r.epoch == epoch), key=lambda r: (r.step, r.lang_pair))
    if not rows:
        return f"probe: no results for epoch {epoch}"
    layers = sorted({r.layer for r in rows})
    known = metrics()
    cells: dict[tuple[str, str, str], dict[int, str]] = {}
    for r in rows:
        sides = r.side_s if r.side_s == r.side_t else f"{r.side_s}-{r.side_t}"
        spec = known.get(r.metric)
        digits = 2 if spec is not None and spec.high - spec.low <= 2 else 1
        value = "nan" if math.isnan(r.value) else f"{r.value:.{digits}f}"
        if r.n_seeds > 1 and not math.isnan(r.sd):
            value += f"±{r.sd:.{digits}f}"
        cells.setdefault((r.metric, sides, r.lang_pair), {})[r.layer] = value
    header = ["metric", "sides", "pair", *(f"L{layer:02d}" for layer in layers)]
    body = [
        [*key, *(values.get(layer, "-") for layer in layers)]
        for key, values in sorted(cells.items())
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        left = [c.ljust(w) for c, w in zip(line[:3], widths[:3], strict=True)]
        right = [c.rjust(w) for c, w in zip(line[3:], widths[3:], strict=True)]
        return "  ".join(left + right)

    state = ", ".join(sorted({r.model_state for r in rows}))
    title = f"probe results, epoch {epoch} ({state}), values in %"
    return "\n".join([title, fmt(header), *(fmt(line) for line in body)])
