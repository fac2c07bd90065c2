"""Sentence-level probe metrics on constructed vectors: ABX, retrieval, AUROC, expert choice."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xlprobe.probing.abx import abx_form, abx_meaning
from xlprobe.probing.cosine_blocks import (
    DiagonalCounts,
    SignCounts,
    diagonal_counts,
    off_diagonal_signs,
)
from xlprobe.probing.experts import auroc, intervention_values, random_units, top_units
from xlprobe.probing.probes.sentence import pair_counts
from xlprobe.probing.retrieval import Count, distinct_rows, retrieval_top1


def separated(n: int = 6, dim: int = 8, seed: int = 0):
    """Two languages: a shared meaning vector per row plus a large language offset, so every
    sentence is closer to its own language (form) and to its translation (meaning)."""
    rng = np.random.default_rng(seed)
    meaning = rng.normal(size=(n, dim))
    offset = np.zeros(dim)
    offset[0] = 20.0
    return meaning + offset, meaning - offset


def test_abx_is_one_for_perfect_separation():
    x1, x2 = separated()
    form = abx_form(x1, x2)
    assert (form.numerator, form.denominator) == (2 * 30, 2 * 30)
    # Meaning: languages differ by a constant offset only, translation pairs share the rest.
    rng = np.random.default_rng(1)
    meaning = rng.normal(size=(6, 8)) * 5
    assert abx_meaning(meaning + 0.01, meaning - 0.01).value == 1.0


def test_abx_is_one_half_for_identical_vectors():
    same = np.ones((5, 4))
    assert abx_form(same, same).value == 0.5
    assert abx_meaning(same, same).value == 0.5
    # Translations with identical vectors: the languages cannot be told apart at all.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7, 4))
    assert abx_form(x, x.copy()).value == 0.5
    assert abx_meaning(x, x.copy()).value == 1.0


def test_abx_counts_one_triplet_by_hand():
    # N = 2: form triplets (A=s_{0,1}, B=s_{0,2}, X=s_{1,1}) and (A=s_{1,1}, B=s_{1,2}, X=s_{0,1}).
    x1 = np.array([[1.0, 0.0], [1.0, 1.0]])
    x2 = np.array([[0.0, 1.0], [1.0, 0.0]])
    # First: d(s01, s11) = d(s02, s11) = 1 - 1/sqrt(2), a tie (half). Second: d(s11, s01) =
    # 1 - 1/sqrt(2) is not below d(s12, s01) = 0, a loss. Counts in half-triplets: 1 of 4.
    assert abx_form(x1, x2) == Count(1, 4)


def test_abx_meaning_is_retrieval_auc():
    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(size=(9, 5)), rng.normal(size=(9, 5))
    d = (
        1
        - (x1 / np.linalg.norm(x1, axis=1, keepdims=True))
        @ (x2 / np.linalg.norm(x2, axis=1, keepdims=True)).T
    )
    expected = np.mean([d[i, i] < d[j, i] for i in range(9) for j in range(9) if j != i])
    assert abx_meaning(x1, x2).value == pytest.approx(expected)


def test_retrieval_top1_both_directions_and_duplicates():
    meaning = np.random.default_rng(5).normal(size=(6, 8))
    x1, x2 = meaning + 0.01, meaning - 0.01
    assert retrieval_top1(x1, x2) == Count(6, 6)
    assert retrieval_top1(x2, x1) == Count(6, 6)
    # Misaligned rows: every query finds its true translation, which is now another row.
    assert retrieval_top1(x2[::-1], x1) == Count(0, 6)
    assert distinct_rows(["a", "b", "a", "c"], ["x", "y", "z", "y"]).tolist() == [0, 1]


def triplet_reference(x1: np.ndarray, x2: np.ndarray) -> dict[str, Count]:
    """Retrieval 1 -> 2, ABX form and ABX meaning of (x1, x2) from their definitions, one
    query or triplet at a time (float64 cosine distances, ties half)."""
    u1 = x1 / np.linalg.norm(x1, axis=1, keepdims=True)
    u2 = x2 / np.linalg.norm(x2, axis=1, keepdims=True)
    n = len(x1)

    def d(a: np.ndarray, b: np.ndarray) -> float:
        return 1.0 - float(np.dot(a, b))

    def half(closer: float, farther: float) -> int:
        return 2 * (closer < farther) + (closer == farther)

    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    form = sum(half(d(u1[i], u1[j]), d(u2[i], u1[j])) for i, j in pairs)
    meaning = sum(half(d(u1[i], u2[i]), d(u1[j], u2[i])) for i, j in pairs)
    top1 = sum(
        int(np.argmax([float(np.dot(u1[i], u2[j])) for j in range(n)]) == i) for i in range(n)
    )
    return {
        "retrieval": Count(top1, n),
        "abx_form": Count(form, 2 * len(pairs)),
        "abx_meaning": Count(meaning, 2 * len(pairs)),
    }


def tied_vectors(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors with entries +-1/4 (D = 16): every cosine is a multiple of 1/8 computed
    without rounding, so ties are many and exact; some translations and some sentences of one
    language share a vector."""
    rng = np.random.default_rng(seed)
    x1 = rng.choice([-0.25, 0.25], size=(n, 16))
    x2 = rng.choice([-0.25, 0.25], size=(n, 16))
    x2[::4] = x1[::4]
    x1[1::5] = x1[0]
    return x1, x2


