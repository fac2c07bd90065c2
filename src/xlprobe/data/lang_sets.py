"""Languages of a run as data: ``lang=<any registry code>``, ``eval_langs=all|[...]``, and which
languages a task's data can serve.

Three pieces, all driven by the language registry (:mod:`xlprobe.data.languages`):

* :func:`lang_config` is the ``lang/<code>`` config that the Hydra plugin
  ``hydra_plugins.xlprobe_lang`` serves for every code :func:`~xlprobe.data.languages.lookup`
  accepts and ``conf/lang/`` has no file for: train on ``<code>``, zero-shot targets from
  ``eval_langs``, probe the targets against the source.
* :func:`eval_langs` is the ``${xlprobe.eval_langs:[...]}`` resolver behind ``lang.zero_shot``:
  the top-level ``eval_langs`` when set (``all`` = every language the task's data can serve,
  :func:`task_languages`; or a list, codes as given), else the lang config's own default list;
  the training languages are never their own zero-shot targets.
* :func:`ud_hub` is the ``${xlprobe.ud_hub:<release>}`` resolver that writes a ``data.hub`` entry
  of the hub's parquet UD release for every UD language of the run (the transfer-study
  experiments use it; ``conf/task/pos.yaml`` names five languages by hand).

Resolvers never raise on a user's code (an exception inside OmegaConf's resolution is a
traceback, not one line): an unknown or data-less language passes through and preflight names
it (:func:`missing_task_data`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError

# tasks whose data is Universal Dependencies / SIB-200 (registry columns ud_treebanks / sib200)
UD_TASKS = ("pos", "deps")
SIB_TASKS = ("topic",)
UD_HUB_DATASET = "commul/universal_dependencies"
# test-only treebanks: never a training treebank when the language has another
_TEST_ONLY_SUFFIXES = ("_pud",)


def lang_config(code: str) -> dict[str, Any]:
    """The ``lang`` group node of a registry language: trained on ``code`` as typed.

    Args:
        code: Any code :func:`~xlprobe.data.languages.lookup` accepts (``deu_Latn``, ``deu``).

    Returns:
        ``train: [code]``, ``zero_shot: ${xlprobe.eval_langs:[]}`` (nothing unless
        ``eval_langs`` is set), ``pivot: code`` and ``probe: ${lang.zero_shot}`` (CALIGN/COLAP of
        each target against the source, as ``conf/lang/en.yaml`` does).
    """
    return {
        "train": [code],
        "zero_shot": "${xlprobe.eval_langs:[]}",
        "pivot": code,
        "probe": "${lang.zero_shot}",
    }


def is_lang_code(code: str) -> bool:
    """Whether the registry knows ``code`` (any of a language's codes, any case)."""
    from xlprobe.data.languages import lookup

    try:
        lookup(code)
    except InputError:
        return False
    return True


def unknown_lang_option(values: Iterable[str], files: Iterable[str]) -> str | None:
    """The one-line error for ``lang=<values>`` options that neither ``conf/lang/`` nor the
    registry knows (the lookup's message, with close codes), or None when all are known.

    Args:
        values: The option values of a ``lang=...`` override (a sweep gives several).
        files: The stems of ``conf/lang/*.yaml``.
    """
    from xlprobe.data.languages import lookup

    known = set(files) | {"null"}
    for value in values:
        if value in known:
            continue
        try:
            lookup(value)
        except InputError as err:
            return f"lang={value}: {err.message}; or one of conf/lang/: {', '.join(sorted(files))}"
    return None


def task_languages(task: str, data: Mapping[str, Any]) -> list[str]:
    """Every language the task's configured data can serve, named as that data names it.

    * ``data.source=synthetic``: the synthetic world's languages (``data.synthetic.languages``,
      default all five);
    * ``local``: the ``<lang>`` of every ``test.<lang>.*`` file in ``data.local_dir``;
    * ``hub``: the keys of ``data.hub``, plus every SIB-200 language (registry code) when the
      data has a ``hub_template`` (task=topic).

    Args:
        task: ``task.name`` (used only for the order of the hub languages: registry order).
        data: The ``data`` config node (resolved values).

    Returns:
        Language codes, each once, in a stable order.
    """
    source = data.get("source")
    if source == "synthetic":
        from xlprobe.data.synthetic import LANGUAGES

        languages = (data.get("synthetic") or {}).get("languages") or LANGUAGES
        return list(dict.fromkeys(languages))
    if source == "local":
        folder = Path(str(data.get("local_dir")))
        names = sorted(p.name.split(".")[1] for p in folder.glob("test.*.*")) if folder else []
        return list(dict.fromkeys(names))
    langs = list(data.get("hub") or {})
    if data.get("hub_template") and task in SIB_TASKS:
        from xlprobe.data.languages import sib200_languages

        langs += [lang.code for lang in sib200_languages()]
    return _unique_languages(langs)


def _unique_languages(langs: Iterable[str]) -> list[str]:
    """``langs`` without a second code for a language already listed (``de`` then
    ``deu_Latn``: the first is kept)."""
    from xlprobe.data.languages import lookup

    seen: set[str] = set()
    out = []
    for lang in langs:
        try:
            key = lookup(lang).code
        except InputError:
            key = lang
        if key not in seen:
            seen.add(key)
            out.append(lang)
    return out


def _select(root: Any, key: str, default: Any = None) -> Any:
    from omegaconf import OmegaConf

    value = OmegaConf.select(root, key, default=default)
    if OmegaConf.is_config(value):
        return OmegaConf.to_container(value, resolve=True)
    return value


def requested_eval_langs(spec: Any, default: Sequence[str], task: str, data: Mapping) -> list[str]:
    """The evaluation languages ``eval_langs`` asks for (see :func:`eval_langs`).

    Args:
        spec: ``eval_langs``: None, ``all``, a list, or one code.
        default: The lang config's own list (used when ``spec`` is None).
        task: ``task.name``.
        data: The ``data`` node (for ``all``).
    """
    if spec is None:
        return [str(x) for x in default]
    if isinstance(spec, str):
        return task_languages(task, data) if spec == "all" else [spec]
    return [str(x) for x in spec]


def eval_langs(default: Sequence[str] = (), *, _root_: Any) -> list[str]:
    """Resolver ``${xlprobe.eval_langs:[...]}``: a run's zero-shot languages.

    The top-level ``eval_langs`` (``all``, a list or one code) when set, else ``default`` (the
    lang config's list); the training languages (``lang.train``) left out.

    Args:
        default: The lang config's zero-shot list.
        _root_: The whole config (OmegaConf passes it).
    """
    train = [str(x) for x in (_select(_root_, "lang.train") or [])]
    spec = _select(_root_, "eval_langs")
    data = _data_node(_root_) if spec == "all" else {}
    task = str(_select(_root_, "task.name") or "")
    langs = requested_eval_langs(spec, list(default), task, data)
    trained = set(train) | {_registry_code(t) for t in train}
    return [lang for lang in langs if lang not in trained and _registry_code(lang) not in trained]


def _data_node(root: Any) -> dict[str, Any]:
    """The ``data`` keys :func:`task_languages` reads (not the whole node: its
    ``zero_shot_langs`` interpolates ``lang.zero_shot``, whose resolution asks for this)."""
    keys = ("source", "synthetic", "local_dir", "hub", "hub_template")
    return {key: _select(root, f"data.{key}") for key in keys}


def _registry_code(code: str) -> str:
    from xlprobe.data.languages import lookup

    try:
        return lookup(code).code
    except InputError:
        return code


def ud_treebank(code: str, preferred: Mapping[str, str] | None = None) -> str | None:
    """The UD treebank a language's data is read from (``de_gsd``), or None without one.

    ``preferred`` (keyed by any code of the language) when it names one, else the first of the
    language's treebanks in UD's alphabetical order that is not a test-only PUD treebank (the
    only one if that is all there is). The registry has no treebank sizes; name the treebank
    you want in ``preferred``.
    """
    from xlprobe.data.languages import lookup

    try:
        language = lookup(code)
    except InputError:
        return None
    chosen = {_registry_code(k): v for k, v in (preferred or {}).items()}
    if language.code in chosen:
        return chosen[language.code]
    ids = language.ud_treebank_ids
    full = [t for t in ids if not t.endswith(_TEST_ONLY_SUFFIXES)]
    return (full or list(ids) or [None])[0]


def ud_hub(release: str = "2.18", *, _root_: Any) -> dict[str, dict[str, Any]]:
    """Resolver ``${xlprobe.ud_hub:<release>}``: ``data.hub`` entries of the hub's parquet UD
    release (``commul/universal_dependencies``, ``data_dir`` = treebank id) for the run's
    training languages and the languages ``eval_langs`` asks for (``all``: every registry
    language with a treebank).

    Zero-shot languages are validated on their test split (``splits: {validation: test}``):
    most UD treebanks of small languages are test-only, and a zero-shot language's validation
    score only shows progress. Treebanks: :func:`ud_treebank` with ``study.treebanks``. Empty for
    a task other than pos/deps (topic reads SIB-200 through its ``data.hub_template``).

    Args:
        release: The UD release (the dataset's revision).
        _root_: The whole config.
    """
    from xlprobe.data.languages import with_ud

    if _select(_root_, "task.name") not in UD_TASKS:
        return {}
    train = [str(x) for x in (_select(_root_, "lang.train") or [])]
    spec = _select(_root_, "eval_langs")
    if spec == "all":
        targets = [lang.code for lang in with_ud()]
    else:
        default = _select(_root_, "lang.zero_shot") if spec is None else spec
        targets = [default] if isinstance(default, str) else list(default or [])
    preferred = _select(_root_, "study.treebanks") or {}
    hub: dict[str, dict[str, Any]] = {}
    for lang in _unique_languages([*train, *targets]):
        treebank = ud_treebank(lang, preferred)
        if treebank is None:
            continue
        entry: dict[str, Any] = {"path": UD_HUB_DATASET, "data_dir": treebank, "revision": release}
        if lang not in train:
            entry["splits"] = {"validation": "test"}
        hub[lang] = entry
    return hub


def register_resolvers() -> None:
    """Register ``xlprobe.eval_langs`` and ``xlprobe.ud_hub`` with OmegaConf (idempotent)."""
    from omegaconf import OmegaConf

    for name, function in (("xlprobe.eval_langs", eval_langs), ("xlprobe.ud_hub", ud_hub)):
        if not OmegaConf.has_resolver(name):
            OmegaConf.register_new_resolver(name, function)


def missing_task_data(task: str, langs: Sequence[str], *, source: str = "hub") -> str | None:
    """One line naming the languages that have no data for ``task`` in the registry, or None.

    ``pos``/``deps`` need a Universal Dependencies treebank, ``topic`` a SIB-200 language;
    unknown codes are named with the registry's close matches. Only hub data is checked (local
    and synthetic files are checked file by file).

    Args:
        task: ``task.name``.
        langs: ``lang.train`` + ``lang.zero_shot``.
        source: ``data.source``.
    """
    from xlprobe.data.languages import lookup

    if source != "hub" or task not in (*UD_TASKS, *SIB_TASKS):
        return None
    unknown, lacking = [], []
    for lang in langs:
        try:
            language = lookup(lang)
        except InputError as err:
            unknown.append(err.message)
            continue
        has = language.has_ud if task in UD_TASKS else language.sib200
        if not has:
            lacking.append(f"{lang} ({language.name})")
    if unknown:
        return unknown[0]
    if not lacking:
        return None
    data = "Universal Dependencies treebank" if task in UD_TASKS else "SIB-200 data"
    return (
        f"task={task}: {len(lacking)} of {len(langs)} languages have no {data}: "
        f"{', '.join(lacking)}; remove them from lang/eval_langs or use eval_langs=all"
    )
