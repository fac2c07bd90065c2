"""`xlprobe dict` commands: translation dictionaries for CALIGN.

``xlprobe dict build --src de.txt --tgt en.txt --out de-en.tsv [--reverse en-de.tsv]`` aligns a
line-aligned parallel corpus with eflomal, symmetrizes with grow-diag-final-and and writes the
lexical table p(t|s) as the TSV of DESIGN.md (``src<TAB>tgt<TAB>prob``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `dict` command group to the top-level parser."""
    parser = groups.add_parser(
        "dict", help="translation dictionaries", description="Translation dictionary tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build a dictionary from parallel text",
        description=(
            "Word-align a line-aligned parallel corpus (eflomal, both directions), symmetrize "
            "(grow-diag-final-and) and write p(t|s) = count(s,t) / count(s) as "
            "src<TAB>tgt<TAB>prob, sorted by src then prob descending. Words are whitespace "
            "tokens. Lines empty on either side are skipped."
        ),
    )
    build.add_argument("--src", type=Path, required=True, help="source text, one sentence a line")
    build.add_argument("--tgt", type=Path, required=True, help="target text, line-aligned")
    build.add_argument("--out", type=Path, required=True, help="source→target TSV to write")
    build.add_argument(
        "--reverse", type=Path, metavar="OUT", help="also write target→source TSV here"
    )
    build.add_argument(
        "--min-count",
        type=positive_int,
        default=1,
        metavar="C",
        help="drop pairs linked fewer times",
    )
    build.add_argument("--lowercase", action="store_true", help="lowercase all words first")
    build.set_defaults(func=_build)


def _build(args: argparse.Namespace) -> int:
    import contextlib
    import time

    from rich.console import Console

    from xlprobe.io import atomic_path, check_output_path, check_outputs, read_text_lines
    from xlprobe.probing.alignment import build_dictionaries
    from xlprobe.probing.dictionary import write_dictionary

    start = time.perf_counter()
    check_output_path(args.out, option="--out")
    if args.reverse is not None:
        check_output_path(args.reverse, option="--reverse")
    check_outputs([args.src, args.tgt], [(args.out, "--out"), (args.reverse, "--reverse")])
    expected = "parallel text, one whitespace-tokenized sentence a line"
    src_lines = read_text_lines(args.src, expected=expected)
    tgt_lines = read_text_lines(args.tgt, expected=expected)
    if len(src_lines) != len(tgt_lines):
        raise InputError(
            f"{args.src} has {len(src_lines)} lines but {args.tgt} has {len(tgt_lines)}: "
            "the files must be line-aligned, one sentence pair per line"
        )
    status = Console(stderr=True).status(f"aligning {len(src_lines)} sentence pairs (eflomal)")
    try:
        with status:
            built = build_dictionaries(
                src_lines, tgt_lines, lowercase=args.lowercase, min_count=args.min_count
            )
    except InputError as err:
        raise InputError(f"{err.message} (--src {args.src}, --tgt {args.tgt})") from err
    try:
        with contextlib.ExitStack() as outputs:
            # Both files appear together, or neither does.
            write_dictionary(built.forward, outputs.enter_context(atomic_path(args.out)))
            if args.reverse is not None:
                write_dictionary(built.reverse, outputs.enter_context(atomic_path(args.reverse)))
    except OSError as err:
        raise InputError(
            f"cannot write the dictionary ({err.strerror or err}): check --out and --reverse",
            path=err.filename,
        ) from err
    skipped = f"{built.n_skipped_empty} empty pairs skipped"
    if built.n_skipped_long:
        skipped += f", {built.n_skipped_long} over-long pairs skipped"
    entries = sum(len(translations) for translations in built.forward.translations.values())
    print(
        f"{args.out}: {built.n_pairs} pairs aligned ({skipped}), "
        f"{len(built.forward.translations)} source types, {entries} entries, "
        f"{time.perf_counter() - start:.1f} s"
    )
    return 0
