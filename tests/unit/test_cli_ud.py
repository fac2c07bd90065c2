"""`xlprobe ud score` through the CLI entry point: table, JSON and one-line errors."""

from __future__ import annotations

import json

import pytest

from xlprobe.cli import main

GOLD = (
    "# sent_id = 1\n"
    "1-2\tzum\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "1\tzu\tzu\tADP\t_\t_\t3\tcase\t_\t_\n"
    "2\tdem\tder\tDET\t_\t_\t3\tdet\t_\t_\n"
    "3\tHaus\tHaus\tNOUN\t_\t_\t0\troot\t_\t_\n"
    "4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n"
)
# 'dem' attached to 'zu' (UAS and LAS miss), 'Haus' a PROPN (UPOS miss), punct:x (subtype only)
PRED = (
    GOLD.replace("2\tdem\tder\tDET\t_\t_\t3", "2\tdem\tder\tDET\t_\t_\t1")
    .replace("NOUN", "PROPN")
    .replace("punct\t_", "punct:x\t_")
)


@pytest.fixture
def files(tmp_path):
    gold, pred = tmp_path / "gold.conllu", tmp_path / "pred.conllu"
    gold.write_text(GOLD, encoding="utf-8")
    pred.write_text(PRED, encoding="utf-8")
    return str(gold), str(pred)


def test_table(capsys, files):
    assert main(["ud", "score", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in out[1:]}
    assert rows["UPOS"] == ["75.00"] * 4
    assert rows["UAS"] == ["75.00"] * 4
    assert rows["LAS"] == ["75.00"] * 4
    assert rows["WORDS"] == ["100.00"] * 3


def test_json(capsys, files):
    assert main(["ud", "score", *files, "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert list(scores) == ["tokens", "sentences", "words", "upos", "uas", "las"]
    assert scores["las"] == {
        "precision": 0.75,
        "recall": 0.75,
        "f1": 0.75,
        "aligned_accuracy": 0.75,
        "correct": 3,
        "gold_total": 4,
        "system_total": 4,
        "aligned_total": 4,
    }
    assert scores["tokens"]["gold_total"] == 3


def test_different_text_and_malformed_file_are_one_line(capsys, files, tmp_path):
    other = tmp_path / "other.conllu"
    other.write_text(GOLD.replace("Haus", "Hause"), encoding="utf-8")
    assert main(["ud", "score", files[0], str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"xlprobe: error: {files[0]} and {other} are not the same text")
    bad = tmp_path / "bad.conllu"
    bad.write_text(GOLD.replace("\t0\troot", "\t9\troot"), encoding="utf-8")
    assert main(["ud", "score", files[0], str(bad)]) == 2
    assert capsys.readouterr().err == (
        f"xlprobe: error: {bad}:5: HEAD 9 points outside the sentence (4 words)\n"
    )
