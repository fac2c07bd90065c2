"""The DataModule shared by the three tasks: languages, sources, splits and loaders.

Subclasses say how one (split, language) is read from local files or the hub and how examples
are encoded; this class checks that every language has data for every split before training
starts, and gives one validation/test loader per language (in :attr:`eval_langs` order).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from lightning.pytorch import LightningDataModule

from xlprobe.data.collate import pad_collate
from xlprobe.errors import InputError

log = logging.getLogger(__name__)

SOURCES = ("hub", "local", "synthetic")
SPLITS = ("train", "validation", "test")
_PAIR = re.compile(r"[a-z]{2,3}-[a-z]{2,3}")


def ensure_synthetic(out_dir: str | Path, sizes: Mapping[str, Any]) -> Path:
    """Write the bundled synthetic corpus into ``out_dir`` unless it is already there.

    A copy written by another world version or with other sizes (its ``world.json`` differs)
    is replaced. A file lock makes concurrent runs (parallel sweeps) write it once.

    Args:
        out_dir: Target directory (written atomically by the generator).
        sizes: The fields of a :class:`~xlprobe.data.synthetic.WorldSpec` (n_train, n_val,
            n_test, n_probe, seed, languages), e.g. the ``data.synthetic`` config node.

    Raises:
        InputError: ``sizes`` has a key that is no field of the spec.
    """
    import dataclasses

    from filelock import FileLock

    from xlprobe.data.synthetic import WorldSpec, is_current_dataset, write_synthetic_dataset

    known = {f.name for f in dataclasses.fields(WorldSpec)}
    unknown = sorted(set(sizes) - known)
    if unknown:
        raise InputError(
            f"data.synthetic: unknown key(s) {unknown}; expected some of {sorted(known)}"
        )
    spec = WorldSpec(**sizes)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out_dir) + ".lock"):
        if not is_current_dataset(out_dir, spec):
            log.info("Writing the synthetic corpus to %s", out_dir)
            write_synthetic_dataset(out_dir, spec, replace=out_dir.is_dir())
    return out_dir


class TaskDataModule(LightningDataModule):
    """Reads, encodes and serves one task's data for its training and zero-shot languages.

    Args:
        tokenizer: The model's (fast) tokenizer.
        source: ``hub``, ``local`` or ``synthetic`` (generate the demo corpus into
            ``local_dir``, then read it as local files).
        train_langs: Languages (or ``src-tgt`` pairs) trained on.
        zero_shot_langs: Languages only evaluated.
        local_dir: Directory of ``<split>.<lang>.<ext>`` files.
        hub: Per language, the hub dataset spec: ``path``, ``name``, ``data_dir``, ``revision``
            (``datasets.load_dataset`` arguments), ``splits`` (our split -> the dataset's, over
            ``splits``) and reader options of the task.
        hub_root: Local snapshots of the hub datasets, ``<hub_root>/<owner>/<name>`` (see
            :func:`xlprobe.data.readers.hub_dataset_path`); None loads from the hub.
        splits: Our split name -> the split name in the source.
        synthetic: Sizes for the synthetic corpus (``source=synthetic`` only).
        max_train_examples: Cap per training language (None: all).
        max_eval_examples: Cap per evaluation language and split (None: all).
        batch_size: Training batch size.
        eval_batch_size: Validation/test batch size.
        num_workers: DataLoader worker processes.
    """

    local_ext = ""

    def __init__(
        self,
        tokenizer: Any,
        *,
        source: str,
        train_langs: Sequence[str],
        zero_shot_langs: Sequence[str] = (),
        local_dir: str | Path,
        hub: Mapping[str, Mapping[str, Any]] | None = None,
        hub_root: str | Path | None = None,
        splits: Mapping[str, str] | None = None,
        synthetic: Mapping[str, int] | None = None,
        max_train_examples: int | None = None,
        max_eval_examples: int | None = None,
        batch_size: int = 16,
        eval_batch_size: int = 32,
        num_workers: int = 0,
    ) -> None:
        super().__init__()
        if source not in SOURCES:
            raise InputError(f"data.source={source!r}: expected one of {', '.join(SOURCES)}")
        if not train_langs:
            raise InputError("lang.train is empty: name at least one training language")
        if source == "synthetic" and not synthetic:
            raise InputError("data.source=synthetic needs data.synthetic (corpus sizes)")
        self.tokenizer = tokenizer
        self.source = source
        self.train_langs = list(train_langs)
        self.eval_langs = list(dict.fromkeys([*train_langs, *zero_shot_langs]))
        self.local_dir = Path(local_dir)
        self.hub = dict(hub or {})
        self.hub_root = hub_root
        self.splits = {split: split for split in SPLITS} | dict(splits or {})
        self.synthetic = dict(synthetic or {})
        self.max_examples = {
            "train": max_train_examples,
            "validation": max_eval_examples,
            "test": max_eval_examples,
        }
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.num_workers = num_workers
        self.datasets: dict[str, dict[str, list[dict[str, Any]]]] = {}

    # --- what subclasses provide -------------------------------------------------------------

    def check_lang(self, lang: str) -> None:
        """Raise InputError when ``lang`` is not a valid language name for this task (here: a
        single language, not a translation pair)."""
        if _PAIR.fullmatch(lang):
            raise InputError(
                f"language {lang!r} is a translation pair, but this task takes single languages "
                "(e.g. lang=en); pairs are for task=mt"
            )

    def local_files(self, split: str, lang: str) -> list[Path]:
        """The local files holding ``split`` for ``lang``."""
        return [self.local_dir / f"{split}.{lang}.{self.local_ext}"]

    def read_local(self, split: str, lang: str) -> list[Any]:
        """Read the examples of ``split`` for ``lang`` from local files."""
        raise NotImplementedError

    def read_hub(self, split: str, lang: str) -> list[Any]:
        """Read the examples of ``split`` for ``lang`` from the hub dataset."""
        raise NotImplementedError

    def encode(self, examples: list[Any]) -> list[dict[str, Any]]:
        """Tokenize examples into model inputs (lists of ids; extras pass through collation)."""
        raise NotImplementedError

    # --- Lightning hooks -----------------------------------------------------------------------

    def langs_for(self, split: str) -> list[str]:
        """The languages that need data for ``split``."""
        return self.train_langs if split == "train" else self.eval_langs

    def prepare_data(self) -> None:
        for lang in self.eval_langs:
            self.check_lang(lang)
        if self.source == "synthetic":
            ensure_synthetic(self.local_dir, self.synthetic)
        if self.source != "hub":
            self._check_local_files()

    def _check_local_files(self) -> None:
        for split in SPLITS:
            for lang in self.langs_for(split):
                for path in self.local_files(self.splits[split], lang):
                    if not path.is_file():
                        raise InputError(
                            f"no {split} data for language {lang!r}: file not found. Add it, or "
                            f"remove {lang!r} from lang.train/lang.zero_shot",
                            path=path,
                        )

    def setup(self, stage: str | None = None) -> None:
        if self.datasets:
            return
        raw = {}
        for split in SPLITS:
            for lang in self.langs_for(split):
                examples = self._read(split, lang)[: self.max_examples[split]]
                if not examples:
                    raise InputError(
                        f"no {split} data for language {lang!r} (source {self.source!r}): add "
                        f"data or remove {lang!r} from lang.train/lang.zero_shot"
                    )
                raw[split, lang] = examples
        for (split, lang), examples in raw.items():
            self.datasets.setdefault(split, {})[lang] = self.encode(examples)
            log.info("%s/%s: %d examples", split, lang, len(examples))

    def _read(self, split: str, lang: str) -> list[Any]:
        if self.source == "hub":
            if lang not in self.hub:
                raise InputError(
                    f"no {split} data for language {lang!r}: data.hub names a dataset for "
                    f"{', '.join(self.hub) or 'no language'} only. Use data.source=local, or "
                    f"remove {lang!r} from lang.train/lang.zero_shot"
                )
            return self.read_hub(self.hub_split(split, lang), lang)
        return self.read_local(self.splits[split], lang)

    def hub_split(self, split: str, lang: str) -> str:
        """The split of ``lang``'s hub dataset that serves our ``split``: the entry's own
        ``splits`` mapping first, then ``data.splits``."""
        return {**self.splits, **self.hub[lang].get("splits", {})}[split]

    def _loader(self, data: list[dict[str, Any]], batch_size: int, shuffle: bool) -> Any:
        from torch.utils.data import DataLoader

        return DataLoader(
            data,  # type: ignore[arg-type]
            batch_size=batch_size,
            shuffle=shuffle,
            num_workers=self.num_workers,
            collate_fn=partial(pad_collate, pad_token_id=self.tokenizer.pad_token_id),
        )

    def train_dataloader(self) -> Any:
        data = [ex for lang in self.train_langs for ex in self.datasets["train"][lang]]
        return self._loader(data, self.batch_size, shuffle=True)

    def val_dataloader(self) -> list[Any]:
        return [
            self._loader(self.datasets["validation"][lang], self.eval_batch_size, shuffle=False)
            for lang in self.eval_langs
        ]

    def test_dataloader(self) -> list[Any]:
        return [
            self._loader(self.datasets["test"][lang], self.eval_batch_size, shuffle=False)
            for lang in self.eval_langs
        ]
