"""K-means backends against each other and against the machine's matrix-multiply bound.

One Lloyd iteration costs at least the distance computation ||x||² - 2 x·c + ||c||², i.e. an
[N x D] x [D x K] float32 matrix product: 2·N·K·D flops. The bound per iteration is that count
divided by this machine's sgemm rate, measured with numpy on a product of the same shape.
Every backend starts from the same random centroids and runs the same number of iterations;
the final assignment is one more distance pass, so a backend's time per iteration is its total
divided by (iterations + 1).

    python benchmarks/bench_kmeans.py [--n 50000 --dim 768 --k 600 --iters 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from xlprobe.probing.cluster import initial_centroids, kmeans


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--k", type=int, default=600)
    parser.add_argument("--iters", type=int, default=5)
    parser.add_argument("--skip-sklearn", action="store_true")
    args = parser.parse_args()
    n, d, k, iters = args.n, args.dim, args.k, args.iters

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((k, d)).astype(np.float32) * 3
    x = centres[rng.integers(k, size=n)] + rng.standard_normal((n, d), dtype=np.float32)
    print(f"data: {n} x {d} float32, K = {k}, {iters} Lloyd iterations, random init")

    c = np.ascontiguousarray(centres.T)
    x @ c  # warm-up
    t_gemm = best_of(3, lambda: x @ c)
    flops = 2.0 * n * k * d
    rate = flops / t_gemm
    bound = flops / rate
    print(f"sgemm [{n} x {d}] x [{d} x {k}]: {t_gemm:.3f} s = {rate / 1e9:.1f} GFLOP/s")

    t_init = best_of(1, lambda: initial_centroids(x, k, seed=0, init="k-means++"))
    print(f"k-means++ seeding (shared by all backends): {t_init:.2f} s")

    t_faiss = best_of(1, lambda: kmeans(x, k, backend="faiss", n_iter=iters, init="random"))
    per_iter = t_faiss / (iters + 1)
    print(
        f"faiss:   {t_faiss:.2f} s total, {per_iter:.3f} s/iteration = "
        f"{per_iter / bound:.2f}x the sgemm bound ({bound:.3f} s)"
    )
    if not args.skip_sklearn:
        t_sk = best_of(1, lambda: kmeans(x, k, backend="sklearn", n_iter=iters, init="random"))
        print(
            f"sklearn: {t_sk:.2f} s total, {t_sk / (iters + 1):.3f} s/iteration; "
            f"faiss is {t_sk / t_faiss:.1f}x faster"
        )


if __name__ == "__main__":
    main()
