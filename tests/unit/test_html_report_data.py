"""report.html data from a constructed probe directory (no model): aligned pairs with their
matched words and dictionary hits, overlapping concepts with language shares, lexical vs
semantic counts per layer, keyword in context from the run's probe corpus, and the one-line
errors of ``xlprobe report``."""

from __future__ import annotations

import dataclasses

import pytest

from xlprobe.cli import main as xlprobe_main
from xlprobe.data.corpus import ProbeCorpus
from xlprobe.models.families import family
from xlprobe.probing.concepts import ConceptSet, TokenTable, write_clusters
from xlprobe.probing.dictionary import Dictionary, write_dictionary
from xlprobe.probing.plan import RoundId, plan_views
from xlprobe.probing.probe_dir import CorpusRecord, ProbeDir, RoundRecord
from xlprobe.probing.probes.concepts import joint_tokens, write_scored
from xlprobe.probing.scoring import score_round
from xlprobe.probing.settings import ProbeSettings
from xlprobe.reporting.html_report import (
    LABELS_CSV,
    REPORT_HTML,
    build_report_data,
    read_report_data,
    write_html_report,
)
from xlprobe.reporting.tables import write_report

DE = ["rot", "blau", "grün", "gelb", "schwarz", "weiß", "7", "8", "9", "10", "11", "12"]
EN = ["red", "blue", "green", "yellow", "black", "white", "7", "8", "9", "10", "11", "12"]
SETTINGS = ProbeSettings(languages=("de",))
PLAN = plan_views(SETTINGS, family("bert"))
JOINT = PLAN.joint_name(PLAN.joint_pairs[0])


def _concepts(words, labels, lang):
    n = len(words)
    return ConceptSet(TokenTable.from_columns(words, lang, range(n), [1] * n, [0] * n), labels)


@pytest.fixture
def run_dir(tmp_path):
    """A probed run of one round, written through ProbeDir as a probe round writes it: at
    layer 0 colours and numbers form one concept per language and one joint concept each; at
    layer 1 the joint concepts split by language. The manifest records the probe corpus."""
    run = tmp_path / "run"
    probe = ProbeDir(run / "probe")
    base = RoundId()
    by_topic = [0] * 6 + [1] * 6
    joint_labels = {0: by_topic + by_topic, 1: by_topic + [2] * 6 + [3] * 6}
    concepts = {}
    for layer in (0, 1):
        de = concepts[("encoder.de", layer)] = _concepts(DE, by_topic, "de")
        en = concepts[("encoder.en", layer)] = _concepts(EN, by_topic, "en")
        concepts[(JOINT, layer)] = ConceptSet(
            joint_tokens([de.tokens, en.tokens], len(DE)), joint_labels[layer]
        )
    for (name, layer), concept_set in concepts.items():
        write_clusters(concept_set, probe.cluster_file(base, name, layer))
    probe.sentence_langs_file(base, JOINT).write_text("de\n" * 12 + "en\n" * 12)
    # "weiß" has no entry: a colour concept with 5 of 6 matched words
    entries = {d: [(e, 1.0)] for d, e in zip(DE, EN, strict=True) if d != "weiß"}
    dictionaries = {"de-en": Dictionary(entries)}
    write_dictionary(dictionaries["de-en"], probe.dictionary_file("de-en"))
    report, shown = score_round(concepts, PLAN, [0, 1], dictionaries, SETTINGS, base)
    write_scored(shown, probe.scored_concepts_file(base))
    corpus_dir = run / "probe_corpus"
    corpus_dir.mkdir()
    (corpus_dir / "probe.de.txt").write_text("".join(f"das {w} hier\n" for w in DE))
    (corpus_dir / "probe.en.txt").write_text("".join(f"the {w} here\n" for w in EN))
    corpus = ProbeCorpus.from_dir(corpus_dir, ["de", "en"])
    probe.record_round(
        RoundRecord(base, {name: len(concepts[(name, 0)].tokens) for name in PLAN.cluster_sets()}),
        settings=SETTINGS.to_dict(),
        plan=PLAN,
        layers=[0, 1],
        n_sentences=len(corpus),
        corpus=CorpusRecord(
            directory=str(corpus.directory),
            split=corpus.split,
            languages=("de", "en"),
            n_sentences=len(corpus),
            digest=corpus.digest(("de", "en")),
        ),
    )
    write_report(report, run)
    return run


