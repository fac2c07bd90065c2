"""Similarity matrices for the transfer study: the vectorised URIEL measures equal the pairwise
definitions of langsim, overlap is Jaccard of the sets written out here, heatmaps order
languages by family."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xlprobe.analysis.langsim import URIEL_MEASURES, cosine_distance, uriel_distances
from xlprobe.analysis.similarity import (
    masked_cosine,
    overlap_similarities,
    script_similarity,
    similarity_matrices,
    synthetic_texts,
)
from xlprobe.data.languages import all_languages, lookup
from xlprobe.reporting.sweep import OTHER_FAMILIES, family_mean_matrix, family_order

LANGS = ("en", "de", "fr", "fi", "ar", "ja")


def test_uriel_matrices_are_one_minus_the_pairwise_distances():
    sims = similarity_matrices(LANGS, LANGS)
    pairs = uriel_distances(LANGS)
    for measure in URIEL_MEASURES:
        for i, a in enumerate(LANGS):
            assert sims[measure][i, i] == pytest.approx(1.0), measure
            for j, b in enumerate(LANGS):
                if a != b:
                    d = pairs[measure]["-".join(sorted((a, b)))]
                    assert sims[measure][i, j] == pytest.approx(1 - d, abs=1e-9), (measure, a, b)


def test_masked_cosine_follows_the_missing_feature_rule():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (4, 12)).astype(float)
    y = rng.integers(0, 2, (3, 12)).astype(float)
    x[0, :10] = -1  # 2 of 12 known: below the 25 % rule
    x[1, :5] = -1
    y[2, 3:8] = -1
    y[1] = 0.0  # a zero vector
    sims = masked_cosine(x, y)
    for i in range(4):
        for j in range(3):
            d = cosine_distance(x[i], y[j])
            assert (math.isnan(d) and math.isnan(sims[i, j])) or sims[i, j] == pytest.approx(1 - d)
    assert np.isnan(sims[0]).all() and np.isnan(sims[:, 1]).all()


def test_overlap_is_jaccard_of_training_and_test_types():
    train = {"a": ["the cat sleeps", "The dog"], "b": ["ein Hund"]}
    test = {"a": ["the cat"], "b": ["der Hund schläft"], "c": []}
    sims = overlap_similarities(train, test, ["a", "b"], ["a", "b", "c"], tokenize=str.split)
    # word types {the, cat, sleeps, dog} vs {the, cat}: 2 / 4
    assert sims["word"][0, 0] == pytest.approx(2 / 4)
    assert sims["word"][1, 1] == pytest.approx(1 / 4)  # {ein, hund} vs {der, hund, schläft}
    assert sims["word"][0, 1] == 0.0
    # character trigrams of " ein " / " hund " against " der " / " hund " / " schläft "
    grams = {" ei", "ein", "in ", " hu", "hun", "und", "nd "}
    other = {" de", "der", "er ", " hu", "hun", "und", "nd ", " sc", "sch", "chl", "hlä", "läf"}
    other |= {"äft", "ft "}
    assert sims["char3"][1, 1] == pytest.approx(len(grams & other) / len(grams | other))
    assert sims["subword"][0, 0] == pytest.approx(2 / 5)  # case kept: The, the
    # a target without text: the source's types against nothing
    assert sims["word"][0, 2] == 0.0


def test_script_from_the_registry_else_the_text():
    texts = {"xx": ["abc"], "de": ["Käse"], "fa": ["سلام"]}
    same = script_similarity(["en", "ar", "xx"], ["de", "fa", "yy"], texts)
    assert same[0, 0] == 1 and same[1, 1] == 1 and same[0, 1] == 0
    # "xx" is not in the registry: its Latin text against the targets' texts
    assert same[2, 0] == 1 and same[2, 1] == 0
    assert np.isnan(same[2, 2])  # neither registry entry nor text for both


def test_synthetic_texts_are_the_splits_the_jobs_read(tmp_path):
    from xlprobe.data.base import ensure_synthetic

    sizes = {"n_train": 12, "n_val": 3, "n_test": 5, "n_probe": 2, "seed": 4}
    folder = ensure_synthetic(tmp_path / "world", sizes)
    for split in ("train", "test"):
        texts = synthetic_texts(sizes, split)
        for lang in ("en", "ar"):
            assert texts[lang] == (folder / f"{split}.{lang}.txt").read_text().splitlines()


def test_family_order_keeps_families_together_and_merges_small_ones():
    codes = [lang.code for lang in all_languages()]
    ordered, blocks = family_order(codes)
    assert sorted(ordered) == sorted(codes)
    # each block is contiguous, large families first, small ones merged at the end
    starts = [b for i, b in enumerate(blocks) if i == 0 or b != blocks[i - 1]]
    assert len(starts) == len(set(starts))
    assert starts[0] == "Indo-European" and starts[-1] == OTHER_FAMILIES
    sizes = [blocks.count(b) for b in starts[:-1]]
    assert sizes == sorted(sizes, reverse=True) and min(sizes) >= 3
    for code, block in zip(ordered, blocks, strict=True):
        if block != OTHER_FAMILIES:
            assert lookup(code).family == block


def test_family_mean_matrix_averages_pairs_of_different_languages():
    langs = ["en", "de", "ar"]
    values = np.array([[90.0, 50.0, 10.0], [70.0, 80.0, 20.0], [5.0, 15.0, 60.0]])
    table = family_mean_matrix(values, langs, langs)
    # three languages: every family is small, so one block with the off-diagonal mean
    assert table.shape == (1, 1)
    assert table.iloc[0, 0] == pytest.approx(np.mean([50, 10, 70, 20, 5, 15]))
