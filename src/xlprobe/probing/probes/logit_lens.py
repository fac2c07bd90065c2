"""Latent language through the logit lens: which language a decoder-only LM's intermediate
layers predict while it translates (Wendler et al., ACL 2024, "Do Llamas Work in English?",
Sec. 3-4).

Why one long module: prompts, token sets, the lens forward pass and the rows are one method (Wendler
et al.) that no other probe shares.

A probe plug-in (:class:`LogitLensProbe`, ``probe.logit_lens``). For every ordered pair
(source X, target Y) of probed languages (not the pivot), few-shot word-translation prompts are
built from the round's dictionaries (:func:`word_triples`: a concept is a pivot word e with an X
word and a Y word whose most probable translation is e)::

    Deutsch: Maus - Français: souris
    Deutsch: Mühle - Français: moulin
    Deutsch: Haus - Français:

The model should continue with the Y word (" maison"); the pivot (English by default) word of
the same concept ("house") is the latent candidate. X = Y is Wendler et al.'s repetition task
("Deutsch: Haus - Deutsch: Haus"), so a run probing one language besides the pivot has rows
too. At every probed layer l the residual stream
h_l at the prompt's last token goes through the model's final norm and unembedding,
``p_l = softmax(W_U norm(h_l))`` (:func:`logit_lens`; the last layer is the model's own output
distribution), and three rows per pair and layer (``side`` = the model's one stack,
``decoder``; ``lang_s`` = X, ``lang_t`` = Y), means over the prompts:

* ``lens_target``: probability mass (%) on the tokens of the correct Y word;
* ``lens_latent``: probability mass (%) on the tokens of its pivot-language translation
  (Wendler et al.'s "latent English" curve);
* ``lens_entropy``: entropy of ``p_l`` in % of its maximum, ``100 H(p_l) / ln V``
  (in bits: ``value / 100 * log2 V``).

A word's tokens (``probe.logit_lens.tokens``): ``prefixes`` (Wendler et al.'s choice: every
vocabulary token whose text, without its leading space or word marker, is a non-empty prefix of
the word, plus the word's first token as it is tokenized after a space) or ``first`` (that first
token alone). Tokens in both the Y and the pivot set count for neither; a concept left with
an empty set, or whose Y and pivot words are the same string, is not prompted. Numerator and
denominator are 0 (means of probabilities, not count ratios); the prompts per pair are in the
log.

Encoder and encoder-decoder models have no next-token distribution at an intermediate layer of
one stack: the probe logs one line and returns no rows; so does a decoder-only model loaded with
a task head instead of its LM head (NER, SST-2) or whose family names no final norm. The rows
are kept in ``rounds/<round>/logit_lens.csv``.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.probes.base import Metric, row_maker
from xlprobe.probing.report import ProbeReport

if TYPE_CHECKING:
    import torch

    from xlprobe.probing.dictionary import Dictionary
    from xlprobe.probing.round import Round, StoredRound

logger = logging.getLogger(__name__)

ENDONYMS = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "hi": "हिन्दी",
    "it": "Italiano",
    "ja": "日本語",
    "ko": "한국어",
    "nl": "Nederlands",
    "pt": "Português",
    "ru": "Русский",
    "sw": "Kiswahili",
    "tr": "Türkçe",
    "zh": "中文",
}
"""Language names used in the prompts (Wendler et al. name each language in itself); others
are the language registry's English name unless ``probe.logit_lens.names`` gives one."""


@dataclass(frozen=True)
class LogitLensSettings(Options):
    """``probe.logit_lens``: the latent-language rows of decoder-only models.

    Attributes:
        enabled: Compute them in every probe round (decoder-only models only).
        n_prompts: Prompts per language pair at most (one concept each).
        shots: Solved examples before the query in each prompt.
        sources: Source languages; ``None``: the probed languages (not the pivot).
        targets: Target languages, not the pivot; ``None``: the probed languages.
        names: Language code -> its name in the prompts, over :data:`ENDONYMS`.
        min_prob: A dictionary translation counts when its probability is at least this.
        tokens: A word's tokens: ``prefixes`` or ``first`` (module docstring).
        batch_size: Prompts per forward pass.
        seed: Seed of the prompts' concepts and shots (with the pair's codes: a pair's
            prompts do not depend on the other pairs).
    """

    prefix: ClassVar[str] = "probe.logit_lens"

    enabled: bool = True
    n_prompts: int = option(50, low=1)
    shots: int = option(4, low=0)
    sources: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    min_prob: float = option(0.5, low=0, high=1)
    tokens: Literal["prefixes", "first"] = "prefixes"
    batch_size: int = option(16, low=1)
    seed: int = 0


