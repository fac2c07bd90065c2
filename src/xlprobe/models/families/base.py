"""What xlprobe knows about a family of Hugging Face models: the :class:`ModelFamily` adapter.

An adapter answers every model-specific question the rest of the code asks, so that no other
module branches on an architecture: which ``config.model_type`` values it serves, its kind
(encoder, encoder-decoder, decoder-only) and so its sides, its layer count, the forward pass
that returns the hidden states of one side, its hook points (FFN units, attention outputs),
whether it generates, and how its tiny stand-in is built for tests and demos.

The forward passes of the three kinds live here; a family module only declares names and
numbers (see ``bert.py``, ``t5.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from xlprobe.errors import InputError

if TYPE_CHECKING:
    import torch

Kind = Literal["encoder", "encoder-decoder", "decoder"]
Read = Literal["output", "input"]
LAYER_KEYS = ("num_hidden_layers", "num_layers", "n_layer")
"""Config keys holding the layer count (of the encoder, for an encoder-decoder)."""


@dataclass(frozen=True)
class HookPoint:
    """A per-layer family of modules.

    Attributes:
        pattern: Regular expression searched in module names; group 1 is the 0-based layer
            (block) index.
        read: ``output`` (forward hook) or ``input`` (forward pre-hook on the first positional
            argument).
    """

    pattern: str
    read: Read = "output"

    def __post_init__(self) -> None:
        if self.read not in ("output", "input"):
            raise InputError(f"hook point read={self.read!r}; expected 'output' or 'input'")
        if re.compile(self.pattern).groups < 1:
            raise InputError(f"hook point pattern {self.pattern!r} needs a layer-index group")


@dataclass(frozen=True)
class TinyRecipe:
    """How a family's tiny stand-in is built (:func:`xlprobe.models.factory.build_tiny_model`).

    Attributes:
        tokenizer: ``wordpiece`` (cased, BERT-style) or ``metaspace-bpe`` (``▁`` word prefix,
            SentencePiece-style).
        special: Special tokens by role (``pad_token``, ``unk_token``, ...), in vocabulary order.
        single: Post-processing template of one sequence (e.g. ``[CLS] $A [SEP]``).
        pair: Template of a pair.
        config: ``(tokenizer, hidden_size, num_layers, num_heads) -> PretrainedConfig``.
        model_class: The class the tiny model is (saved with its head): a ``transformers``
            class name, or the class itself.
    """

    tokenizer: Literal["wordpiece", "metaspace-bpe"]
    special: Mapping[str, str]
    single: str
    pair: str
    config: Callable[..., Any]
    model_class: str | type


@dataclass(frozen=True)
class ModelFamily:
    """One family of models (see the module docstring).

    Attributes:
        name: The family's name, as ``model.family`` and the tiny configs spell it (``bert``).
        model_types: The ``config.model_type`` values it serves.
        kind: ``encoder``, ``encoder-decoder`` or ``decoder``.
        hook_points: Hook point name -> :class:`HookPoint` (``ffn``: the FFN units whose
            activations expert neurons are; ``ffn_out``, ``attention_out``, ...).
        tiny: How its tiny stand-in is built, or ``None``.
    """

    name: str
    model_types: tuple[str, ...]
    kind: Kind
    hook_points: Mapping[str, HookPoint] = field(default_factory=dict)
    tiny: TinyRecipe | None = None

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides views can be taken from: ``encoder`` (an encoder, or the encoder of an
        encoder-decoder), ``decoder`` (the decoder of an encoder-decoder, teacher-forced, or the
        one stack of a decoder-only model)."""
        return {"encoder": ("encoder",), "decoder": ("decoder",)}.get(
            self.kind, ("encoder", "decoder")
        )

    @property
    def generates(self) -> bool:
        """Whether it can generate text (a translation task needs this)."""
        return self.kind != "encoder"

    def num_layers(self, config: Mapping[str, Any] | Any) -> int | None:
        """Layers of the (encoder) stack from a config (object or ``config.json`` dict)."""
        values = config if isinstance(config, Mapping) else config.to_dict()
        return next((int(values[key]) for key in LAYER_KEYS if key in values), None)

    def hook_point(self, name: str) -> HookPoint:
        """The hook point ``name``.

        Raises:
            InputError: The family defines no such point (naming the ones it has).
        """
        if name not in self.hook_points:
            raise InputError(
                f"hook point {name!r} is not defined for the {self.name} family; known: "
                f"{sorted(self.hook_points)}"
            )
        return self.hook_points[name]

    def stack(self, model: Any) -> Any:
        """The module that reads the input sentence alone: the encoder of an encoder-decoder,
        else the model."""
        return model.get_encoder() if self.kind == "encoder-decoder" else model

    @property
    def input_side(self) -> str:
        """The side whose views read the sentence alone (:meth:`stack`)."""
        return "decoder" if self.kind == "decoder" else "encoder"

    def hidden_states(
        self,
        model: Any,
        tokenizer: Any,
        side: str,
        words: list[list[str]],
        source_words: list[list[str]] | None,
        device: Any,
    ) -> tuple[tuple[torch.Tensor, ...], list[list[int | None]]]:
        """The hidden states (L+1 tensors [B x T x D], layer 0 = embeddings) of one side of a
        batch of pre-split sentences, and the word id of every position (``None``: no word).

        The :attr:`input_side` runs the sentence through :meth:`stack` (the encoder, or the
        one stack of a decoder-only model). The ``decoder`` side of an encoder-decoder is
        teacher forcing: the encoder reads ``source_words``, decoder position t+1 is fed target
        subword t (position 0 the decoder start token), so position t+1 holds the state that has
        read subword t.
        """
        encoded = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
        word_ids = [encoded.word_ids(b) for b in range(len(words))]
        input_ids = encoded["input_ids"].to(device)
        mask = encoded["attention_mask"].to(device)
        if side == self.input_side:
            out = self.stack(model)(
                input_ids=input_ids,
                attention_mask=mask,
                output_hidden_states=True,
                return_dict=True,
            )
            return out.hidden_states, word_ids
        if side != "decoder" or self.kind != "encoder-decoder":
            raise InputError(
                f"side={side!r} is not a side of the {self.name} family (it has "
                f"{', '.join(self.sides)})"
            )
        source = tokenizer(
            source_words, is_split_into_words=True, padding=True, return_tensors="pt"
        )
        source_mask = source["attention_mask"].to(device)
        encoder_out = model.get_encoder()(
            input_ids=source["input_ids"].to(device), attention_mask=source_mask, return_dict=True
        )
        decoder_ids = input_ids.new_full(input_ids.shape, model.config.pad_token_id)
        decoder_ids[:, 0] = model.config.decoder_start_token_id
        decoder_ids[:, 1:] = input_ids[:, :-1]
        decoder_mask = mask.new_ones(mask.shape)
        decoder_mask[:, 1:] = mask[:, :-1]
        out = model.get_decoder()(
            input_ids=decoder_ids,
            attention_mask=decoder_mask,
            encoder_hidden_states=encoder_out.last_hidden_state,
            encoder_attention_mask=source_mask,
            output_hidden_states=True,
            use_cache=False,
            return_dict=True,
        )
        return out.hidden_states, [[None, *ids[:-1]] for ids in word_ids]
