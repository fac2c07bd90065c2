"""Parallel text for machine translation: one ``src-tgt`` pair per language entry.

Two encodings, one per kind of model that translates:

* **encoder-decoder** (mT5): the source is the encoder's input, the target the labels.
* **decoder-only** (BLOOM, Llama, Qwen, GPT-2, ...; :func:`encode_prompted`): one sequence,
  a prompt naming the languages followed by the target and EOS, e.g.
  ``<s>French: Le chat dort .\\nEnglish: The cat sleeps .</s>``. The loss is on the target and
  EOS only (the prompt's labels are -100), so the model learns to continue a prompt with its
  translation and to stop; generation starts from the prompt alone (``prompt_ids``, left-padded
  by the task) and its continuation is the hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Formatter
from typing import Any, NamedTuple

from xlprobe.data.base import TaskDataModule
from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.data.readers import load_hub_split, read_parallel
from xlprobe.errors import InputError

DEFAULT_PROMPT = "{src_name}: {source}\n{tgt_name}:"
"""The decoder-only prompt: the source language's name and sentence, a line break, the target
language's name; the target follows after a space."""
PROMPT_FIELDS = ("source", "src", "tgt", "src_name", "tgt_name")
"""Placeholders of ``data.prompt``: the source sentence, the language codes and their English
names (from the language registry)."""


class SentencePair(NamedTuple):
    """One translation example: ``source`` and ``target`` sentences of the language ``pair``
    (``"fr-en"``)."""

    source: str
    target: str
    pair: str


def split_pair(pair: str) -> tuple[str, str]:
    """``"fr-en"`` -> ``("fr", "en")``; anything else is an InputError."""
    src, sep, tgt = pair.partition("-")
    if not sep or not src or not tgt or "-" in tgt:
        raise InputError(
            f"language pair {pair!r}: expected 'src-tgt' like 'fr-en' (MT uses lang=fr-en, ...)"
        )
    return src, tgt


def language_name(code: str) -> str:
    """The English name of a language code (``fr`` -> ``French``), or the code itself when the
    registry does not know it."""
    from xlprobe.data.languages import lookup

    try:
        return lookup(code).name
    except InputError:
        return code


def check_prompt(prompt: str) -> None:
    """Raise InputError unless ``prompt`` is a format string with ``{source}`` and no
    placeholder besides :data:`PROMPT_FIELDS`."""
    try:
        fields = {name for _, name, _, _ in Formatter().parse(prompt) if name is not None}
    except ValueError as err:
        raise InputError(f"data.prompt={prompt!r}: not a format string ({err})") from None
    unknown = sorted(fields - set(PROMPT_FIELDS))
    if unknown or "source" not in fields:
        raise InputError(
            f"data.prompt={prompt!r}: needs {{source}} and may use "
            f"{', '.join('{' + f + '}' for f in PROMPT_FIELDS)}"
            + (f"; unknown: {unknown}" if unknown else "")
        )


