"""Sentence-level probe metrics on constructed vectors: ABX, retrieval, AUROC, expert choice."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.probing.abx import abx_form, abx_meaning
from xlprobe.probing.experts import auroc, intervention_values, random_units, top_units
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

    settings = ProbeSettings.from_dict({"languages": ["de"], "sentence": {"enabled": False}})
    assert settings.sentence.enabled is False and settings.sentence.batch_size == 32
    assert ProbeSettings.from_dict(settings.to_dict()) == settings
    assert ProbeSettings(languages=("de",)).sentence.enabled  # on by default
    with pytest.raises(InputError, match=r"probe\.sentence"):
        ProbeSettings.from_dict({"languages": ["de"], "sentence": {"enable": True}})
    with pytest.raises(InputError, match=r"probe\.sentence\.batch_size"):
        ProbeSettings.from_dict({"languages": ["de"], "sentence": {"batch_size": 0}})
