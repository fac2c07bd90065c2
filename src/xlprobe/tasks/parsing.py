"""Dependency parsing: a biaffine parser over the encoder's word vectors, scored as the CoNLL 2018
shared task scores it.

The parser of Dozat and Manning (ICLR 2017, "Deep Biaffine Attention for Neural Dependency
Parsing", section 2), on a pretrained encoder instead of BiLSTMs (the encoder of an
encoder-decoder; the model itself otherwise):

* **Word vectors.** The last hidden state at each word's first subword (``data.subword``) gives
  ``r_1..r_n``, [B x N x D]; a learned vector ``r_0`` stands for ROOT.
* **Arcs.** Two MLPs (linear, ReLU, dropout) give head and dependent views ``h^head``,
  ``h^dep`` [B x N+1 x A]; the score of the arc head ``i`` -> dependent ``j`` is
  ``s_ij = h_i^head U h_j^dep + h_i^head . u`` (U [A x A], u [A]): the biaffine of eq. 3-4.
* **Relations.** Two more MLPs give ``g^head``, ``g^dep`` [B x N+1 x R']; for each relation ``r``
  ``s_ijr = [g_i^head; 1] W_r [g_j^dep; 1]`` (W [L x R'+1 x R'+1]: the bilinear, the two linear
  terms and the bias of eq. 6 in one tensor).
* **Training.** Cross-entropy of each word's gold head over all candidate heads, plus
  cross-entropy of its gold relation at the gold head (sec. 2.2).
* **Decoding.** The head log-probabilities of each word, decoded with
  :func:`~xlprobe.tasks.trees.max_spanning_tree` (Chu-Liu/Edmonds, exactly one word under ROOT),
  so every output is a tree; each word's relation is the best one at its predicted head.
* **Scores.** After each validation and test epoch the predicted sentences of each language are
  scored against the gold ones with :func:`~xlprobe.analysis.ud_score.score_sentences`, exactly
  as ``conll18_ud_eval.py`` does (words, not multiword tokens; punctuation included; relation
  subtypes ignored): UAS and LAS (F1, in percent) logged as ``<split>/uas/<lang>`` and
  ``<split>/las/<lang>``; the predictions are written to
  ``<run dir>/predictions/<split>.<lang>.conllu`` (FORM, HEAD and DEPREL predicted; the gold
  file's tokens, multiword tokens and comments kept so that the two files align).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.tasks.base import TaskModule

log = logging.getLogger(__name__)


class _MLP(nn.Sequential):
    def __init__(self, d_in: int, d_out: int, dropout: float) -> None:
        super().__init__(nn.Linear(d_in, d_out), nn.ReLU(), nn.Dropout(dropout))


class BiaffineParser(nn.Module):
    """Arc and relation scores from word vectors (module docstring; Dozat and Manning 2017).

    Args:
        hidden: Width D of the word vectors.
        n_relations: Relations L.
        arc_dim: Width A of the arc MLPs.
        rel_dim: Width R' of the relation MLPs.
        dropout: Dropout on the word vectors and after each MLP.
    """

    def __init__(
        self, hidden: int, n_relations: int, arc_dim: int, rel_dim: int, dropout: float
    ) -> None:
        super().__init__()
        self.root = nn.Parameter(torch.randn(hidden) * hidden**-0.5)
        self.dropout = nn.Dropout(dropout)
        self.arc_head, self.arc_dep = _MLP(hidden, arc_dim, dropout), _MLP(hidden, arc_dim, dropout)
        self.rel_head, self.rel_dep = _MLP(hidden, rel_dim, dropout), _MLP(hidden, rel_dim, dropout)
        self.arc_weight = nn.Parameter(torch.zeros(arc_dim, arc_dim))
        self.arc_bias = nn.Parameter(torch.zeros(arc_dim))
        self.rel_weight = nn.Parameter(torch.zeros(n_relations, rel_dim + 1, rel_dim + 1))

    def forward(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Scores of every (head, dependent) pair.

        Args:
            words: Word vectors [B x N x D].

        Returns:
            ``arcs`` [B x N+1 x N+1] (``arcs[b, i, j]``: head ``i`` -> dependent ``j``, index 0
            ROOT) and ``relations`` [B x N+1 x N+1 x L].
        """
        root = self.root.expand(words.shape[0], 1, -1)
        r = self.dropout(torch.cat([root, words], dim=1))
        head, dep = self.arc_head(r), self.arc_dep(r)
        arcs = head @ self.arc_weight @ dep.transpose(1, 2) + (head @ self.arc_bias)[:, :, None]
        ones = r.new_ones(*r.shape[:2], 1)
        g_head = torch.cat([self.rel_head(r), ones], dim=-1)
        g_dep = torch.cat([self.rel_dep(r), ones], dim=-1)
        relations = torch.einsum("bix,lxy,bjy->bijl", g_head, self.rel_weight, g_dep)
        return arcs, relations