def prompt_ids(tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of prompts with the special tokens the tokenizer puts before a text (Llama's
    and Gemma's BOS, XGLM's ``</s>``; none for GPT-2, BLOOM, Qwen) and none after it (a
    template that appends EOS would end the prompt)."""
    encoded = tokenizer(list(texts), return_special_tokens_mask=True)
    rows = []
    for ids, special in zip(encoded["input_ids"], encoded["special_tokens_mask"], strict=True):
        end = len(ids)
        while end and special[end - 1]:
            end -= 1
        rows.append(list(ids[:end]))
    return rows


def truncate_text(tokenizer: Any, texts: Sequence[str], max_tokens: int) -> list[str]:
    """Each text cut after its first ``max_tokens`` subwords (at the character where the last
    kept one ends); texts that fit are returned as they are."""
    encoded = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    return [
        text if len(offsets) <= max_tokens else text[: offsets[max_tokens - 1][1]]
        for text, offsets in zip(texts, encoded["offset_mapping"], strict=True)
    ]


def encode_prompted(
    tokenizer: Any,
    examples: Sequence[SentencePair],
    *,
    prompt: str = DEFAULT_PROMPT,
    max_source_length: int = 128,
    max_target_length: int = 128,
) -> list[dict[str, Any]]:
    """Encode translation pairs for a decoder-only LM: prompt, then target and EOS.

    The source is cut to ``max_source_length`` subwords before it goes into ``prompt``
    (:data:`DEFAULT_PROMPT`), so the instruction survives truncation. The target is tokenized
    as it reads after the prompt's last character, with its leading space (the word prefix of
    :func:`~xlprobe.models.families.base.word_prefix`), cut to ``max_target_length`` subwords,
    and ends with EOS, so generation learns to stop. Padding (right, for training) is
    :func:`~xlprobe.data.collate.pad_collate`'s; the task left-pads ``prompt_ids`` itself for
    generation.

    Args:
        tokenizer: The model's fast tokenizer; it needs an EOS token.
        examples: The pairs.
        prompt: Format string over :data:`PROMPT_FIELDS`.
        max_source_length: Source truncation, in subwords.
        max_target_length: Target truncation, in subwords (EOS not counted).

    Returns:
        Per example: ``input_ids`` = prompt + target + EOS [T], ``attention_mask`` [T],
        ``labels`` [T] (:data:`~xlprobe.data.collate.IGNORE_INDEX` on the prompt, the ids on
        target and EOS), ``prompt_ids`` (the prompt alone) and ``target`` (the reference).
    """
    from xlprobe.models.families.base import word_prefix

    check_prompt(prompt)
    eos = tokenizer.eos_token_id
    if eos is None:
        raise InputError(
            f"the tokenizer of {tokenizer.name_or_path!r} has no EOS token: a decoder-only "
            "translation target needs one to end with"
        )
    sources = truncate_text(tokenizer, [ex.source for ex in examples], max_source_length)
    texts = []
    for ex, source in zip(examples, sources, strict=True):
        src, tgt = split_pair(ex.pair)
        names = {"src_name": language_name(src), "tgt_name": language_name(tgt)}
        texts.append(prompt.format(source=source, src=src, tgt=tgt, **names))
    prompts = prompt_ids(tokenizer, texts)
    prefix = word_prefix(tokenizer)
    targets = tokenizer(
        [prefix + ex.target for ex in examples],
        add_special_tokens=False,
        truncation=True,
        max_length=max_target_length,
    )["input_ids"]
    encoded = []
    for ex, head, tail in zip(examples, prompts, targets, strict=True):
        tail = [*tail, eos]
        encoded.append(
            {
                "input_ids": head + tail,
                "attention_mask": [1] * (len(head) + len(tail)),
                "labels": [IGNORE_INDEX] * len(head) + tail,
                "prompt_ids": head,
                "target": ex.target,
            }
        )
    return encoded


def is_decoder_only(tokenizer: Any) -> bool:
    """Whether the model whose tokenizer this is (loaded from ``tokenizer.name_or_path``, a
    local directory or a cached hub name) is decoder-only, by its family adapter.

    Raises:
        InputError: Its config cannot be read (set ``data.decoder_only``).
    """
    import transformers

    from xlprobe.models.families import family_of

    name = tokenizer.name_or_path
    try:
        config = transformers.AutoConfig.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError):
        raise InputError(
            f"data.decoder_only=null: cannot read the config of {name!r} to tell whether the "
            "model is decoder-only; set data.decoder_only=true (decoder-only LM) or false "
            "(encoder-decoder)"
        ) from None
    return family_of(config).kind == "decoder"


class TranslationDataModule(TaskDataModule):
    """Source/target sentence pairs; local files ``<split>.<src>.txt`` + ``<split>.<tgt>.txt``.

    Encoded examples: ``input_ids``, ``attention_mask``, ``labels`` and ``target`` (the
    reference string, for BLEU). For an encoder-decoder, ``input_ids`` is the source and
    ``labels`` the target ids; for a decoder-only model, the prompt-target sequence of
    :func:`encode_prompted` and its labels, plus ``prompt_ids`` for generation.

    Args:
        max_source_length: Source truncation, in subwords.
        max_target_length: Target truncation, in subwords.
        decoder_only: Encode for a decoder-only LM (prompt + target) or an encoder-decoder;
            ``None``: the model's family adapter decides (:func:`is_decoder_only`).
        prompt: The decoder-only prompt (:data:`DEFAULT_PROMPT`, placeholders
            :data:`PROMPT_FIELDS`).
        **kwargs: See :class:`xlprobe.data.base.TaskDataModule`.
    """

    local_ext = "txt"

    def __init__(
        self,
        tokenizer: Any,
        *,
        max_source_length: int = 128,
        max_target_length: int = 128,
        decoder_only: bool | None = None,
        prompt: str = DEFAULT_PROMPT,
        **kwargs,
    ) -> None:
        super().__init__(tokenizer, **kwargs)
        check_prompt(prompt)
        self.max_source_length = max_source_length
        self.max_target_length = max_target_length
        self.decoder_only = decoder_only
        self.prompt = prompt

    def check_lang(self, lang: str) -> None:
        split_pair(lang)

    def local_files(self, split: str, lang: str) -> list[Path]:
        return [self.local_dir / f"{split}.{side}.txt" for side in split_pair(lang)]

    def read_local(self, split: str, lang: str) -> list[SentencePair]:
        src_path, tgt_path = self.local_files(split, lang)
        return [SentencePair(s, t, lang) for s, t in read_parallel(src_path, tgt_path)]

    def read_hub(self, split: str, lang: str) -> list[SentencePair]:
        src, tgt = split_pair(lang)
        rows = load_hub_split(self.hub[lang], split, self.hub_root)
        return [
            SentencePair(row["translation"][src], row["translation"][tgt], lang) for row in rows
        ]

    def encode(self, examples: list[SentencePair]) -> list[dict[str, Any]]:
        if self.decoder_only is None:
            self.decoder_only = is_decoder_only(self.tokenizer)
        if self.decoder_only:
            return encode_prompted(
                self.tokenizer,
                examples,
                prompt=self.prompt,
                max_source_length=self.max_source_length,
                max_target_length=self.max_target_length,
            )
        sources = [ex.source for ex in examples]
        targets = [ex.target for ex in examples]
        enc = self.tokenizer(sources, truncation=True, max_length=self.max_source_length)
        labels = self.tokenizer(
            text_target=targets, truncation=True, max_length=self.max_target_length
        )["input_ids"]
        return [
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "labels": labels[i],
                "target": targets[i],
            }
            for i in range(len(examples))
        ]
