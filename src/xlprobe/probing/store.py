"""ActivationStore: word-level activations of one view (side, language) on disk.

Layout of a store directory::

    layer_00.npy ... layer_LL.npy   float16 [N x D], row i = token-table row i (0 = embeddings)
    tokens.parquet                  word, lang, sentence, position, occurrence (N rows)
    meta.json                       side, lang, model, settings, counts, layers, dim

Writing is incremental and bounded in memory: the number of rows N is known before the first
forward pass (extraction plans which occurrences it keeps from tokenization alone), so each
layer file gets its final ``.npy`` header up front and every batch writes its rows in place with
``os.pwrite`` at ``header + row * D * 2``. Plain file writes go through the page cache, which
the kernel flushes and evicts on its own; nothing is held in process memory beyond one batch,
and, unlike writing through a memory map, the written pages do not count towards the
process's resident set. Rows land in corpus order whatever the order of the batches. The whole
directory is built under a temporary name and renamed when complete
(:func:`xlprobe.io.atomic_path`), so an interrupted run never leaves a store that looks
finished. Reading maps the layer files (``np.load(mmap_mode="r")``).
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

STORE_FORMAT = 1
_DTYPE = np.dtype("<f2")


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


class StoreWriter:
    """Writes the layer files of a store with known shape, rows in any order.

    Args:
        directory: The (temporary) store directory; must exist.
        layers: Layer indices to write.
        n_rows: Rows N of every layer array.
        dim: Width D of every layer array.
    """

    def __init__(self, directory: Path, layers: Sequence[int], n_rows: int, dim: int):
        self.n_rows = n_rows
        self.dim = dim
        self._fds: dict[int, int] = {}
        self._offsets: dict[int, int] = {}
        header = {"descr": _DTYPE.str, "fortran_order": False, "shape": (n_rows, dim)}
        try:
            for layer in layers:
                path = directory / layer_file(layer)
                with path.open("wb") as f:
                    np.lib.format.write_array_header_1_0(f, header)
                    self._offsets[layer] = f.tell()
                    f.truncate(self._offsets[layer] + n_rows * dim * _DTYPE.itemsize)
                self._fds[layer] = os.open(path, os.O_WRONLY)
        except BaseException:
            self.close()
            raise

    def write(self, layer: int, rows: np.ndarray, values: np.ndarray) -> None:
        """Write ``values`` [M x D] to the rows ``rows`` [M] (ascending) of ``layer``.

        Consecutive row indices are written with one ``pwrite`` each run.
        """
        values = np.ascontiguousarray(values, dtype=_DTYPE)
        if values.shape != (len(rows), self.dim):
            raise ValueError(f"expected {(len(rows), self.dim)} values, got {values.shape}")
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        starts = np.concatenate([[0], breaks])
        ends = np.concatenate([breaks, [len(rows)]])
        row_bytes = self.dim * _DTYPE.itemsize
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
            ``words_dropped``, ``words_capped``.
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

    def layer(self, layer: int) -> np.ndarray:
        """Activations of ``layer``: read-only float16 memory map [N x D]."""
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