@pytest.mark.parametrize("data", ["gaussian", "tied"])
def test_sentence_metrics_equal_their_triplet_definitions(data):
    if data == "gaussian":
        rng = np.random.default_rng(7)
        meaning = rng.normal(size=(40, 8))
        x1, x2 = meaning + rng.normal(size=(40, 8)), meaning + rng.normal(size=(40, 8))
    else:
        x1, x2 = tied_vectors(40, seed=8)
    for a, b in ((x1, x2), (x2, x1)):
        expected = triplet_reference(a, b)
        assert retrieval_top1(a, b) == expected["retrieval"]
        assert abx_form(a, b) == expected["abx_form"]
        assert abx_meaning(a, b) == expected["abx_meaning"]
    both = {m: triplet_reference(x1, x2)[m] + triplet_reference(x2, x1)[m] for m in expected}
    assert pair_counts(x1, x2) == both
    if data == "tied":  # the ties are really there
        assert diagonal_counts(x1, x2).equal > 0 and off_diagonal_signs(x1 - x2, x1).zero > 0


@pytest.mark.parametrize("device", ["numpy", "cpu"])
def test_blockwise_counts_do_not_depend_on_the_block_size(device):
    x1, x2 = tied_vectors(37, seed=9)
    whole = diagonal_counts(x1, x2, device=device), off_diagonal_signs(x1 - x2, x1, device=device)
    for rows in (1, 5, 36, 100):
        blocked = (
            diagonal_counts(x1, x2, device=device, block_rows=rows),
            off_diagonal_signs(x1 - x2, x1, device=device, block_rows=rows),
        )
        assert blocked == whole
    with pytest.raises(ValueError, match="block_rows=0"):
        diagonal_counts(x1, x2, block_rows=0)


@pytest.mark.parametrize("data", ["gaussian", "tied"])
def test_torch_path_equals_the_numpy_path(data):
    rng = np.random.default_rng(10)
    if data == "gaussian":
        x1, x2 = rng.normal(size=(300, 24)), rng.normal(size=(300, 24))
    else:
        x1, x2 = tied_vectors(300, seed=10)
    assert pair_counts(x1, x2, device="cpu") == pair_counts(x1, x2, device="numpy")


def unblocked_counts(a: np.ndarray, b: np.ndarray) -> tuple[DiagonalCounts, SignCounts]:
    """The counts from the whole float64 product, the way the metrics took them before."""
    c = a.astype(np.float64) @ b.astype(np.float64).T
    own, off = np.diag(c)[:, None], ~np.eye(len(c), dtype=bool)
    first_max = int(np.count_nonzero(c.argmax(axis=1) == np.arange(len(c))))
    diagonal = DiagonalCounts(
        len(c), int(((c < own) & off).sum()), int(((c == own) & off).sum()), first_max
    )
    return diagonal, SignCounts(len(c), int(((c > 0) & off).sum()), int(((c == 0) & off).sum()))


