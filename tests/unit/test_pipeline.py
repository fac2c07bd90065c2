"""Probe pipeline pieces that need no model: settings, corpus, plan, scoring, re-scoring."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.concepts import ConceptSet, TokenTable, write_clusters
from xlprobe.probing.dictionary import Dictionary, n_best, read_dictionary, write_dictionary
from xlprobe.probing.metrics import calign, colap
from xlprobe.probing.pipeline import (
    LanguageRoles,
    ProbeCorpus,
    ProbePlan,
    ProbeRound,
    ProbeSettings,
    View,
    _joint_tokens,
    _layer_file,
    _update_manifest,
    build_or_load_dictionaries,
    import_rounds,
    plan_views,
    read_roles,
    rescore,
    score_round,
)


def test_settings_from_nested_dicts_and_pivot_is_not_probed():
    s = ProbeSettings.from_dict(
        {"languages": ["fr", "en", "de"], "calign": {"theta": 0.7}, "colap": {"theta": 0.4}}
    )
    assert s.languages == ("fr", "de")
    assert s.calign.theta == 0.7 and s.calign.n_best == 10 and s.colap.theta == 0.4
    assert ProbeSettings.from_dict(s.to_dict()) == s


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"languages": ["en"]}, "no language besides the pivot"),
        ({"languages": ["de"], "sides": ["middle"]}, "unknown side"),
        ({"languages": ["de"], "k": 1}, "at least 2"),
        ({"languages": ["de"], "kk": 3}, "unknown probe setting"),
        ({"languages": ["de"], "calign": {"thetaa": 0.3}}, "unknown probe.calign setting"),
        ({"languages": ["de"], "calign": {"theta": 1.5}}, r"probe.calign.theta=1.5 .* \(0, 1\]"),
        ({"languages": ["de"], "calign": {"theta": 0}}, r"probe.calign.theta=0 "),
        ({"languages": ["de"], "calign": {"max_size_diff": 1.5}}, r"max_size_diff=1.5 .* \[0, 1\]"),
        ({"languages": ["de"], "colap": {"theta": -0.1}}, "probe.colap.theta"),
        ({"languages": ["de"], "types_per_concept": 0}, "probe.types_per_concept=0"),
        ({"languages": ["de"], "n_iter": 0}, "probe.n_iter=0"),
        ({"languages": ["de"], "backend": "bogus"}, "probe.backend='bogus'; expected one of"),
        ({"languages": ["de"], "init": "kmeans"}, "probe.init='kmeans'; expected one of"),
        ({"languages": ["de"], "extraction": {"layers": [1]}}, "set probe.layers"),
    ],
)
def test_bad_settings_name_the_option(values, message):
    with pytest.raises(InputError, match=message):
        ProbeSettings.from_dict(values)


def test_plan_for_encoder_only_and_seq2seq_models():
    s = ProbeSettings(languages=("de", "fr"))
    enc = plan_views(s, seq2seq=False)
    assert enc.calign_pairs == (
        (View("encoder", "de"), View("encoder", "en")),
        (View("encoder", "fr"), View("encoder", "en")),
    )
    assert enc.joint_pairs == enc.calign_pairs
    s2s = plan_views(s, seq2seq=True)
    assert (View("decoder", "de", "en"), View("decoder", "en", "de")) in s2s.calign_pairs
    assert (View("encoder", "de"), View("decoder", "en", "de")) in s2s.calign_pairs
    assert len(s2s.calign_pairs) == 6 and len(s2s.joint_pairs) == 4
    assert {v.name for v in s2s.views} == {
        "encoder.de", "encoder.fr", "encoder.en", "decoder.de.from_en", "decoder.fr.from_en",
        "decoder.en.from_de", "decoder.en.from_fr",
    }  # fmt: skip
    with pytest.raises(InputError, match="decoder applies to encoder-decoder"):
        plan_views(ProbeSettings(languages=("de",), sides=("decoder",)), seq2seq=False)


def test_corpus_files_are_checked(tmp_path):
    (tmp_path / "probe.de.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "probe.en.txt").write_text("x y\n", encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"not line-aligned: lines per file \{'probe.de.txt': 2, 'probe.en.txt': 1\}",
    ):
        ProbeCorpus.from_dir(tmp_path, ["de", "en"])
    with pytest.raises(InputError, match=r"probe\.fr\.txt") as err:
        ProbeCorpus.from_dir(tmp_path, ["fr"])
    assert "probe.corpus.dir" in str(err.value)
    (tmp_path / "probe.ar.txt").write_bytes("سلام\n".encode() + b"\xff\n")
    with pytest.raises(InputError, match=r"probe.ar.txt:2: not UTF-8"):
        ProbeCorpus.from_dir(tmp_path, ["ar"])
    corpus = ProbeCorpus.from_dir(tmp_path, ["de"], max_sentences=1)
    assert corpus.sentences == {"de": ["a b"]} and len(corpus) == 1


def _concepts(words, labels, lang):
    n = len(words)
    tokens = TokenTable.from_columns(words, lang, range(n), [0] * n, [0] * n)
    return ConceptSet(tokens, np.asarray(labels, dtype=np.int64))


def _toy_round():
    """Two layers of de/en concepts: layer 0 aligned, layer 1 scrambled."""
    de_words = [f"d{i}" for i in range(12)]
    en_words = [f"e{i}" for i in range(12)]
    dictionary = Dictionary({d: [(e, 1.0)] for d, e in zip(de_words, en_words, strict=True)})
    good = [0] * 6 + [1] * 6
    scrambled = [0, 1] * 6
    concepts = {}
    for layer, de_labels in ((0, good), (1, scrambled)):
        concepts[("encoder.de", layer)] = _concepts(de_words, de_labels, "de")
        concepts[("encoder.en", layer)] = _concepts(en_words, good, "en")
        joint = TokenTable.concat(
            [concepts[("encoder.de", layer)].tokens, concepts[("encoder.en", layer)].tokens]
        )
        concepts[("joint.encoder.de+encoder.en", layer)] = ConceptSet(
            joint, np.asarray(de_labels + [2, 3] * 6, dtype=np.int64)
        )
    return concepts, {"de-en": dictionary}


def test_score_round_matches_the_metric_functions():
    concepts, dictionaries = _toy_round()
    settings = ProbeSettings(languages=("de",), n_examples=1)
    plan = plan_views(settings, seq2seq=False)
    report = score_round(
        concepts, plan, [0, 1], dictionaries, settings, ProbeRound(2, 40, "finetuned")
    )
    by_layer = {(r.metric, r.layer): r for r in report.rows}
    assert by_layer[("calign", 0)].value == 100.0
    assert by_layer[("calign", 1)].value == 0.0
    expected = calign(
        concepts[("encoder.de", 1)], concepts[("encoder.en", 1)], dictionaries["de-en"]
    )
    assert (by_layer[("calign", 1)].numerator, by_layer[("calign", 1)].denominator) == (
        expected.aligned,
        expected.total,
    )
    joint = colap(concepts[("joint.encoder.de+encoder.en", 1)])
    assert by_layer[("colap", 1)].value == joint.percent
    assert all(r.epoch == 2 and r.step == 40 for r in report.rows)
    example = next(e for e in report.examples if e.metric == "calign" and e.layer == 0)
    assert example.score == 1.0 and set(example.words_s) <= {f"d{i}" for i in range(12)}


def _write_toy_probe_dir(probe_dir, probe_round, roles=None):
    """A probe directory holding :func:`_toy_round` as ``probe_round``, like run_probe writes."""
    concepts, dictionaries = _toy_round()
    settings = ProbeSettings(languages=("de",))
    plan = plan_views(settings, seq2seq=False)
    round_dir = probe_dir / "rounds" / probe_round.name
    for (name, layer), concept_set in concepts.items():
        if name.startswith("joint."):
            tables = [concepts[(v.name, layer)].tokens for v in plan.joint_pairs[0]]
            concept_set = ConceptSet(_joint_tokens(tables, 12), concept_set.labels)
            (round_dir / name).mkdir(parents=True, exist_ok=True)
            (round_dir / name / "sentence_langs.txt").write_text("de\n" * 12 + "en\n" * 12)
        write_clusters(concept_set, _layer_file(round_dir / name, layer))
    write_dictionary(dictionaries["de-en"], probe_dir / "dictionaries" / "de-en.tsv")
    _update_manifest(probe_dir, settings, plan, [0, 1], probe_round, 12, roles=roles)


def test_rescore_reads_cached_clusters_and_applies_new_thresholds(tmp_path):
    concepts, dictionaries = _toy_round()
    settings = ProbeSettings(languages=("de",))
    plan = plan_views(settings, seq2seq=False)
    probe_round = ProbeRound()
    _write_toy_probe_dir(tmp_path, probe_round)
    direct = score_round(concepts, plan, [0, 1], dictionaries, settings, probe_round)
    cached = rescore(tmp_path)
    assert [(r.key, r.value) for r in cached.rows] == [(r.key, r.value) for r in direct.rows]
    # layer 1 has half of each de concept's words aligned to one en concept
    loose = rescore(tmp_path, {"calign": {"theta": 0.5}})
    assert loose.select(metric="calign", layer=1)[0].value == 100.0
    assert cached.select(metric="calign", layer=1)[0].value == 0.0


def test_rescore_keeps_every_cached_setting_it_is_not_told_to_change(tmp_path):
    _write_toy_probe_dir(tmp_path, ProbeRound())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["settings"]["calign"]["theta"] = 0.5
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    # layer 1 aligns half of each de concept: only the run's θA = 0.5 aligns it
    assert rescore(tmp_path).select(metric="calign", layer=1)[0].value == 100.0
    changed = rescore(tmp_path, {"calign": {"n_best": 5}})
    assert changed.select(metric="calign", layer=1)[0].value == 100.0
    assert (
        rescore(tmp_path, {"calign": {"theta": 0.9}}).select(metric="calign", layer=1)[0].value
        == 0.0
    )


def test_roles_are_recorded_in_the_manifest(tmp_path):
    roles = LanguageRoles(train=("de-en",), zero_shot=("fr-en", "es-en"))
    _write_toy_probe_dir(tmp_path, ProbeRound(), roles=roles)
    assert read_roles(tmp_path) == roles
    _write_toy_probe_dir(tmp_path / "old", ProbeRound())
    assert read_roles(tmp_path / "old") is None


def test_import_rounds_gives_the_target_every_round(tmp_path):
    earlier, resumed = tmp_path / "earlier" / "probe", tmp_path / "resumed" / "probe"
    rounds = [ProbeRound(), ProbeRound(0, 3, "finetuned"), ProbeRound(1, 6, "finetuned")]
    for probe_round in rounds:
        _write_toy_probe_dir(earlier, probe_round)
    # the checkpoint of epoch 0 was resumed: epoch 1 of the earlier run is not in its history
    _write_toy_probe_dir(resumed, ProbeRound(1, 6, "finetuned"))
    names = {rounds[0].name, rounds[1].name, "epoch_099_step_1"}
    assert import_rounds(earlier, resumed, names) == [rounds[0].name, rounds[1].name]
    manifest = json.loads((resumed / "manifest.json").read_text())
    assert [r["name"] for r in manifest["rounds"]] == [r.name for r in rounds]
    report = rescore(resumed)
    assert report.epochs() == [-1, 0, 1]
    by_epoch = {e: [r.value for r in report.rows if r.epoch == e] for e in report.epochs()}
    assert by_epoch[-1] == by_epoch[0] == by_epoch[1]
    # copying again adds nothing
    assert import_rounds(earlier, resumed, names) == []


def test_a_probe_directory_keeps_its_dictionary(tmp_path):
    _write_toy_probe_dir(tmp_path, ProbeRound())
    directory = tmp_path / "dictionaries"
    settings = ProbeSettings(languages=("de",))
    corpus = ProbeCorpus({"de": ["d0 d1"], "en": ["e0 e1"]})
    before = (directory / "de-en.tsv").read_text()
    dictionaries = build_or_load_dictionaries(corpus, settings, directory)
    assert (directory / "de-en.tsv").read_text() == before
    assert n_best(dictionaries["de-en"], 1, words=["d3"]) == {"d3": ["e3"]}


def test_rescore_without_manifest_says_what_from_run_needs(tmp_path):
    with pytest.raises(InputError, match="from_run must point at a run directory"):
        rescore(tmp_path)


def test_joint_plan_names_are_stable():
    pair = (View("decoder", "de", "en"), View("decoder", "en", "de"))
    assert ProbePlan.joint_name(pair) == "joint.decoder.de.from_en+decoder.en.from_de"


def test_score_round_reports_dictionary_coverage_and_warns_about_a_reversed_dictionary(
    tmp_path, caplog
):
    concepts, dictionaries = _toy_round()
    settings = ProbeSettings(languages=("de",))
    plan = plan_views(settings, seq2seq=False)
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.pipeline"):
        report = score_round(concepts, plan, [0, 1], dictionaries, settings, ProbeRound())
    coverage = report.select(metric="dict_coverage")
    # every one of the 12 German types has its translation among the English types
    assert [(r.layer, r.value, r.numerator, r.denominator) for r in coverage] == [
        (0, 100.0, 12, 12),
        (1, 100.0, 12, 12),
    ]
    assert {(r.side_s, r.lang_s, r.side_t, r.lang_t) for r in coverage} == {
        ("encoder", "de", "encoder", "en")
    }
    assert "the de-en dictionary covers 100.0% of the source word types" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    caplog.clear()
    reversed_path = tmp_path / "en-de.tsv"
    write_dictionary(
        Dictionary({e: [(d, 1.0)] for d, [(e, _)] in dictionaries["de-en"].translations.items()}),
        reversed_path,
    )
    settings = ProbeSettings(languages=("de",), dictionaries={"de-en": str(reversed_path)})
    reversed_dictionaries = {"de-en": read_dictionary(reversed_path)}
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.pipeline"):
        report = score_round(concepts, plan, [0, 1], reversed_dictionaries, settings, ProbeRound())
    assert [r.value for r in report.select(metric="dict_coverage")] == [0.0, 0.0]
    assert [r.value for r in report.select(metric="calign")] == [0.0, 0.0]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "dictionary coverage of de-en is 0.0%" in warnings[0]
    assert str(reversed_path) in warnings[0]