def pad_words(rows: Sequence[Sequence[int]], fill: int) -> torch.Tensor:
    """Lists of per-word values as a [B x N] long tensor padded with ``fill``."""
    width = max((len(r) for r in rows), default=0)
    return torch.tensor([list(r) + [fill] * (width - len(r)) for r in rows], dtype=torch.long)


def parser_loss(
    arcs: torch.Tensor,
    relations: torch.Tensor,
    words: torch.Tensor,
    heads: torch.Tensor,
    labels: torch.Tensor,
) -> torch.Tensor:
    """Cross-entropy of the gold heads over the candidate heads plus that of the gold relations
    at the gold heads, averaged over the scored words.

    Args:
        arcs: [B x N+1 x N+1] arc scores (head, dependent).
        relations: [B x N+1 x N+1 x L] relation scores.
        words: [B x N] true for the words of each sentence (not padding).
        heads: [B x N] gold head of each word (0 ROOT), -100 where not scored (padding, arcs to
            words cut off by truncation).
        labels: [B x N] gold relation ids, -100 where not scored.
    """
    n = heads.shape[1]
    candidates = candidate_heads(words)  # [B x N+1 (head) x N (dependent)]
    excluded = torch.finfo(arcs.dtype).min / 2  # finite: padding rows stay defined
    arc_logits = arcs[:, :, 1:].masked_fill(~candidates, excluded).transpose(1, 2)
    arc_loss = nn.functional.cross_entropy(
        arc_logits.reshape(-1, n + 1), heads.reshape(-1), ignore_index=IGNORE_INDEX
    )
    gold = heads.clamp(min=0)[:, None, :, None].expand(-1, 1, -1, relations.shape[-1])
    rel_logits = relations[:, :, 1:].gather(1, gold).squeeze(1)  # [B x N x L]
    rel_loss = nn.functional.cross_entropy(
        rel_logits.reshape(-1, relations.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX
    )
    return arc_loss + rel_loss


def candidate_heads(words: torch.Tensor) -> torch.Tensor:
    """Which heads each word may take: ROOT and the sentence's other words.

    Args:
        words: [B x N] true for the sentence's words (not padding).

    Returns:
        [B x N+1 x N] (head ``i``, dependent ``j``; head 0 ROOT).
    """
    b, n = words.shape
    heads = torch.cat([words.new_ones(b, 1), words], dim=1)[:, :, None].expand(b, n + 1, n)
    positions = torch.arange(n + 1, device=words.device)
    not_self = positions[:, None] != positions[None, 1:]  # head i is not dependent j (word j+1)
    return heads & not_self[None] & words[:, None, :]


def decode(
    arcs: torch.Tensor, relations: torch.Tensor, lengths: Sequence[int], root: int | None = None
) -> list[tuple[list[int], list[int]]]:
    """The best tree of each sentence and the best relation at each chosen head.

    Args:
        arcs: [B x N+1 x N+1] arc scores; relations [B x N+1 x N+1 x L].
        lengths: Words of each sentence (``n_b <= N``).
        root: The id of the relation ``root``: the word under ROOT takes it, no other word
            does; None: every relation anywhere.

    Returns:
        Per sentence ``(heads, relation ids)``, lists of ``n_b`` ints (heads 0..n_b): the
        maximum spanning tree of the head log-probabilities (softmax over each word's
        candidate heads) and, per word, the best relation at its head.
    """
    from xlprobe.tasks.trees import max_spanning_tree

    out = []
    if root is not None:
        relations = relations.detach().clone()
        relations[:, 1:, :, root] = float("-inf")  # only ROOT's dependent is root
        relations[:, 0, :, :] = float("-inf")
        relations[:, 0, :, root] = 0.0
    best = relations.argmax(dim=-1).cpu()  # [B x N+1 x N+1]
    for b, n in enumerate(lengths):
        log_probs = arcs[b, : n + 1, : n + 1].float().log_softmax(dim=0)
        heads = [int(h) for h in max_spanning_tree(log_probs.detach().cpu().numpy())] if n else []
        out.append((heads, [int(best[b, h, d]) for d, h in enumerate(heads, 1)]))
    return out


def predicted_sentence(gold: Any, heads: Sequence[int], relations: Sequence[str]) -> Any:
    """A copy of the gold CoNLL-U sentence with the predicted heads and relations: FORM,
    tokens, multiword tokens and comments kept, every other column ``_``; words beyond the
    predicted ones (cut off by truncation) hang from the predicted root as ``dep``."""
    from xlprobe.data.conllu import Word

    root = heads.index(0) + 1 if heads else 1
    words = []
    for i, word in enumerate(gold.words):
        if i < len(heads):
            head, rel = heads[i], relations[i]
        else:
            head, rel = (0, "root") if not heads and i == 0 else (root, "dep")
        words.append(Word(word.id, word.form, head=head, deprel=rel))
    return dataclasses.replace(gold, words=tuple(words), empty_nodes=())


def with_head_lr(
    factory: Callable[[Any], torch.optim.Optimizer],
    head_parameters: Iterable[nn.Parameter],
    lr: float | None,
) -> Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]:
    """An optimizer factory that puts ``head_parameters`` in a group of their own with learning
    rate ``lr`` (the parser learns from scratch; the encoder is fine-tuned); ``lr`` None: one
    group."""
    if lr is None:
        return factory
    head_ids = {id(p) for p in head_parameters}

    def build(parameters: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
        params = list(parameters)
        encoder = [p for p in params if id(p) not in head_ids]
        head = [p for p in params if id(p) in head_ids]
        return factory([{"params": encoder}, {"params": head, "lr": lr}])

    return build


class ParsingTask(TaskModule):
    """Biaffine dependency parsing (``task=deps``) on the model's encoder, UAS/LAS per language
    as the CoNLL 2018 evaluation computes them (module docstring).

    Args:
        model: The base model (``task.head=base``); an encoder-decoder's encoder is used.
        tokenizer: Its tokenizer.
        optimizer: ``params -> Optimizer`` (a Hydra ``_partial_`` node).
        relations: Relation names, in label-id order (``task.labels``).
        warmup_ratio: See :class:`~xlprobe.tasks.base.TaskModule`.
        arc_dim: Width of the arc MLPs (Dozat and Manning: 500).
        rel_dim: Width of the relation MLPs (Dozat and Manning: 100).
        dropout: Dropout on word vectors and MLP outputs.
        head_lr: Learning rate of the parser (its MLPs, biaffines and ROOT vector); None: the
            optimizer's.
    """

    metric_name = "las"

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer],
        relations: Sequence[str],
        warmup_ratio: float | None = None,
        arc_dim: int = 500,
        rel_dim: int = 100,
        dropout: float = 0.33,
        head_lr: float | None = None,
    ) -> None:
        from xlprobe.models.families import family_of

        super().__init__(model, tokenizer, optimizer, warmup_ratio)
        self.relations = list(relations)
        self.family = family_of(model)
        hidden = model.config.hidden_size
        self.parser = BiaffineParser(hidden, len(self.relations), arc_dim, rel_dim, dropout)
        self.optimizer_factory = with_head_lr(optimizer, self.parser.parameters(), head_lr)
        self.predictions: dict[tuple[str, str], list[Any]] = {}
        self.golds: dict[tuple[str, str], list[Any]] = {}

    def setup(self, stage: str) -> None:
        self.eval_langs = list(self.trainer.datamodule.eval_langs)

    def forward(self, batch: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        """Arc and relation scores of a batch (see :class:`BiaffineParser`)."""
        encoder = self.family.stack(self.model)
        hidden = encoder(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
        ).last_hidden_state
        index = pad_words(batch["word_index"], 0).to(hidden.device)
        words = hidden.gather(1, index[:, :, None].expand(-1, -1, hidden.shape[-1]))
        return self.parser(words)

    def _loss(self, batch: dict[str, Any], arcs: torch.Tensor, rels: torch.Tensor) -> torch.Tensor:
        heads = pad_words(batch["heads"], IGNORE_INDEX).to(arcs.device)
        labels = pad_words(batch["relations"], IGNORE_INDEX).to(arcs.device)
        words = pad_words([[1] * len(w) for w in batch["word_index"]], 0).to(arcs.device) == 1
        return parser_loss(arcs, rels, words, heads, labels)

    def training_step(self, batch: dict[str, Any], batch_idx: int) -> torch.Tensor:
        arcs, rels = self(batch)
        loss = self._loss(batch, arcs, rels)
        self.log(
            "train/loss",
            loss,
            on_step=True,
            on_epoch=False,
            prog_bar=True,
            batch_size=len(batch["gold"]),
        )
        return loss

    def _eval_step(self, split: str, batch: dict[str, Any], dataloader_idx: int) -> None:
        lang = self.eval_langs[dataloader_idx]
        arcs, rels = self(batch)
        loss = self._loss(batch, arcs, rels)
        self.log(
            f"{split}/loss/{lang}", loss, batch_size=len(batch["gold"]), add_dataloader_idx=False
        )
        lengths = [len(w) for w in batch["word_index"]]
        root = self.relations.index("root") if "root" in self.relations else None
        decoded = decode(arcs, rels, lengths, root)
        for gold, (heads, ids) in zip(batch["gold"], decoded, strict=True):
            predicted = predicted_sentence(gold, heads, [self.relations[i] for i in ids])
            self.predictions.setdefault((split, lang), []).append(predicted)
            self.golds.setdefault((split, lang), []).append(gold)

    def on_validation_epoch_end(self) -> None:
        self._score("val")

    def on_test_epoch_end(self) -> None:
        self._score("test")

    def _score(self, split: str) -> None:
        """Score, log and write the predictions of ``split`` for every language."""
        from xlprobe.analysis.ud_score import score_sentences
        from xlprobe.data.conllu import write_conllu

        if self.trainer.sanity_checking:
            self.predictions.clear()
            self.golds.clear()
            return
        directory = Path(self.trainer.default_root_dir) / "predictions"
        for lang in self.eval_langs:
            predicted = _gathered(self.predictions.pop((split, lang), []))
            gold = _gathered(self.golds.pop((split, lang), []))
            name = f"{'validation' if split == 'val' else split}.{lang}.conllu"
            scores = score_sentences(gold, predicted, f"gold {name}", f"predicted {name}")
            for metric in ("uas", "las"):
                value = 100.0 * getattr(scores, metric).f1
                self.log(
                    f"{split}/{metric}/{lang}",
                    value,
                    add_dataloader_idx=False,
                    prog_bar=split == "val" and metric == "las",
                )
            if self.trainer.is_global_zero:
                directory.mkdir(parents=True, exist_ok=True)
                write_conllu(predicted, directory / name)


def _gathered(items: list[Any]) -> list[Any]:
    """``items`` of every process in rank order (one process: ``items``)."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return items
    parts: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(parts, items)
    return [item for part in parts for item in part]
