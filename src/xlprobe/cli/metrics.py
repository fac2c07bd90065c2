"""`xlprobe metrics` commands: CALIGN and COLAP on cluster files (ConceptX format).

Library modules are imported inside the command functions so that ``xlprobe --help`` starts
without numpy/scipy.
"""

from __future__ import annotations

import argparse
import json
import sys

from xlprobe.cli.arguments import non_negative_int, positive_int, positive_unit_float, unit_float

CALIGN_RULES = ("symmetric", "released")
"""``xlprobe.probing.metrics.CALIGN_RULES``, repeated so that ``--help`` starts without numpy."""


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `metrics` command group to the top-level parser."""
    parser = groups.add_parser(
        "metrics",
        help="CALIGN / COLAP on cluster files",
        description="Concept alignment (CALIGN) and overlap (COLAP) of latent concepts "
        "(Mousi et al., ACL 2024, Sec. 3) from ConceptX cluster files "
        "'word|||occurrence|||sentence|||position|||cluster'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="METRIC", required=True)

    p = commands.add_parser(
        "calign",
        help="alignment of source concepts to target concepts",
        description="CALIGN: percent of source concepts aligned to some target concept: "
        "both have more than MIN_TYPES word types, sizes within MAX_SIZE_DIFF, and at least "
        "THETA of the source types have one of their N-best translations in the target concept "
        "(--rule symmetric, the paper's text). --rule released is the rule of the paper's "
        "released script alignClusters.py: the source concept has more than MIN_TYPES types, "
        "|Cs|/|Ct| > 1 - MAX_SIZE_DIFF, and more than THETA of the source types match.",
    )
    p.add_argument("src_clusters", metavar="SRC_CLUSTERS", help="source-language cluster file")
    p.add_argument("tgt_clusters", metavar="TGT_CLUSTERS", help="target-language cluster file")
    p.add_argument(
        "dictionary", metavar="DICT", help="dictionary: TSV 'src<TAB>tgt<TAB>prob' or 'src tgt'"
    )
    p.add_argument("--n-best", type=positive_int, default=10, help="translations per word (10)")
    p.add_argument("--theta", type=unit_float, default=0.8, help="matched fraction (0.8)")
    p.add_argument("--min-types", type=non_negative_int, default=5, help="types needed (5)")
    p.add_argument(
        "--max-size-diff", type=unit_float, default=0.4, help="relative size difference (0.4)"
    )
    p.add_argument(
        "--rule",
        choices=CALIGN_RULES,
        default="symmetric",
        help="alignment rule: the paper's text (symmetric) or its released script (released)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--pairs-out",
        metavar="FILE",
        help="write aligned pairs as TSV: src cluster, tgt cluster, matched/|Cs|, matched words",
    )
    p.set_defaults(func=run_calign)

    p = commands.add_parser(
        "colap",
        help="overlap of languages inside jointly clustered concepts",
        description="COLAP: percent of concepts in which at least two languages each have a "
        "share of at least THETA of the concept's tokens.",
    )
    p.add_argument("clusters", metavar="CLUSTERS", help="cluster file of several languages")
    p.add_argument(
        "--sentence-langs",
        metavar="FILE",
        required=True,
        help="line i = language code of sentence i (0-based)",
    )
    p.add_argument("--theta", type=positive_unit_float, default=0.3, help="share (0.3)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_colap)


def run_calign(args: argparse.Namespace) -> int:
    """Compute CALIGN from files and print it; optionally write the aligned pairs."""
    from xlprobe.io import check_output_path, check_outputs, write_text_atomic
    from xlprobe.probing.concepts import read_clusters
    from xlprobe.probing.dictionary import read_ranked
    from xlprobe.probing.metrics import COVERAGE_WARNING, calign

    if args.pairs_out:
        check_output_path(args.pairs_out, option="--pairs-out")
        inputs = [args.src_clusters, args.tgt_clusters, args.dictionary]
        check_outputs(inputs, [(args.pairs_out, "--pairs-out")])
    result = calign(
        read_clusters(args.src_clusters),
        read_clusters(args.tgt_clusters),
        read_ranked(args.dictionary),
        n_best=args.n_best,
        theta=args.theta,
        min_types=args.min_types,
        max_size_diff=args.max_size_diff,
        rule=args.rule,
    )
    if args.pairs_out:
        lines = [
            f"{cs}\t{ct}\t{len(words)}/{result.source_sizes[cs]}\t{' '.join(words)}\n"
            for (cs, ct), words in result.matched.items()
        ]
        write_text_atomic(args.pairs_out, "".join(lines))
    if args.json:
        print(
            json.dumps(
                {
                    "calign": result.percent,
                    "aligned": result.aligned,
                    "total": result.total,
                    "eligible": result.eligible,
                    "dict_coverage": result.coverage.percent,
                    "covered_types": result.coverage.covered,
                    "source_types": result.coverage.total,
                    "params": result.params,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(
            f"CALIGN {result.percent:.2f}%: {result.aligned} of {result.total} source concepts "
            f"aligned ({result.eligible} with more than {args.min_types} types; "
            f"{len(result.pairs)} aligned pairs)"
        )
        print(
            f"dictionary coverage {result.coverage.percent:.2f}%: {result.coverage.covered} of "
            f"{result.coverage.total} source word types have one of their {args.n_best}-best "
            "translations among the target words"
        )
        print(_format_params(result.params))
    if result.coverage.percent < COVERAGE_WARNING:
        print(
            f"xlprobe: warning: {args.dictionary}: covers only {result.coverage.percent:.1f}% of "
            "the source word types; is it reversed or for another language pair?",
            file=sys.stderr,
        )
    return 0


def run_colap(args: argparse.Namespace) -> int:
    """Compute COLAP from a cluster file and a languages file and print it."""
    from xlprobe.probing.concepts import read_clusters, read_sentence_langs
    from xlprobe.probing.metrics import colap

    langs = read_sentence_langs(args.sentence_langs)
    result = colap(read_clusters(args.clusters, sentence_langs=langs), theta=args.theta)
    if args.json:
        print(
            json.dumps(
                {
                    "colap": result.percent,
                    "overlapping": result.overlapping,
                    "total": result.total,
                    "params": result.params,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(
            f"COLAP {result.percent:.2f}%: {result.overlapping} of {result.total} concepts "
            f"overlap ({len(set(langs))} languages)"
        )
        print(_format_params(result.params))
    return 0


def _format_params(params: dict) -> str:
    return "params: " + ", ".join(f"{k}={v}" for k, v in params.items())
