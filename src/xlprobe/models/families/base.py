"""What xlprobe knows about a family of Hugging Face models: the :class:`ModelFamily` adapter.

An adapter answers every model-specific question the rest of the code asks, so that no other
module branches on an architecture: which ``config.model_type`` values it serves, its kind
(encoder, encoder-decoder, decoder-only) and so its sides, its layer count, the ``AutoModel*``
class of each head, how pre-split words are tokenized and padded, the forward pass that returns
the hidden states of one side, its hook points (FFN units, attention outputs), whether it
generates, and how its tiny stand-in is built for tests and demos.

The forward passes of the three kinds live here; a family module only declares names and
numbers (see ``bert.py``, ``t5.py``, ``llama.py``).

Words of a decoder-only model (:meth:`ModelFamily.tokenize_words`): a pre-split word is
tokenized as it reads after a space in running text. Byte-level BPE tokenizers (GPT-2, BLOOM,
Llama 3, Qwen, Cohere) and SentencePiece tokenizers without a dummy prefix (Gemma) see each
pre-split word alone, so without help "Datei" would be tokenized as if glued to the previous
word ("D" + "atei" instead of "ĠDatei"); every word, the first included, is given its leading
space, so one word type has one tokenization wherever it stands. Tokenizers that mark word
starts themselves (SentencePiece with a ``▁`` prefix: Llama 2, XGLM) give the same pieces
either way; a normalizer that prepends ``▁`` itself (legacy Llama 2 conversions) gets no space.
Special tokens (BOS/EOS) are added as the tokenizer adds them and belong to no word.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from xlprobe.errors import InputError

if TYPE_CHECKING:
    import torch

Kind = Literal["encoder", "encoder-decoder", "decoder"]
Read = Literal["output", "input"]
LAYER_KEYS = ("num_hidden_layers", "num_layers", "n_layer")
"""Config keys holding the layer count (of the encoder, for an encoder-decoder); multimodal
configs hold it in ``text_config``."""
AUTO_CLASSES: Mapping[str, str] = {
    "base": "AutoModel",
    "seq2seq": "AutoModelForSeq2SeqLM",
    "causal_lm": "AutoModelForCausalLM",
    "token_classification": "AutoModelForTokenClassification",
    "sequence_classification": "AutoModelForSequenceClassification",
}
"""The ``AutoModel*`` class of each model head (:func:`xlprobe.models.load_model`)."""
DECODER_AUTO_CLASSES: Mapping[str, str] = {
    **AUTO_CLASSES,
    "base": "AutoModelForCausalLM",
    "seq2seq": "AutoModelForCausalLM",
}
"""A decoder-only model keeps its LM head as its base (the unembedding, the logit lens) and
generates through it (``seq2seq``: the task that generates text)."""


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
        tokenizer: ``wordpiece`` (cased, BERT-style), ``metaspace-bpe`` (``▁`` word prefix,
            SentencePiece-style), ``bytelevel-bpe`` (GPT-2-style: every byte is a symbol, words
            carry their leading space ``Ġ``, no unknown token) or ``bytefallback-bpe``
            (SentencePiece BPE as Llama 2 and Gemma have it: ``▁`` word prefix, and a character
            outside the vocabulary falls back to its UTF-8 bytes ``<0x00>``..``<0xFF>``, ids
            right after the special tokens).
        special: Special tokens by role (``pad_token``, ``unk_token``, ...), in vocabulary order.
        single: Post-processing template of one sequence (e.g. ``[CLS] $A [SEP]``).
        pair: Template of a pair.
        config: ``(tokenizer, hidden_size, num_layers, num_heads) -> PretrainedConfig``.
        model_class: The class the tiny model is (saved with its head): a ``transformers``
            class name, or the class itself.
        split_pattern: ``bytelevel-bpe`` only: the regular expression that splits text before
            the byte-level step (Llama 3 and Qwen2 have their own); ``None``: GPT-2's.
    """

    tokenizer: Literal["wordpiece", "metaspace-bpe", "bytelevel-bpe", "bytefallback-bpe"]
    special: Mapping[str, str]
    single: str
    pair: str
    config: Callable[..., Any]
    model_class: str | type
    split_pattern: str | None = None


