"""LoRA adapters (Hu et al., ICLR 2022, "LoRA: Low-Rank Adaptation of Large Language Models")
on a loaded model, through ``peft``: ``model.lora`` in the model config.

A LoRA layer replaces a frozen linear map ``W x`` [D_out x D_in] by
``W x + (alpha / r) * B (A dropout(x))`` with ``A`` [r x D_in] (random) and ``B`` [D_out x r]
(zeros, so the adapted model starts as the base model); only ``A`` and ``B`` train. The
adapters are injected **in place** (:func:`peft.inject_adapter_in_model`): the model keeps its
own class and module names, so everything that reads a model (the family adapter,
``family_of``, hidden states, hooks, ``generate``) sees the adapted model as it is, and the
probe callback probes the adapted model at each epoch without unwrapping anything. Its state
dict holds the frozen weights under ``<module>.base_layer.*`` and the adapters under
``<module>.lora_A.default.*`` / ``lora_B.default.*``: a Lightning checkpoint of such a model
loads into a model built with the same ``model.lora`` (``probe.py ckpt=... model.lora=...``);
:func:`check_lora_state` makes a mismatch one line naming the option.

Which modules get adapters: ``model.lora.target_modules``, else the family adapter's
:attr:`~xlprobe.models.families.base.ModelFamily.lora_targets` (the attention and MLP
projections), else every linear layer but the output layer (peft's ``all-linear``). A
classification head (``classifier``, ``score``), new and randomly initialised, trains in full
beside the adapters. Adapter weights are kept in float32 when the model is in bfloat16 or
float16, so the optimizer updates them at full precision: a bfloat16 base (``model.dtype``)
trains its float32 adapters with or without ``trainer.precision=bf16-mixed``, whose autocast
Lightning runs on a CPU as on a GPU (checked on the tiny Llama: float32 adapter gradients,
the loss within 1e-4 of float32's).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from xlprobe.errors import InputError
from xlprobe.options import Options, option

log = logging.getLogger(__name__)

HEAD_MODULES = ("classifier", "score")
"""Names of the classification heads ``transformers`` adds (``*ForTokenClassification``,
``*ForSequenceClassification``): new weights that train in full under LoRA."""
ALL_LINEAR = "all-linear"
"""peft's target for every linear layer except the output layer."""


@dataclass(frozen=True)
class LoraSettings(Options):
    """``model.lora``: rank, scale, dropout and target modules of the LoRA adapters.

    Attributes:
        r: Rank of ``A`` and ``B``.
        alpha: Scale numerator: the update is ``(alpha / r) * B A x``.
        dropout: Dropout on the adapter's input (training only).
        target_modules: Module names (the last part, ``q_proj``; or peft's ``all-linear``) that
            get adapters; ``None``: the family adapter's ``lora_targets``.
    """

    prefix: ClassVar[str] = "model.lora"

    r: int = option(16, low=1)
    alpha: float = option(32.0, low=0, low_open=True)
    dropout: float = option(0.05, low=0, high=1, high_open=True)
    target_modules: tuple[str, ...] | None = None


def lora_targets(model: Any) -> tuple[str, ...] | None:
    """The module names a model's family adapts by default
    (:attr:`~xlprobe.models.families.base.ModelFamily.lora_targets`); ``None`` when no family
    serves the model or the family names none (then every linear layer is adapted)."""
    from xlprobe.models.families import family_of

    try:
        return family_of(model).lora_targets
    except InputError:
        return None


def apply_lora(
    model: Any, settings: LoraSettings, *, train_head: bool = False, seed: int = 0
) -> Any:
    """Inject LoRA adapters into ``model`` in place and freeze everything else.

    ``A`` is drawn (peft's Kaiming-uniform) under ``torch.manual_seed(seed)`` in a forked RNG,
    so the adapted model depends on ``seed`` alone, not on what drew from the global RNG
    before: two loads of one ``model`` config are the same model (``B`` is zero, so the
    outputs agree either way, but the gradients of ``B``, ``dL/dB = dL/dh (A x)^T``, do not).

    Args:
        model: A loaded ``transformers`` model (any head).
        settings: Rank, scale, dropout and targets (:class:`LoraSettings`).
        train_head: Train the classification head (``classifier`` / ``score`` modules) in
            full: true for a head the model was loaded with fresh weights.
        seed: Seed of the adapters' initialisation.

    Returns:
        ``model`` itself, with adapters; its trainable parameters are the adapters (and the
        head).

    Raises:
        InputError: No module matches the targets.
    """
    import peft
    import torch

    targets = settings.target_modules or lora_targets(model)
    names: list[str] | str = ALL_LINEAR if targets in (None, (ALL_LINEAR,)) else list(targets)
    config = peft.LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=names,
    )
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            peft.inject_adapter_in_model(config, model)
    except ValueError as err:
        raise InputError(
            f"model.lora.target_modules={names}: {str(err).splitlines()[0]} (name modules of "
            f"{type(model).__name__}, e.g. q_proj, or null for the family's default)"
        ) from None
    if train_head:
        for name, module in model.named_modules():
            if name.rsplit(".", 1)[-1] in HEAD_MODULES:
                module.requires_grad_(True)
    for param in model.parameters():
        if param.requires_grad and param.dtype in (torch.float16, torch.bfloat16):
            param.data = param.data.float()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    log.info(
        "LoRA r=%d alpha=%g on %s: %d of %d parameters train (%.2f%%)",
        settings.r,
        settings.alpha,
        names,
        trainable,
        total,
        100.0 * trainable / max(1, total),
    )
    return model


def lora_rank(state: Mapping[str, Any]) -> int | None:
    """The rank of the LoRA adapters in a state dict (the rows of its first ``lora_A`` weight,
    [r x D_in]), or ``None`` when it holds none."""
    for key, value in state.items():
        if ".lora_A." in key and key.endswith(".weight"):
            return int(value.shape[0])
    return None


def check_lora_state(state: Mapping[str, Any], rank: int | None, path: Any = None) -> None:
    """Raise one InputError line when a checkpoint's weights (``state``) and the model they
    load into disagree on LoRA: adapters in one and not the other, or of another rank.

    Args:
        state: The checkpoint's model weights, keyed as in ``model.state_dict()``.
        rank: The rank of the adapters the model is built with (``model.lora.r``); ``None``:
            no adapters (``model.lora=null``).
        path: The checkpoint, named in the message.
    """
    saved, built = lora_rank(state), rank
    if saved == built:
        return
    if built is None:
        fix = f"holds LoRA adapters of rank {saved}: load it with the run's model.lora (e.g. "
        fix += f"model.lora={{r:{saved}}}, alpha and targets as in the run's .hydra/config.yaml)"
    elif saved is None:
        fix = "holds no LoRA adapters (full fine-tuning): load it with model.lora=null"
    else:
        fix = f"holds LoRA adapters of rank {saved}, not {built}: set model.lora.r={saved}"
    raise InputError(f"the checkpoint {fix}", path=path)
