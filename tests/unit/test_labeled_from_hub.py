"""labeled_from_hub: hub classification rows to task label ids (by ClassLabel name or value)."""

from __future__ import annotations

import pytest

from xlprobe.data.readers import LabeledSentence, labeled_from_hub
from xlprobe.errors import InputError

datasets = pytest.importorskip("datasets")


def three_class(labels: list[int]):
    features = datasets.Features(
        {
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["negative", "neutral", "positive"]),
        }
    )
    texts = [f"t{i}" for i in range(len(labels))]
    return datasets.Dataset.from_dict({"text": texts, "label": labels}, features=features)


def test_class_names_map_to_task_ids_and_other_classes_are_counted():
    rows = three_class([2, 1, 0, 1, 2])
    examples, dropped = labeled_from_hub(
        rows, num_labels=2, text="text", labels={"negative": 0, "positive": 1}
    )
    assert examples == [
        LabeledSentence("t0", 1),
        LabeledSentence("t2", 0),
        LabeledSentence("t4", 1),
    ]
    assert dropped == {"neutral": 2}


def test_without_a_map_ids_are_kept_and_checked():
    examples, dropped = labeled_from_hub(three_class([0, 1]), num_labels=2, text="text")
    assert [ex.label for ex in examples] == [0, 1] and dropped == {}
    with pytest.raises(InputError, match=r"label 'positive' maps to 2, not an id in \[0, 2\)"):
        labeled_from_hub(three_class([2]), num_labels=2, text="text")


def test_plain_value_labels_map_by_value():
    rows = datasets.Dataset.from_dict({"sentence": ["a", "b", "c"], "stars": [5, 3, 1]})
    examples, dropped = labeled_from_hub(rows, num_labels=2, label="stars", labels={1: 0, 5: 1})
    assert [ex.label for ex in examples] == [1, 0] and dropped == {"3": 1}


def test_a_map_to_a_missing_class_id_is_an_error():
    with pytest.raises(InputError, match=r"data\.hub\.de: label 'negative' maps to 7"):
        labeled_from_hub(
            three_class([0]), num_labels=2, text="text", labels={"negative": 7}, where="data.hub.de"
        )
