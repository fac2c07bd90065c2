"""Reading the UD and topic data (local files, rows of the hub's UD release, SIB-200 entries from
the language registry) and the POS and topic metrics."""

from __future__ import annotations

import pytest
import torch

from xlprobe.data.conllu import format_conllu, read_conllu
from xlprobe.data.readers import TaggedSentence
from xlprobe.data.topic import TopicDataModule, read_topics
from xlprobe.data.ud import (
    HUB_UPOS_NAMES,
    DependencyDataModule,
    UposDataModule,
    sentences_from_rows,
)
from xlprobe.errors import InputError
from xlprobe.tasks.pos import TokenAccuracy
from xlprobe.tasks.topic import ClassScores

CONLLU = """\
# sent_id = s1
# text = du chat dort
1-2\tdu\t_\t_\t_\t_\t_\t_\t_\t_
1\tde\tde\tADP\t_\t_\t2\tcase\t_\t_
2\tle\tle\tDET\t_\t_\t3\tdet\t_\t_
3\tchat\tchat\tNOUN\t_\tGender=Masc\t4\tnsubj\t_\t_
3.1\tdort\tdormir\tVERB\t_\t_\t_\t_\t4:conj\t_
4\tdort\tdormir\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No

"""


def _row(sentence, **changes):
    """A row of the hub's UD release holding ``sentence`` (a read CoNLL-U sentence)."""
    words = sentence.words
    row = {
        "sent_id": sentence.metadata["sent_id"],
        "text": sentence.metadata["text"],
        "comments": list(sentence.comments),
        "tokens": [w.form for w in words],
        "lemmas": [w.lemma for w in words],
        "upos": [HUB_UPOS_NAMES.index(w.upos) for w in words],
        "xpos": [None for _ in words],
        "feats": ["Gender=Masc" if w.feats else None for w in words],
        "head": [str(w.head) for w in words],
        "deprel": [w.deprel for w in words],
        "deps": [None for _ in words],
        "misc": [None if w.misc == "_" else w.misc for w in words],
        "mwt": [{"id": "1-2", "form": "du", "feats": None, "misc": None}],
        "empty_nodes": [
            {
                "id": "3.1",
                "form": "dort",
                "lemma": "dormir",
                "upos": "VERB",
                "xpos": None,
                "feats": None,
                "head": "_",
                "deprel": "_",
                "deps": "4:conj",
                "misc": None,
            }
        ],
    }
    return row | changes


def test_a_hub_row_reads_as_the_conllu_sentence_it_came_from(tmp_path):
    path = tmp_path / "x.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    (gold,) = read_conllu(path)
    (sentence,) = sentences_from_rows([_row(gold)], HUB_UPOS_NAMES, "commul/ud fr_gsd train")
    assert format_conllu([sentence]) == CONLLU


def test_a_hub_row_with_a_bad_head_names_dataset_row_and_sentence(tmp_path):
    path = tmp_path / "x.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    (gold,) = read_conllu(path)
    rows = [_row(gold), _row(gold, head=["2", "1", "0", "3"], sent_id="s2")]
    with pytest.raises(InputError, match=r"fr_gsd train row 1:\d+: HEAD cycle .*\(sent_id s2\)"):
        sentences_from_rows(rows, HUB_UPOS_NAMES, "commul/ud fr_gsd train")


def _local(tmp_path, cls, text=CONLLU, **options):
    (tmp_path / "train.fr.conllu").write_text(text, encoding="utf-8")
    return cls(None, source="local", train_langs=["fr"], local_dir=tmp_path, **options)


