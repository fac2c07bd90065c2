"""One probe round of tiny decoder-only LLMs next to a tiny BERT: time, memory, the float32
switch and the per-layer curves, on the same synthetic corpus with the same settings.

Every model is a tiny stand-in (``model=tiny_<arch>``: 2 layers, width 64, random weights, a
tokenizer trained on the synthetic world); fr/de/es are probed against en on the first
``--sentences`` probe sentences, K scaled to the data, ``--seeds`` K-means seeds, all probes on
(CALIGN/COLAP, sentence rows, embedding geometry). Each model runs in its own process, so the
peak resident memory is that round's (model, extraction, clustering; the import of torch and
transformers included). With random weights the curves say what the tokenizer, the
architecture (causal mask, pre-norm residual) and the corpus give, not what pretraining does.

    python benchmarks/bench_decoder_probe.py [--archs bert llama gpt2 bloom qwen2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

METRICS = ("calign", "colap", "retrieval", "abx_meaning", "lid_separability")


def one_round(arch: str, sentences: int, seeds: int, cache: Path) -> dict:
    """Probe the tiny ``arch`` once; the timings, peak memory, float32 layers and curves."""
    import resource

    import numpy as np

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.models import ModelSpec
    from xlprobe.models.spec import TinySizes
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings
    from xlprobe.probing.store import ActivationStore

    world = generate_corpus(sentences, seed=1)
    langs = ("de", "es", "fr", "en")
    corpus = ProbeCorpus({lang: world.sentences[lang] for lang in langs})
    model, tokenizer = ModelSpec(family=arch, tiny=TinySizes()).load("base", cache_dir=cache)
    settings = ProbeSettings(
        languages=langs[:3],
        n_seeds=seeds,
        keep_activations=True,
        dictionary_cache=str(cache / "dictionaries"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        report = run_probe(model, tokenizer, corpus, settings, probe_dir=Path(tmp))
        stores = [ActivationStore.open(p) for p in (Path(tmp) / "activations").glob("*/*")]
        wide = sum(len(s.wide_layers) for s in stores)
        stored = sum(len(s.layers) for s in stores)
    curves = {
        metric: {
            layer: float(np.mean([r.value for r in report.select(metric=metric, layer=layer)]))
            for layer in sorted({r.layer for r in report.select(metric=metric)})
        }
        for metric in METRICS
    }
    return {
        "arch": arch,
        "timings": {k.split("/", 1)[1]: v for k, v in report.timings.items()},
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wide_layers": f"{wide}/{stored}",
        "curves": curves,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", nargs="+", default=["bert", "llama", "gpt2", "bloom", "qwen2"])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(".cache/xlprobe"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_round(args.one, args.sentences, args.seeds, args.cache)))
        return
    results = []
    for arch in args.archs:
        command = [sys.argv[0], "--one", arch, "--sentences", str(args.sentences)]
        command += ["--seeds", str(args.seeds), "--cache", str(args.cache)]
        out = subprocess.run([sys.executable, *command], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{args.sentences} sentences x 4 languages, {args.seeds} K-means seeds, tiny models")
    print(f"{'model':8} {'extract s':>9} {'cluster s':>9} {'total s':>8} {'peak MB':>8} float32")
    for r in results:
        t = r["timings"]
        print(
            f"{r['arch']:8} {t['extract']:9.1f} {t['cluster']:9.1f} {t['total']:8.1f} "
            f"{r['peak_mb']:8.0f} {r['wide_layers']}"
        )
    for metric in METRICS:
        print(f"\n{metric} per layer (mean over de/es/fr-en)")
        for r in results:
            values = "  ".join(f"L{k} {v:5.1f}" for k, v in r["curves"][metric].items())
            print(f"  {r['arch']:8} {values}")


if __name__ == "__main__":
    main()