METRICS = (
    Metric(
        "lens_target",
        "logit lens: probability (%) of the next token being the correct target-language "
        "word's (Wendler et al. 2024)",
        curve=True,
        same_side=True,
    ),
    Metric(
        "lens_latent",
        "logit lens: probability (%) of the next token being the pivot-language (English) "
        "translation's, the 'latent English' curve (Wendler et al. 2024)",
        curve=True,
        same_side=True,
    ),
    Metric(
        "lens_entropy",
        "logit lens: entropy of the next-token distribution, % of its maximum ln V",
        curve=True,
        same_side=True,
    ),
)


@dataclass(frozen=True)
class WordTriple:
    """One concept in three languages: a source word, its target-language translation and
    the pivot word both translate to."""

    source: str
    target: str
    latent: str


def word_triples(
    source: Dictionary, target: Dictionary | None = None, *, min_prob: float = 0.0
) -> list[WordTriple]:
    """The concepts two ``<lang>-<pivot>`` dictionaries share.

    For each pivot word e that is the most probable translation (probability >= ``min_prob``)
    of a source word and of a target word, one triple: the source and the target word with the
    highest probability of translating to e (ties: the first in dictionary order). Words and
    translations that are not alphabetic (numbers, punctuation) are left out, and so are triples
    whose target word is the pivot word, or, in translation, the source word (nothing to
    translate).

    Args:
        source: The source language's dictionary into the pivot.
        target: The target language's; ``None``: the source language is the target (the
            repetition task, target word = source word).
        min_prob: Least translation probability.

    Returns:
        The triples, sorted by pivot word.
    """

    def by_pivot(dictionary: Dictionary) -> dict[str, str]:
        chosen: dict[str, tuple[float, str]] = {}
        for word, translations in dictionary.translations.items():
            pivot, prob = translations[0]
            if not (word.isalpha() and pivot.isalpha() and prob >= min_prob):
                continue
            if pivot not in chosen or prob > chosen[pivot][0]:
                chosen[pivot] = (prob, word)
        return {pivot: word for pivot, (_, word) in chosen.items()}

    sources = by_pivot(source)
    targets = sources if target is None else by_pivot(target)
    return [
        WordTriple(sources[pivot], targets[pivot], pivot)
        for pivot in sorted(sources.keys() & targets.keys())
        if targets[pivot] != pivot and (target is None or targets[pivot] != sources[pivot])
    ]


def translation_prompt(
    shots: Sequence[WordTriple], query: WordTriple, names: tuple[str, str]
) -> str:
    """The few-shot prompt of ``query``: one line ``<X name>: <x word> - <Y name>: <y word>`` per
    shot, then ``<X name>: <query word> - <Y name>:`` (the model continues with the Y word after
    a space)."""
    x, y = names
    lines = [f"{x}: {shot.source} - {y}: {shot.target}" for shot in shots]
    return "\n".join([*lines, f"{x}: {query.source} - {y}:"])


def sample_prompts(
    triples: Sequence[WordTriple], *, n: int, shots: int, seed: int | Sequence[int]
) -> list[tuple[WordTriple, tuple[WordTriple, ...]]]:
    """Up to ``n`` queries, each with ``shots`` other triples as its examples, drawn without
    replacement (none when there are not ``shots + 1`` triples).

    Returns:
        ``(query, shots)`` pairs.
    """
    if len(triples) <= shots:
        return []
    rng = np.random.default_rng(seed)
    queries = rng.permutation(len(triples))[:n]
    out = []
    for q in queries.tolist():
        others = np.delete(np.arange(len(triples)), q)
        chosen = rng.choice(others, size=shots, replace=False)
        out.append((triples[q], tuple(triples[i] for i in chosen.tolist())))
    return out


