"""Entity extraction and entity-level F1 (seqeval default mode), hand-computed cases."""

from __future__ import annotations

import pytest

from xlprobe.tasks.entities import entity_counts, extract_entities, f1_score


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["O", "O"], set()),
        (["B-PER", "I-PER", "O"], {("PER", 0, 2)}),
        # an entity running to the end of the sentence is closed
        (["O", "B-LOC", "I-LOC"], {("LOC", 1, 3)}),
        # B- always starts a new entity, even right after one of the same type
        (["B-PER", "B-PER"], {("PER", 0, 1), ("PER", 1, 2)}),
        # I- without a preceding chunk of its type starts one (conlleval)
        (["O", "I-ORG", "I-ORG"], {("ORG", 1, 3)}),
        # a type change inside I- tags splits the chunk
        (["B-PER", "I-LOC"], {("PER", 0, 1), ("LOC", 1, 2)}),
        (["B-PER", "I-PER", "O", "I-LOC"], {("PER", 0, 2), ("LOC", 3, 4)}),
        ([], set()),
    ],
)
def test_extract_entities(tags, expected):
    assert extract_entities(tags) == expected


def test_counts_and_f1_hand_computed():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    predicted = [["B-PER", "I-PER", "O", "O"], ["B-ORG", "B-LOC"]]
    # gold: PER(0,2), LOC(3,4), ORG(0,1) = 3; predicted: PER(0,2), ORG(0,1), LOC(1,2) = 3
    # matches: PER, ORG = 2 -> P = 2/3, R = 2/3, F1 = 2/3
    assert entity_counts(gold, predicted) == (2, 3, 3)
    assert f1_score(2, 3, 3) == pytest.approx(2 / 3)


def test_boundary_mismatch_is_not_a_match():
    # predicted PER(0,1) vs gold PER(0,2): same type, wrong end -> no credit
    assert entity_counts([["B-PER", "I-PER"]], [["B-PER", "O"]]) == (0, 1, 1)


def test_f1_is_zero_without_entities_or_matches():
    assert f1_score(0, 0, 0) == 0.0
    assert f1_score(0, 4, 2) == 0.0
    # P = 1/2, R = 1/1 -> F1 = 2 * 0.5 / 1.5
    assert f1_score(1, 2, 1) == pytest.approx(2 / 3)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="2 gold tags but 1 predicted"):
        entity_counts([["O", "O"]], [["O"]])


def test_entity_f1_metric_scores_first_subwords_only():
    torch = pytest.importorskip("torch")
    from xlprobe.tasks.tagging import EntityF1

    labels = ["O", "B-PER", "I-PER"]
    metric = EntityF1(labels)
    # row 1: gold B-PER I-PER at the labeled positions; a -100 position predicted I-PER is ignored
    targets = torch.tensor([[-100, 1, -100, 2, 0], [-100, 0, 1, -100, -100]])
    predictions = torch.tensor([[0, 1, 2, 2, 0], [0, 0, 0, 0, 0]])
    metric.update(predictions, targets)
    # gold: PER(0,2) in row 1, PER(1,2) in row 2; predicted: PER(0,2) in row 1 -> P 1, R 1/2
    assert float(metric.compute()) == pytest.approx(100 * 2 / 3)
