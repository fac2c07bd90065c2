"""K-means backends against each other and against the machine's matrix-multiply bound.

One Lloyd iteration costs at least the distance computation ||x||² - 2 x·c + ||c||², i.e. an
[N x D] x [D x K] float32 matrix product: 2·N·K·D flops. The bound per iteration is that count
divided by this machine's sgemm rate, measured with numpy on a product of the same shape.
Every backend starts from the same random centroids and runs the same number of iterations;
the final assignment is one more distance pass, so a backend's time per iteration is its total
divided by (iterations + 1). On a machine shared with other jobs, wall times of multi-threaded
BLAS swing by 2-4x from run to run; ``--threads 1`` (the default) pins BLAS, OpenMP and faiss to
one thread and the script reports CPU time as well as wall time.

    python benchmarks/bench_kmeans.py [--n 50000 --dim 768 --k 600 --iters 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from xlprobe.probing.cluster import initial_centroids, kmeans


def best_of(repeats: int, fn) -> tuple[float, float]:
    """(best wall time, best CPU time) over ``repeats`` calls, seconds."""
    wall, cpu = [], []
    for _ in range(repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--k", type=int, default=600)
    parser.add_argument("--iters", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/faiss threads")
    parser.add_argument("--skip-sklearn", action="store_true")
    args = parser.parse_args()
    n, d, k, iters = args.n, args.dim, args.k, args.iters

    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(args.threads)
    threadpool_limits(args.threads)

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((k, d)).astype(np.float32) * 3
    x = centres[rng.integers(k, size=n)] + rng.standard_normal((n, d), dtype=np.float32)
    print(
        f"data: {n} x {d} float32, K = {k}, {iters} Lloyd iterations, random init, "
        f"{args.threads} thread(s); times: best wall / CPU seconds"
    )

    c = np.ascontiguousarray(centres.T)
    x @ c  # warm-up
    gemm_wall, gemm_cpu = best_of(3, lambda: x @ c)
    flops = 2.0 * n * k * d
    print(
        f"sgemm [{n} x {d}] x [{d} x {k}]: {gemm_wall:.3f} / {gemm_cpu:.3f} s = "
        f"{flops / gemm_wall / 1e9:.1f} GFLOP/s (wall)"
    )

    seed_wall, seed_cpu = best_of(1, lambda: initial_centroids(x, k, seed=0, init="k-means++"))
    print(f"k-means++ seeding (faiss and sklearn backends): {seed_wall:.2f} / {seed_cpu:.2f} s")

    faiss_wall, faiss_cpu = best_of(
        1, lambda: kmeans(x, k, backend="faiss", n_iter=iters, init="random")
    )
    per_wall, per_cpu = faiss_wall / (iters + 1), faiss_cpu / (iters + 1)
    print(
        f"faiss:   {faiss_wall:.2f} / {faiss_cpu:.2f} s total; per iteration "
        f"{per_wall:.3f} / {per_cpu:.3f} s = {per_wall / gemm_wall:.2f}x (wall) / "
        f"{per_cpu / gemm_cpu:.2f}x (CPU) the sgemm bound"
    )
    if not args.skip_sklearn:
        sk_wall, sk_cpu = best_of(
            1, lambda: kmeans(x, k, backend="sklearn", n_iter=iters, init="random")
        )
        print(
            f"sklearn: {sk_wall:.2f} / {sk_cpu:.2f} s total; per iteration "
            f"{sk_wall / (iters + 1):.3f} / {sk_cpu / (iters + 1):.3f} s; faiss is "
            f"{sk_wall / faiss_wall:.2f}x (wall) / {sk_cpu / faiss_cpu:.2f}x (CPU) faster"
        )


if __name__ == "__main__":
    main()