@pytest.mark.parametrize("spread", ["groups", "all"])
def test_float32_pass_decides_near_ties_in_float64(spread):
    # Rows of b within 1e-9 of each other (groups of 5, or all of them): their similarities to a
    # row of a differ by ~1e-9, far below float32 rounding (~1e-7), so float32 alone gets their
    # order wrong; the counts must still be those of the float64 product.
    rng = np.random.default_rng(12)
    n, dim = 200, 32
    base = rng.normal(size=(n // 5 if spread == "groups" else 1, dim))
    b = np.repeat(base, n // len(base), axis=0) + 1e-9 * rng.normal(size=(n, dim))
    a = b + rng.normal(size=(n, dim))
    c32 = a.astype(np.float32) @ b.astype(np.float32).T
    c64 = a @ b.T
    naive = (c32 < np.diag(c32)[:, None]) != (c64 < np.diag(c64)[:, None])
    assert naive.sum() > n  # float32 alone is wrong here
    diagonal, signs = unblocked_counts(a, b)
    for device in ("numpy", "cpu"):
        assert diagonal_counts(a, b, device=device, block_rows=64) == diagonal
        assert off_diagonal_signs(a - b, b, device=device) == unblocked_counts(a - b, b)[1]
    assert off_diagonal_signs(a, b) == signs


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_path_equals_the_numpy_path():
    rng = np.random.default_rng(11)
    meaning = rng.normal(size=(3000, 384))
    x1, x2 = meaning + rng.normal(size=meaning.shape), meaning + rng.normal(size=meaning.shape)
    assert pair_counts(x1, x2, device="cuda") == pair_counts(x1, x2, device="numpy")
    tied = tied_vectors(500, seed=11)
    assert pair_counts(*tied, device="cuda") == pair_counts(*tied, device="numpy")


def test_auroc_equals_sklearn_on_random_data_with_ties():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(4)
    responses = rng.integers(0, 5, size=(60, 12)).astype(float)  # many ties
    responses[:, 3] += np.arange(60) % 2 * 3  # one informative unit
    positive = np.arange(60) % 2 == 1
    ours = auroc(responses, positive)
    theirs = np.array([roc_auc_score(positive, responses[:, m]) for m in range(12)])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert top_units(ours, 1).tolist() == [3]


def test_values_and_random_units():
    responses = np.array([[1.0, 10.0], [3.0, 20.0], [100.0, -5.0]])
    positive = np.array([True, True, False])
    np.testing.assert_allclose(intervention_values(responses, positive), [2.0, 15.0])
    np.testing.assert_allclose(intervention_values(responses, positive, "median"), [2.0, 15.0])
    units = random_units(50, 10, seed=0)
    assert len(set(units.tolist())) == 10 and units.max() < 50


def test_space_rows_retrieval_mixed_and_distances():
    from xlprobe.probing.expert_probe import space_rows

    rng = np.random.default_rng(6)
    meaning = rng.normal(size=(8, 4))
    pre = {"en": meaning, "de": meaning + 0.01}
    # The intervention moves every German sentence onto one point: retrieval into German is lost.
    post = {"en": meaning, "de": np.ones_like(meaning)}
    rows = {(r["metric"], r["lang_s"], r["lang_t"]): r for r in space_rows(pre, post, 12)}
    assert {r["layer"] for r in rows.values()} == {12}
    assert rows[("retrieval", "en", "de")]["pre"] == 1.0
    assert rows[("retrieval", "en", "de")]["post"] == 1 / 8  # all ties: the first row wins
    assert rows[("retrieval_mixed", "de", "en")]["post"] == 1.0  # English did not move
    centroid = rows[("d_centroid", "en", "de")]
    mu = meaning.mean(0)
    expected = 1 - mu @ np.ones(4) / (np.linalg.norm(mu) * 2)
    assert centroid["post"] == pytest.approx(expected)
    assert centroid["delta"] == pytest.approx(centroid["post"] - centroid["pre"])
    assert rows[("d_parallel", "en", "de")]["pre"] == pytest.approx(0, abs=1e-3)


def test_paraphrase_rows_pre_post_and_mixed():
    from xlprobe.probing.expert_probe import paraphrase_rows

    rng = np.random.default_rng(2)
    sentences = rng.normal(size=(10, 6))
    pre = {"es": (sentences, sentences + 0.05 * rng.normal(size=(10, 6)))}
    # Post: every vector moved by a rotation. Within the moved space paraphrases still find each
    # other; a plain query among moved candidates does not (the space moved).
    rotation = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    post = {"es": (pre["es"][0] @ rotation, pre["es"][1] @ rotation)}
    rows = {r["metric"]: r for r in paraphrase_rows(pre, post, layer=12)}
    assert rows["paraphrase"]["pre"] == rows["paraphrase"]["post"] == 1.0
    mixed = rows["paraphrase_mixed"]
    assert mixed["pre"] == 1.0 and mixed["post"] < 0.5 and mixed["delta"] == mixed["post"] - 1.0
    assert {(r["lang_s"], r["lang_t"], r["layer"]) for r in rows.values()} == {("es", "es", 12)}
    unmoved = {r["metric"]: r["post"] for r in paraphrase_rows(pre, pre, layer=12)}
    assert unmoved == {"paraphrase": 1.0, "paraphrase_mixed": 1.0}


def test_concept_rows_pair_each_intervened_encoder_value_with_the_plain_one():
    from xlprobe.probing.expert_probe import concept_rows
    from xlprobe.probing.report import ProbeReport, ProbeRow

    def report(condition, calign, colap):
        common = dict(epoch=-1, step=0, model_state="base", lang_s="de", lang_t="en", layer=3)
        rows = [
            ProbeRow(**common, side_s="encoder", side_t="encoder", metric="calign",
                     value=calign, numerator=0, denominator=0, condition=condition),
            ProbeRow(**common, side_s="encoder", side_t="encoder", metric="colap",
                     value=colap, numerator=0, denominator=0, condition=condition),
            ProbeRow(**common, side_s="decoder", side_t="decoder", metric="colap",
                     value=1.0, numerator=0, denominator=0, condition=condition),
            ProbeRow(**common, side_s="encoder", side_t="encoder", metric="retrieval",
                     value=9.0, numerator=0, denominator=0, condition=condition),
        ]  # fmt: skip
        return ProbeReport(rows=rows)

    rows = concept_rows(report("plain", 20.0, 60.0), report("experts-de-k5", 30.0, 45.0))
    got = {r["metric"]: (r["pre"], r["post"], r["delta"], r["layer"]) for r in rows}
    assert got == {"calign": (20.0, 30.0, 10.0, 3), "colap": (60.0, 45.0, -15.0, 3)}


def test_expert_settings_concept_probes_only_at_swept_k():
    from xlprobe.errors import InputError
    from xlprobe.probing.expert_probe import ExpertSettings

    assert ExpertSettings(ks=(50, 10), concept_ks=(50, 10, 50)).concept_ks == (10, 50)
    with pytest.raises(InputError, match=r"k=\[25\].*sweep k=\[10, 50\]"):
        ExpertSettings(ks=(10, 50), concept_ks=(25,))


def test_probe_sentence_settings_from_the_config_node():
    from xlprobe.errors import InputError
    from xlprobe.probing.pipeline import ProbeSettings

    settings = ProbeSettings.from_mapping({"languages": ["de"], "sentence": {"enabled": False}})
    assert settings.sentence.enabled is False and settings.sentence.batch_size == 32
    assert ProbeSettings.from_mapping(settings.to_dict()) == settings
    assert ProbeSettings(languages=("de",)).sentence.enabled  # on by default
    with pytest.raises(InputError, match=r"probe\.sentence"):
        ProbeSettings.from_mapping({"languages": ["de"], "sentence": {"enable": True}})
    with pytest.raises(InputError, match=r"probe\.sentence\.batch_size"):
        ProbeSettings.from_mapping({"languages": ["de"], "sentence": {"batch_size": 0}})
