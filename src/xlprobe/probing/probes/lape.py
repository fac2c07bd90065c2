"""Language-specific neurons of decoder-only LMs by language activation probability entropy
(LAPE; Tang et al., ACL 2024, "Language-Specific Neurons: The Key to Multilingual Capabilities
in Large Language Models", Sec. 2-3).

A probe plug-in (:class:`LapeProbe`, ``probe.lape``). The units are the FFN units of every block
(the family's ``ffn`` hook point: the input of the down projection, ``act(W_gate x) * W_up x``
in gated MLPs, ``act(W_in x)`` otherwise). Over the probe sentences of each language i (all but
the last ``heldout``):

1. ``p_{u,i} = P(a_u > 0)``, the share of language i's word tokens at which unit u's activation
   is positive (Tang et al. read ``act(W_gate x) > 0`` of gated MLPs; here the unit is what the
   down projection reads, positive when both factors agree in sign);
2. ``LAPE_u = -sum_i p'_{u,i} ln p'_{u,i}`` with ``p'_{u,i} = p_{u,i} / sum_j p_{u,j}``
   (:func:`lape_entropy`);
3. the selection rule of Tang et al.'s released code (:func:`select_units`): units with some
   ``p_{u,i}`` above the ``filter_rate`` quantile of all probabilities are candidates; the
   ``top_rate`` share of all units with the lowest LAPE among the candidates is selected; a
   selected unit is specific to every language whose ``p_{u,i}`` exceeds the ``bar_rate``
   quantile (a unit may be specific to several languages).

Then, on the held-out sentences (the last ``min(heldout, N // 2)`` of the N probe sentences,
never used to select units), language i's units are deactivated (set to 0 at every token,
:func:`xlprobe.probing.hooks.set_units`) and the perplexity of every language j is measured
against the plain model's (Tang et al., Sec. 3.2: the language's own perplexity should rise,
the others' much less), and the same for as many random units per layer (the control).

Rows (``side`` = the model's one stack, ``decoder``):

* ``lape_units`` (lang-lang, per layer, a curve): how the language's specific units spread over
  the layers, ``100 * its units in the layer / all its units`` (numerator: the layer's count;
  NaN for a language with none; the layer's width is in ``lape_units.npz``); layer l is block
  l-1 (the FFN of the block whose output is hidden state l), so layers 1..L;
* ``lape_ppl`` (lang_s = the language whose units are deactivated, lang_t = the language
  measured, layer L): perplexity change in %, ``100 (PPL_after / PPL_plain - 1)``
  (numerator and denominator 0);
* ``lape_ppl_random``: the same with random units, as many per layer as lang_s has.

The activation probabilities, entropies and the language-specific sets are kept in
``rounds/<round>/lape_units.npz`` (``langs``, ``layer`` and ``unit`` per column, ``probs`` [M x
n], ``entropy`` [M], ``specific`` [n x M]) and the rows in ``rounds/<round>/lape.csv``. Models
that are not decoder-only, or whose family has no ``ffn`` hook point, get one log line and no
rows; a decoder-only model loaded with a task head instead of its LM head (NER, SST-2) gets
the ``lape_units`` rows only.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.probes.base import Metric, row_maker
from xlprobe.probing.report import ProbeReport, ProbeRow

if TYPE_CHECKING:
    from xlprobe.probing.round import Round, StoredRound

logger = logging.getLogger(__name__)

UNITS_FILE = "lape_units.npz"


@dataclass(frozen=True)
class LapeSettings(Options):
    """``probe.lape``: language-specific FFN units of decoder-only models (module docstring).

    Attributes:
        enabled: Compute them in every probe round (decoder-only models only; off by default:
            the perplexities take ``n + 2 n^2`` passes over the held-out sentences of n
            languages).
        filter_rate: Quantile of all activation probabilities one of a unit's must exceed for
            the unit to be a candidate (Tang et al.: 0.95).
        top_rate: Share of all units selected, the candidates of lowest LAPE (0.01).
        bar_rate: Quantile a selected unit's probability for a language must exceed for the
            unit to be specific to it (0.95).
        heldout: Probe sentences per language (the last ones, at most half) kept out of the
            selection to measure perplexities on.
        random_control: Also deactivate as many random units per layer.
        batch_size: Sentences per forward pass.
        seed: Seed of the random units.
    """

    prefix: ClassVar[str] = "probe.lape"

    enabled: bool = False
    filter_rate: float = option(0.95, low=0, high=1)
    top_rate: float = option(0.01, low=0, high=1, low_open=True)
    bar_rate: float = option(0.95, low=0, high=1)
    heldout: int = option(100, low=1)
    random_control: bool = True
    batch_size: int = option(16, low=1)
    seed: int = 0


METRICS = (
    Metric(
        "lape_units",
        "% of the language's specific FFN units (LAPE, Tang et al. 2024) lying in this layer",
        curve=True,
        same_side=True,
    ),
    Metric(
        "lape_ppl",
        "perplexity change (%) of lang_t with lang_s's language-specific units deactivated",
        low=-100.0,
        high=math.inf,
        same_side=True,
    ),
    Metric(
        "lape_ppl_random",
        "perplexity change (%) of lang_t with as many random units per layer deactivated (control)",
        low=-100.0,
        high=math.inf,
        same_side=True,
    ),
)


def lape_entropy(probs: np.ndarray) -> np.ndarray:
    """Language activation probability entropy (Tang et al., Eq. 2).

    Args:
        probs: [M x n] activation probability of each unit in each of n languages.

    Returns:
        [M] ``-sum_i p'_i ln p'_i`` of ``p'_i = p_i / sum_j p_j`` (nats, 0 ln 0 = 0; at most
        ln n, for a unit equally likely active in every language); NaN for a unit never active.
    """
    probs = np.asarray(probs, dtype=np.float64)
    total = probs.sum(-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = probs / total
        terms = np.where(shares > 0, shares * np.log(shares), 0.0)
    entropy = -terms.sum(-1)
    entropy[total[..., 0] == 0] = np.nan
    return entropy


def quantile_value(values: np.ndarray, rate: float) -> float:
    """The ``round(N * rate)``-th smallest of N values (1-based, within 1..N), as Tang et al.'s
    code takes a threshold (``torch.kthvalue``)."""
    flat = np.sort(np.asarray(values, dtype=np.float64).ravel())
    k = min(max(round(len(flat) * rate), 1), len(flat))
    return float(flat[k - 1])


@dataclass(frozen=True)
class LapeSelection:
    """Language-specific units of one model.

    Attributes:
        entropy: [M] LAPE of every unit (:func:`lape_entropy`).
        selected: [M] the low-entropy units chosen.
        specific: [n x M] the selected units specific to each language.
        filter_value: The activation probability a candidate exceeds in some language.
        bar_value: The probability a unit exceeds in the languages it is specific to.
    """

    entropy: np.ndarray
    selected: np.ndarray
    specific: np.ndarray
    filter_value: float
    bar_value: float


def select_units(
    probs: np.ndarray, *, filter_rate: float = 0.95, top_rate: float = 0.01, bar_rate: float = 0.95
) -> LapeSelection:
    """Tang et al.'s selection of language-specific units (their released ``identify.py``).

    1. ``filter_value`` = the ``filter_rate`` quantile of all M x n probabilities
       (:func:`quantile_value`); units with no probability above it are not candidates;
    2. the ``round(M * top_rate)`` candidates with the lowest LAPE are selected (fewer when
       there are fewer candidates; ties: lower index first);
    3. ``bar_value`` = the ``bar_rate`` quantile; a selected unit is specific to language i
       when ``p_{u,i} > bar_value``.

    Args:
        probs: [M x n] activation probabilities, units over all layers.
        filter_rate, top_rate, bar_rate: See :class:`LapeSettings`.
    """
    probs = np.asarray(probs, dtype=np.float64)
    entropy = lape_entropy(probs)
    filter_value = quantile_value(probs, filter_rate)
    candidates = np.flatnonzero((probs > filter_value).any(-1) & np.isfinite(entropy))
    n_top = min(round(len(probs) * top_rate), len(candidates))
    order = candidates[np.argsort(entropy[candidates], kind="stable")[:n_top]]
    selected = np.zeros(len(probs), dtype=bool)
    selected[order] = True
    bar_value = quantile_value(probs, bar_rate)
    specific = (selected[:, None] & (probs > bar_value)).T
    return LapeSelection(entropy, selected, specific, filter_value, bar_value)


def positive_counts(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[str],
    modules: Sequence[str],
    *,
    read: str = "input",
    batch_size: int = 16,
    max_tokens: int | None = None,
) -> tuple[dict[str, np.ndarray], int]:
    """How often each unit of the named modules is positive over the sentences' word tokens.

    Args:
        model, tokenizer: A causal LM of a registered family and its tokenizer.
        sentences: Whitespace-tokenized sentences.
        modules: Module names whose activations ([B x T x U_m], or [B*T x U_m]) are read.
        read: The module's ``input`` or ``output``.
        batch_size, max_tokens: As :func:`~xlprobe.probing.causal_lm.word_batches`.

    Returns:
        Module -> [U_m] counts, and the number of word tokens.
    """
    import torch

    from xlprobe.probing.causal_lm import inference, word_batches
    from xlprobe.probing.hooks import capture

    counts: dict[str, torch.Tensor] = {}
    tokens = 0
    with inference(model), capture(model, list(modules), read=read) as cache:
        for _, _, words in word_batches(
            model, tokenizer, sentences, batch_size=batch_size, max_tokens=max_tokens
        ):
            for name in modules:
                # [B x T x U], or [B*T x U] where the block flattens the tokens (OPT's fc2)
                acts = cache[name].reshape(*words.shape, -1)
                mask = words.to(acts.device).unsqueeze(-1)
                batch = ((acts > 0) & mask).sum((0, 1)).cpu()
                counts[name] = batch if name not in counts else counts[name] + batch
            tokens += int(words.sum())
    if not counts:
        raise InputError("no sentence to count activations on")
    return {name: counts[name].numpy().astype(np.int64) for name in modules}, tokens


def layer_matched_random(
    columns: np.ndarray, layer_of: np.ndarray, seed: int | Sequence[int]
) -> np.ndarray:
    """As many random units of each layer as ``columns`` has there (the control).

    Args:
        columns: Chosen unit columns.
        layer_of: [M] the layer of every column.
        seed: Seed of the draw.
    """
    rng = np.random.default_rng(seed)
    drawn = []
    for layer, count in zip(*np.unique(layer_of[columns], return_counts=True), strict=True):
        pool = np.flatnonzero(layer_of == layer)
        drawn.append(rng.choice(pool, size=count, replace=False))
    return np.sort(np.concatenate(drawn)) if drawn else columns[:0]


def lape_report(round: Round) -> ProbeReport:
    """The LAPE rows of one probe round (module docstring).

    Returns:
        A report with the rows and the timings ``lape/select`` and ``lape/perplexity``
        (seconds); no rows for a model that is not a decoder-only LM (logged).
    """
    from xlprobe.io import atomic_path
    from xlprobe.models.families import family_of
    from xlprobe.probing.causal_lm import token_nll
    from xlprobe.probing.experts import UnitIndex
    from xlprobe.probing.hooks import layer_modules, set_units

    tick = time.perf_counter()
    settings = round.settings.lape
    model, tokenizer = round.model, round.tokenizer
    family = family_of(model)
    if family.kind != "decoder":
        logger.info(
            "probe lape: skipped, the %s family is %s: LAPE measures a decoder-only LM's "
            "perplexity",
            family.name,
            family.kind,
        )
        return ProbeReport()
    try:
        point = family.hook_point("ffn")
        modules = layer_modules(model, point)
    except InputError as error:
        logger.info("probe lape: skipped, %s", error)
        return ProbeReport()
    langs = [*round.settings.languages, round.settings.pivot]
    max_tokens = round.settings.extraction.max_subwords
    n = len(round.corpus)
    held = min(settings.heldout, n // 2)
    select_on = {lang: list(round.corpus.sentences[lang][: n - held]) for lang in langs}
    measure_on = {lang: list(round.corpus.sentences[lang][n - held :]) for lang in langs}

    columns = []
    for lang in langs:
        counts, tokens = positive_counts(
            model,
            tokenizer,
            select_on[lang],
            list(modules),
            read=point.read,
            batch_size=settings.batch_size,
            max_tokens=max_tokens,
        )
        columns.append(np.concatenate([counts[name] for name in modules]) / max(tokens, 1))
    probs = np.stack(columns, axis=1)
    index = UnitIndex.from_modules(modules, [len(counts[name]) for name in modules])
    selection = select_units(
        probs,
        filter_rate=settings.filter_rate,
        top_rate=settings.top_rate,
        bar_rate=settings.bar_rate,
    )
    with atomic_path(round.dir / UNITS_FILE) as tmp, open(tmp, "wb") as handle:
        np.savez(
            handle,
            langs=np.asarray(langs),
            layer=index.layer + 1,
            unit=index.unit,
            probs=probs.astype(np.float32),
            entropy=selection.entropy.astype(np.float32),
            specific=selection.specific,
        )

    make_row = row_maker(round.id.fields, family.input_side)

    rows = []
    layers = sorted(set(index.layer.tolist()))
    for i, lang in enumerate(langs):
        total = int(selection.specific[i].sum())
        for block in layers:
            count = int(selection.specific[i, index.layer == block].sum())
            share = 100 * count / total if total else math.nan
            rows.append(make_row("lape_units", lang, lang, block + 1, share, count, total))
    timings = {"lape/select": time.perf_counter() - tick}

    if model.get_output_embeddings() is None or not held:
        why = "it has no LM head (a task head instead)" if held else "no sentence is held out"
        logger.info("probe lape: no perplexity rows, %s", why)
        return ProbeReport(rows=rows, timings=timings)
    tick = time.perf_counter()
    top = layers[-1] + 1

    def nll(lang: str) -> tuple[float, int]:
        return token_nll(
            model,
            tokenizer,
            measure_on[lang],
            batch_size=settings.batch_size,
            max_tokens=max_tokens,
        )

    plain = {lang: nll(lang) for lang in langs}
    conditions = [("lape_ppl", 0)] + ([("lape_ppl_random", 1)] if settings.random_control else [])
    for i, lang in enumerate(langs):
        own = np.flatnonzero(selection.specific[i])
        if not len(own):
            logger.info("probe lape: no unit is specific to %s; no perplexity rows", lang)
            continue
        for metric, control in conditions:
            chosen = (
                layer_matched_random(own, index.layer, seed=(settings.seed, i)) if control else own
            )
            units = index.by_module(chosen, np.zeros(len(chosen)))
            with set_units(model, units, read=point.read):
                after = {other: nll(other) for other in langs}
            for other in langs:
                (base, tokens), (now, _) = plain[other], after[other]
                change = 100 * math.expm1((now - base) / max(tokens, 1))
                rows.append(make_row(metric, lang, other, top, change))
        _log_effect(lang, len(own), rows)
    timings["lape/perplexity"] = time.perf_counter() - tick
    return ProbeReport(rows=rows, timings=timings)


def _log_effect(lang: str, n_units: int, rows: Sequence[ProbeRow]) -> None:
    """One line: the perplexity change of the language itself against the others' (and the
    random control's), when its units are deactivated."""

    def change(metric: str, own: bool) -> float:
        values = [r.value for r in rows if r.metric == metric and r.lang_s == lang
                  and (r.lang_t == lang) == own]  # fmt: skip
        return float(np.mean(values)) if values else math.nan

    own, others, random = (
        change("lape_ppl", True),
        change("lape_ppl", False),
        change("lape_ppl_random", True),
    )
    logger.info(
        "probe lape: deactivating the %d units specific to %s changes its perplexity by "
        "%+.2f%%, the other languages' by %+.2f%% on average, its own under random units by "
        "%+.2f%%: %s",
        n_units,
        lang,
        own,
        others,
        random,
        "its own rises most" if own > max(others, random) else "not its own most",
    )


class LapeProbe:
    """Language-specific FFN units and their effect on perplexity (module docstring)."""

    name: ClassVar[str] = "lape"
    options: ClassVar[Mapping[str, type[Options]]] = {"lape": LapeSettings}
    metrics: ClassVar[tuple[Metric, ...]] = METRICS
    rescorable: ClassVar[tuple[str, ...]] = ()
    rows_file: ClassVar[str] = "lape.csv"

    def enabled(self, settings: Any) -> bool:
        return settings.lape.enabled

    def sentence_pooling(self, settings: Any) -> str | None:
        return None

    def run(self, round: Round) -> ProbeReport:
        return lape_report(round)

    def rescore(self, stored: StoredRound) -> None:
        return None
