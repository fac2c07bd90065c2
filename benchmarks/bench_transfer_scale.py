"""Benchmark the transfer analysis at the paper's scale: 263 languages × 263, 15 similarities.

Input (generated, seeded): 263 registry languages that URIEL knows (SIB-200 and UD languages
first), one fake ``train.py`` job per source language in a multirun directory as Hydra and
Lightning's CSVLogger write it (``.hydra/*.yaml``, ``csv/metrics.csv`` with a
``test/acc/<target>`` column for every target, ``probe_report.csv`` with CALIGN and COLAP of
every pair), and a text directory with ``train.<lang>.txt`` / ``test.<lang>.txt`` (200
sentences of pseudo-words drawn from a per-family syllable inventory). Transfer is random
around a family effect: ``T[s, t] = 30 + 40 * (same family) + N(0, 10)``, in-language 90.

Measured (seconds, wall clock and CPU time of this process):
  * ``xlprobe sweep transfer MULTIRUN --text-dir DIR`` end to end, in process: reading the 263
    jobs, 11 similarities (5 URIEL, word and char3 overlap, script, CALIGN, COLAP; subword
    needs a tokenizer), Spearman per target with 1000 bootstrap resamples for raw and delta,
    the central table, CSVs, heatmaps ordered by family and the ρ distributions;
  * the analysis alone with 15 similarities (the 11, subword overlap from 3-character pieces
    and 4 random ones), by phase: similarity matrices, Spearman + bootstrap, the figures.

Run: ``python benchmarks/bench_transfer_scale.py [--langs 263] [--n-boot 1000] [--out DIR]``
(``--out`` keeps the generated multirun, ``out_cli/`` and ``out/`` with the figures).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from xlprobe.analysis.similarity import uriel_codes
from xlprobe.analysis.sweep import read_multirun
from xlprobe.analysis.transfer import (
    analyse_transfer,
    similarity_source,
    transfer_matrices,
)
from xlprobe.cli import main
from xlprobe.data.languages import all_languages
from xlprobe.reporting.sweep import language_family, write_transfer

REPORT_HEADER = (
    "epoch,step,model_state,side_s,lang_s,side_t,lang_t,layer,metric,value,numerator,denominator"
)


def pick_languages(n: int) -> list[str]:
    """``n`` registry languages with a URIEL code, SIB-200 / UD ones first."""
    langs = [lang for lang in all_languages() if lang.uriel]
    langs.sort(key=lambda lang: (not (lang.sib200 or lang.has_ud), lang.code))
    codes = [lang.code for lang in langs[:n]]
    assert all(uriel_codes(codes)), "every picked language has URIEL data"
    return codes


def write_multirun(root: Path, langs: list[str], rng: np.random.Generator) -> None:
    """One job per source language (module docstring)."""
    families = [language_family(c) for c in langs]
    for i, source in enumerate(langs):
        job = root / str(i)
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text(f"- lang={source}\n")
        (job / ".hydra" / "config.yaml").write_text(
            "train: true\ntest: true\ntask: {name: topic}\nmodel: {random_init: false}\n"
            f"lang:\n  train: [{source}]\n"
        )
        (job / ".hydra" / "hydra.yaml").write_text("hydra:\n  job:\n    name: train\n")
        same = np.array([families[i] == f for f in families])
        values = 30 + 40 * same + rng.normal(0, 10, len(langs))
        values[i] = 90.0
        (job / "csv").mkdir()
        header = ",".join(["epoch", "step", *(f"test/acc/{t}" for t in langs)])
        row = ",".join(["0", "100", *(f"{v:.4f}" for v in values)])
        (job / "csv" / "metrics.csv").write_text(f"{header}\n{row}\n")
        lines = [REPORT_HEADER]
        for target, value in zip(langs, values, strict=True):
            if target != source:
                for metric in ("calign", "colap"):
                    noisy = value + rng.normal(0, 15)
                    lines.append(
                        f"1,100,finetuned,encoder,{target},encoder,{source},12,{metric},"
                        f"{noisy:.3f},,"
                    )
        (job / "probe_report.csv").write_text("\n".join(lines) + "\n")


def write_texts(folder: Path, langs: list[str], rng: np.random.Generator) -> None:
    """Pseudo-word sentences per language from its family's syllables (module docstring)."""
    folder.mkdir(parents=True)
    syllables = np.array([a + b for a in "ptkbdgmnslrwy" for b in "aeiou"])
    by_family: dict[str, np.ndarray] = {}
    for code in langs:
        family = language_family(code)
        if family not in by_family:
            by_family[family] = rng.choice(syllables, 30, replace=False)
        inventory = np.concatenate([by_family[family], rng.choice(syllables, 10)])
        for split in ("train", "test"):
            lengths = rng.integers(4, 12, 200)  # words per sentence
            pieces = rng.integers(1, 4, lengths.sum())  # syllables per word
            flat = inventory[rng.integers(0, inventory.size, pieces.sum())]
            words = ["".join(w) for w in np.split(flat, np.cumsum(pieces)[:-1])]
            ends = np.cumsum(lengths)
            sentences = [" ".join(words[e - n : e]) for n, e in zip(lengths, ends, strict=True)]
            (folder / f"{split}.{code}.txt").write_text("\n".join(sentences) + "\n")


