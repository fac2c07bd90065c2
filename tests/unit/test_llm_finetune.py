"""Fine-tuning decoder-only LMs: prompt/target encoding and its labels, generation from
left-padded prompts, LoRA adapters (what trains, checkpoints) and gradient checkpointing, on tiny
real models of four decoder-only families (built once per module from the synthetic world)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import torch

from xlprobe.data.collate import IGNORE_INDEX, pad_collate, pad_ids
from xlprobe.data.translation import (
    SentencePair,
    TranslationDataModule,
    check_prompt,
    encode_prompted,
    is_decoder_only,
)
from xlprobe.errors import InputError
from xlprobe.models import ModelSpec
from xlprobe.tasks.translation import TranslationTask

SIZES = {"n_sentences": 200, "vocab_size": 1000, "hidden_size": 32, "num_layers": 2}
DECODERS = ("llama", "gpt2", "bloom", "qwen2")
PAIRS = [
    SentencePair("le chat dort", "the cat sleeps", "fr-en"),
    SentencePair(
        "Rosa était reconnaissante parce que le moulin neuf était excellent",
        "Rosa was grateful because the new mill was excellent",
        "fr-en",
    ),
    SentencePair("die Maus schwamm", "the mouse swam", "de-en"),
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """Where the tiny models are built, once for the module."""
    return tmp_path_factory.mktemp("cache")


def load(family: str, cache_dir: Path, head: str = "seq2seq", **options):
    """A tiny ``family`` model with ``head`` and its tokenizer, through the model config API."""
    spec = ModelSpec(family=family, tiny=SIZES, **options)
    return spec.load(head, cache_dir=cache_dir)


def make_task(model, tokenizer) -> TranslationTask:
    return TranslationTask(model, tokenizer, optimizer=partial(torch.optim.AdamW), max_new_tokens=8)


def batch_of(tokenizer, pairs=PAIRS, **kwargs) -> dict:
    return pad_collate(encode_prompted(tokenizer, pairs, **kwargs), tokenizer.pad_token_id)


@pytest.mark.parametrize("family", ["llama", "gpt2"])
def test_labels_supervise_the_target_and_eos_only(family, cache_dir):
    _, tokenizer = load(family, cache_dir)
    encoded = encode_prompted(tokenizer, PAIRS)
    for pair, ex in zip(PAIRS, encoded, strict=True):
        n = len(ex["prompt_ids"])
        assert ex["input_ids"][:n] == ex["prompt_ids"]
        assert ex["labels"][:n] == [IGNORE_INDEX] * n
        assert ex["labels"][n:] == ex["input_ids"][n:]
        assert ex["labels"][-1] == tokenizer.eos_token_id
        assert tokenizer.decode(ex["labels"][n:-1]).strip() == pair.target
        prompt = tokenizer.decode(ex["prompt_ids"], skip_special_tokens=True)
        assert prompt.strip() == f"{'French' if pair.pair == 'fr-en' else 'German'}: " + (
            f"{pair.source}\nEnglish:"
        )
    # BOS as the family's tokenizer adds it: Llama's <s>, none for GPT-2
    first = encoded[0]["input_ids"][0]
    assert (first == tokenizer.bos_token_id) == (family == "llama")
    # GPT-2 pads with its EOS: padding is -100, the real EOS stays supervised
    batch = batch_of(tokenizer)
    short = 0
    length = len(encoded[short]["input_ids"])
    assert batch["labels"][short, length - 1] == tokenizer.eos_token_id
    assert (batch["labels"][short, length:] == IGNORE_INDEX).all()
    assert (batch["attention_mask"][short, length:] == 0).all()


def test_the_loss_is_the_cross_entropy_of_target_tokens(cache_dir):
    model, tokenizer = load("llama", cache_dir)
    batch = batch_of(tokenizer)
    with torch.no_grad():
        out = model(**{k: batch[k] for k in ("input_ids", "attention_mask", "labels")})
    # next-token predictions of every position whose next token is a target token or EOS
    logits, labels = out.logits[:, :-1], batch["labels"][:, 1:]
    keep = labels != IGNORE_INDEX
    expected = torch.nn.functional.cross_entropy(logits[keep], labels[keep])
    assert torch.allclose(out.loss, expected, atol=1e-5)
    # one prediction per target subword and EOS, none for the prompt or the padding
    n_targets = batch["attention_mask"].sum() - sum(len(p) for p in batch["prompt_ids"])
    assert keep.sum() == n_targets


def test_a_long_source_is_cut_and_the_instruction_kept(cache_dir):
    _, tokenizer = load("gpt2", cache_dir)
    long = SentencePair(" ".join(["le chat dort"] * 30), "the cat sleeps", "fr-en")
    [ex] = encode_prompted(tokenizer, [long], max_source_length=5, max_target_length=2)
    text = tokenizer.decode(ex["prompt_ids"])
    assert text.startswith("French: le") and text.endswith("\nEnglish:")
    assert len(ex["prompt_ids"]) < 5 + len(tokenizer("French: \nEnglish:")["input_ids"])
    # the target: 2 subwords and EOS
    assert len(ex["input_ids"]) - len(ex["prompt_ids"]) == 3


def test_prompt_templates_are_checked():
    check_prompt("Translate {src} to {tgt}: {source} =>")
    with pytest.raises(InputError, match=r"data.prompt=.*needs \{source\}"):
        check_prompt("{src_name}: \n{tgt_name}:")
    with pytest.raises(InputError, match=r"unknown: \['lang'\]"):
        check_prompt("{lang}: {source}")


def test_left_padding_puts_every_row_at_the_end():
    assert pad_ids([[1, 2, 3], [4]], 0, side="left").tolist() == [[1, 2, 3], [0, 0, 4]]
    assert pad_ids([[1, 2, 3], [4]], 9).tolist() == [[1, 2, 3], [4, 9, 9]]


def test_the_family_decides_how_translation_is_encoded(cache_dir):
    encoded = {}
    for family in ("qwen2", "mt5"):
        _, tokenizer = load(family, cache_dir)
        data = TranslationDataModule(
            tokenizer, source="local", train_langs=["fr-en"], local_dir=cache_dir
        )
        [encoded[family]] = data.encode(PAIRS[:1])
        assert is_decoder_only(tokenizer) is (family == "qwen2")
    assert encoded["qwen2"]["labels"][0] == IGNORE_INDEX
    # mT5: the source is the input, the target the labels, no prompt
    assert "prompt_ids" not in encoded["mt5"]
    assert tokenizer.decode(encoded["mt5"]["labels"], skip_special_tokens=True) == PAIRS[0].target


@pytest.mark.parametrize("family", DECODERS)
def test_left_padded_generation_continues_each_prompt_as_if_alone(family, cache_dir):
    model, tokenizer = load(family, cache_dir)
    task = make_task(model, tokenizer).eval()
    batch = batch_of(tokenizer)
    assert len({len(p) for p in batch["prompt_ids"]}) == len(PAIRS)  # padding is exercised
    batched = task.translate(*task.generation_inputs(batch))
    alone = [
        task.translate(torch.tensor([p]), torch.ones(1, len(p), dtype=torch.long))[0]
        for p in batch["prompt_ids"]
    ]
    assert batched == alone
    # the continuation only, never the prompt
    assert any(batched) and not any("English:" in h for h in batched)


@pytest.mark.parametrize("family", DECODERS)
def test_lora_trains_the_adapters_and_nothing_else(family, cache_dir):
    model, tokenizer = load(family, cache_dir, lora={"r": 4, "dropout": 0.0})
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(".lora_A." in n or ".lora_B." in n for n in trainable)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    batch = batch_of(tokenizer)
    model.train()
    model(**{k: batch[k] for k in ("input_ids", "attention_mask", "labels")}).loss.backward()
    optimizer.step()
    for name, param in model.named_parameters():
        changed = not torch.equal(before[name], param.detach())
        assert changed == (name in trainable), name


def test_lora_trains_a_classification_head_in_full(cache_dir):
    model, _ = load("llama", cache_dir, "sequence_classification", lora={"r": 4})
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert "score.weight" in trainable
    assert not any(n.startswith("model.") and "lora_" not in n for n in trainable)


def test_lora_targets_that_match_nothing_are_one_line(cache_dir):
    with pytest.raises(InputError, match=r"model.lora.target_modules=\['nope'\]"):
        load("gpt2", cache_dir, lora={"r": 4, "target_modules": ["nope"]})


def test_a_lora_checkpoint_loads_back_to_the_same_logits(cache_dir, tmp_path):
    import lightning as L

    model, tokenizer = load("llama", cache_dir, lora={"r": 4, "dropout": 0.0})
    task = TranslationTask(model, tokenizer, optimizer=partial(torch.optim.AdamW, lr=1e-2))
    data = TranslationDataModule(
        tokenizer,
        source="synthetic",
        train_langs=["fr-en"],
        local_dir=tmp_path / "data",
        synthetic={"n_train": 16, "n_val": 4, "n_test": 4, "n_probe": 4, "seed": 0},
        batch_size=4,
    )
    trainer = L.Trainer(
        max_steps=3,
        limit_val_batches=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(task, datamodule=data)
    batch = batch_of(tokenizer)
    ckpt = tmp_path / "lora.ckpt"
    trainer.save_checkpoint(ckpt)

    inputs = {k: batch[k] for k in ("input_ids", "attention_mask")}
    fresh, _ = load("llama", cache_dir, lora={"r": 4, "dropout": 0.0})
    with torch.no_grad():
        base_logits = fresh(**inputs).logits
    restored = make_task(fresh, tokenizer)
    restored.load_state_dict(torch.load(ckpt, map_location="cpu", weights_only=False)["state_dict"])
    with torch.no_grad():
        trained = task.model.eval()(**inputs).logits
        loaded = restored.model.eval()(**inputs).logits
    assert torch.equal(loaded, trained)
    # the adapters moved the model away from its base
    assert not torch.allclose(loaded, base_logits, atol=1e-4)


@pytest.mark.parametrize("lora", [None, {"r": 4, "dropout": 0.0}], ids=["full", "lora"])
def test_gradient_checkpointing_gives_the_same_loss_and_gradients(lora, cache_dir):
    grads, losses = [], []
    for checkpointing in (False, True):
        model, tokenizer = load("llama", cache_dir, lora=lora, gradient_checkpointing=checkpointing)
        blocks = [m for m in model.modules() if hasattr(m, "gradient_checkpointing")]
        assert blocks and all(m.gradient_checkpointing is checkpointing for m in blocks)
        model.train()
        batch = batch_of(tokenizer)
        loss = model(**{k: batch[k] for k in ("input_ids", "attention_mask", "labels")}).loss
        loss.backward()
        losses.append(loss.detach())
        grads.append({n: p.grad for n, p in model.named_parameters() if p.requires_grad})
    assert torch.allclose(losses[0], losses[1], atol=1e-6)
    assert grads[0].keys() == grads[1].keys()
    for name, grad in grads[0].items():
        assert grads[1][name] is not None, name
        assert torch.allclose(grad, grads[1][name], atol=1e-6), name
    assert any(g.abs().sum() > 0 for g in grads[1].values())


def test_a_checkpoint_and_a_model_that_disagree_on_lora_are_one_line(cache_dir):
    from xlprobe.models.lora import check_lora_state, lora_rank

    plain, _ = load("llama", cache_dir)
    rank4, _ = load("llama", cache_dir, lora={"r": 4})
    rank2, _ = load("llama", cache_dir, lora={"r": 2})
    assert (lora_rank(plain.state_dict()), lora_rank(rank2.state_dict())) == (None, 2)
    check_lora_state(rank4.state_dict(), 4)
    check_lora_state(plain.state_dict(), None)
    cases = [
        (rank4, None, r"rank 4: load it with the run's model.lora \(e.g. model.lora=\{r:4\}"),
        (plain, 4, r"no LoRA adapters .*model.lora=null"),
        (rank4, 2, r"rank 4, not 2: set model.lora.r=4"),
    ]
    for saved, rank, message in cases:
        with pytest.raises(InputError, match=message):
            check_lora_state(saved.state_dict(), rank, "run.ckpt")
