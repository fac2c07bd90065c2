"""Tiny models for offline tests and demos.

They are built from a config with a tokenizer trained on the given texts, saved with
``save_pretrained`` and loaded back with :func:`xlprobe.models.loading.load_model`, so they
exercise exactly the code path of the real models.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from xlprobe.errors import InputError
from xlprobe.models.families import family
from xlprobe.models.families.base import TinyRecipe
from xlprobe.models.loading import save_model
from xlprobe.models.pretrain import pretrain_tiny_model

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

# Bump when the tiny-model recipe changes, so cached tiny models are rebuilt.
_TINY_RECIPE_VERSION = 1
_MAX_POSITIONS = 512


def _recipe(arch: str) -> TinyRecipe:
    """The tiny recipe of the family ``arch``.

    Raises:
        InputError: An unknown family, or one without a tiny recipe.
    """
    recipe = family(arch).tiny
    if recipe is None:
        raise InputError(f"the {arch} model family has no tiny stand-in (no tiny recipe)")
    return recipe


def build_tiny_model(
    arch: str,
    out_dir: str | Path,
    texts: Iterable[str],
    *,
    vocab_size: int = 2000,
    hidden_size: int = 64,
    num_layers: int = 2,
    num_heads: int = 4,
    seed: int = 0,
) -> Path:
    """Train a fast tokenizer on ``texts``, build a small model of the family ``arch`` and save
    both.

    The model has ``num_layers`` layers (per stack for mT5) of width ``hidden_size``, a
    feed-forward width of ``4 * hidden_size`` and random weights drawn from a generator seeded
    with ``seed`` (the global torch RNG is left untouched): same arguments, identical files.

    The family's :class:`~xlprobe.models.families.base.TinyRecipe` gives the tokenizer (all
    whitespace-pre-tokenized, so each corpus word maps to its own subwords; ``bert``: cased
    WordPiece, ``[CLS] A [SEP]``; ``xlmr``: BPE with ``▁`` word prefix, ``<s> A </s>``;
    ``mt5``: the same BPE, ``A </s>``, the decoder starting from ``<pad>`` as in mT5;
    ``llama``: BPE with byte fallback as Llama 2's, ``<s> A``, no pad token; ``gpt2``,
    ``bloom``, ``qwen2``: byte-level BPE with their families' pre-split patterns, ``A``, a pad
    token for BLOOM and Qwen2 only), the config and the model class.

    Args:
        arch: A registered model family with a tiny recipe (``bert``, ``xlmr``, ``mt5``,
            ``llama``, ``gpt2``, ``bloom``, ``qwen2``).
        out_dir: Destination directory, written atomically (replaced if present).
        texts: Training text for the tokenizer, one sentence per item.
        vocab_size: Upper bound of the vocabulary (smaller if the texts do not support it).
        hidden_size: Model width; must be divisible by ``num_heads``.
        num_layers: Transformer layers (encoder and decoder each, for mT5).
        num_heads: Attention heads.
        seed: Seed of the weight initialisation.

    Returns:
        ``out_dir`` as a Path, loadable with :func:`load_model`.
    """
    import torch
    import transformers
    from transformers import PreTrainedTokenizerFast

    if hidden_size % num_heads:
        raise InputError(f"hidden_size={hidden_size} is not divisible by num_heads={num_heads}")
    texts = [t for t in texts if t.strip()]
    if not texts:
        raise InputError("build_tiny_model needs at least one non-empty training text")

    recipe = _recipe(arch)
    backend = _train_tokenizer(recipe, texts, vocab_size)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, model_max_length=_MAX_POSITIONS, **recipe.special
    )
    config = recipe.config(tokenizer, hidden_size, num_layers, num_heads)
    model_class = recipe.model_class
    if isinstance(model_class, str):
        model_class = getattr(transformers, model_class)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_class(config)
    model.eval()

    out_dir = save_model(model, tokenizer, out_dir)
    log.info(
        "built tiny %s model (%d layers, hidden %d, vocab %d) in %s",
        arch,
        num_layers,
        hidden_size,
        len(tokenizer),
        out_dir,
    )
    return out_dir


def tiny_model_dir(
    arch: str,
    cache_dir: str | Path,
    *,
    seed: int = 0,
    n_sentences: int = 2000,
    vocab_size: int = 2000,
    hidden_size: int = 64,
    num_layers: int = 2,
    num_heads: int = 4,
    pretrain_epochs: int = 0,
) -> Path:
    """Directory of a tiny ``arch`` model trained on the synthetic corpus, built on first use.

    The directory is ``cache_dir/tiny_<arch>_<hash>`` where the hash covers every setting and
    the synthetic world's version, so a change of size, seed or world builds a new model and an
    existing one is reused as is (it is only ever written atomically, so a present directory is
    complete).

    Args:
        arch: A model family with a tiny recipe (``mt5``, ``bert``, ``xlmr``, ...).
        cache_dir: Where tiny models are kept.
        seed: Seed of the synthetic corpus and of the weights.
        n_sentences: Synthetic sentences per language for tokenizer training (all languages).
        vocab_size: See :func:`build_tiny_model`.
        hidden_size: See :func:`build_tiny_model`.
        num_layers: See :func:`build_tiny_model`.
        num_heads: See :func:`build_tiny_model`.
        pretrain_epochs: Epochs of multilingual denoising pretraining
            (:func:`xlprobe.models.pretrain.pretrain_tiny_model`, ``mt5`` only) on top of the
            random weights, so the base model is a multilingual model like mT5; 0 keeps the
            random weights.

    Returns:
        The model directory, loadable with :func:`load_model`.
    """
    _recipe(arch)
    if pretrain_epochs and family(arch).kind != "encoder-decoder":
        raise InputError(
            f"model.tiny.pretrain_epochs={pretrain_epochs}: denoising pretraining is for "
            f"encoder-decoder tiny models (tiny_mt5); set it to 0 for the {arch} family"
        )
    from xlprobe.data.synthetic import WORLD_VERSION

    settings = {
        "arch": arch,
        "seed": seed,
        "n_sentences": n_sentences,
        "vocab_size": vocab_size,
        "hidden_size": hidden_size,
        "num_layers": num_layers,
        "num_heads": num_heads,
        "pretrain_epochs": pretrain_epochs,
        "recipe": _TINY_RECIPE_VERSION,
        "world": WORLD_VERSION,
    }
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    out_dir = Path(cache_dir) / f"tiny_{arch}_{digest}"
    if (out_dir / "config.json").is_file():
        return out_dir

    if pretrain_epochs:
        sizes = {"vocab_size": vocab_size, "hidden_size": hidden_size, "num_layers": num_layers}
        base = tiny_model_dir(
            arch, cache_dir, seed=seed, n_sentences=n_sentences, num_heads=num_heads, **sizes
        )
        return pretrain_tiny_model(
            base, out_dir, n_sentences=n_sentences, epochs=pretrain_epochs, seed=seed
        )

    from xlprobe.data.synthetic import generate_corpus

    corpus = generate_corpus(n_sentences, seed=seed)
    texts = [s for lang in corpus.languages for s in corpus.sentences[lang]]
    return build_tiny_model(
        arch,
        out_dir,
        texts,
        vocab_size=vocab_size,
        hidden_size=hidden_size,
        num_layers=num_layers,
        num_heads=num_heads,
        seed=seed,
    )


def _train_tokenizer(recipe: TinyRecipe, texts: list[str], vocab_size: int) -> Tokenizer:
    """Train the ``tokenizers`` backend of a tiny model by its family's recipe.

    BPE and WordPiece training are deterministic (Unigram training is not: its piece order and
    scores vary from run to run), so the same texts always give the same tokenizer.
    """
    from tokenizers import processors

    specials = list(dict.fromkeys(recipe.special.values()))
    tok, trainer = _backend(recipe, specials, vocab_size)
    tok.train_from_iterator(texts, trainer)
    if recipe.tokenizer == "bytefallback-bpe":
        tok = _with_byte_pieces(tok, len(specials), recipe.special["unk_token"])
    in_template = [t for t in specials if t in f"{recipe.single} {recipe.pair}".split()]
    tok.post_processor = processors.TemplateProcessing(
        single=recipe.single,
        pair=recipe.pair,
        special_tokens=[(t, tok.token_to_id(t)) for t in in_template],
    )
    return tok


def _backend(recipe: TinyRecipe, specials: list[str], vocab_size: int):
    """The untrained ``tokenizers`` pipeline of ``recipe.tokenizer`` and its trainer."""
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        trainers,
    )

    kind = recipe.tokenizer
    if kind == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token=recipe.special["unk_token"]))
        tok.normalizer = normalizers.BertNormalizer(
            clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
        )
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(
            vocab_size=vocab_size, special_tokens=specials, show_progress=False
        )
        return tok, trainer
    if kind == "bytelevel-bpe":
        # GPT-2 / BLOOM / Llama 3 / Qwen: every byte a symbol (no unknown token), a word's
        # leading space is part of it (Ġ), no normalizer.
        tok = Tokenizer(models.BPE())
        byte_level = pre_tokenizers.ByteLevel(
            add_prefix_space=False, use_regex=recipe.split_pattern is None
        )
        if recipe.split_pattern is not None:
            split = pre_tokenizers.Split(Regex(recipe.split_pattern), behavior="isolated")
            byte_level = pre_tokenizers.Sequence([split, byte_level])
        tok.pre_tokenizer = byte_level
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=specials,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        return tok, trainer
    unk = recipe.special["unk_token"]
    if kind == "bytefallback-bpe":
        # Llama 2 / Gemma: SentencePiece BPE, no normalizer; the 256 byte pieces are added after
        # training (_with_byte_pieces), so the trainer leaves room for them. Training splits at
        # the word marker, as SentencePiece does, so no piece spans two words.
        tok = Tokenizer(models.BPE(unk_token=unk, byte_fallback=True, fuse_unk=True))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first", split=True)
        trainer = trainers.BpeTrainer(
            vocab_size=max(len(specials) + 1, vocab_size - 256),
            special_tokens=specials,
            show_progress=False,
        )
        return tok, trainer
    tok = Tokenizer(models.BPE(unk_token=unk))
    # Like SentencePiece's nmt_nfkc: NFKC, and format/control characters removed.
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(r"[\p{Cc}\p{Cf}]"), "")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, show_progress=False
    )
    return tok, trainer


def _with_byte_pieces(trained: Tokenizer, n_special: int, unk: str) -> Tokenizer:
    """The trained SentencePiece-style BPE laid out as Llama 2's: the special tokens, then the
    256 byte pieces ``<0x00>``..``<0xFF>`` a character outside the vocabulary falls back to,
    then the learnt pieces, with the pipeline ``LlamaTokenizer`` builds (``▁`` prepended to the
    first word only, text not split at spaces; decoded back through the bytes)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    state = json.loads(trained.to_str())
    learnt = sorted(state["model"]["vocab"].items(), key=lambda item: item[1])
    pieces = [p for p, _ in learnt[:n_special]]
    pieces += [f"<0x{b:02X}>" for b in range(256)]
    pieces += [p for p, _ in learnt[n_special:] if p not in pieces]
    merges = [
        tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in state["model"]["merges"]
    ]
    tok = Tokenizer(
        models.BPE(
            vocab={p: i for i, p in enumerate(pieces)},
            merges=merges,
            unk_token=unk,
            byte_fallback=True,
            fuse_unk=True,
        )
    )
    tok.add_special_tokens(
        [AddedToken(p, special=True, normalized=False) for p in pieces[:n_special]]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first", split=False)
    tok.decoder = decoders.Sequence(
        [
            decoders.Replace("▁", " "),
            decoders.ByteFallback(),
            decoders.Fuse(),
            decoders.Strip(" ", 1, 0),
        ]
    )
    return tok
