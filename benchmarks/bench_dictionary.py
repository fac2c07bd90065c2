"""Throughput of `build_dictionaries` (eflomal + grow-diag-final-and + lexical tables).

Prints sentence pairs per second on synthetic de-en corpora of two sizes, and how time scales:
``time(large) / time(small) / (large / small)`` is 1.0 for linear growth, below 1 for sublinear.

Two iteration schedules are timed:

* ``default``: eflomal's own schedule, about 5000 / sqrt(#pairs) fertility-model iterations, so
  the aligner's total work grows like sqrt(#pairs) (the ratio is expected well below 1);
* ``fixed``: the iterations the default schedule gives the small corpus, used for both sizes,
  so the ratio measures the cost per iteration and pair (expected near 1).

Usage: ``python benchmarks/bench_dictionary.py [--sizes 20000 100000] [--src de --tgt en]``
"""

from __future__ import annotations

import argparse
import math
import time

from xlprobe.data.synthetic import generate_corpus
from xlprobe.probing.alignment import build_dictionaries


def eflomal_default_iterations(n_pairs: int) -> tuple[int, int, int]:
    """The (IBM1, HMM, fertility) iterations eflomal 2.0 picks for model 3 and ``n_pairs``."""
    iters = max(2, round(5000 / math.sqrt(n_pairs)))
    quarter = max(1, iters // 4)
    return max(2, quarter), quarter, iters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[20_000, 100_000])
    parser.add_argument("--src", default="de")
    parser.add_argument("--tgt", default="en")
    args = parser.parse_args()
    small, large = args.sizes

    corpus = generate_corpus(large, seed=0, languages=(args.src, args.tgt))
    fixed = eflomal_default_iterations(small)
    seconds: dict[tuple[str, int], float] = {}
    for schedule, iterations in (("default", None), ("fixed", fixed)):
        for n in (small, large):
            start = time.perf_counter()
            built = build_dictionaries(
                corpus.sentences[args.src][:n],
                corpus.sentences[args.tgt][:n],
                iterations=iterations,
            )
            seconds[schedule, n] = elapsed = time.perf_counter() - start
            used = iterations or eflomal_default_iterations(n)
            print(
                f"{schedule:8s} {n:7d} pairs  iterations {used}  {elapsed:7.1f} s  "
                f"{n / elapsed:8.0f} pairs/s  {len(built.forward.translations)} source types"
            )
    for schedule in ("default", "fixed"):
        ratio = seconds[schedule, large] / seconds[schedule, small] / (large / small)
        print(f"{schedule:8s} time({large}) / time({small}) / {large / small:g} = {ratio:.2f}")


if __name__ == "__main__":
    main()
