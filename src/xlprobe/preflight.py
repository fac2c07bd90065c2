"""Preflight: what the config alone can tell, checked before any model or dataset loads.

``train.py`` and ``probe.py`` call :func:`preflight` first, so that a wrong option fails in a
second with one line naming it, not after the model and the whole dataset have been downloaded
and tokenized. Checked, in order:

- output directories (``paths.output_dir``, ``paths.cache_dir``) writable;
- ``ckpt_path`` (training) / ``ckpt`` (probe.py) an existing file, with LoRA adapters exactly
  when ``model.lora`` asks for them (of its rank);
- every language of ``lang.train`` / ``lang.zero_shot`` valid for the task and covered by the data
  config (a ``data.hub`` entry and, with ``data.hub_root``, its local snapshot; or local files
  for every split);
- when the probe runs: the probe settings (thresholds in range, ``ProbeSettings`` validation),
  the cluster backend importable, ``probe.layers`` within the model's layers (a local model's
  ``config.json``, or a tiny model's ``model.tiny.num_layers``), the probe corpus present and
  line-aligned for ``lang.probe`` and the pivot, or buildable from ``probe.corpus.source``
  (files present, languages covered), and ``probe.k`` not above the words the corpus has;
  then the estimate of one probe round (kept tokens, store size, memory, time) is logged
  (:mod:`xlprobe.estimate`; ``dry_run=true`` stops the run after it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from xlprobe.errors import InputError


def preflight(cfg: DictConfig, *, for_training: bool) -> None:
    """Check ``cfg`` before anything heavy runs.

    Args:
        cfg: The composed ``train`` / ``probe_run`` config.
        for_training: ``train.py`` (checks ``ckpt_path`` and probes only with the probe
            callback) rather than ``probe.py`` (checks ``ckpt``; ``from_run`` re-scores and needs
            no model, data or corpus).

    Raises:
        InputError: The first bad setting, naming the option and the fix.
    """
    check_writable(cfg)
    check_checkpoint(cfg, for_training=for_training)
    if not for_training and cfg.get("from_run"):
        return
    check_task_model(cfg)
    check_data_languages(cfg)
    if probes(cfg, for_training=for_training):
        settings = config_probe_settings(cfg)
        check_backend(settings)
        check_layers(cfg.model, settings.layers)
        check_probe_corpus(cfg, settings.languages, settings.pivot, settings.k)
        from xlprobe.estimate import log_estimate

        log_estimate(cfg, settings, for_training=for_training)


def config_probe_settings(cfg: DictConfig):
    """The run's :class:`~xlprobe.probing.settings.ProbeSettings` (``probe`` node, ``lang.probe``,
    ``lang.pivot``)."""
    from xlprobe.probing.settings import probe_settings

    node = OmegaConf.to_container(cfg.probe, resolve=True)
    return probe_settings(node, list(cfg.lang.probe), cfg.lang.pivot)


def probes(cfg: DictConfig, *, for_training: bool) -> bool:
    """Whether this run probes: probe.py always; training with an enabled probe callback."""
    if not for_training:
        return True
    callbacks = cfg.get("callbacks") or {}
    return bool(cfg.probe.get("enabled", True)) and "probe" in callbacks


def check_writable(cfg: DictConfig) -> None:
    """``paths.output_dir`` and ``paths.cache_dir`` exist or can be made, and take a file."""
    for option in ("output_dir", "cache_dir"):
        directory = cfg.paths.get(option)
        if directory is None:
            continue
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=path):
                pass
        except OSError as err:
            raise InputError(
                f"paths.{option}={directory} is not a writable directory "
                f"({err.strerror or err}): point it somewhere writable"
            ) from None


def check_checkpoint(cfg: DictConfig, *, for_training: bool) -> None:
    """``ckpt_path`` (training) or ``ckpt`` (probe.py), when set, is a Lightning checkpoint: an
    existing file that PyTorch reads (memory-mapped, so a large one costs little) holding a
    ``state_dict`` and the Lightning version that wrote it."""
    option = "ckpt_path" if for_training else "ckpt"
    value = cfg.get(option)
    if not value:
        return
    path = Path(value)
    fix = f"give the .ckpt of a run's checkpoints/, or {option}=null"
    if not path.is_file():
        raise InputError(f"{option}={value}: no such checkpoint file ({fix})")
    import zipfile

    if not zipfile.is_zipfile(path):
        raise InputError(f"{option}={value}: not a PyTorch checkpoint file ({fix})", path=path)
    import torch

    try:
        checkpoint = torch.load(path, map_location="cpu", mmap=True, weights_only=False)
    except Exception as err:  # a damaged archive: any of torch's or pickle's errors
        raise InputError(
            f"{option}={value}: PyTorch cannot read it ({type(err).__name__}: {err}; {fix})",
            path=path,
        ) from None
    keys = ("state_dict", "pytorch-lightning_version")
    if not isinstance(checkpoint, dict) or any(key not in checkpoint for key in keys):
        raise InputError(
            f"{option}={value}: a PyTorch file but not a Lightning checkpoint (no "
            f"{' / '.join(keys)}; {fix})",
            path=path,
        )
    from xlprobe.models import model_spec
    from xlprobe.models.lora import check_lora_state

    lora = model_spec(cfg.model).lora
    weights = {
        key.removeprefix("model."): value
        for key, value in checkpoint["state_dict"].items()
        if key.startswith("model.")
    }
    check_lora_state(weights, None if lora is None else lora.r, path)


def check_task_model(cfg: DictConfig) -> None:
    """The model config is valid, and a task that generates text (``task.head=seq2seq``) has a
    model of a family that generates (its adapter says; a ``model=hf`` model's family is known
    from a local ``config.json``, else checked when it loads)."""
    from xlprobe.models import model_spec

    adapter = model_spec(cfg.model).adapter()
    if cfg.task.head == "seq2seq" and adapter is not None and not adapter.generates:
        raise InputError(
            f"task={cfg.task.name} generates text and needs an encoder-decoder or decoder-only "
            f"model (model=mt5 or model=tiny_mt5); model.family={adapter.name} is encoder-only"
        )


def check_data_languages(cfg: DictConfig) -> None:
    """Every training and zero-shot language is valid for the task and has data: a
    ``data.hub`` entry (hub; with ``data.hub_root``, its local snapshot directory) or the local
    files of every split (local)."""
    from hydra.errors import InstantiationException

    from xlprobe.data.lang_sets import missing_task_data
    from xlprobe.data.readers import hub_dataset_path
    from xlprobe.utils.instantiate import instantiate

    if not cfg.get("data"):
        return
    missing = missing_task_data(
        cfg.task.name, [*cfg.lang.train, *cfg.lang.zero_shot], source=cfg.data.source
    )
    if missing:
        option = f"eval_langs={cfg.eval_langs}" if cfg.get("eval_langs") else "lang"
        raise InputError(f"{option}: {missing}")
    try:
        data = instantiate(cfg.data, tokenizer=None, _convert_="all")
    except InstantiationException as err:
        cause = err.__cause__ or err
        raise InputError(
            f"data: cannot build {cfg.data.get('_target_')} from the config ({cause}); check "
            f"the data.* options of task={cfg.task.name} and the experiment"
        ) from None
    for lang in data.eval_langs:
        option = "lang.train" if lang in data.train_langs else "lang.zero_shot"
        try:
            data.check_lang(lang)
        except InputError as err:
            raise InputError(f"{option}: {err.message}") from None
        if data.source == "hub" and lang not in data.hub:
            study = ""
            if cfg.task.name in ("pos", "deps", "topic"):
                study = " (experiment=transfer_study has every UD and SIB-200 language)"
            raise InputError(
                f"{option}: {lang!r} has no hub dataset in data.hub (it names "
                f"{', '.join(data.hub) or 'none'}): add data.hub.{lang}, use data.source=local, "
                f"or remove {lang!r}{study}"
            )
        if data.source == "hub" and data.hub_root is not None:
            hub_dataset_path(data.hub[lang], data.hub_root)
    if data.source != "local":
        return
    for split in ("train", "validation", "test"):
        for lang in data.langs_for(split):
            for path in data.local_files(data.splits[split], lang):
                if not path.is_file():
                    option = "lang.train" if lang in data.train_langs else "lang.zero_shot"
                    raise InputError(
                        f"data.local_dir={data.local_dir}: no {split} file {path.name} for "
                        f"{lang!r} ({option}): add it or remove {lang!r} from {option}"
                    )


def check_backend(settings: Any) -> None:
    """The K-means backend resolves, its library (and GPU) is there, and it takes the
    options (a tf32/bf16 precision is the torch backend's only)."""
    from xlprobe.probing.cluster import resolve_options

    resolve_options(settings.kmeans_options())


def check_layers(model_cfg: DictConfig, layers: Sequence[int] | None) -> None:
    """``probe.layers`` lie in ``0..L`` (0 = embeddings) for a model of ``L`` layers (when the
    config tells L without loading the model: a local ``config.json`` or the tiny sizes)."""
    from xlprobe.models import model_spec

    if layers is None:
        return
    spec = model_spec(model_cfg)
    count = spec.num_layers()
    if count is not None and max(layers) > count:
        raise InputError(
            f"probe.layers={list(layers)}: the model ({spec.name_or_path or 'tiny'}) has "
            f"{count} layers, so layers run from 0 (embeddings) to {count}"
        )


def check_probe_corpus(
    cfg: DictConfig, languages: Sequence[str], pivot: str, k: int | None
) -> None:
    """The probe corpus exists and is line-aligned for ``languages`` and the pivot, or can be
    built from ``probe.corpus.source``; ``probe.k`` is not above its words in any language."""
    from xlprobe.data.probe_sources import CorpusSettings, build_settings, corpus_exists

    corpus: dict[str, Any] = OmegaConf.to_container(cfg.probe.corpus, resolve=True)
    CorpusSettings.from_mapping(corpus)
    wanted = [*languages, pivot]
    data = cfg.get("data") or {}
    if data.get("source") == "synthetic" and str(corpus["dir"]) == str(data.get("local_dir")):
        return  # the synthetic corpus is generated with its probe split
    if corpus_exists(corpus, wanted):
        from xlprobe.data.corpus import ProbeCorpus

        try:
            loaded = ProbeCorpus.from_dir(
                corpus["dir"],
                wanted,
                split=corpus.get("split", "probe"),
                max_sentences=corpus.get("max_sentences"),
            )
        except InputError as err:
            raise InputError(f"probe.corpus.dir={corpus['dir']}: {err}") from None
        words = {
            lang: sum(len(line.split()) for line in lines)
            for lang, lines in loaded.sentences.items()
        }
        _check_k(k, words, f"the probe corpus in probe.corpus.dir={corpus['dir']}")
        return
    if not corpus.get("source"):
        raise InputError(
            f"probe.corpus.dir={corpus['dir']} has no {corpus.get('split', 'probe')}.<lang>.txt "
            f"for {wanted} and probe.corpus.source is null: point probe.corpus.dir at a probe "
            "corpus (xlprobe corpus build), or set probe.corpus.source"
        )
    settings = build_settings(corpus, languages, pivot)
    _check_sources(corpus["source"], wanted)
    if settings.max_sentences is not None:
        bound = settings.max_sentences * settings.max_tokens
        _check_k(k, dict.fromkeys(wanted, bound), "the probe corpus built (at most)")


def _check_k(k: int | None, words: Mapping[str, int], corpus: str) -> None:
    if k is None:
        return
    lang, fewest = min(words.items(), key=lambda item: item[1])
    if k > fewest:
        raise InputError(
            f"probe.k={k} is above the {fewest} words of {corpus} for {lang!r}: K-means cannot "
            "make more concepts than tokens; lower probe.k (or null to scale) or use more "
            "sentences"
        )


def _check_sources(specs: Sequence[Mapping[str, Any]], wanted: Sequence[str]) -> None:
    """Local source files exist; the sources cover every wanted language where the specs
    tell (hub datasets tell only once loaded)."""
    from xlprobe.data.probe_sources import expand_sources, source_languages

    covered: set[str] = set()
    known = True
    for spec in specs:
        langs = source_languages(spec, wanted)
        known = known and langs is not None
        covered.update(langs or ())
    for spec in expand_sources(specs):
        for lang, path in spec.get("files", {}).items():
            if not Path(path).is_file():
                raise InputError(
                    f"probe.corpus.source: the {lang!r} file of a parallel source is missing "
                    "(the probe corpus is built from it): add it, or set probe.corpus.dir to a "
                    "built corpus",
                    path=path,
                )
    missing = [lang for lang in wanted if lang not in covered]
    if known and missing:
        raise InputError(
            f"lang.probe: no parallel source in probe.corpus.source covers {missing}: add a "
            "source with them (e.g. a zero-shot pair) or remove them from lang.probe"
        )
