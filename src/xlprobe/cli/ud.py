"""`xlprobe ud`: Universal Dependencies files: score a system file against its gold file."""

from __future__ import annotations

import argparse
import json


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `ud` command group to the top-level parser."""
    parser = groups.add_parser(
        "ud",
        help="Universal Dependencies (CoNLL-U) files: scoring",
        description="Tools for CoNLL-U files (words, multiword tokens, empty nodes, comments).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = commands.add_parser(
        "score",
        help="UPOS accuracy, UAS and LAS as the CoNLL 2018 shared task computes them",
        description="Score PRED against GOLD exactly as the CoNLL 2018 evaluation script "
        "(conll18_ud_eval.py 1.2) does: words aligned through the characters of the tokens "
        "(multiword tokens by their words' FORMs), punctuation included, empty nodes ignored, "
        "LAS without deprel subtypes. Precision = correct / PRED words, recall = correct / "
        "GOLD words, F1, and accuracy over aligned words; with the same tokenization all four "
        "are equal. The two files must hold the same text.",
    )
    p.add_argument("gold", metavar="GOLD.conllu", help="the gold file")
    p.add_argument("pred", metavar="PRED.conllu", help="the predicted (system) file")
    p.add_argument(
        "--json",
        action="store_true",
        help="print {metric: {precision, recall, f1, aligned_accuracy, counts}} (ratios in [0, 1])",
    )
    p.set_defaults(func=run_score)


def format_scores(scores) -> str:
    """Percentages per metric, two decimals, as the official script's verbose table."""
    lines = [f"{'metric':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'aligned':>10}"]
    for name, s in scores.as_dict().items():
        aligned = "" if s["aligned_accuracy"] is None else f"{100 * s['aligned_accuracy']:.2f}"
        ratios = "".join(f"{100 * s[k]:>10.2f}" for k in ("precision", "recall", "f1"))
        lines.append(f"{name.upper():<10}{ratios}{aligned:>10}")
    return "\n".join(lines)


def run_score(args: argparse.Namespace) -> int:
    """Print the scores of ``args.pred`` against ``args.gold``."""
    from xlprobe.analysis.ud_score import score_files

    scores = score_files(args.gold, args.pred)
    print(json.dumps(scores.as_dict(), indent=2) if args.json else format_scores(scores))
    return 0