def test_aligned_pairs_carry_matched_words_and_target_hits(run_dir):
    data = build_report_data(run_dir)
    words = data["words"]
    (pair,) = [i for i, p in enumerate(data["pairs"]) if p["metric"] == "calign"]
    flat = data["aligned"][f"0|{pair}|0"]
    # colours: 5 of 6 matched (score 833), then numbers: 6 of 6 (1000); best first
    cs, ct, score, n = flat[:4]
    assert (cs, ct, score, n) == (1, 1, 1000, 6)
    colours = flat[4 + 6 + 1 + 6 :]
    assert colours[:4] == [0, 0, 833, 5]
    assert {words[w] for w in colours[4:9]} == set(DE[:5])
    assert colours[9] == 5 and {words[w] for w in colours[10:]} == set(EN[:5])
    assert data["notes"] == []  # the pairs agree with probe_report.csv's numerators


def test_overlaps_labels_and_contexts(run_dir):
    data = build_report_data(run_dir)
    (pair,) = [i for i, p in enumerate(data["pairs"]) if p["metric"] == "colap"]
    assert data["overlap"][f"0|{pair}|0"] == [0, 500, 500, 1, 500, 500]
    assert data["overlap"][f"0|{pair}|1"] == []
    joint = next(i for i, s in enumerate(data["sets"]) if len(s["langs"]) == 2)
    kinds = {
        r[2]: dict(zip(data["kinds"], r[3:], strict=True))
        for r in data["fig9"]["rows"]
        if r[1] == joint
    }
    # layer 0: two bilingual concepts whose words translate; layer 1: numbers (lexical) and
    # colours (no label) in each language
    assert kinds[0] == {"lexical": 0, "semantic": 2, "unlabelled": 0}
    assert kinds[1] == {"lexical": 2, "semantic": 0, "unlabelled": 2}
    contexts, flat, i = {}, data["kwic"], 0
    while i < len(flat):
        refs = flat[i + 2 : i + 2 + 2 * flat[i + 1]]
        contexts[data["words"][flat[i]]] = [
            (data["sentences"][s][1], p) for s, p in zip(refs[::2], refs[1::2], strict=True)
        ]
        i += 2 + 2 * flat[i + 1]
    assert contexts["gelb"] == [("das gelb hier", 1)]
    assert contexts["yellow"] == [("the yellow here", 1)]


def test_write_html_report_embeds_the_data_and_writes_the_label_counts(run_dir):
    path = write_html_report(run_dir)
    assert path == run_dir / REPORT_HTML
    assert read_report_data(path)["words"] == build_report_data(run_dir)["words"]
    lines = (run_dir / LABELS_CSV).read_text().splitlines()
    assert lines[0] == "round,epoch,model_state,set,layer,concepts,lexical,semantic,unlabelled"
    assert "base,-1,base,joint.encoder.de+encoder.en,0,2,0,2,0" in lines


def test_curves_and_rounds_are_the_plain_ones_only(run_dir):
    import shutil

    from xlprobe.probing.report import ProbeReport

    plain = build_report_data(run_dir)["curves"]["rows"]
    probe = ProbeDir(run_dir / "probe")
    manifest = probe.manifest()
    (base,) = manifest.rounds
    steered_id = dataclasses.replace(base.id, condition="experts-de-k5")
    shutil.copytree(probe.round_dir(base.id), probe.round_dir(steered_id))
    probe.record_round(
        RoundRecord(steered_id, base.sets),
        settings=manifest.settings,
        plan=manifest.plan,
        layers=manifest.layers,
        n_sentences=manifest.n_sentences,
    )
    assert [r.id.name for r in probe.manifest().rounds] == ["base", "base_experts-de-k5"]
    report = ProbeReport.read_csv(run_dir / "probe_report.csv")
    steered = [
        dataclasses.replace(r, value=0.0, ci_low=0.0, ci_high=0.0, numerator=0,
                            condition="experts-de-k5")
        for r in report.rows
    ]  # fmt: skip
    ProbeReport(rows=[*report.rows, *steered]).to_csv(run_dir / "probe_report.csv")
    assert len(ProbeReport.read_csv(run_dir / "probe_report.csv").rows) == 2 * len(report.rows)
    data = build_report_data(run_dir)
    assert plain and data["curves"]["rows"] == plain
    assert [r["name"] for r in data["rounds"]] == ["base"]


def test_xlprobe_report_on_a_directory_that_is_no_run_is_one_line(tmp_path, capsys):
    assert xlprobe_main(["report", str(tmp_path / "missing")]) == 2
    assert xlprobe_main(["report", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith("xlprobe: error: ") for line in lines)
    assert "not a directory" in lines[0] and "not a probed run" in lines[1]
