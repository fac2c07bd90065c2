"""Scoring cached concepts and the probe directory: everything built through ProbeDir, the one
owner of the layout; re-scoring, resume carry-over, dictionaries, checks against the manifest."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.errors import InputError
from xlprobe.models.families import family
from xlprobe.probing.concepts import ConceptSet, TokenTable, write_clusters
from xlprobe.probing.dictionary import Dictionary, n_best, read_dictionary, write_dictionary
from xlprobe.probing.metrics import calign, colap
from xlprobe.probing.pipeline import rescore
from xlprobe.probing.plan import LanguageRoles, RoundId, plan_views
from xlprobe.probing.probe_dir import ProbeDir, RoundRecord
from xlprobe.probing.probes.concepts import joint_tokens
from xlprobe.probing.round import round_dictionaries
from xlprobe.probing.scoring import score_round
from xlprobe.probing.settings import ProbeSettings

SETTINGS = ProbeSettings(languages=("de",), n_examples=1)
PLAN = plan_views(SETTINGS, family("bert"))
JOINT = PLAN.joint_name(PLAN.joint_pairs[0])


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
        de = concepts[("encoder.de", layer)] = _concepts(de_words, de_labels, "de")
        en = concepts[("encoder.en", layer)] = _concepts(en_words, good, "en")
        concepts[(JOINT, layer)] = ConceptSet(
            joint_tokens([de.tokens, en.tokens], 12),
            np.asarray(de_labels + [2, 3] * 6, dtype=np.int64),
        )
    return concepts, {"de-en": dictionary}


def _write_toy_probe_dir(probe_dir: ProbeDir, round_id: RoundId, roles=None) -> None:
    """A probe directory holding :func:`_toy_round` as ``round_id``, written through ProbeDir
    as a probe round writes it."""
    concepts, dictionaries = _toy_round()
    for (name, layer), concept_set in concepts.items():
        write_clusters(concept_set, probe_dir.cluster_file(round_id, name, layer))
    probe_dir.sentence_langs_file(round_id, JOINT).write_text("de\n" * 12 + "en\n" * 12)
    write_dictionary(dictionaries["de-en"], probe_dir.dictionary_file("de-en"))
    sizes = {name: len(concepts[(name, 0)].tokens) for name in PLAN.cluster_sets()}
    probe_dir.record_round(
        RoundRecord(round_id, sizes),
        settings=SETTINGS.to_dict(),
        plan=PLAN,
        layers=[0, 1],
        n_sentences=12,
        roles=roles,
    )


def test_score_round_matches_the_metric_functions():
    concepts, dictionaries = _toy_round()
    report, shown = score_round(
        concepts, PLAN, [0, 1], dictionaries, SETTINGS, RoundId(2, 40, "finetuned")
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
    joint = colap(concepts[(JOINT, 1)])
    assert by_layer[("colap", 1)].value == joint.percent
    assert all(r.epoch == 2 and r.step == 40 for r in report.rows)
    example = next(e for e in report.examples if e.metric == "calign" and e.layer == 0)
    assert example.score == 1.0 and set(example.words_s) <= {f"d{i}" for i in range(12)}
    # what report.html shows: both layer-0 de concepts aligned, all their words matched
    aligned = shown.aligned["encoder.de|encoder.en|0"]
    assert len(aligned) == 2 == by_layer[("calign", 0)].numerator
    _, _, score, matched, hits = aligned[0]
    assert score == 1.0 and len(matched) == 6 and hits == sorted(f"e{int(w[1:])}" for w in matched)
    assert shown.aligned["encoder.de|encoder.en|1"] == []
    assert len(shown.overlapping[f"{JOINT}|1"]) == joint.overlapping


def test_rescore_reads_cached_clusters_and_applies_new_thresholds(tmp_path):
    concepts, dictionaries = _toy_round()
    probe_dir = ProbeDir(tmp_path / "probe")
    _write_toy_probe_dir(probe_dir, RoundId())
    direct, _ = score_round(concepts, PLAN, [0, 1], dictionaries, SETTINGS, RoundId())
    cached = rescore(probe_dir)
    assert [(r.key, r.value) for r in cached.rows] == [(r.key, r.value) for r in direct.rows]
    # layer 1 has half of each de concept's words aligned to one en concept
    target = ProbeDir(tmp_path / "rescored")
    loose = rescore(probe_dir, {"calign": {"theta": 0.5}}, target=target)
    assert loose.select(metric="calign", layer=1)[0].value == 100.0
    assert cached.select(metric="calign", layer=1)[0].value == 0.0
    # the re-scoring directory names its source, scores with its settings, keeps no clusters
    manifest = target.manifest()
    assert manifest.source == str(probe_dir.path.resolve())
    assert manifest.settings["calign"]["theta"] == 0.5
    assert target.clusters_root.path == probe_dir.path.resolve()
    # at θA 0.5 each scrambled de concept aligns to both en concepts (half its words in each)
    assert len(target.read_scored_concepts(RoundId())["aligned"]["encoder.de|encoder.en|1"]) == 4
    assert not target.cluster_file(RoundId(), "encoder.de", 0).exists()
    # and can be re-scored in turn
    assert rescore(target).select(metric="calign", layer=1)[0].value == 100.0


def test_rescore_keeps_every_cached_setting_it_is_not_told_to_change(tmp_path):
    probe_dir = ProbeDir(tmp_path)
    _write_toy_probe_dir(probe_dir, RoundId())
    manifest = json.loads(probe_dir.manifest_path.read_text())
    manifest["settings"]["calign"]["theta"] = 0.5
    probe_dir.manifest_path.write_text(json.dumps(manifest))
    # layer 1 aligns half of each de concept: only the run's θA = 0.5 aligns it
    assert rescore(probe_dir).select(metric="calign", layer=1)[0].value == 100.0
    changed = rescore(probe_dir, {"calign": {"n_best": 5}})
    assert changed.select(metric="calign", layer=1)[0].value == 100.0
    strict = rescore(probe_dir, {"calign": {"theta": 0.9}})
    assert strict.select(metric="calign", layer=1)[0].value == 0.0


def test_a_manifest_written_before_max_iter_reads_its_n_iter(tmp_path):
    probe_dir = ProbeDir(tmp_path)
    _write_toy_probe_dir(probe_dir, RoundId())
    manifest = json.loads(probe_dir.manifest_path.read_text())
    manifest["settings"]["n_iter"] = manifest["settings"].pop("max_iter")
    manifest["settings"]["n_iter"] = 7
    probe_dir.manifest_path.write_text(json.dumps(manifest))
    assert probe_dir.manifest().settings["max_iter"] == 7
    assert rescore(probe_dir).select(metric="calign", layer=0)[0].value == 100.0


def test_roles_are_recorded_in_the_manifest(tmp_path):
    roles = LanguageRoles(train=("de-en",), zero_shot=("fr-en", "es-en"))
    _write_toy_probe_dir(ProbeDir(tmp_path), RoundId(), roles=roles)
    assert ProbeDir(tmp_path).manifest().roles == roles
    _write_toy_probe_dir(ProbeDir(tmp_path / "old"), RoundId())
    assert ProbeDir(tmp_path / "old").manifest().roles is None


def test_import_rounds_gives_the_target_every_round(tmp_path):
    earlier, resumed = ProbeDir(tmp_path / "earlier"), ProbeDir(tmp_path / "resumed")
    rounds = [RoundId(), RoundId(0, 3, "finetuned"), RoundId(1, 6, "finetuned")]
    for round_id in rounds:
        _write_toy_probe_dir(earlier, round_id)
    # the checkpoint of epoch 0 was resumed: epoch 1 of the earlier run is not in its history
    _write_toy_probe_dir(resumed, RoundId(1, 6, "finetuned"))
    names = {rounds[0].name, rounds[1].name, "epoch_099_step_1"}
    assert resumed.import_rounds(earlier, names) == [rounds[0].name, rounds[1].name]
    assert [r.id for r in resumed.manifest().rounds] == rounds
    report = rescore(resumed)
    assert report.epochs() == [-1, 0, 1]
    by_epoch = {e: [r.value for r in report.rows if r.epoch == e] for e in report.epochs()}
    assert by_epoch[-1] == by_epoch[0] == by_epoch[1]
    # copying again adds nothing
    assert resumed.import_rounds(earlier, names) == []


def test_a_probe_directory_keeps_its_dictionary(tmp_path):
    probe_dir = ProbeDir(tmp_path)
    _write_toy_probe_dir(probe_dir, RoundId())
    corpus = ProbeCorpus({"de": ["d0 d1"], "en": ["e0 e1"]})
    before = probe_dir.dictionary_file("de-en").read_text()
    dictionaries, _ = round_dictionaries(corpus, SETTINGS, probe_dir)
    assert probe_dir.dictionary_file("de-en").read_text() == before
    assert n_best(dictionaries["de-en"], 1, words=["d3"]) == {"d3": ["e3"]}


def test_a_truncated_or_missing_cluster_file_is_named(tmp_path):
    probe_dir = ProbeDir(tmp_path)
    _write_toy_probe_dir(probe_dir, RoundId())
    path = probe_dir.cluster_file(RoundId(), "encoder.de", 1)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-3]))  # cut at a line boundary: still parses
    with pytest.raises(InputError, match="holds 9 tokens, the manifest records 12") as err:
        rescore(probe_dir)
    assert err.value.path == str(path)
    path.unlink()
    with pytest.raises(InputError, match="cluster file missing"):
        rescore(probe_dir)


def test_rescore_without_manifest_says_what_it_needs(tmp_path):
    with pytest.raises(InputError, match="no probe manifest"):
        rescore(tmp_path)
    (tmp_path / "manifest.json").write_text('{"rounds": [], ')
    with pytest.raises(InputError, match="malformed manifest") as err:
        rescore(tmp_path)
    assert err.value.line == 1


def test_score_round_reports_dictionary_coverage_and_warns_about_a_reversed_dictionary(
    tmp_path, caplog
):
    concepts, dictionaries = _toy_round()
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.scoring"):
        report, _ = score_round(concepts, PLAN, [0, 1], dictionaries, SETTINGS, RoundId())
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
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.scoring"):
        report, _ = score_round(concepts, PLAN, [0, 1], reversed_dictionaries, settings, RoundId())
    assert [r.value for r in report.select(metric="dict_coverage")] == [0.0, 0.0]
    assert [r.value for r in report.select(metric="calign")] == [0.0, 0.0]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "dictionary coverage of de-en is 0.0%" in warnings[0]
    assert str(reversed_path) in warnings[0]
