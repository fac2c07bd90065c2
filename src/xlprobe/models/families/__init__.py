"""Model families: one adapter per family, one registry.

To add a family (``docs/extending.md``): write ``models/families/<family>.py`` defining a
:class:`~xlprobe.models.families.base.ModelFamily` (name, the ``config.model_type`` values it
serves, its kind, its hook points, optionally a tiny recipe and the final norm), and call
:func:`register` with it (built-in ones are listed below). Loading, extraction, hooks, experts,
preflight and the tiny factory then know it; copy ``tests/integration/test_families.py`` for
its test (``tests/integration/test_decoder_families.py`` for what a decoder-only family adds).

A decoder-only model of a type no family serves gets the generic ``causal_lm`` family
(:mod:`xlprobe.models.families.generic`: hidden states, and hook points where its module names
are the usual ones); any other unknown type is one line naming the supported families.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlprobe.errors import InputError
from xlprobe.models.families import (
    bert,
    bloom,
    cohere,
    gemma,
    generic,
    gpt2,
    llama,
    qwen2,
    t5,
    xglm,
    xlm_roberta,
)
from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe

__all__ = [
    "HookPoint",
    "ModelFamily",
    "TinyRecipe",
    "families",
    "family",
    "family_of",
    "family_of_type",
    "register",
    "unregister",
]

_REGISTRY: dict[str, ModelFamily] = {}


def register(adapter: ModelFamily) -> ModelFamily:
    """Add a family (one of the same name is replaced).

    Raises:
        ValueError: One of its ``model_types`` belongs to another family.
    """
    taken = {t for name, f in _REGISTRY.items() if name != adapter.name for t in f.model_types}
    clash = sorted(set(adapter.model_types) & taken)
    if clash:
        raise ValueError(f"family {adapter.name!r}: model types {clash} belong to another family")
    _REGISTRY[adapter.name] = adapter
    return adapter


def unregister(name: str) -> None:
    """Remove the family ``name`` (nothing happens if it is not registered)."""
    _REGISTRY.pop(name, None)


def families() -> tuple[ModelFamily, ...]:
    """The registered families."""
    return tuple(_REGISTRY.values())


def tiny_configs() -> list[str]:
    """The ``conf/model`` options of the tiny stand-ins, ``tiny_<family>`` for every family with
    a :class:`~xlprobe.models.families.base.TinyRecipe` (for messages that suggest one)."""
    return [f"tiny_{adapter.name}" for adapter in families() if adapter.tiny is not None]


def _unknown(what: str) -> InputError:
    names = ", ".join(
        f"{f.name} ({'/'.join(f.model_types)})" for f in _REGISTRY.values() if f.model_types
    )
    return InputError(
        f"{what} is not a supported model family; supported: {names}, and any decoder-only "
        "causal LM (AutoModelForCausalLM). A new family is one file in "
        "src/xlprobe/models/families/ (see docs/extending.md)"
    )


def family(name: str) -> ModelFamily:
    """The family named ``name`` (``model.family``)."""
    if name not in _REGISTRY:
        raise _unknown(f"model.family={name!r}")
    return _REGISTRY[name]


def family_of_type(
    model_type: str, architectures: list[str] | None = None, is_encoder_decoder: bool = False
) -> ModelFamily:
    """The family serving ``config.model_type``; the generic ``causal_lm`` family for a
    decoder-only type no family names (:func:`~xlprobe.models.families.generic.is_causal_lm`,
    which also reads ``config.architectures`` and ``config.is_encoder_decoder``).

    Raises:
        InputError: Neither a served type nor a causal LM.
    """
    for adapter in _REGISTRY.values():
        if model_type in adapter.model_types:
            return adapter
    if generic.is_causal_lm(model_type, architectures, is_encoder_decoder):
        return _REGISTRY[generic.FAMILY.name]
    raise _unknown(f"model_type {model_type!r}")


def family_of(model: Any) -> ModelFamily:
    """The family of a loaded model, or of a config (object or ``config.json`` mapping)."""
    config = model if isinstance(model, Mapping) else getattr(model, "config", model)
    values = config if isinstance(config, Mapping) else vars(config)
    return family_of_type(
        str(values.get("model_type", getattr(config, "model_type", None))),
        values.get("architectures"),
        bool(values.get("is_encoder_decoder", False)),
    )


for _module in (bert, xlm_roberta, t5, bloom, llama, cohere, qwen2, gemma, gpt2, xglm, generic):
    register(_module.FAMILY)