def prefix_index(tokenizer: Any) -> dict[str, list[int]]:
    """Text -> the ids of the vocabulary tokens that decode to it once leading whitespace is
    stripped (special tokens and tokens that are only whitespace left out)."""
    special = set(tokenizer.all_special_ids)
    ids = [i for i in range(len(tokenizer)) if i not in special]
    index: dict[str, list[int]] = {}
    for i, text in zip(ids, tokenizer.batch_decode([[i] for i in ids]), strict=True):
        text = text.lstrip()
        if text:
            index.setdefault(text, []).append(i)
    return index


def word_tokens(word: str, first: int, index: Mapping[str, Sequence[int]] | None) -> set[int]:
    """The token ids that count as predicting ``word``: its ``first`` token, and with an
    ``index`` (:func:`prefix_index`) every token whose text is a non-empty prefix of it."""
    tokens = {first}
    if index is not None:
        for end in range(1, len(word) + 1):
            tokens.update(index.get(word[:end], ()))
    return tokens


@dataclass(frozen=True)
class LensPrompt:
    """A prompt and the token sets of its answer.

    Attributes:
        text: The prompt (:func:`translation_prompt`).
        target: Token ids of the target-language word.
        latent: Token ids of the pivot-language word (disjoint from ``target``).
    """

    text: str
    target: frozenset[int]
    latent: frozenset[int]


def lens_prompts(
    family: Any,
    tokenizer: Any,
    pairs: Sequence[tuple[WordTriple, tuple[WordTriple, ...]]],
    names: tuple[str, str],
    index: Mapping[str, Sequence[int]] | None,
) -> list[LensPrompt]:
    """The prompts of sampled ``(query, shots)`` pairs with their answers' token sets (see the
    module docstring); queries whose two sets are the same are left out.

    Args:
        family: The model's family (tokenizes a word as after a space).
        tokenizer: Its tokenizer.
        pairs: From :func:`sample_prompts`.
        names: The source and target languages' names in the prompt.
        index: :func:`prefix_index` of the tokenizer, or ``None`` for first tokens only.
    """
    words = sorted({w for query, _ in pairs for w in (query.target, query.latent)})
    ids, owners = family.tokenize_words(tokenizer, [[w] for w in words])
    first = {
        w: next(i for i, o in zip(row, own, strict=True) if o == 0)
        for w, row, own in zip(words, ids, owners, strict=True)
    }
    prompts = []
    for query, shots in pairs:
        target = word_tokens(query.target, first[query.target], index)
        latent = word_tokens(query.latent, first[query.latent], index)
        shared = target & latent
        if target - shared and latent - shared:
            text = translation_prompt(shots, query, names)
            prompts.append(LensPrompt(text, frozenset(target - shared), frozenset(latent - shared)))
    return prompts


def logit_lens(model: Any) -> Callable[[torch.Tensor], torch.Tensor]:
    """The logit lens of a causal LM: residual-stream states through the model's final norm,
    its unembedding and what its forward does to the logits (the family's
    :attr:`~xlprobe.models.families.base.ModelFamily.logit_scaling`).

    Args:
        model: A ``*ForCausalLM`` model whose family names its final norm.

    Returns:
        A function from [..., D] states before the final norm to [..., V] float32 logits (for
        the last layer's residual stream, the model's own logits).

    Raises:
        InputError: The model's family names no final norm, or the model has no LM head.
    """

    from xlprobe.models.families import family_of

    family = family_of(model)
    norm = family.final_norm_module(model)
    if norm is None:
        raise InputError(
            f"the {family.name} family names no final norm (ModelFamily.final_norm), so the "
            "logit lens cannot read its intermediate layers"
        )
    head = model.get_output_embeddings()
    if head is None:
        raise InputError(
            f"{type(model).__name__} has no LM head (a task head instead): the logit lens needs "
            "the model's unembedding"
        )
    config = model.config.get_text_config()
    scaling = family.logit_scaling
    norm_device = next(norm.parameters()).device

    def lens(hidden: torch.Tensor) -> torch.Tensor:
        logits = head(norm(hidden.to(norm_device)).to(head.weight.device)).float()
        return logits if scaling is None else scaling(config, logits)

    return lens