def timed(label: str, function, *args, **kwargs):
    """Run ``function`` and print its wall-clock and CPU seconds (CPU: this process, all
    threads; on a shared machine the wall clock also holds the waits for a core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<50}{wall:7.2f} s wall {cpu:7.2f} s CPU")
    return result


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", type=int, default=263)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--out", help="keep the generated multirun and the outputs here")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    langs = pick_languages(args.langs)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.out or scratch
        root = Path(tmp) / "multirun"
        write_multirun(root, langs, rng)
        write_texts(Path(tmp) / "texts", langs, rng)
        print(f"{len(langs)} languages x {len(langs)}, {args.n_boot} bootstrap resamples")

        print("xlprobe sweep transfer (end to end, 11 similarities):")
        cli = [
            "sweep",
            "transfer",
            str(root),
            "--text-dir",
            str(Path(tmp) / "texts"),
            "--out",
            str(Path(tmp) / "out_cli"),
            "--n-boot",
            str(args.n_boot),
        ]
        timed("total", main, cli)

        print("analysis alone, 15 similarities:")
        jobs = timed("read the multirun", read_multirun, root)
        matrices = timed("transfer matrix", transfer_matrices, jobs)
        texts_dir = Path(tmp) / "texts"

        def texts(task: str):
            from xlprobe.analysis.similarity import text_dir_texts

            return text_dir_texts(texts_dir, "train"), text_dir_texts(texts_dir, "test")

        def pieces(sentence: str) -> list[str]:
            return [w[i : i + 3] for w in sentence.split() for i in range(0, len(w), 3)]

        base = similarity_source(jobs, texts=texts, tokenize=pieces)
        shape = matrices[0].values.shape
        extra = {f"random{i}": ("random", rng.random(shape)) for i in range(4)}
        measures = timed("similarity matrices", lambda m: dict(base(m)) | extra, matrices[0])
        print(f"    ({len(measures)} similarities: {', '.join(measures)})")
        analysis = timed(
            "Spearman per target + bootstrap + central table",
            analyse_transfer,
            matrices,
            lambda m: measures,
            n_boot=args.n_boot,
        )
        timed("CSVs, family heatmaps, ρ distributions", write_transfer, analysis, Path(tmp) / "out")
        first = analysis.first()
        for r in first.itertuples():
            print(f"  first for {r.transfer}: {r.similarity} (mean ρ {r.mean_rho:.2f})")


if __name__ == "__main__":
    main_bench()