@dataclass(frozen=True)
class WordBatch:
    """Pre-split sentences tokenized and padded for one forward pass.

    Attributes:
        input_ids: [B x T] token ids; padding positions hold the pad id.
        attention_mask: [B x T] 1 on tokens, 0 on padding.
        position_ids: [B x T] position of each token counted from its sentence's first token
            (``cumsum(mask) - 1``, 1 on padding, as ``generate`` counts them), so a left-padded
            sentence sees the positions it sees alone.
        word_ids: Per sentence, the word of every position (``None``: special token or padding).
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    position_ids: torch.Tensor
    word_ids: list[list[int | None]]


def pad_batch(
    ids: Sequence[Sequence[int]],
    word_ids: Sequence[Sequence[int | None]],
    *,
    pad_id: int,
    side: str = "right",
) -> WordBatch:
    """Pad tokenized sentences to one length on the ``left`` or ``right``.

    Args:
        ids: Token ids per sentence.
        word_ids: Word of every token per sentence, aligned with ``ids``.
        pad_id: Id written into padding positions (masked out, so any id works).
        side: ``right`` or ``left`` (the tokenizer's ``padding_side``).
    """
    import torch

    if side not in ("left", "right"):
        raise InputError(f"padding side {side!r}; expected 'left' or 'right'")
    width = max((len(row) for row in ids), default=0)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    padded_words: list[list[int | None]] = []
    for b, (row, words) in enumerate(zip(ids, word_ids, strict=True)):
        pad = width - len(row)
        span = slice(pad, width) if side == "left" else slice(0, len(row))
        input_ids[b, span] = torch.as_tensor(list(row), dtype=torch.long)
        mask[b, span] = 1
        filler: list[int | None] = [None] * pad
        padded_words.append([*filler, *words] if side == "left" else [*words, *filler])
    positions = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    return WordBatch(input_ids, mask, positions, padded_words)


def _json_types(component: Any) -> set[str]:
    """The ``type`` of a ``tokenizers`` component and of everything nested in it."""
    if component is None:
        return set()
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "type" in node:
                found.add(str(node["type"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(component.__getstate__()))
    return found


def word_prefix(tokenizer: Any) -> str:
    """What a pre-split word is given so that it is tokenized as after a space in running text:
    ``" "``, or ``""`` when the tokenizer's normalizer prepends the ``▁`` word marker itself
    (see the module docstring)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return " "
    return "" if "Prepend" in _json_types(backend.normalizer) else " "


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
        final_norm: Regular expression naming the norm applied to the last layer's residual
            stream before the unembedding (decoder-only: ``model.norm``, ``transformer.ln_f``,
            ...); ``None``: none named. A logit lens applies it to earlier layers.
        logit_scaling: What the model's forward does to the head's logits, ``(config, logits)
            -> logits`` (Cohere's ``logit_scale``, Gemma 2/3's soft cap); ``None``: nothing.
        lora_targets: The modules LoRA adapts by default (:mod:`xlprobe.models.lora`): the
            last part of their names, the attention and MLP projections of every block
            (``q_proj``, ..., ``down_proj``); ``None``: every linear layer but the output layer.
    """

    name: str
    model_types: tuple[str, ...]
    kind: Kind
    hook_points: Mapping[str, HookPoint] = field(default_factory=dict)
    tiny: TinyRecipe | None = None
    final_norm: str | None = None
    logit_scaling: Callable[[Any, Any], Any] | None = None
    lora_targets: tuple[str, ...] | None = None

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
        """Layers of the (encoder) stack from a config (object or ``config.json`` dict; a
        multimodal config's ``text_config``)."""
        values = config if isinstance(config, Mapping) else config.to_dict()
        found = next((int(values[key]) for key in LAYER_KEYS if key in values), None)
        text = values.get("text_config")
        if found is None and isinstance(text, Mapping):
            return self.num_layers(text)
        return found

    def auto_class(self, head: str) -> str:
        """The ``transformers`` auto class that loads a model of this family with ``head``
        (a decoder-only model keeps its LM head, :data:`DECODER_AUTO_CLASSES`)."""
        classes = DECODER_AUTO_CLASSES if self.kind == "decoder" else AUTO_CLASSES
        if head not in classes:
            raise InputError(f"unknown model head {head!r}; expected one of {', '.join(classes)}")
        return classes[head]

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
        the transformer under the LM head of a decoder-only model (no logits computed), else
        the model."""
        if self.kind == "encoder-decoder":
            return model.get_encoder()
        if self.kind == "decoder":
            return getattr(model, "base_model", model)
        return model

    @property
    def input_side(self) -> str:
        """The side whose views read the sentence alone (:meth:`stack`)."""
        return "decoder" if self.kind == "decoder" else "encoder"

    def prepare(self, model: Any, tokenizer: Any) -> None:
        """Make a freshly loaded model and tokenizer ready for batches: a decoder-only
        tokenizer without a pad token (GPT-2, Llama) gets its EOS (else UNK, else BOS) as pad
        token, and the model's config the same ``pad_token_id`` (sequence classification finds
        the last token by it). Padding is masked, so no vector changes."""
        if self.kind != "decoder" or tokenizer.pad_token is not None:
            return
        for role in ("eos_token", "unk_token", "bos_token"):
            token = getattr(tokenizer, role, None)
            if token is not None:
                tokenizer.pad_token = token
                break
        if getattr(model.config, "pad_token_id", None) is None:
            model.config.pad_token_id = tokenizer.pad_token_id

    def tokenize_words(
        self, tokenizer: Any, words: Sequence[Sequence[str]]
    ) -> tuple[list[list[int]], list[list[int | None]]]:
        """Token ids and the word of every token, per pre-split sentence, unpadded.

        A decoder-only model's words get their leading space (:func:`word_prefix`; module
        docstring); special tokens are added as the tokenizer adds them (word ``None``).

        Args:
            tokenizer: A fast tokenizer.
            words: Sentences as lists of words.
        """
        prefix = word_prefix(tokenizer) if self.kind == "decoder" else ""
        batch = [[prefix + w for w in sentence] for sentence in words]
        encoded = tokenizer(batch, is_split_into_words=True)
        return encoded["input_ids"], [encoded.word_ids(b) for b in range(len(batch))]

    def encode_words(self, tokenizer: Any, words: Sequence[Sequence[str]]) -> WordBatch:
        """:meth:`tokenize_words`, padded on the tokenizer's ``padding_side`` with its pad id
        (a tokenizer without one pads with its EOS id or 0: padding is masked)."""
        ids, word_ids = self.tokenize_words(tokenizer, words)
        pad_id = next(
            (i for i in (tokenizer.pad_token_id, tokenizer.eos_token_id) if i is not None), 0
        )
        return pad_batch(ids, word_ids, pad_id=pad_id, side=tokenizer.padding_side)

    def _run_stack(self, stack: Any, batch: WordBatch, device: Any) -> Any:
        inputs = {
            "input_ids": batch.input_ids.to(device),
            "attention_mask": batch.attention_mask.to(device),
        }
        if self.kind == "decoder":
            inputs["use_cache"] = False
            # Left padding shifts every position unless they are given; BLOOM's ALiBi counts
            # them from the mask itself and takes none.
            if "position_ids" in inspect.signature(stack.forward).parameters:
                inputs["position_ids"] = batch.position_ids.to(device)
        return stack(**inputs, output_hidden_states=True, return_dict=True)

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
        one stack of a decoder-only model, causal: position t has read tokens 0..t; its layer L
        is after the final norm, as ``transformers`` returns it). The ``decoder`` side of an
        encoder-decoder is teacher forcing: the encoder reads ``source_words``, decoder position
        t+1 is fed target subword t (position 0 the decoder start token), so position t+1 holds
        the state that has read subword t.
        """
        batch = self.encode_words(tokenizer, words)
        if side == self.input_side:
            out = self._run_stack(self.stack(model), batch, device)
            return out.hidden_states, batch.word_ids
        if side != "decoder" or self.kind != "encoder-decoder":
            raise InputError(
                f"side={side!r} is not a side of the {self.name} family (it has "
                f"{', '.join(self.sides)})"
            )
        source = self.encode_words(tokenizer, source_words or [])
        source_mask = source.attention_mask.to(device)
        encoder_out = model.get_encoder()(
            input_ids=source.input_ids.to(device), attention_mask=source_mask, return_dict=True
        )
        input_ids = batch.input_ids.to(device)
        mask = batch.attention_mask.to(device)
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
        return out.hidden_states, [[None, *ids[:-1]] for ids in batch.word_ids]

    def unembedding(self, model: Any) -> torch.Tensor | None:
        """The output (unembedding) matrix [V x D] when the model has one of its own, ``None``
        when it is tied to the input embeddings or absent (an encoder loaded without a head)."""
        output = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
        if output is None or getattr(output, "weight", None) is None:
            return None
        weight = output.weight
        if weight.data_ptr() == model.get_input_embeddings().weight.data_ptr():
            return None
        return weight

    def final_norm_module(self, model: Any) -> Any | None:
        """The module :attr:`final_norm` names in ``model`` (``None``: none named or found)."""
        if self.final_norm is None:
            return None
        pattern = re.compile(self.final_norm)
        found = [module for name, module in model.named_modules() if pattern.search(name)]
        return found[0] if len(found) == 1 else None
