"""A view's extraction spread over ranks: each rank runs its share of the sentence batches, rank
0 writes the one store.

Every rank makes the same plan and the same batches
(:func:`~xlprobe.probing.extract.prepare_view` with the same arguments everywhere), so the rows
of a sentence are known before any forward pass. Rank r runs batches r, r + R, r + 2R, ...
(R ranks) exactly as one process would run them (same sentences per batch, same padding),
writes their rows into a partial store beside the final one (``.<store>.rank<r>``, N rows, the
others left empty) with the rows it wrote and its pooled sentence vectors, and the ranks sync;
rank 0 copies every partial store's rows into the store (float16, or float32 for a layer whose
values exceed the float16 range), writes its token table and metadata, gathers the sentence
vectors, and the ranks sync again. The store equals the one a single process writes; a failure
on any rank ends every rank with its message (:meth:`~xlprobe.probing.ranks.Ranks.sync`).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.io import atomic_path
from xlprobe.probing.extract import (
    Written,
    finish_store,
    log_extraction,
    prepare_view,
    write_batches,
)
from xlprobe.probing.ranks import Ranks
from xlprobe.probing.store import ActivationStore, StoreWriter, layer_file

ROWS = "rows.npy"
SENTENCES = "sentences_{layer:02d}.npy"


def partial_dir(out_dir: Path, rank: int) -> Path:
    """Where rank ``rank`` writes its share of the store at ``out_dir``."""
    return out_dir.parent / f".{out_dir.name}.rank{rank}"


def extract_view_shared(
    model,
    tokenizer,
    sentences: list[str],
    *,
    side: str,
    lang: str,
    out_dir: str | Path,
    settings: Any,
    ranks: Ranks,
    source_sentences: list[str] | None = None,
    sentence_vectors: dict[int, np.ndarray] | None = None,
    sentence_pooling: str = "mean",
    also: Any = None,
) -> ActivationStore:
    """:func:`~xlprobe.probing.extract.extract_view` spread over ``ranks`` (module docstring):
    every rank calls it with the same arguments and gets the finished store; rank 0's
    ``sentence_vectors`` are filled with every sentence's."""
    job, plan, batches, info = prepare_view(
        model,
        tokenizer,
        sentences,
        side=side,
        lang=lang,
        settings=settings,
        source_sentences=source_sentences,
        pool=sentence_vectors is not None,
        sentence_pooling=sentence_pooling,
        also=also,
    )
    out_dir = Path(out_dir)
    partial = partial_dir(out_dir, ranks.rank)

    def write_share() -> None:
        with atomic_path(partial, replace_dir=partial.is_dir()) as tmp:
            tmp.mkdir()
            mine = [batch for i, batch in enumerate(batches) if ranks.mine(i)]
            pooled: dict[int, np.ndarray] | None = {} if sentence_vectors is not None else None
            written = write_batches(job, plan, mine, tmp, pooled)
            if written is not None:
                np.save(tmp / ROWS, written.rows)
                for layer, vectors in (pooled or {}).items():
                    np.save(tmp / SENTENCES.format(layer=layer), vectors)
                (tmp / "written.json").write_text(_written_json(written), encoding="utf-8")

    ranks.run(write_share)
    merged: Written | None = None
    if ranks.leader:
        merged = ranks.run(lambda: _merge(plan, out_dir, info, sentence_vectors, ranks.world))
    else:
        ranks.sync()
    shutil.rmtree(partial, ignore_errors=True)
    merged = ranks.broadcast(merged)
    log_extraction(side, lang, plan, merged)
    return ActivationStore.open(out_dir)


def _written_json(written: Written) -> str:
    import json

    values = dataclasses.asdict(written)
    values.pop("rows")
    values["dtypes"] = {str(k): v for k, v in values["dtypes"].items()}
    return json.dumps(values)


def _read_written(directory: Path) -> Written | None:
    import json

    path = directory / "written.json"
    if not path.is_file():
        return None  # a rank without a batch
    values = json.loads(path.read_text(encoding="utf-8"))
    values["dtypes"] = {int(k): v for k, v in values["dtypes"].items()}
    return Written(**values, rows=np.load(directory / ROWS))


def _merge(
    plan: Any,
    out_dir: Path,
    info: dict,
    sentence_vectors: dict[int, np.ndarray] | None,
    world: int,
) -> Written:
    """Rank 0: the store of every partial store's rows, and the sentence vectors."""
    paths = [partial_dir(out_dir, rank) for rank in range(world)]
    parts = [(path, written) for path in paths if (written := _read_written(path)) is not None]
    first = parts[0][1]
    with atomic_path(out_dir, replace_dir=ActivationStore.is_complete(out_dir)) as tmp:
        tmp.mkdir()
        writer = StoreWriter(tmp, first.layers, len(plan.tokens), first.dim)
        try:
            for path, written in parts:
                for layer in first.layers:
                    values = np.load(path / layer_file(layer), mmap_mode="r")
                    writer.write(layer, written.rows, np.asarray(values[written.rows]))
        finally:
            writer.close()
        merged = Written(
            layers=first.layers,
            dim=first.dim,
            dtypes=writer.dtypes,
            nonfinite=sum(written.nonfinite for _, written in parts),
            rows=np.zeros(0, np.int64),
        )
        finish_store(tmp, plan, merged, info)
    if sentence_vectors is not None:
        for path, _ in parts:
            for layer in first.layers:
                file = path / SENTENCES.format(layer=layer)
                if not file.is_file():
                    continue
                share = np.load(file)
                if layer not in sentence_vectors:
                    sentence_vectors[layer] = np.full_like(share, np.nan)
                done = ~np.isnan(share[:, 0])
                sentence_vectors[layer][done] = share[done]
    return merged
