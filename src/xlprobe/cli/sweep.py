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
        help="transfer matrix over lang.train and its correlation with language similarity",
        description="Over a multirun that trains on each language in turn (-m lang=en,de,...): "
        "the source × target matrix of a test metric (raw and minus in-language), Spearman ρ "
        "with bootstrap 95%% intervals against every langsim distance and the pair's "
        "CALIGN/COLAP. Writes transfer_matrix.csv, predictors.csv, correlations.csv and "
        "heatmaps.",
    )
    p.add_argument("multirun_dir", metavar="MULTIRUN_DIR", help="the Hydra sweep directory")
    p.add_argument("--out", metavar="DIR", help="output folder (MULTIRUN_DIR/transfer)")
    p.add_argument("--metric", help="test metric name (default: f1, acc, bleu, chrf, first found)")
    p.add_argument(
        "--text",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="text per language for the dataset measures (repeat for each language)",
    )
    p.add_argument(
        "--synthetic",
        type=positive_int,
        metavar="N",
        help="dataset measures from N synthetic sentences per language (default 1000 when the "
        "jobs trained on synthetic data)",
    )
    p.add_argument("--tokenizer", metavar="DIR", help="a saved tokenizer for the subword measure")
    p.add_argument(
        "--exclude",
        nargs="+",
        default=[],
        metavar="LANG",
        help="leave languages out as source and target (e.g. --exclude ar)",
    )
    p.add_argument("--n-boot", type=positive_int, default=2000, help="bootstrap resamples (2000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    p.set_defaults(func=run_transfer)


def run_summarize(args: argparse.Namespace) -> int:
    """Write the sweep summary and print where it went and which jobs were skipped."""
    from xlprobe.reporting.sweep import write_sweep_summary

    result = write_sweep_summary(args.multirun_dir, args.out, use_wandb=args.wandb)
    print(f"{result['usable']} of {result['jobs']} jobs summarised: {result['summary']}")
    for row in result["skipped"].itertuples():
        print(f"skipped job {row.job} ({row.status}): {row.reason}")
    return 0


def _texts(args: argparse.Namespace, jobs, langs: list[str]) -> dict[str, list[str]] | None:
    from xlprobe.cli.langsim import parse_text_args

    if args.text and args.synthetic:
        raise InputError("give either --text or --synthetic, not both")
    if args.text:
        return parse_text_args(args.text)
    data = [job.config.get("data") or {} for job in jobs]
    synthetic = all(d.get("source") == "synthetic" for d in data)
    if not args.synthetic and not synthetic:
        return None
    from xlprobe.data.synthetic import generate_corpus

    seed = int(((data[0].get("synthetic") or {}).get("seed")) or 0) if data else 0
    return generate_corpus(args.synthetic or 1000, seed=seed, languages=langs).sentences


def run_transfer(args: argparse.Namespace) -> int:
    """Run the transfer analysis, write its files and print the correlation table."""
    from pathlib import Path

    from xlprobe.analysis.langsim import language_distances
    from xlprobe.analysis.sweep import read_multirun
    from xlprobe.analysis.transfer import analyse_transfer, lang_of, source_of
    from xlprobe.cli.langsim import load_tokenize
    from xlprobe.reporting.sweep import correlation_text, write_transfer

    jobs = read_multirun(args.multirun_dir)
    usable = [j for j in jobs if j.status == "ok"]
    for job in jobs:
        if job.status != "ok":
            print(f"skipped job {job.name} ({job.status}): {job.reason}")
    usable = [j for j in usable if source_of(j) not in args.exclude]
    sources = sorted({source_of(j) for j in usable})
    if len(sources) < 3:
        raise InputError(
            f"{len(sources)} source language(s) {sources} among the usable jobs: the transfer "
            "analysis needs a sweep over at least 3 (e.g. -m lang=en,de,fr,es,ar)",
            path=args.multirun_dir,
        )
    targets = {
        lang_of(key.split("/")[2])
        for job in usable
        for key in job.task_metrics
        if key.startswith("test/") and key.count("/") == 2
    }
    langs = sorted((set(sources) | targets) - set(args.exclude))
    distances = language_distances(
        langs, _texts(args, usable, langs), tokenize=load_tokenize(args.tokenizer)
    )
    analysis = analyse_transfer(
        usable,
        distances,
        metric=args.metric,
        exclude=args.exclude,
        n_boot=args.n_boot,
        seed=args.seed,
    )
    out = Path(args.out) if args.out else Path(args.multirun_dir) / "transfer"
    paths = write_transfer(analysis, out)
    print(f"transfer of test/{analysis.metric}, sources {sources}: {paths['correlations']}")
    print(correlation_text(analysis.correlations))
    return 0
