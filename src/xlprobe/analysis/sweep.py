"""Reading a Hydra multirun directory into one long table, and summarising it over seeds.

A multirun directory holds one job directory per job (Hydra's ``hydra.sweep.subdir``, by default
the job number), each with ``.hydra/overrides.yaml`` (the job's command-line overrides),
``.hydra/config.yaml``, ``csv/metrics.csv`` (Lightning's CSVLogger: one column per logged key,
one row per logging step) and ``probe_report.csv`` (:mod:`xlprobe.reporting.tables`).

A job is *usable* when it has readable overrides and results (task metrics or probe rows) and its
log records no failure. Others are *skipped*, each with a one-line reason; a skipped job never
stops the summary:

* ``failed``: the job's ``*.log`` has the failure line of :func:`xlprobe.utils.runtime.run_job`
  (``Run failed`` / ``<prog>: error: ...``);
* ``incomplete``: no ``.hydra/overrides.yaml``, a malformed file, no results, or a ``train.py``
  job with ``train: true`` and ``test: true`` but no ``test/`` metric (killed or still running).
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError
from xlprobe.probing.report import KEY_FIELDS, PLAIN

METRICS_CSV = Path("csv") / "metrics.csv"
REPORT_CSV = "probe_report.csv"
OVERRIDES = Path(".hydra") / "overrides.yaml"
CONFIG = Path(".hydra") / "config.yaml"
HYDRA = Path(".hydra") / "hydra.yaml"
# identity columns of a row in the long table (besides the swept overrides): kind, metric, then
# the rest of a probe_report.csv row's key
ROW_COLUMNS = ("kind", "metric", *(c for c in KEY_FIELDS if c != "metric"))
# columns of probe_report.csv summarised like `value` (mean over seeds) when present
CARRIED_COLUMNS = ("sd", "ci_low", "ci_high")
SEED_KEYS = ("seed",)
# the one-line bad-input failure xlprobe.utils.runtime.run_job logs: "<prog>: error: <message>"
_INPUT_ERROR = re.compile(r" - [\w.-]+\.py: error: ")


@dataclass
class Job:
    """One job directory of a multirun.

    Attributes:
        name: Directory name (Hydra's job number by default).
        path: The job directory.
        overrides: ``key -> value`` from ``.hydra/overrides.yaml`` (``+``/``++`` prefixes dropped),
            values as written on the command line.
        config: The job's composed config (``.hydra/config.yaml``), unresolved; empty if absent.
        entry: Hydra's job name (``.hydra/hydra.yaml``): the entry point, ``train`` or ``probe``.
        status: ``ok``, ``failed`` or ``incomplete``.
        reason: Why the job is skipped (empty when ok).
        task_metrics: Last logged value of every ``train/``, ``val/``, ``test/`` key.
        probe_rows: Rows of ``probe_report.csv`` as dicts (column -> text).
    """

    name: str
    path: Path
    overrides: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    entry: str = ""
    status: str = "ok"
    reason: str = ""
    task_metrics: dict[str, float] = field(default_factory=dict)
    probe_rows: list[dict[str, str]] = field(default_factory=list)


def _job_dirs(multirun_dir: Path) -> list[Path]:
    """Job directories: children with ``.hydra`` or a numeric name (Hydra's default subdir);
    other folders (e.g. this tool's ``summary/`` and ``transfer/``) are not jobs."""
    dirs = [
        p
        for p in multirun_dir.iterdir()
        if p.is_dir() and (p.name.isdigit() or (p / ".hydra").is_dir())
    ]
    return sorted(
        dirs, key=lambda p: (not p.name.isdigit(), int(p.name) if p.name.isdigit() else 0, p.name)
    )


def _read_yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    """Hydra override strings -> ``key -> value`` (``+``/``++``/``~`` prefixes dropped; a
    deletion ``~key`` maps to ``~``).

    Raises:
        ValueError: an item other than a deletion has no ``=``.
    """
    out: dict[str, str] = {}
    for item in map(str, items):
        key, sep, value = item.partition("=")
        if not sep and not item.startswith("~"):
            raise ValueError(f"override {item!r} has no '='")
        out[key.lstrip("+~")] = value if sep else "~"
    return out


def _failure_line(job_dir: Path) -> str | None:
    """The job's failure from its logs (``Run failed: <exception line>``), or None."""
    for log in sorted(job_dir.glob("*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            if _INPUT_ERROR.search(line):
                return line.split(" - ", 1)[-1].strip()
            if " - Run failed" in line:
                trace = itertools.takewhile(lambda t: not t.startswith("["), lines[i + 1 :])
                last = next((t.strip() for t in reversed(list(trace)) if t.strip()), "")
                return f"Run failed: {last}" if last else "Run failed"
    return None


def read_task_metrics(path: Path) -> dict[str, float]:
    """The last non-empty value of each ``train/``, ``val/``, ``test/`` column of a metrics.csv.

    Raises:
        ValueError: the file is not a CSV with a header, or a value is not a number.
    """
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames:
            raise ValueError("no header row")
        last: dict[str, float] = {}
        for line, row in enumerate(reader, start=2):
            for key, text in row.items():
                if key is None or not text or not key.startswith(("train/", "val/", "test/")):
                    continue
                try:
                    last[key] = float(text)
                except ValueError as err:
                    raise ValueError(f"line {line}: {key}={text!r} is not a number") from err
    return last


def read_probe_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a probe_report.csv (any columns; ``metric`` and ``value`` required).

    Raises:
        ValueError: the header lacks ``metric`` or ``value``, or a row is cut short.
    """
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"metric", "value"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"header lacks {sorted(missing)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            if None in row.values() or None in row:
                raise ValueError(f"line {line}: wrong number of fields (half-written?)")
            rows.append(row)
    return rows


def read_job(job_dir: Path) -> Job:
    """Read one job directory; problems set ``status``/``reason`` instead of raising."""
    import yaml

    job = Job(name=job_dir.name, path=job_dir)
    try:
        job.overrides = parse_overrides(_read_yaml(job_dir / OVERRIDES) or [])
        if (job_dir / CONFIG).is_file():
            job.config = _read_yaml(job_dir / CONFIG) or {}
        if (job_dir / HYDRA).is_file():
            hydra = (_read_yaml(job_dir / HYDRA) or {}).get("hydra") or {}
            job.entry = str((hydra.get("job") or {}).get("name") or "")
    except FileNotFoundError:
        return _skip(job, "incomplete", f"no {OVERRIDES} (not started or half-written)")
    except (OSError, ValueError, TypeError, yaml.YAMLError) as err:
        return _skip(job, "incomplete", f"unreadable .hydra files: {err}")
    failure = _failure_line(job_dir)
    if failure is not None:
        return _skip(job, "failed", failure)
    for name, reader, attr in (
        (METRICS_CSV, read_task_metrics, "task_metrics"),
        (REPORT_CSV, read_probe_rows, "probe_rows"),
    ):
        if (job_dir / name).is_file():
            try:
                setattr(job, attr, reader(job_dir / name))
            except (ValueError, csv.Error) as err:
                return _skip(job, "incomplete", f"{name}: {err}")
    if not job.task_metrics and not job.probe_rows:
        return _skip(job, "incomplete", f"no results ({METRICS_CSV} / {REPORT_CSV})")
    # a training job with train and test on logs test/ metrics at its end (probe.py jobs do not)
    wants_test = job.entry == "train" and job.config.get("test") is True
    wants_test = wants_test and job.config.get("train") is True
    if wants_test and not any(k.startswith("test/") for k in job.task_metrics):
        return _skip(job, "incomplete", f"no test/ metric in {METRICS_CSV} (killed or running?)")
    return job


def _skip(job: Job, status: str, reason: str) -> Job:
    job.status, job.reason = status, reason
    return job


def read_multirun(multirun_dir: str | Path) -> list[Job]:
    """Every job directory of a multirun, usable or not, in job order.

    Raises:
        InputError: the directory does not exist or holds no job directory.
    """
    root = Path(multirun_dir)
    if not root.is_dir():
        raise InputError("not a directory: give a Hydra multirun directory", path=root)
    jobs = [read_job(d) for d in _job_dirs(root)]
    if not jobs:
        raise InputError(
            "no job directories (expected 0/, 1/, ... from a Hydra multirun)", path=root
        )
    return jobs


def swept_keys(jobs: Sequence[Job]) -> list[str]:
    """Override keys whose value differs between jobs (or some jobs lack), first-seen order."""
    keys = list(dict.fromkeys(k for job in jobs for k in job.overrides))
    return [k for k in keys if len({job.overrides.get(k) for job in jobs}) > 1]


def typed(value: str | None) -> Any:
    """A command-line value as YAML reads it (``0.8`` -> float, ``10`` -> int, ``de`` -> str)."""
    import yaml

    if value is None:
        return None
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return value
    return parsed if isinstance(parsed, (int, float, str, bool)) else value


def _number(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else math.nan
    except ValueError:
        return math.nan


def long_table(jobs: Sequence[Job]):
    """One row per (usable job, task metric or probe row), the swept overrides as columns.

    Columns: ``job``, each swept override key (a key whose value differs between the jobs
    whose overrides could be read, skipped ones included), ``kind`` (``task``/``probe``), ``metric``
    (``test/acc/de`` for task metrics), the probe row identity (``epoch``, ``step``,
    ``model_state``, ``side_s``, ``lang_s``, ``side_t``, ``lang_t``, ``layer``, ``condition``;
    empty for task rows), ``value``, and ``numerator``/``denominator`` plus any other numeric
    column of probe_report.csv (e.g. ``sd``, ``ci_low``, ``ci_high``) carried through.

    Returns:
        A pandas DataFrame (empty, with the columns, when no job is usable).
    """
    import pandas as pd

    usable = [j for j in jobs if j.status == "ok"]
    # the sweep's keys, from every job whose overrides were read (failed ones too)
    keys = swept_keys([j for j in jobs if j.overrides])
    records: list[dict[str, Any]] = []
    for job in usable:
        base = {"job": job.name} | {k: typed(job.overrides.get(k)) for k in keys}
        for metric, value in sorted(job.task_metrics.items()):
            records.append(base | {"kind": "task", "metric": metric, "value": value})
        for row in job.probe_rows:
            record = base | {"kind": "probe"}
            for column, text in row.items():
                if column in ("epoch", "step", "layer"):
                    record[column] = int(float(text)) if text not in ("", None) else None
                elif column in ROW_COLUMNS:
                    record[column] = text
                else:
                    record[column] = _number(text)
            records.append(record)
    extra = sorted({c for r in records for c in r} - {"job", *keys, *ROW_COLUMNS, "value"})
    columns = ["job", *keys, *ROW_COLUMNS, "value", *extra]
    table = pd.DataFrame.from_records(records, columns=columns)
    return table.astype({c: "Int64" for c in ("epoch", "step", "layer")})


def summarize(table, seed_keys: Sequence[str] = SEED_KEYS):
    """Mean ± sd of ``value`` over training seeds, per swept setting and row identity.

    Args:
        table: :func:`long_table`'s output.
        seed_keys: Override keys that index repetitions (``seed``); they are averaged over.

    Returns:
        DataFrame: the non-seed swept keys and row identity columns, then ``mean``, ``sd``
        (sample sd, ddof 1; NaN for one seed), ``n`` (jobs averaged), and ``<col>_mean`` for
        each carried-through column (``sd`` -> ``sd_mean``: the report's own spread, e.g. over
        probe seeds, averaged over training seeds).
    """
    overrides = override_columns(table)
    skip = {"job", "value", "numerator", "denominator"}
    carried = [c for c in table.columns if c not in (*overrides, *ROW_COLUMNS, *skip)]
    keys = [c for c in (*overrides, *ROW_COLUMNS) if c not in seed_keys]
    aggregations = {"mean": ("value", "mean"), "sd": ("value", "std"), "n": ("value", "size")}
    aggregations |= {f"{c}_mean": (c, "mean") for c in carried}
    return table.groupby(keys, dropna=False, sort=True).agg(**aggregations).reset_index()


def override_columns(table) -> list[str]:
    """The swept override columns of a long table (between ``job`` and ``kind``)."""
    columns = list(table.columns)
    return columns[1 : columns.index("kind")]


def final_probe_values(job: Job, metrics: Sequence[str]) -> dict[tuple[str, str, str], float]:
    """``(metric, lang_s, lang_t) -> value`` of a job's plain probe rows at its last epoch and
    last layer, for the first side pair in sorted order (``encoder``/``encoder`` when present)."""
    rows = [r for r in job.probe_rows if r.get("metric") in metrics]
    if not rows:
        return {}
    last_epoch = max(int(r["epoch"]) for r in rows)
    rows = [r for r in rows if int(r["epoch"]) == last_epoch]
    sides = min((r["side_s"], r["side_t"]) for r in rows)
    rows = [r for r in rows if (r["side_s"], r["side_t"]) == sides]
    last_layer = max(int(r["layer"]) for r in rows)
    return {
        (r["metric"], r["lang_s"], r["lang_t"]): _number(r["value"])
        for r in rows
        if int(r["layer"]) == last_layer and r.get("condition") in (None, "", PLAIN)
    }
