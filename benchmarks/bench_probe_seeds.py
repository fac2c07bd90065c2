"""Cost of K-means seeds: one probe round with ``probe.n_seeds=3`` against the same round with 1.

The demo's setup: a tiny mT5 (encoder and decoder views), fr/de/es probed against en on the
synthetic corpus, K scaled to the data (word types / 10), faiss K-means with 20 iterations,
the demo's dictionaries (built once with eflomal and cached before timing). Extraction runs once
per round in both cases; clustering runs once per seed and so do the metrics and their chance
levels. The sentence and token-geometry rows are left out (they do not depend on the seeds).

Each setting is run ``--repeats`` times, alternating, on the same loaded model; the table shows
the fastest wall-clock time and its stages, and the ratio 3 seeds / 1 seed (target: at most
2.5x). CPU time of the process (all threads) is printed too, as the shared machine's wall
clock includes waiting for the other processes.

    python benchmarks/bench_probe_seeds.py [--sentences 500 --repeats 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()

    import torch

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.models import load_model, tiny_model_dir
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    torch.set_num_threads(1)
    work = Path(tempfile.mkdtemp(prefix="bench-probe-seeds-"))
    model_dir = tiny_model_dir(
        "mt5", work / "models", n_sentences=500, vocab_size=2000, hidden_size=64, num_layers=2
    )
    model, tokenizer = load_model(model_dir, "seq2seq")
    langs = ("fr", "de", "es", "en")
    corpus = generate_corpus(args.sentences, seed=0)
    probe_corpus = ProbeCorpus({lang: list(corpus.sentences[lang]) for lang in langs})

    def settings(n_seeds: int) -> ProbeSettings:
        return ProbeSettings.from_mapping(
            {
                "languages": langs[:-1],
                "pivot": "en",
                "n_seeds": n_seeds,
                "dictionary_cache": str(work / "dictionaries"),
                "sentence": {"enabled": False},
                "embeddings": {"enabled": False},
            }
        )

    run_probe(model, tokenizer, probe_corpus, settings(1), probe_dir=work / "warmup")
    best: dict[int, dict[str, float]] = {}
    for repeat in range(args.repeats):
        for n_seeds in (1, args.seeds):
            cpu = time.process_time()
            report = run_probe(
                model, tokenizer, probe_corpus, settings(n_seeds), probe_dir=work / f"r{repeat}"
            )
            times = {k.split("/", 1)[1]: v for k, v in report.timings.items()}
            times["cpu"] = time.process_time() - cpu
            if n_seeds not in best or times["total"] < best[n_seeds]["total"]:
                best[n_seeds] = times
    stages = ("extract", "cluster", "metrics", "total", "cpu")
    print(f"{args.sentences} sentences x {len(langs)} languages, tiny mT5, faiss K-means")
    print("seeds  " + "  ".join(f"{s:>8}" for s in stages) + "   (seconds, fastest round)")
    for n_seeds, times in sorted(best.items()):
        print(f"{n_seeds:>5}  " + "  ".join(f"{times[s]:8.2f}" for s in stages))
    ratio = {s: best[args.seeds][s] / best[1][s] for s in ("total", "cpu")}
    print(f"ratio {args.seeds} seeds / 1 seed: wall {ratio['total']:.2f}x, cpu {ratio['cpu']:.2f}x")
    print(json.dumps({"ratio_wall": ratio["total"], "ratio_cpu": ratio["cpu"], "best": best}))


if __name__ == "__main__":
    main()
