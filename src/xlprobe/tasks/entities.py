"""Entity-level scoring of BIO tag sequences (seqeval / conlleval default mode).

The NER metric of the fine-tuning task: an entity is a maximal chunk ``(type, start, end)``; a
predicted entity counts only if type and both boundaries match a gold entity exactly.
"""

from __future__ import annotations

from collections.abc import Sequence


def _split_tag(tag: str) -> tuple[str, str]:
    if tag == "O" or "-" not in tag:
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return prefix, kind


def extract_entities(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """The entities of a BIO sequence, as ``(type, start, end)`` with ``end`` exclusive.

    As in conlleval, an ``I-X`` that does not continue an ``X`` chunk (after ``O`` or another
    type) starts a new entity, and ``B-X`` always starts one.

    Example:
        ``["B-PER", "I-PER", "O", "I-LOC"]`` -> ``{("PER", 0, 2), ("LOC", 3, 4)}``
    """
    entities = set()
    start, kind = None, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, tag_kind = _split_tag(tag)
        continues = prefix == "I" and start is not None and tag_kind == kind
        if start is not None and not continues:
            entities.add((kind, start, i))
            start = None
        if prefix in ("B", "I") and not continues:
            start, kind = i, tag_kind
    return entities


def entity_counts(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> tuple[int, int, int]:
    """Count (true positives, predicted entities, gold entities) over sentences.

    Args:
        gold: Per sentence, the gold tags.
        predicted: Per sentence, the predicted tags (same lengths as ``gold``).
    """
    tp = n_pred = n_gold = 0
    for gold_tags, pred_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"{len(gold_tags)} gold tags but {len(pred_tags)} predicted")
        g, p = extract_entities(gold_tags), extract_entities(pred_tags)
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    return tp, n_pred, n_gold


def f1_score(tp: int, n_pred: int, n_gold: int) -> float:
    """Entity F1 = 2PR / (P + R), P = tp / n_pred, R = tp / n_gold; 0.0 when undefined."""
    if tp == 0:
        return 0.0
    precision, recall = tp / n_pred, tp / n_gold
    return 2 * precision * recall / (precision + recall)
