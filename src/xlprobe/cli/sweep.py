"""`xlprobe sweep` commands: summarise a Hydra multirun; transfer vs language similarity."""

from __future__ import annotations

import argparse

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `sweep` command group to the top-level parser."""
    parser = groups.add_parser(
        "sweep",
        help="tables and plots from a Hydra multirun directory",
        description="Read every job of a Hydra multirun (.hydra/overrides.yaml, csv/metrics.csv, "
        "probe_report.csv); failed or half-written jobs are listed and skipped.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "summarize",
        help="one long table, mean ± sd over seeds, heatmaps, error-band curves",
        description="Write sweep_long.csv, sweep_summary.csv (mean, sd, n over seeds), "
        "skipped_jobs.csv, heatmaps/ over every two swept probe.* options and curves/ with "
        "± sd bands; and a W&B summary run in the sweep's group when the jobs used W&B.",
    )
    p.add_argument("multirun_dir", metavar="MULTIRUN_DIR", help="the Hydra sweep directory")
    p.add_argument("--out", metavar="DIR", help="output folder (MULTIRUN_DIR/summary)")
    p.add_argument(
        "--wandb",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="log the summary to W&B (default: when the jobs logged to W&B; offline without "
        "credentials)",
    )
    p.set_defaults(func=run_summarize)

    p = commands.add_parser(
        "transfer",
        help="transfer matrices over lang.train and how each language similarity predicts them",
        description="Over multiruns that train on each language in turn (-m lang=...): per "
        "task × representation (model.random_init=true: monolingual) the source × target "
        "matrix of a test metric, every similarity (URIEL syntax, phonology, inventory, "
        "family, geography; word, subword, char3 overlap of the source's training text with "
        "the target's test text; script; CALIGN/COLAP where probed), Spearman ρ per target "
        "over sources with bootstrap 95%% intervals, and the central table: mean and "
        "distribution of ρ per task × representation × similarity, ranked. Writes "
        "transfer_matrix.csv, similarities.csv, per_target.csv, central_table.csv, heatmaps/ "
        "and rho_distribution__*.png.",
    )
    p.add_argument(
        "multirun_dir", nargs="+", metavar="MULTIRUN_DIR", help="Hydra sweep directories"
    )
    p.add_argument("--out", metavar="DIR", help="output folder (first MULTIRUN_DIR/transfer)")
    p.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="[TASK=]NAME",
        help="test metric per task (default: pos acc, deps las, topic acc, ner f1; else f1, "
        "acc, las, bleu, chrf); NAME alone for every task",
    )
    p.add_argument(
        "--text",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="one text per language for the overlap measures, as training and test text "
        "(repeat for each language)",
    )
    p.add_argument(
        "--text-dir",
        metavar="DIR",
        help="train.<lang>.txt and test.<lang>.txt (one sentence a line) for the overlap "
        "measures; DIR/<task>/ first when it exists (default for synthetic-data jobs: their "
        "own training and test splits)",
    )
    p.add_argument("--tokenizer", metavar="DIR", help="a saved tokenizer for the subword measure")
    p.add_argument(
        "--exclude",
        nargs="+",
        default=[],
        metavar="LANG",
        help="leave languages out as source and target (e.g. --exclude ar)",
    )
    p.add_argument(
        "--transfer",
        nargs="+",
        default=["raw", "delta"],
        metavar="KIND",
        help="transfer variants correlated: raw, delta (minus in-language), ratio (over "
        "in-language); default: raw delta",
    )
    p.add_argument("--n-boot", type=positive_int, default=1000, help="bootstrap resamples (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    p.set_defaults(func=run_transfer)

    p = commands.add_parser(
        "texts",
        help="the training and test text of a transfer multirun, for the overlap measures",
        description="Read, through each job's DataModule (hub or local data, capped like the "
        "job), the text every source trained on and every target was tested on; write "
        "OUT/<task>/train.<lang>.txt and test.<lang>.txt, one sentence a line, for "
        "`xlprobe sweep transfer --text-dir OUT`.",
    )
    p.add_argument(
        "multirun_dir", nargs="+", metavar="MULTIRUN_DIR", help="Hydra sweep directories"
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--root",
        metavar="DIR",
        help="the checkout the jobs ran in (paths.root_dir; default: $XLPROBE_ROOT or the "
        "current directory)",
    )
    p.set_defaults(func=run_texts)


def run_summarize(args: argparse.Namespace) -> int:
    """Write the sweep summary and print where it went and which jobs were skipped."""
    from xlprobe.reporting.sweep import write_sweep_summary

    result = write_sweep_summary(args.multirun_dir, args.out, use_wandb=args.wandb)
    print(f"{result['usable']} of {result['jobs']} jobs summarised: {result['summary']}")
    for row in result["skipped"].itertuples():
        print(f"skipped job {row.job} ({row.status}): {row.reason}")
    return 0


def parse_metrics(items: list[str]) -> dict[str, str]:
    """``["pos=acc", "f1"]`` -> ``{"pos": "acc", "*": "f1"}``."""
    metrics = {}
    for item in items:
        task, sep, name = item.rpartition("=")
        if sep and not (task and name):
            raise InputError(f"--metric {item!r}: expected NAME or TASK=NAME, e.g. deps=uas")
        metrics[task or "*"] = name
    return metrics


def text_source(args: argparse.Namespace, jobs):
    """task -> (training texts, test texts) for the overlap measures, or None (module
    :func:`run_transfer`)."""
    from pathlib import Path

    from xlprobe.analysis.similarity import synthetic_texts, text_dir_texts
    from xlprobe.analysis.transfer import task_of
    from xlprobe.cli.langsim import parse_text_args

    if args.text and args.text_dir:
        raise InputError("give either --text or --text-dir, not both")
    if args.text:
        texts = parse_text_args(args.text)
        return lambda task: (texts, texts)

    def texts(task: str):
        if args.text_dir:
            folder = Path(args.text_dir)
            folder = folder / task if (folder / task).is_dir() else folder
            return text_dir_texts(folder, "train"), text_dir_texts(folder, "test")
        data = [j.config.get("data") or {} for j in jobs if task_of(j) == task]
        if data and all(d.get("source") == "synthetic" and d.get("synthetic") for d in data):
            return synthetic_texts(data[0]["synthetic"], "train"), synthetic_texts(
                data[0]["synthetic"], "test"
            )
        return None

    return texts


def run_texts(args: argparse.Namespace) -> int:
    """Write the texts of the usable jobs and say how many files went where."""
    from xlprobe.analysis.sweep import read_multirun
    from xlprobe.reporting.sweep import write_task_texts

    jobs = [job for directory in args.multirun_dir for job in read_multirun(directory)]
    usable = [j for j in jobs if j.status == "ok"]
    written = write_task_texts(usable, args.out, root=args.root)
    print(f"{len(written)} text files from {len(usable)} jobs in {args.out}")
    return 0


def run_transfer(args: argparse.Namespace) -> int:
    """Run the transfer analysis, write its files and print the central table."""
    from pathlib import Path

    from xlprobe.analysis.sweep import read_multirun
    from xlprobe.analysis.transfer import analyse_transfer, similarity_source, transfer_matrices
    from xlprobe.cli.langsim import load_tokenize
    from xlprobe.reporting.sweep import central_text, write_transfer

    jobs = [job for directory in args.multirun_dir for job in read_multirun(directory)]
    for job in jobs:
        if job.status != "ok":
            print(f"skipped job {job.path} ({job.status}): {job.reason}")
    usable = [j for j in jobs if j.status == "ok"]
    matrices = transfer_matrices(usable, metrics=parse_metrics(args.metric), exclude=args.exclude)
    for matrix in matrices:
        if len(matrix.sources) < 3:
            print(f"{matrix.name}: {len(matrix.sources)} source language(s), left out")
    matrices = [m for m in matrices if len(m.sources) >= 3]
    if not matrices:
        raise InputError(
            "no task has 3 source languages among the usable jobs: the transfer analysis needs "
            "a sweep over at least 3 (e.g. -m lang=en,de,fr,es,ar)",
            path=args.multirun_dir[0],
        )
    similarity = similarity_source(
        usable, texts=text_source(args, usable), tokenize=load_tokenize(args.tokenizer)
    )
    analysis = analyse_transfer(
        matrices, similarity, transfers=args.transfer, n_boot=args.n_boot, seed=args.seed
    )
    out = Path(args.out) if args.out else Path(args.multirun_dir[0]) / "transfer"
    paths = write_transfer(analysis, out)
    for matrix in matrices:
        print(
            f"{matrix.name}: test/{matrix.metric}, {len(matrix.sources)} sources × "
            f"{len(matrix.targets)} targets"
        )
    print(central_text(analysis.central))
    for r in analysis.first().itertuples():
        print(
            f"first for {r.task}, {r.representation}, {r.transfer}: {r.similarity} "
            f"(mean ρ {r.mean_rho:.2f})"
        )
    print(f"tables and figures: {paths['central'].parent}")
    return 0
