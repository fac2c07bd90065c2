"""Benchmark ``report.html`` at paper scale: file size and build time.

Input (synthetic, seeded): a probed run without a model. ``--langs`` probed languages plus the
pivot ``en``, encoder side only (so ``langs + 1`` views and ``langs`` joint sets), ``--layers``
layers, ``--rounds`` rounds, K = ``--concepts`` concepts per set. Each language has
``--types`` word types (random syllable strings, a few numerals), drawn Zipf-like into
``--sentences`` sentences of 15 words; every type keeps at most 10 occurrences (the probe's
``max_per_type``). A type's concept is its index modulo K, shuffled by 5% of the occurrences per
layer; in the joint sets the probed language's types share the concept of their pivot
translation with a probability that grows with depth (so COLAP rises). The dictionary links
type i of every language with type i of ``en``. ``probe_report.csv`` holds CALIGN / COLAP rows
with seed intervals and chance levels, as a current run writes them; each round's
``concepts.json`` is scored from the cluster files as a probe round scores it, and the manifest
records the probe corpus (written beside the probe directory).

Measured: wall time of :func:`~xlprobe.reporting.html_report.write_html_report` and the size of
``report.html`` (and of the uncompressed JSON it embeds); the scoring is set-up, not measured.

Run: ``python benchmarks/bench_report_html.py [--concepts 600] [--layers 13] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.models.families import family
from xlprobe.probing.concepts import ConceptSet, TokenTable, write_clusters
from xlprobe.probing.dictionary import Dictionary, write_dictionary
from xlprobe.probing.plan import RoundId, plan_views
from xlprobe.probing.probe_dir import CorpusRecord, ProbeDir, RoundRecord
from xlprobe.probing.probes.concepts import write_scored
from xlprobe.probing.scoring import score_round
from xlprobe.probing.settings import ProbeSettings
from xlprobe.reporting.html_report import read_report_data, write_html_report

SYLLABLES = ["ka", "lo", "mi", "ten", "sar", "ve", "dor", "ul", "pi", "nes", "ba", "ri"]


def vocabulary(rng: np.random.Generator, n: int, lang: str) -> list[str]:
    words = {f"{i}" for i in range(20)}
    while len(words) < n:
        parts = rng.choice(SYLLABLES, size=rng.integers(2, 5))
        words.add("".join(parts) + ("" if lang == "en" else lang[0]))
    return sorted(words)


def tokens_of(
    sentences: list[list[int]], words: list[str], lang: str
) -> tuple[TokenTable, np.ndarray]:
    """Kept occurrences (at most 10 per type) and each one's type index."""
    seen: dict[int, int] = {}
    rows = []
    for s, sentence in enumerate(sentences):
        for p, w in enumerate(sentence):
            if seen.get(w, 0) < 10:
                rows.append((w, s, p, seen.get(w, 0)))
                seen[w] = seen.get(w, 0) + 1
    w, s, p, o = (np.asarray(c) for c in zip(*rows, strict=True))
    table = TokenTable.from_columns(np.asarray(words, dtype=object)[w], lang, s, p, o)
    return table, w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=600)
    parser.add_argument("--layers", type=int, default=13)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--langs", type=int, default=3)
    parser.add_argument("--types", type=int, default=6000)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="keep the run here")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    langs = ["de", "fr", "es", "ar", "ru", "zh"][: args.langs]
    run = args.out or Path(tempfile.mkdtemp(prefix="bench-report-"))
    probe = ProbeDir(run / "probe")
    settings = ProbeSettings(languages=tuple(langs), sides=("encoder",), k=args.concepts)
    plan = plan_views(settings, family("bert"))
    words = {lang: vocabulary(rng, args.types, lang) for lang in [*langs, "en"]}
    zipf = 1 / np.arange(1, args.types + 1) ** 0.8
    draws = rng.choice(args.types, size=(args.sentences, 15), p=zipf / zipf.sum()).tolist()
    corpus = {lang: [" ".join(words[lang][w] for w in s) for s in draws] for lang in words}
    tables = {lang: tokens_of(draws, words[lang], lang) for lang in words}
    k = args.concepts
    layers = list(range(args.layers))
    rounds = [RoundId()]
    rounds += [RoundId(e, 100 * (e + 1), "finetuned") for e in range(args.rounds - 1)]
    dictionaries = {}
    for lang in langs:
        entries = {w: [(t, 1.0)] for w, t in zip(words[lang], words["en"], strict=True)}
        dictionaries[f"{lang}-en"] = Dictionary(entries)
        write_dictionary(dictionaries[f"{lang}-en"], probe.dictionary_file(f"{lang}-en"))
    for lang, lines in corpus.items():
        (run / "probe_corpus").mkdir(exist_ok=True)
        (run / "probe_corpus" / f"probe.{lang}.txt").write_text("\n".join(lines) + "\n")
    probe_corpus = ProbeCorpus.from_dir(run / "probe_corpus", sorted(words))
    corpus_record = CorpusRecord(
        directory=str(probe_corpus.directory),
        split=probe_corpus.split,
        languages=tuple(sorted(words)),
        n_sentences=len(probe_corpus),
        digest=probe_corpus.digest(sorted(words)),
    )
    for round_id in rounds:
        concepts = {}
        for layer in layers:
            labels = {}
            for lang, (table, types) in tables.items():
                stray = rng.random(len(types)) < 0.05
                labels[lang] = np.where(stray, rng.integers(0, k, len(types)), types % k)
                concepts[(f"encoder.{lang}", layer)] = ConceptSet(table, labels[lang])
            for lang in langs:
                table, types = tables[lang]
                shared = rng.random(len(types)) < 0.2 + 0.6 * layer / max(1, len(layers) - 1)
                joint_labels = np.concatenate(
                    [np.where(shared, labels[lang], labels[lang] + k), labels["en"]]
                )
                en_table = tables["en"][0]
                en_table = dataclasses.replace(
                    en_table, sentence=en_table.sentence + args.sentences
                )
                name = f"joint.encoder.{lang}+encoder.en"
                concepts[(name, layer)] = ConceptSet(
                    TokenTable.concat([table, en_table]), joint_labels
                )
        for (name, layer), concept_set in concepts.items():
            write_clusters(concept_set, probe.cluster_file(round_id, name, layer))
        for lang in langs:
            probe.sentence_langs_file(round_id, f"joint.encoder.{lang}+encoder.en").write_text(
                f"{lang}\n" * args.sentences + "en\n" * args.sentences
            )
        _, shown = score_round(concepts, plan, layers, dictionaries, settings, round_id)
        write_scored(shown, probe.scored_concepts_file(round_id))
        sizes = {name: len(concepts[(name, 0)].tokens) for name in plan.cluster_sets()}
        probe.record_round(
            RoundRecord(round_id, sizes),
            settings=settings.to_dict(),
            plan=plan,
            layers=layers,
            n_sentences=args.sentences,
            corpus=corpus_record,
        )
    columns = ["epoch", "step", "model_state", "side_s", "lang_s", "side_t", "lang_t", "layer"]
    columns += ["metric", "value", "numerator", "denominator", "sd", "ci_low", "ci_high", "n_seeds"]
    with open(run / "probe_report.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for round_id in rounds:
            for lang in langs:
                for layer in layers:
                    for metric in ("calign", "colap", "calign_chance_partition"):
                        value = float(rng.uniform(10, 90))
                        key = [round_id.epoch, round_id.step, round_id.model_state, "encoder"]
                        values = [value, 0, k, 2.0, value - 3, value + 3, 3]
                        writer.writerow([*key, lang, "encoder", "en", layer, metric, *values])
    tokens = sum(len(t[0]) for t in tables.values())
    print(
        f"run: {run} ({len(rounds)} rounds x {len(layers)} layers x {len(plan.views)} views + "
        f"{len(plan.joint_pairs)} joint sets, K={k}, {tokens} tokens per layer over the views)"
    )
    start = time.perf_counter()
    path = write_html_report(run)
    seconds = time.perf_counter() - start
    data = read_report_data(path)
    raw = len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    print(
        f"report.html: {path.stat().st_size / 2**20:.2f} MiB (embedded JSON {raw / 2**20:.1f} "
        f"MiB before gzip), {len(data['words'])} word types, built in {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
