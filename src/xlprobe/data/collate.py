"""Batch collation: pad token-id lists into tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

IGNORE_INDEX = -100
"""Label id that the loss ignores (subwords after the first, padding)."""


def pad_collate(features: Sequence[dict[str, Any]], pad_token_id: int) -> dict[str, Any]:
    """Pad a list of encoded examples into a batch.

    ``input_ids`` are padded with ``pad_token_id``, ``attention_mask`` with 0, list-valued
    ``labels`` with :data:`IGNORE_INDEX` (integer ``labels`` become a [B] tensor). Any other key
    (e.g. reference strings) is passed through as a list.

    Returns:
        ``input_ids`` and ``attention_mask`` [B x T] int64, ``labels`` [B x T'] or [B], extras.
    """
    import torch

    pad_values = {"input_ids": pad_token_id, "attention_mask": 0, "labels": IGNORE_INDEX}
    batch: dict[str, Any] = {}
    for key in features[0]:
        values = [f[key] for f in features]
        if key in pad_values and isinstance(values[0], list):
            width = max(len(v) for v in values)
            rows = [v + [pad_values[key]] * (width - len(v)) for v in values]
            batch[key] = torch.tensor(rows, dtype=torch.long)
        elif key == "labels":
            batch[key] = torch.tensor(values, dtype=torch.long)
        else:
            batch[key] = values
    return batch
