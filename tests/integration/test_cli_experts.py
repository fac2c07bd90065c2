"""`xlprobe experts` end to end on a tiny real model and a synthetic corpus (in process)."""

from __future__ import annotations

import csv
import json

import pytest

from xlprobe.cli import main

pytestmark = pytest.mark.slow


def test_experts_with_concept_rounds_and_the_paraphrase_control(
    tiny_model_dirs, synthetic_corpus, tmp_path, capsys
):
    from xlprobe.data.synthetic import write_corpus
    from xlprobe.probing.report import ProbeReport

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for split in ("train", "probe"):
        write_corpus(synthetic_corpus, corpus, split)
    out = tmp_path / "out"
    argv = [
        "experts", str(tiny_model_dirs["xlmr"]), "--corpus", str(corpus), "--langs", "en", "de",
        "ar", "--targets", "ar", "--max-sentences", "40", "--k", "2", "8", "--concepts-at", "8",
        "--layers", "0", "2", "--paraphrases", "synthetic", "--batch-size", "16", "--out", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ar k=2: mean change of retrieval top-1 from ar: experts ")
    assert "mixed paraphrase top-1 in ar: experts" in lines[0] and "CALIGN" not in lines[0]
    assert "; CALIGN L2: experts " in lines[1] and "; COLAP L2: experts " in lines[1]

    with open(out / "results.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    metrics = {(r["metric"], r["k"]) for r in rows}
    assert ("paraphrase", "2") in metrics and ("colap", "8") in metrics
    assert ("calign", "2") not in metrics
    assert {r["layer"] for r in rows if r["metric"] == "calign"} == {"0", "2"}
    report = ProbeReport.read_csv(out / "probe_report.csv")
    assert {r.condition for r in report.rows} == {"plain", "experts-ar-k8", "random-ar-k8"}
    assert {(r.lang_s, r.lang_t) for r in report.select(metric="calign")} == {
        ("de", "en"),
        ("ar", "en"),
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["concepts_pre"] > 0
