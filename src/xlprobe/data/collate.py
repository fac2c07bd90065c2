"""Batch collation: pad token-id lists into tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

IGNORE_INDEX = -100
"""Label id that the loss ignores (subwords after the first, padding)."""


def pad_ids(rows: Sequence[Sequence[int]], value: int, side: str = "right") -> Any:
    """Pad lists of ids to the longest with ``value`` on the ``right`` or ``left`` (a
    decoder-only model generates from left-padded prompts, so every prompt ends at the last
    position).

    Returns:
        [B x T] int64 tensor, T the longest row's length.
    """
    import torch

    if side not in ("left", "right"):
        raise ValueError(f"padding side {side!r}; expected 'left' or 'right'")
    width = max((len(row) for row in rows), default=0)
    padded = [
        [*row, *[value] * (width - len(row))]
        if side == "right"
        else [*[value] * (width - len(row)), *row]
        for row in rows
    ]
    return torch.tensor(padded, dtype=torch.long)


def pad_collate(features: Sequence[dict[str, Any]], pad_token_id: int) -> dict[str, Any]:
    """Pad a list of encoded examples into a batch.

    ``input_ids`` are padded with ``pad_token_id``, ``attention_mask`` with 0, list-valued
    ``labels`` with :data:`IGNORE_INDEX` (integer ``labels`` become a [B] tensor). Any other key
    (reference strings, a decoder-only model's ``prompt_ids``) is passed through as a list.

    Returns:
        ``input_ids`` and ``attention_mask`` [B x T] int64, ``labels`` [B x T'] or [B], extras.
    """
    import torch

    pad_values = {"input_ids": pad_token_id, "attention_mask": 0, "labels": IGNORE_INDEX}
    batch: dict[str, Any] = {}
    for key in features[0]:
        values = [f[key] for f in features]
        if key in pad_values and isinstance(values[0], list):
            batch[key] = pad_ids(values, pad_values[key])
        elif key == "labels":
            batch[key] = torch.tensor(values, dtype=torch.long)
        else:
            batch[key] = values
    return batch
