"""Local corpus readers, label alignment, collation and the DataModule's data checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlprobe.data.readers import (
    LabeledSentence,
    TaggedSentence,
    load_hub_split,
    read_conll,
    read_labeled,
    read_parallel,
    read_sentences,
)
from xlprobe.errors import InputError

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_parallel(tmp_path):
    src = write(tmp_path / "train.fr.txt", "le chat\nun chien\n")
    tgt = write(tmp_path / "train.en.txt", "the cat\na dog\n")
    assert read_parallel(src, tgt) == [("le chat", "the cat"), ("un chien", "a dog")]


def test_parallel_text_with_byte_order_mark_and_crlf_reads_clean(tmp_path):
    src = write(tmp_path / "train.fr.txt", "\ufeffle chat\r\nun chien\r\n")
    tgt = write(tmp_path / "train.en.txt", "the cat\na dog\r")
    assert read_parallel(src, tgt) == [("le chat", "the cat"), ("un chien", "a dog")]


@pytest.mark.parametrize("bad", ["un\rchien", "un\x00chien"])
def test_lone_carriage_return_or_nul_names_the_line(tmp_path, bad):
    """A reader splitting at the CR would see three lines against two and misalign the pair."""
    src = write(tmp_path / "train.fr.txt", f"le chat\n{bad}\n")
    with pytest.raises(InputError) as err:
        read_sentences(src)
    assert (err.value.path, err.value.line) == (str(src), 2)
    with pytest.raises(InputError, match=r"t\.tsv:2:"):
        read_labeled(write(tmp_path / "t.tsv", f"good\t1\n{bad}\t0\n"), 2)


def test_parallel_length_mismatch_names_both_files(tmp_path):
    src = write(tmp_path / "train.fr.txt", "le chat\nun chien\n")
    tgt = write(tmp_path / "train.en.txt", "the cat\n")
    with pytest.raises(InputError, match=r"2 lines but .*train\.en\.txt has 1") as err:
        read_parallel(src, tgt)
    assert err.value.path == str(src)


def test_empty_line_names_file_and_line(tmp_path):
    path = write(tmp_path / "test.de.txt", "ein Satz\n\nnoch einer\n")
    with pytest.raises(InputError) as err:
        read_sentences(path)
    assert (err.value.path, err.value.line) == (str(path), 2)
    assert str(err.value).startswith(f"{path}:2: empty line")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="file not found") as err:
        read_sentences(tmp_path / "nope.txt")
    assert err.value.path == str(tmp_path / "nope.txt")


def test_invalid_utf8_names_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok\nbad \xff byte\n")
    with pytest.raises(InputError, match="UTF-8") as err:
        read_sentences(path)
    assert err.value.line == 2


def test_read_conll_sentences_and_separators(tmp_path):
    path = write(tmp_path / "train.en.conll", "Anna\tB-PER\nsleeps\tO\n\n\nin\tO\nParis B-LOC\n")
    assert read_conll(path, TAGS) == [
        TaggedSentence(["Anna", "sleeps"], ["B-PER", "O"]),
        TaggedSentence(["in", "Paris"], ["O", "B-LOC"]),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Anna\tB-PER\nsleeps\n", 2, "expected 'word<TAB>tag'"),
        ("Anna\tB-PER\n\nBerlin\tB-CITY\n", 3, "unknown tag 'B-CITY'"),
        ("a\tb\tc\n", 1, "expected 'word<TAB>tag'"),
    ],
)
def test_malformed_conll_names_line(tmp_path, text, line, message):
    path = write(tmp_path / "dev.en.conll", text)
    with pytest.raises(InputError, match=message) as err:
        read_conll(path, TAGS)
    assert (err.value.path, err.value.line) == (str(path), line)


def test_read_labeled(tmp_path):
    path = write(tmp_path / "train.en.tsv", "a fine film\t1\n\na dull one\t0\n")
    assert read_labeled(path, 2) == [
        LabeledSentence("a fine film", 1),
        LabeledSentence("a dull one", 0),
    ]


@pytest.mark.parametrize(
    ("text", "line"), [("good\t1\nbad\tneg\n", 2), ("good\t2\n", 1), ("no label here\n", 1)]
)
def test_malformed_tsv_names_line(tmp_path, text, line):
    path = write(tmp_path / "train.en.tsv", text)
    with pytest.raises(InputError) as err:
        read_labeled(path, 2)
    assert (err.value.path, err.value.line) == (str(path), line)


def test_unreachable_hub_dataset_says_how_to_run_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(InputError, match=r"cannot load hub dataset .*data\.source=local"):
        load_hub_split({"path": "xlprobe-test/no-such-dataset", "name": "x"}, "train")


def test_first_subword_labels():
    from xlprobe.data.tagging import first_subword_labels

    # [CLS] An ##na sleeps [SEP]: words 0, 0, 1
    assert first_subword_labels([None, 0, 0, 1, None], [1, 0]) == [-100, 1, -100, 0, -100]
    # a word split into three pieces keeps its tag on the first only
    assert first_subword_labels([0, 0, 0], [3]) == [3, -100, -100]


def test_pad_collate():
    torch = pytest.importorskip("torch")
    from xlprobe.data.collate import pad_collate

    batch = pad_collate(
        [
            {"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1], "labels": [8], "target": "a"},
            {"input_ids": [5], "attention_mask": [1], "labels": [8, 9], "target": "b"},
        ],
        pad_token_id=0,
    )
    assert batch["input_ids"].tolist() == [[5, 6, 7], [5, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[8, -100], [8, 9]]
    assert batch["target"] == ["a", "b"]
    scalar = pad_collate([{"input_ids": [1], "labels": 1}, {"input_ids": [2], "labels": 0}], 0)
    assert torch.equal(scalar["labels"], torch.tensor([1, 0]))


def make_datamodule(kind: str, local_dir: Path, **kwargs):
    from xlprobe.data.classification import ClassificationDataModule
    from xlprobe.data.translation import TranslationDataModule

    if kind == "mt":
        return TranslationDataModule(None, source="local", local_dir=local_dir, **kwargs)
    return ClassificationDataModule(
        None, num_labels=2, source="local", local_dir=local_dir, **kwargs
    )


def test_missing_split_for_zero_shot_language_is_reported_before_training(tmp_path):
    for split in ("train", "validation", "test"):
        for lang in ("fr", "en"):
            write(tmp_path / f"{split}.{lang}.txt", "x\n")
    write(tmp_path / "validation.de.txt", "x\n")
    dm = make_datamodule("mt", tmp_path, train_langs=["fr-en"], zero_shot_langs=["de-en"])
    with pytest.raises(InputError, match="no test data for language 'de-en'") as err:
        dm.prepare_data()
    assert err.value.path == str(tmp_path / "test.de.txt")


def test_empty_split_is_an_error(tmp_path):
    for split in ("train", "validation", "test"):
        write(tmp_path / f"{split}.en.tsv", "good\t1\n")
    write(tmp_path / "validation.en.tsv", "\n")
    dm = make_datamodule("sst2", tmp_path, train_langs=["en"])
    dm.prepare_data()
    with pytest.raises(InputError, match="no validation data for language 'en'"):
        dm.setup("fit")


@pytest.mark.parametrize(
    ("kind", "lang", "message"),
    [("mt", "fr", "expected 'src-tgt'"), ("sst2", "fr-en", "takes single languages")],
)
def test_language_of_the_wrong_kind(tmp_path, kind, lang, message):
    dm = make_datamodule(kind, tmp_path, train_langs=[lang])
    with pytest.raises(InputError, match=message):
        dm.prepare_data()


def test_hub_language_without_dataset_lists_the_available_ones(tmp_path):
    from xlprobe.data.classification import ClassificationDataModule

    dm = ClassificationDataModule(
        None,
        num_labels=2,
        source="hub",
        local_dir=tmp_path,
        hub={"en": {"path": "stanfordnlp/sst2"}},
        train_langs=["de"],
    )
    with pytest.raises(InputError, match=r"names a dataset for en only.*data\.source=local"):
        dm.setup("fit")
