"""The random-weights control: the same architecture with freshly initialised weights.

Probing a model whose weights were never trained gives the floor that pretraining and
fine-tuning start from (NeuroX offers the same control): what CALIGN and COLAP reach from the
tokenizer, the architecture and the corpus alone.
"""

from __future__ import annotations

from typing import Any


def random_weights(model: Any, seed: int) -> Any:
    """A new model of ``model``'s class and config with freshly initialised weights.

    Built like ``AutoModel.from_config(model.config)`` (the class's own ``_init_weights``,
    e.g. normal(0, initializer_range) for BERT), under ``torch.manual_seed(seed)`` inside a
    forked RNG, so the weights depend on ``seed`` only and the global RNG is left as it was.

    Args:
        model: A loaded Hugging Face model (its weights are not used).
        seed: Seed of the initialisation.

    Returns:
        The new model, in eval mode, on ``model``'s device and dtype.
    """
    import torch

    parameter = next(model.parameters())
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        fresh = type(model)(model.config)
    return fresh.to(device=parameter.device, dtype=parameter.dtype).eval()
