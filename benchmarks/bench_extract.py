"""Extraction cost against a bare forward pass, and peak memory as the corpus grows.

Time: ``extract_view`` (tokenization planning pass, forward with hidden states, subword
aggregation, float16 writes) against the same batches (same sentences, same length order,
same batch size) run through the tokenizer and a bare ``model(..., output_hidden_states=True)``
under ``torch.no_grad()``. All words are kept (``max_per_type`` unbounded) so both run every
sentence.

Memory: peak resident set size of a fresh process extracting a corpus of N and of 4N sentences,
each in its own subprocess, the model already loaded. The peak is reset right before
``extract_view`` (``/proc/self/clear_refs`` = 5, Linux), so ``VmHWM`` afterwards is the peak
during extraction, not the peak of importing and loading the model.

    python benchmarks/bench_extract.py [--sentences 2000 --hidden 256 --layers 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def load(args, cache: Path):
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.models import load_model, tiny_model_dir

    model_dir = tiny_model_dir(
        args.arch,
        cache,
        n_sentences=500,
        vocab_size=2000,
        hidden_size=args.hidden,
        num_layers=args.layers,
        num_heads=4,
    )
    model, tokenizer = load_model(model_dir, "base")
    return model, tokenizer, generate_corpus


def bare_forward(model, tokenizer, sentences: list[str], batch_size: int) -> None:
    import torch

    words = [s.split() for s in sentences]
    lengths = [len(ids) for ids in tokenizer(words, is_split_into_words=True)["input_ids"]]
    order = sorted(range(len(words)), key=lengths.__getitem__)
    model.eval()
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            batch = [words[i] for i in order[start : start + batch_size]]
            enc = tokenizer(batch, is_split_into_words=True, padding=True, return_tensors="pt")
            model(
                input_ids=enc["input_ids"],
                attention_mask=enc["attention_mask"],
                output_hidden_states=True,
            )


def timing(args, cache: Path) -> None:
    import torch

    from xlprobe.probing.extract import ExtractionSettings, extract_view

    torch.set_num_threads(args.threads)
    model, tokenizer, generate_corpus = load(args, cache)
    sentences = generate_corpus(args.sentences, seed=1).sentences["de"]
    settings = ExtractionSettings(max_per_type=10**9, batch_size=args.batch_size)
    n_words = sum(len(s.split()) for s in sentences)
    print(
        f"{args.arch} hidden {args.hidden}, {args.layers} layers; {len(sentences)} sentences, "
        f"{n_words} words, batch {args.batch_size}, {args.threads} torch thread(s)"
    )
    bare_forward(model, tokenizer, sentences[:64], args.batch_size)  # warm-up
    wall: dict[str, list[float]] = {"forward": [], "extract": []}
    cpu: dict[str, list[float]] = {"forward": [], "extract": []}

    def measure(name, fn):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        wall[name].append(time.perf_counter() - wall_start)
        cpu[name].append(time.process_time() - cpu_start)

    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):  # interleaved, best of each: robust to a shared machine
            measure("forward", lambda: bare_forward(model, tokenizer, sentences, args.batch_size))
            measure(
                "extract",
                lambda: extract_view(
                    model,
                    tokenizer,
                    sentences,
                    side="encoder",
                    lang="de",
                    out_dir=Path(tmp) / "store",
                    settings=settings,
                ),
            )
    for clock, times in (("wall", wall), ("CPU", cpu)):
        forward, extract = min(times["forward"]), min(times["extract"])
        print(
            f"{clock:>4} time, best of {args.repeats}: bare forward {forward:.2f} s, "
            f"extract_view {extract:.2f} s -> {extract / forward:.3f}x"
        )


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def child_rss(args, cache: Path) -> None:
    """Extract ``args.child`` sentences; print RSS before and peak RSS during it (MiB), JSON."""
    import torch

    from xlprobe.probing.extract import ExtractionSettings, extract_view

    torch.set_num_threads(args.threads)

    model, tokenizer, generate_corpus = load(args, cache)
    sentences = generate_corpus(args.child, seed=1).sentences["de"]
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    before = _status_mib("VmRSS")
    with tempfile.TemporaryDirectory() as tmp:
        store = extract_view(
            model,
            tokenizer,
            sentences,
            side="encoder",
            lang="de",
            out_dir=Path(tmp) / "s",
            settings=ExtractionSettings(max_per_type=args.max_per_type, batch_size=args.batch_size),
        )
        rows = len(store)
    peak = _status_mib("VmHWM")
    print(json.dumps({"sentences": len(sentences), "rows": rows, "before": before, "peak": peak}))


def memory(args) -> None:
    for max_per_type in (10, 10**9):
        runs = []
        for n in (args.memory_sentences, 4 * args.memory_sentences):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(n),
                    "--max-per-type",
                    str(max_per_type),
                    *sys.argv[1:],
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        small, large = runs
        label = "max_per_type=10" if max_per_type == 10 else "all words kept"
        print(
            f"peak RSS ({label}): {small['sentences']} sentences ({small['rows']} rows) "
            f"{small['peak']:.0f} MiB (before: {small['before']:.0f}); "
            f"{large['sentences']} sentences ({large['rows']} rows) {large['peak']:.0f} MiB "
            f"(before: {large['before']:.0f}) -> {large['peak'] / small['peak']:.3f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="bert", choices=["bert", "xlmr", "mt5"])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--memory-sentences", type=int, default=1000)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "xlprobe_bench"))
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--max-per-type", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = Path(args.cache)
    if args.child:
        child_rss(args, cache)
        return
    timing(args, cache)
    if not args.skip_memory:
        memory(args)


if __name__ == "__main__":
    main()
