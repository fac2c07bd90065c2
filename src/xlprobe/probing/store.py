"""ActivationStore: word-level activations of one view (side, language) on disk.

Layout of a store directory::

    layer_00.npy ... layer_LL.npy   float16 or float32 [N x D], row i = token-table row i
                                    (0 = embeddings)
    tokens.parquet                  word, lang, sentence, position, occurrence (N rows)
    meta.json                       side, lang, model, settings, counts, layers, dim,
                                    layer_dtypes

Numerics: a layer is stored in float16 only when every value fits its range (|x| <= 65504);
otherwise the whole layer is stored in float32, so no value is ever clipped. mT5's hidden states
are known to exceed the float16 range. float32 rather than bfloat16: bfloat16 keeps the range
but only 8 significant bits (float16 has 11), so the layers that need the range would be stored
less precisely than the others; float32 holds float16, bfloat16 and float32 model outputs
exactly, and ``np.load`` reads it without a custom dtype. The choice per layer is recorded in
``meta.json`` (``layer_dtypes``) and is the ``.npy`` header's dtype.

Writing is incremental and bounded in memory: the number of rows N is known before the first
forward pass (extraction plans which occurrences it keeps from tokenization alone), so each
layer file gets its final ``.npy`` header up front and every batch writes its rows in place with
``os.pwrite`` at ``header + row * D * itemsize``. A layer starts as float16; the first batch
with a value beyond the float16 range widens it: the rows written so far are converted to
float32 in chunks into a new file that replaces the old one. Plain file writes go through the
page cache, which the kernel flushes and evicts on its own; nothing is held in process memory
beyond one batch (or one conversion chunk), and, unlike writing through a memory map, the
written pages do not count towards the process's resident set. Rows land in corpus order
whatever the order of the batches. The whole directory is built under a temporary name and
renamed when complete (:func:`xlprobe.io.atomic_path`), so an interrupted run never leaves a
store that looks finished. Reading maps the layer files (``np.load(mmap_mode="r")``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.concepts import TokenTable

STORE_FORMAT = 2
FLOAT16_MAX = 65504.0
"""Largest finite float16 value; a layer with any |x| above it is stored in float32."""
_NARROW = np.dtype("<f2")
_WIDE = np.dtype("<f4")
_WIDEN_CHUNK_BYTES = 64 * 2**20


def layer_file(layer: int) -> str:
    """File name of ``layer`` inside a store, e.g. ``layer_06.npy``."""
    return f"layer_{layer:02d}.npy"


def cache_key(
    model_id: str,
    sentences: Sequence[str],
    settings: Any,
    side: str,
    lang: str,
    **extra: Any,
) -> str:
    """A 16-hex-digit key identifying an extraction, for cache directory names.

    The key is a sha256 prefix over the store format version, ``model_id`` (name and checkpoint
    identity, e.g. ``"xlm-roberta-base@epoch3"``: the caller makes it unique per weights), every
    sentence in order, the extraction settings (a dataclass), the view (side, lang) and any
    ``extra`` JSON-serialisable values (e.g. the source sentences' digest of a decoder view).
    """
    h = hashlib.sha256()
    header = {
        "format": STORE_FORMAT,
        "model": model_id,
        "settings": dataclasses.asdict(settings),
        "side": side,
        "lang": lang,
        "extra": extra,
    }
    h.update(json.dumps(header, sort_keys=True, default=str).encode())
    for sentence in sentences:
        h.update(b"\n")
        h.update(sentence.encode())
    return h.hexdigest()[:16]


def fits_float16(values: np.ndarray) -> bool:
    """Whether float16 holds ``values`` without overflow: no |x| > 65504 (NaN and the values
    inside the range are representable; precision is float16's 11 significant bits)."""
    if values.size == 0:
        return True
    low, high = values.min(), values.max()  # two reductions, no temporary array
    if np.isnan(low) or np.isnan(high):  # a NaN hides the extremes
        return not bool(np.any(np.abs(values) > FLOAT16_MAX))
    return bool(low >= -FLOAT16_MAX and high <= FLOAT16_MAX)


class StoreWriter:
    """Writes the layer files of a store with known shape, rows in any order.

    Every layer starts as float16 and is widened to float32 for good by the first
    :meth:`write` holding a value beyond the float16 range (see the module docstring).

    Args:
        directory: The (temporary) store directory; must exist.
        layers: Layer indices to write.
        n_rows: Rows N of every layer array.
        dim: Width D of every layer array.
    """

    def __init__(self, directory: Path, layers: Sequence[int], n_rows: int, dim: int):
        self.directory = directory
        self.n_rows = n_rows
        self.dim = dim
        self._fds: dict[int, int] = {}
        self._offsets: dict[int, int] = {}
        self._dtypes: dict[int, np.dtype] = {}
        try:
            for layer in layers:
                self._create(layer, _NARROW)
        except BaseException:
            self.close()
            raise

    @property
    def dtypes(self) -> dict[int, str]:
        """Layer -> dtype name of its file so far (``"float16"`` or ``"float32"``)."""
        return {layer: dtype.name for layer, dtype in self._dtypes.items()}

    def _create(self, layer: int, dtype: np.dtype, name: str | None = None) -> Path:
        """Create the zero-filled layer file (or ``name`` inside the directory) with its header
        and open it for in-place writes."""
        path = self.directory / (name or layer_file(layer))
        header = {"descr": dtype.str, "fortran_order": False, "shape": (self.n_rows, self.dim)}
        with path.open("wb") as f:
            np.lib.format.write_array_header_1_0(f, header)
            self._offsets[layer] = f.tell()
            f.truncate(self._offsets[layer] + self.n_rows * self.dim * dtype.itemsize)
        self._fds[layer] = os.open(path, os.O_WRONLY)
        self._dtypes[layer] = dtype
        return path

    def _widen(self, layer: int) -> None:
        """Rewrite ``layer`` as float32: the float16 rows written so far, converted exactly,
        chunk by chunk."""
        path = self.directory / layer_file(layer)
        old_fd, old_offset = self._fds.pop(layer), self._offsets[layer]
        os.close(old_fd)
        narrow = np.memmap(path, _NARROW, "r", old_offset, (self.n_rows, self.dim))
        wide_path = self._create(layer, _WIDE, name=f".{layer_file(layer)}.wide")
        step = max(1, _WIDEN_CHUNK_BYTES // (self.dim * _WIDE.itemsize))
        row_bytes = self.dim * _WIDE.itemsize
        for start in range(0, self.n_rows, step):
            chunk = np.ascontiguousarray(narrow[start : start + step], dtype=_WIDE)
            os.pwrite(self._fds[layer], chunk.data, self._offsets[layer] + start * row_bytes)
        del narrow
        os.replace(wide_path, path)

    def write(self, layer: int, rows: np.ndarray, values: np.ndarray) -> None:
        """Write ``values`` [M x D] to the rows ``rows`` [M] (ascending) of ``layer``.

        Values beyond the float16 range widen the layer to float32 first; consecutive row
        indices are written with one ``pwrite`` each run.
        """
        values = np.asarray(values)
        if values.shape != (len(rows), self.dim):
            raise ValueError(f"expected {(len(rows), self.dim)} values, got {values.shape}")
        if self._dtypes[layer] == _NARROW and not fits_float16(values):
            self._widen(layer)
        dtype = self._dtypes[layer]
        values = np.ascontiguousarray(values, dtype=dtype)
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        starts = np.concatenate([[0], breaks])
        ends = np.concatenate([breaks, [len(rows)]])
        row_bytes = self.dim * dtype.itemsize
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            offset = self._offsets[layer] + int(rows[start]) * row_bytes
            os.pwrite(self._fds[layer], values[start:end].data, offset)

    def close(self) -> None:
        """Close the layer files."""
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


def write_tokens(tokens: TokenTable, path: Path) -> None:
    """Write a token table as parquet (columns word, lang, sentence, position, occurrence)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "word": pa.array(tokens.word.tolist(), type=pa.string()),
            "lang": pa.array(tokens.lang.tolist(), type=pa.string()),
            "sentence": pa.array(tokens.sentence, type=pa.int64()),
            "position": pa.array(tokens.position, type=pa.int64()),
            "occurrence": pa.array(tokens.occurrence, type=pa.int64()),
        }
    )
    pq.write_table(table, path)


@dataclass(frozen=True)
class ActivationStore:
    """A finished store directory (see the module docstring for the layout).

    Attributes:
        path: The store directory.
        meta: Contents of ``meta.json``: ``side``, ``lang``, ``model``, ``settings``,
            ``layers``, ``dim``, ``n_rows``, ``sentences``, ``sentences_skipped``,
            ``words_dropped``, ``words_capped``, ``layer_dtypes`` (layer as a string ->
            ``"float16"`` or ``"float32"``), ``values_nonfinite`` (inf/NaN values the model
            itself produced, stored as they are).
    """

    path: Path
    meta: dict

    @classmethod
    def open(cls, path: str | Path) -> ActivationStore:
        """Open a complete store.

        Raises:
            InputError: ``path`` is not a finished store of this format.
        """
        path = Path(path)
        meta_path = path / "meta.json"
        if not meta_path.is_file():
            raise InputError("not an activation store (meta.json missing)", path=path)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != STORE_FORMAT:
            raise InputError(
                f"activation store format {meta.get('format')!r}, expected {STORE_FORMAT}; "
                "delete it to extract again",
                path=path,
            )
        return cls(path=path, meta=meta)

    @staticmethod
    def is_complete(path: str | Path) -> bool:
        """Whether ``path`` holds a finished store (stores only appear once complete)."""
        return (Path(path) / "meta.json").is_file()

    @property
    def layers(self) -> list[int]:
        """Stored layer indices; 0 is the embedding layer."""
        return list(self.meta["layers"])

    @property
    def wide_layers(self) -> list[int]:
        """Layers stored in float32 because some value exceeds the float16 range (mT5's and
        LLMs' residual streams carry such values: massive activations)."""
        dtypes = self.meta.get("layer_dtypes", {})
        return sorted(int(layer) for layer, dtype in dtypes.items() if dtype != "float16")

    def layer(self, layer: int) -> np.ndarray:
        """Activations of ``layer``: read-only memory map [N x D], float16, or float32 where
        the layer's values exceed the float16 range (``meta["layer_dtypes"]``)."""
        if layer not in self.meta["layers"]:
            raise InputError(f"layer {layer} not in this store (has {self.layers})", path=self.path)
        return np.load(self.path / layer_file(layer), mmap_mode="r")

    @cached_property
    def tokens(self) -> TokenTable:
        """The token table, one row per activation row."""
        import pyarrow.parquet as pq

        table = pq.read_table(self.path / "tokens.parquet")
        return TokenTable.from_columns(
            table.column("word").to_pylist(),
            table.column("lang").to_pylist(),
            table.column("sentence").to_numpy(),
            table.column("position").to_numpy(),
            table.column("occurrence").to_numpy(),
        )

    def __len__(self) -> int:
        return int(self.meta["n_rows"])


@dataclass(frozen=True)
class StoreRows:
    """Some rows of a store: one view's share of a store extracted once for several views
    (the alignment-filtered views of the paper's CALIGN and the view of every token share
    their sentences' forward pass). Reads like an :class:`ActivationStore`.

    Attributes:
        store: The store.
        rows: Row indices into it, ascending.
    """

    store: ActivationStore
    rows: np.ndarray

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def meta(self) -> dict:
        return self.store.meta

    @property
    def layers(self) -> list[int]:
        return self.store.layers

    def layer(self, layer: int) -> np.ndarray:
        """[len(rows) x D] activations of ``layer`` (read into memory)."""
        return np.asarray(self.store.layer(layer)[self.rows])

    @cached_property
    def tokens(self) -> TokenTable:
        """The rows' token table, ``occurrence`` counted again within the rows."""
        tokens = self.store.tokens
        words = tokens.word[self.rows]
        seen: dict[str, int] = {}
        occurrence = np.empty(len(words), dtype=np.int64)
        for i, word in enumerate(words.tolist()):
            occurrence[i] = seen.get(word, 0)
            seen[word] = occurrence[i] + 1
        return TokenTable.from_columns(
            words,
            tokens.lang[self.rows],
            tokens.sentence[self.rows],
            tokens.position[self.rows],
            occurrence,
        )

    def __len__(self) -> int:
        return len(self.rows)