def test_pos_reads_the_words_of_multiword_tokens_and_refuses_an_unknown_tag(tmp_path):
    labels = ["ADP", "DET", "NOUN", "VERB"]
    dm = _local(tmp_path, UposDataModule, labels=labels)
    assert dm.read_local("train", "fr") == [
        TaggedSentence(["de", "le", "chat", "dort"], ["ADP", "DET", "NOUN", "VERB"])
    ]
    dm = _local(tmp_path, UposDataModule, labels=labels[:3])
    with pytest.raises(InputError, match=r"sentence s1 \(line 1\): UPOS \['VERB'\] not in"):
        dm.read_local("train", "fr")


def test_parsing_refuses_a_relation_outside_its_labels(tmp_path):
    dm = _local(tmp_path, DependencyDataModule, labels=["case", "det", "nsubj"])
    with pytest.raises(InputError, match=r"relations \['root'\] not in the task's labels"):
        dm.read_local("train", "fr")


def test_topic_tsv_reads_sib200_columns_and_names_a_bad_line(tmp_path):
    path = tmp_path / "train.en.topic.tsv"
    path.write_text("index_id\tcategory\ttext\n0\ttravel\tA trip .\n1\tsports\tA match .\n")
    assert [(e.text, e.label) for e in read_topics(path, ["sports", "travel"])] == [
        ("A trip .", 1),
        ("A match .", 0),
    ]
    with pytest.raises(InputError, match=r"train.en.topic.tsv:3: category 'sports' is not one"):
        read_topics(path, ["travel"])
    path.write_text("id\ttext\n0\tx\n")
    with pytest.raises(
        InputError, match=r":1: header 'id\\ttext' lacks the column\(s\) \['category'\]"
    ):
        read_topics(path, ["travel"])


def test_sib200_entries_come_from_the_registry_for_any_of_its_languages():
    template = {"path": "Davlan/sib200", "data_dir": "{code}", "revision": "refs/convert/parquet"}
    dm = TopicDataModule(
        None,
        labels=["travel"],
        source="hub",
        train_langs=["en"],
        zero_shot_langs=["deu_Latn", "sw", "yor"],
        local_dir="unused",
        hub={"en": {"path": "my/english"}},
        hub_template=template,
    )
    assert dm.hub["en"] == {"path": "my/english"}
    assert {lang: dm.hub[lang]["data_dir"] for lang in ("deu_Latn", "sw", "yor")} == {
        "deu_Latn": "deu_Latn",
        "sw": "swh_Latn",
        "yor": "yor_Latn",
    }
    assert dm.hub["sw"]["revision"] == "refs/convert/parquet"
    # a UD-only language (Akkadian) is not in SIB-200; an unknown code is named with close ones
    dm = TopicDataModule(
        None,
        labels=["travel"],
        source="hub",
        train_langs=["en"],
        zero_shot_langs=["akk", "deutsch"],
        local_dir="unused",
        hub_template=template,
    )
    with pytest.raises(InputError, match=r"'akk' \(akk_Latn, Akkadian\) is not in SIB-200"):
        dm.check_lang("akk")
    with pytest.raises(InputError, match=r"unknown language 'deutsch'"):
        dm.check_lang("deutsch")


def test_token_accuracy_counts_labelled_positions_only():
    metric = TokenAccuracy()
    metric.update(torch.tensor([[1, 2, 3, 0]]), torch.tensor([[1, -100, 0, 0]]))
    metric.update(torch.tensor([[5]]), torch.tensor([[5]]))
    assert metric.compute().item() == pytest.approx(75.0)


def test_macro_f1_is_scikit_learns():
    from sklearn.metrics import f1_score

    gold = torch.tensor([0, 0, 1, 2, 2, 2, 4, 4])
    predicted = torch.tensor([0, 1, 1, 2, 0, 2, 4, 3])
    metric = ClassScores(6)
    metric.update(predicted[:5], gold[:5])
    metric.update(predicted[5:], gold[5:])
    expected = 100 * f1_score(gold.numpy(), predicted.numpy(), average="macro")
    assert metric.macro_f1().item() == pytest.approx(expected)
    assert metric.compute().item() == pytest.approx(100 * 5 / 8)