@dataclass(frozen=True)
class LensCurves:
    """Per prompt and layer, the lens's mass on the answers and its entropy.

    Attributes:
        layers: The layers, in column order.
        target: [P x Λ] probability of the target word's tokens.
        latent: [P x Λ] probability of the pivot word's tokens.
        entropy: [P x Λ] entropy of the next-token distribution, nats.
        vocab: V, the distribution's size (maximum entropy ln V).
    """

    layers: tuple[int, ...]
    target: np.ndarray
    latent: np.ndarray
    entropy: np.ndarray
    vocab: int


def lens_curves(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[LensPrompt],
    layers: Sequence[int],
    *,
    batch_size: int = 16,
) -> LensCurves:
    """The logit lens at the last token of every prompt.

    Layer l < L is ``softmax(logit_lens(model)(h_l))`` of the residual stream after block l (0: the
    embeddings); layer L (the last) is the model's own next-token distribution (``transformers``
    returns its last hidden state after the final norm).

    Args:
        model, tokenizer: A causal LM of a registered decoder-only family and its tokenizer.
        prompts: From :func:`lens_prompts`.
        layers: Hidden-state indices, 0..L.
        batch_size: Prompts per forward pass.
    """
    import torch

    from xlprobe.probing.causal_lm import forward, inference, length_batches, pad_id

    special = set(tokenizer.all_special_ids)
    rows = [
        _without_trailing(r, special) for r in tokenizer([p.text for p in prompts])["input_ids"]
    ]
    lens = logit_lens(model)
    shape = (len(prompts), len(layers))
    target, latent, entropy = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    vocab = 0
    with inference(model):
        for batch in length_batches([len(r) for r in rows], batch_size):
            out, padded = forward(
                model, [rows[i] for i in batch.tolist()], pad=pad_id(tokenizer), hidden_states=True
            )
            top = len(out.hidden_states) - 1
            last = padded.attention_mask.sum(1) - 1
            for column, layer in enumerate(layers):
                if not 0 <= layer <= top:
                    raise InputError(f"layer {layer} does not exist: the model has 0 to {top}")
                if layer == top:
                    logits = _at(out.logits, last).float()
                else:
                    logits = lens(_at(out.hidden_states[layer], last))
                logp = torch.log_softmax(logits, dim=-1)
                probs = logp.exp().cpu()
                vocab = logits.shape[-1]
                entropy[batch, column] = (-(logp.exp() * logp).sum(-1)).cpu().numpy()
                for b, i in enumerate(batch.tolist()):
                    target[i, column] = _mass(probs[b], prompts[i].target)
                    latent[i, column] = _mass(probs[b], prompts[i].latent)
    return LensCurves(tuple(layers), target, latent, entropy, vocab)


