"""`xlprobe corpus` commands: multi-parallel probe corpora from real data.

``xlprobe corpus build --out DIR --langs fr de es ar --hub IWSLT/iwslt2017
data_dir=iwslt2017-fr-en revision=refs/convert/parquet split=validation --files es=dev.es
en=dev.en ...`` joins the sources on the pivot side, tokenizes every language with the Moses
tokenizer, deduplicates, filters by length, samples, and writes ``probe.<lang>.txt`` and
``manifest.json`` (see :mod:`xlprobe.data.probe_corpus`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError

HUB_KEYS = ("name", "data_dir", "revision", "split", "hub_root")


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `corpus` command group to the top-level parser."""
    parser = groups.add_parser(
        "corpus", help="probe corpora", description="Multi-parallel probe corpora."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build a multi-parallel probe corpus from parallel data",
        description=(
            "Join parallel sources on the pivot-language side into a line-aligned probe corpus: "
            "normalise and tokenize every language (Moses tokenizer, sacremoses), drop empty "
            "rows, keep the first row of each pivot sentence, keep the pivot sentences every "
            "source has, filter by length, sample. Writes OUT/probe.<lang>.txt (one "
            "whitespace-tokenized sentence a line) and OUT/manifest.json (sources, counts kept "
            "and dropped per reason, digest). Give at least one source."
        ),
    )
    build.add_argument("--out", type=Path, required=True, help="directory to write")
    build.add_argument("--pivot", default="en", help="the language every source shares (en)")
    build.add_argument(
        "--langs", nargs="+", metavar="LANG", help="languages besides the pivot (default: all)"
    )
    build.add_argument(
        "--files",
        nargs="+",
        action="append",
        default=[],
        metavar="LANG=PATH",
        help="local line-aligned files, one source per --files: two files (bilingual) or more "
        "(multi-parallel), e.g. --files fr=dev.fr.txt en=dev.en.txt",
    )
    build.add_argument(
        "--hub",
        nargs="+",
        action="append",
        default=[],
        metavar="PATH [KEY=VALUE]",
        help="a hub translation dataset (a 'translation' column) and its name=, data_dir=, "
        "revision=, split= (default validation), e.g. --hub IWSLT/iwslt2017 "
        "data_dir=iwslt2017-fr-en revision=refs/convert/parquet split=validation",
    )
    build.add_argument(
        "--flores",
        metavar="SPLIT",
        help="FLORES+ split (dev or devtest): multi-parallel, all --langs (gated: needs HF_TOKEN)",
    )
    build.add_argument(
        "--flores-path", default="openlanguagedata/flores_plus", help="FLORES+ dataset on the hub"
    )
    build.add_argument("--min-tokens", type=positive_int, default=1, metavar="N")
    build.add_argument("--max-tokens", type=positive_int, default=100, metavar="N")
    build.add_argument(
        "--max-sentences", type=positive_int, metavar="N", help="sample at most N sentences"
    )
    build.add_argument("--seed", type=int, default=0, help="seed of the sample (0)")
    build.add_argument("--split", default="probe", help="file prefix: <split>.<lang>.txt")
    build.set_defaults(func=_build)


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise InputError(f"{option}: expected KEY=VALUE, got {item!r}")
        pairs[key] = value
    return pairs


def source_specs(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The source specs of :mod:`xlprobe.data.probe_sources` named by the options."""
    specs: list[dict[str, Any]] = []
    for items in args.files:
        files = _pairs(items, "--files")
        if len(files) < 2:
            raise InputError(f"--files {' '.join(items)}: give at least two LANG=PATH files")
        specs.append({"files": files})
    for path, *items in args.hub:
        options = _pairs(items, f"--hub {path}")
        unknown = sorted(set(options) - set(HUB_KEYS))
        if unknown:
            raise InputError(f"--hub {path}: unknown key(s) {unknown}; known: {list(HUB_KEYS)}")
        specs.append({"hub": {"path": path, **options}})
    if args.flores:
        if not args.langs:
            raise InputError("--flores needs --langs (FLORES+ has one config per language)")
        specs.append({"flores": {"path": args.flores_path, "split": args.flores}})
    if not specs:
        raise InputError("no source: give --files, --hub or --flores")
    return specs


def _local_inputs(specs: list[dict[str, Any]]) -> list[str]:
    """The local files and snapshot directories the source specs read."""
    paths = []
    for spec in specs:
        kind, value = next(iter(spec.items()))
        paths += list(value.values()) if kind == "files" else [value.get("hub_root")]
    return [path for path in paths if path is not None]


def _build(args: argparse.Namespace) -> int:
    from xlprobe.data.probe_corpus import BuildSettings
    from xlprobe.data.probe_sources import build_from_specs
    from xlprobe.io import check_output_path, check_outputs

    check_output_path(args.out, option="--out", directory=True)
    specs = source_specs(args)
    check_outputs(_local_inputs(specs), [(args.out, "--out")])
    if args.max_tokens < args.min_tokens:
        raise InputError(f"--max-tokens {args.max_tokens} is below --min-tokens {args.min_tokens}")
    settings = BuildSettings(
        pivot=args.pivot,
        languages=tuple(args.langs) if args.langs else None,
        min_tokens=args.min_tokens,
        max_tokens=args.max_tokens,
        max_sentences=args.max_sentences,
        seed=args.seed,
    )
    manifest = build_from_specs(specs, settings, args.out, split=args.split)
    for stage in manifest["stages"]:
        dropped = ", ".join(f"{k} {n}" for k, n in stage["dropped"].items() if n)
        print(
            f"{stage['stage']}: {stage['kept']} kept" + (f", dropped {dropped}" if dropped else "")
        )
    print(
        f"{args.out}: {manifest['sentences']} sentences in {', '.join(manifest['languages'])} "
        f"({manifest['digest']})"
    )
    return 0
