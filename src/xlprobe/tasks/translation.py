"""Machine translation fine-tuning, scored with SacreBLEU per language pair: an encoder-decoder
(mT5) translates its source, a decoder-only LM continues a prompt
(:func:`xlprobe.data.translation.encode_prompted`)."""

from __future__ import annotations

from typing import Any

import torch
from torchmetrics.text import SacreBLEUScore

from xlprobe.data.collate import pad_ids
from xlprobe.errors import InputError
from xlprobe.tasks.base import TaskModule


class SacreBLEU(SacreBLEUScore):
    """Corpus SacreBLEU (13a tokenization) on the 0-100 scale SacreBLEU reports (torchmetrics
    reports 0-1)."""

    def __init__(self) -> None:
        super().__init__(tokenize="13a")

    def compute(self) -> torch.Tensor:
        return 100.0 * super().compute()


class TranslationTask(TaskModule):
    """Translation fine-tuning; validation and test decode (greedy or beam) and score SacreBLEU
    (13a tokenization, corpus level, 0-100) against the reference strings.

    The model's family adapter decides how: an encoder-decoder decodes from the source batch;
    a decoder-only LM (trained on prompt + target with the loss on the target, see
    :mod:`xlprobe.data.translation`) generates from its prompts alone, left-padded (so that
    every prompt ends where generation starts; positions are counted from each prompt's first
    token), and the hypothesis is the continuation only, up to EOS.

    Args:
        num_beams: Beam size for decoding (1: greedy).
        max_new_tokens: Decoding length limit, in subwords.
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`.
    """

    metric_name = "bleu"

    def __init__(self, *args: Any, num_beams: int = 1, max_new_tokens: int = 128, **kwargs: Any):
        from xlprobe.models.families import family_of

        super().__init__(*args, **kwargs)
        self.num_beams = num_beams
        self.max_new_tokens = max_new_tokens
        self.decoder_only = family_of(self.model).kind == "decoder"

    def make_metric(self) -> Any:
        return SacreBLEU()

    @torch.no_grad()
    def translate(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> list[str]:
        """Decode a batch into strings: source ids [B x T] of an encoder-decoder, or prompt
        ids [B x T] of a decoder-only LM, left-padded (its continuation alone is decoded)."""
        generated = self.model.generate(
            input_ids=input_ids,
            attention_mask=attention_mask,
            num_beams=self.num_beams,
            max_new_tokens=self.max_new_tokens,
            do_sample=False,
            pad_token_id=self.tokenizer.pad_token_id,
        )
        if self.decoder_only:
            generated = generated[:, input_ids.shape[1] :]
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)

    def generation_inputs(self, batch: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        """What :meth:`translate` reads in a batch: the source ids and mask, or a decoder-only
        model's ``prompt_ids`` left-padded with the pad id, on the model's device."""
        if not self.decoder_only:
            return batch["input_ids"], batch["attention_mask"]
        if "prompt_ids" not in batch:
            raise InputError(
                "a decoder-only model translates from prompts, but the batches have none: the "
                "data was encoded for an encoder-decoder (set data.decoder_only=null or true)"
            )
        prompts = batch["prompt_ids"]
        ids = pad_ids(prompts, self.tokenizer.pad_token_id, side="left")
        mask = pad_ids([[1] * len(p) for p in prompts], 0, side="left")
        return ids.to(self.device), mask.to(self.device)

    def update_metric(self, metric: Any, batch: dict[str, Any], outputs: Any) -> None:
        hypotheses = self.translate(*self.generation_inputs(batch))
        metric.update([h.strip() for h in hypotheses], [[ref] for ref in batch["target"]])