def _at(states: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    """[B x ...] the state of every sequence at its position ``last`` ([B])."""
    import torch

    index = last.to(states.device)
    return states[torch.arange(len(index), device=states.device), index]


def _mass(probs: torch.Tensor, ids: frozenset[int]) -> float:
    """Probability of the token ids of ``ids`` the distribution has."""
    return float(probs[[i for i in sorted(ids) if i < len(probs)]].sum())


def _without_trailing(ids: list[int], special: set[int]) -> list[int]:
    """``ids`` without the special tokens a template appends (an EOS after the prompt)."""
    end = len(ids)
    while end > 1 and ids[end - 1] in special:
        end -= 1
    return ids[:end]


def language_name(code: str, names: Mapping[str, str]) -> str:
    """A language's name in the prompts: ``names``, else :data:`ENDONYMS`, else the language
    registry's English name, else the code."""
    if code in names:
        return names[code]
    if code in ENDONYMS:
        return ENDONYMS[code]
    from xlprobe.data.languages import lookup

    try:
        return lookup(code).name
    except InputError:
        return code


def language_pairs(
    settings: LogitLensSettings, languages: Sequence[str], pivot: str, dictionaries: Mapping
) -> list[tuple[str, str]]:
    """The ordered (source, target) pairs to prompt: ``sources`` x ``targets`` (default: the
    probed languages); a pair of one language is the repetition task.

    Raises:
        InputError: The pivot (the latent candidate) or a language without a
            ``<lang>-<pivot>`` dictionary among them.
    """
    sources = settings.sources if settings.sources is not None else tuple(languages)
    targets = settings.targets if settings.targets is not None else tuple(languages)
    for option_name, langs in (("sources", sources), ("targets", targets)):
        if pivot in langs:
            raise InputError(
                f"probe.logit_lens.{option_name}={list(langs)}: the pivot {pivot!r} is the "
                "latent candidate; list other languages"
            )
        missing = [lang for lang in langs if f"{lang}-{pivot}" not in dictionaries]
        if missing:
            raise InputError(
                f"probe.logit_lens.{option_name}: no {missing[0]}-{pivot} dictionary (the probed "
                f"languages are {', '.join(languages)})"
            )
    return [(s, t) for s in sources for t in targets]


def logit_lens_report(round: Round) -> ProbeReport:
    """The latent-language rows of one probe round (module docstring).

    Returns:
        A report with the rows and the timing ``logit_lens`` (seconds); no rows for a model
        that is not a decoder-only LM (logged).
    """
    from xlprobe.models.families import family_of

    tick = time.perf_counter()
    settings = round.settings.logit_lens
    family = family_of(round.model)
    if family.kind != "decoder":
        logger.info(
            "probe logit_lens: skipped, the %s family is %s: the logit lens reads a decoder-only "
            "LM's next-token distribution",
            family.name,
            family.kind,
        )
        return ProbeReport()
    try:
        logit_lens(round.model)
    except InputError as error:
        logger.info("probe logit_lens: skipped, %s", error)
        return ProbeReport()
    pivot = round.settings.pivot
    dictionaries = round.dictionaries
    pairs = language_pairs(settings, round.settings.languages, pivot, dictionaries)
    index = prefix_index(round.tokenizer) if settings.tokens == "prefixes" else None
    make_row = row_maker(round.id.fields, family.input_side)
    rows = []
    for source, target in pairs:
        triples = word_triples(
            dictionaries[f"{source}-{pivot}"],
            None if target == source else dictionaries[f"{target}-{pivot}"],
            min_prob=settings.min_prob,
        )
        sampled = sample_prompts(
            triples,
            n=settings.n_prompts,
            shots=settings.shots,
            seed=(settings.seed, zlib.crc32(f"{source}-{target}".encode())),
        )
        names = (language_name(source, settings.names), language_name(target, settings.names))
        prompts = lens_prompts(family, round.tokenizer, sampled, names, index)
        logger.info(
            "probe logit_lens %s-%s: %d prompts (%d concepts in both dictionaries)",
            source,
            target,
            len(prompts),
            len(triples),
        )
        if not prompts:
            continue
        curves = lens_curves(
            round.model, round.tokenizer, prompts, round.layers, batch_size=settings.batch_size
        )
        values = {
            "lens_target": 100 * curves.target.mean(0),
            "lens_latent": 100 * curves.latent.mean(0),
            "lens_entropy": 100 * curves.entropy.mean(0) / math.log(curves.vocab),
        }
        for metric, by_layer in values.items():
            for layer, value in zip(curves.layers, by_layer.tolist(), strict=True):
                # clipped to [0, 100] against float rounding
                rows.append(make_row(metric, source, target, layer, min(100.0, max(0.0, value))))
    return ProbeReport(rows=rows, timings={"logit_lens": time.perf_counter() - tick})


class LogitLensProbe:
    """Latent-language curves of decoder-only LMs (module docstring)."""

    name: ClassVar[str] = "logit_lens"
    options: ClassVar[Mapping[str, type[Options]]] = {"logit_lens": LogitLensSettings}
    metrics: ClassVar[tuple[Metric, ...]] = METRICS
    rescorable: ClassVar[tuple[str, ...]] = ()
    rows_file: ClassVar[str] = "logit_lens.csv"

    def enabled(self, settings: Any) -> bool:
        return settings.logit_lens.enabled

    def sentence_pooling(self, settings: Any) -> str | None:
        return None

    def run(self, round: Round) -> ProbeReport:
        return logit_lens_report(round)

    def rescore(self, stored: StoredRound) -> None:
        return None
