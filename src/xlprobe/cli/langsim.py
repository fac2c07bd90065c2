"""`xlprobe langsim`: distances between languages (URIEL, offline) and their datasets."""

from __future__ import annotations

import argparse
import json

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `langsim` command to the top-level parser."""
    parser = groups.add_parser(
        "langsim",
        help="distances between languages: URIEL and dataset overlap",
        description="Distances in [0, 1] for every unordered pair of languages. URIEL "
        "(lang2vec 1.1.2 data, offline): syntax, phonology, inventory (cosine distance of the "
        "k-NN URIEL vectors over features known in both), family (cosine distance of Glottolog "
        "ancestor sets), geography (great-circle distance / antipodal distance). With --text "
        "or --synthetic: word, subword (with --tokenizer), char3 (Jaccard distances of type "
        "sets) and script (0 same, 1 different). Formulas: xlprobe.analysis.langsim.",
    )
    parser.add_argument(
        "langs", nargs="+", metavar="LANG", help="ISO 639-1 (en, ar) or 639-3 (eng, arb) codes"
    )
    parser.add_argument("--json", action="store_true", help='print {"measure": {"a-b": d}}')
    parser.add_argument(
        "--text",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="sentences of one language, one a line (repeat for each language)",
    )
    parser.add_argument(
        "--synthetic",
        type=positive_int,
        metavar="N",
        help="use N sentences per language of the synthetic corpus (seed --seed) as the text",
    )
    parser.add_argument("--seed", type=int, default=0, help="synthetic corpus seed (0)")
    parser.add_argument(
        "--tokenizer", metavar="DIR", help="a saved tokenizer (local) for the subword measure"
    )
    parser.set_defaults(func=run_langsim)


def parse_text_args(items: list[str]) -> dict[str, list[str]]:
    """``["de=path", ...]`` -> language -> sentences read from each file."""
    from xlprobe.io import read_text_lines

    texts: dict[str, list[str]] = {}
    for item in items:
        lang, sep, path = item.partition("=")
        if not sep or not lang or not path:
            raise InputError(f"--text {item!r}: expected LANG=FILE, e.g. --text de=train.de.txt")
        texts[lang] = read_text_lines(path, expected="one sentence a line")
    return texts


def load_texts(args: argparse.Namespace, langs: list[str]) -> dict[str, list[str]] | None:
    """The texts named by ``--text`` or ``--synthetic`` (None when neither is given)."""
    if args.text and args.synthetic:
        raise InputError("give either --text or --synthetic, not both")
    if args.text:
        return parse_text_args(args.text)
    if args.synthetic:
        from xlprobe.data.synthetic import LANGUAGES, generate_corpus

        unknown = [lang for lang in langs if lang not in LANGUAGES]
        if unknown:
            raise InputError(
                f"--synthetic: the synthetic corpus has no {unknown} (it has {list(LANGUAGES)})"
            )
        corpus = generate_corpus(args.synthetic, seed=args.seed, languages=langs)
        return corpus.sentences
    return None


def load_tokenize(directory: str | None):
    """``tokenizer.tokenize`` of a saved tokenizer directory, or None."""
    if directory is None:
        return None
    from pathlib import Path

    from transformers import AutoTokenizer

    if not Path(directory).is_dir():
        raise InputError(f"--tokenizer {directory}: not a directory with a saved tokenizer")
    return AutoTokenizer.from_pretrained(directory, local_files_only=True).tokenize


def format_table(table: dict[str, dict[str, float | None]]) -> str:
    """Measures as rows, pairs as columns, three decimals (``-`` = undefined)."""
    pairs = sorted({p for values in table.values() for p in values})
    lines = ["measure".ljust(10) + "".join(p.rjust(8) for p in pairs)]
    for measure, values in table.items():
        cells = ("-" if values.get(p) is None else f"{values[p]:.3f}" for p in pairs)
        lines.append(measure.ljust(10) + "".join(c.rjust(8) for c in cells))
    return "\n".join(lines)


def run_langsim(args: argparse.Namespace) -> int:
    """Print the distance table (or JSON) for the given languages."""
    from xlprobe.analysis.langsim import language_distances

    langs = list(dict.fromkeys(args.langs))
    if len(langs) < 2:
        raise InputError("langsim needs at least two different languages")
    table = language_distances(
        langs, load_texts(args, langs), tokenize=load_tokenize(args.tokenizer)
    )
    print(json.dumps(table, indent=2) if args.json else format_table(table))
    return 0
