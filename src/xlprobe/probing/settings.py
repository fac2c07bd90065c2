"""Probe settings: the ``probe`` config node as one typed, validated object.

:class:`ProbeSettings` holds what every round shares (languages, layers, K-means, extraction,
dictionaries) and, in ``options``, the blocks the probe plug-ins own
(:func:`xlprobe.probing.probes.option_types`: ``calign``, ``colap``, ``sentence``,
``embeddings``, ...), readable as attributes (``settings.calign.theta``). Every field is checked
for type and range when the object is built (:mod:`xlprobe.options`), so preflight, the probe
callback, ``probe.py`` and ``xlprobe experts`` reject a bad value with the same one line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.extract import ExtractionSettings
from xlprobe.probing.report import SIDES

RUN_KEYS = ("enabled", "every_n_epochs", "probe_base", "corpus")
"""Keys of the ``probe`` node that say when and on which corpus a run probes (read by the probe
callback and ``probe.py``), not how: they are not :class:`ProbeSettings`."""
Side = Literal["encoder", "decoder"]
Init = Literal["random", "k-means++"]
Precision = Literal["float32", "tf32", "bf16"]


@dataclass(frozen=True)
class AlignedSettings(Options):
    """``probe.aligned``: the alignment filter of the paper's CALIGN views
    (:mod:`xlprobe.probing.aligned`)."""

    prefix: ClassVar[str] = "probe.aligned"

    max_per_pair: int = option(15, low=1)


@dataclass(frozen=True)
class ProbeSettings(Options):
    """Everything a probe round needs besides the model and the corpus.

    Attributes:
        languages: Probed languages; each is paired with ``pivot`` (the pivot itself is dropped
            from the list).
        pivot: The pivot language (target side of every CALIGN pair).
        layers: Layers to probe (0 = embeddings); ``None`` for all.
        k: K-means clusters per set; ``None`` scales K to the data:
            ``max(2, round(word types / types_per_concept))``.
        types_per_concept: Average word types per concept when ``k`` is ``None``.
        backend: K-means backend (:mod:`xlprobe.probing.cluster`).
        init: K-means initialisation, ``random`` or ``k-means++``.
        n_init: K-means restarts per seed; the best by inertia is kept.
        max_iter: K-means (Lloyd) iterations at most.
        tol: Convergence tolerance with scikit-learn's meaning (0: run ``max_iter``).
        chunk: Rows per distance block of the torch / cuML backends (``cluster.chunk``; ``None``:
            their default bound).
        precision: Input precision of the torch backend's distance products: ``float32``,
            ``tf32`` or ``bf16`` (``cluster.precision``).
        seed: K-means seed (of the first run with ``n_seeds`` > 1).
        n_seeds: K-means runs per set and layer, seeds ``seed .. seed + n_seeds - 1`` on the same
            activations; values are their mean with sd and a 95 % t-interval.
        sides: Sides to probe; ``decoder`` applies to encoder-decoder models only.
        tokens: Which occurrences CALIGN clusters: ``all`` (the first ``max_per_type`` of
            each word type, as COLAP always does) or ``aligned`` (the paper's CALIGN: the
            occurrences in a word alignment between the pair's two sentences, capped per aligned
            pair; :mod:`xlprobe.probing.aligned`).
        aligned: The alignment filter of ``tokens=aligned``.
        extraction: Word representation settings.
        n_examples: Example concepts kept per (pair, layer) for the report tables.
        keep_activations: Keep the activation stores in the probe directory.
        activation_cache: Directory of activation stores addressed by content (model digest,
            sentences, extraction settings, view): a probe finds the stores an earlier probe of
            the same model state extracted there and skips extraction; ``None``: no cache.
        dictionaries: ``"<src>-<tgt>"`` -> dictionary file; missing pairs are built from the
            probe corpus with eflomal.
        dictionary_cache: Directory caching built dictionaries per probe corpus (``None``: no
            cache, build in every run).
        options: The probe plug-ins' blocks, config key -> settings (defaults for the keys not
            given); each is also an attribute, ``settings.sentence``.
    """

    prefix: ClassVar[str] = "probe"
    RESCORABLE: ClassVar[tuple[str, ...]] = ("dictionaries", "n_examples")
    """Settings ``from_run`` may change by re-scoring cached clusters (with the plug-ins'
    :attr:`~xlprobe.probing.probes.base.Probe.rescorable` keys)."""
    RECLUSTERABLE: ClassVar[tuple[str, ...]] = (
        "k",
        "types_per_concept",
        "backend",
        "init",
        "n_init",
        "max_iter",
        "tol",
        "chunk",
        "precision",
        "seed",
        "n_seeds",
    )
    """Settings ``from_run`` may change by clustering a run's kept activations again; the
    others need a new extraction, i.e. the model."""

    languages: tuple[str, ...]
    pivot: str = "en"
    layers: tuple[int, ...] | None = option(None, low=0)
    k: int | None = option(None, low=2)
    types_per_concept: int = option(10, low=1)
    backend: str = "auto"
    init: Init = "random"
    n_init: int = option(1, low=1)
    max_iter: int = option(20, low=1)
    tol: float = option(0.0, low=0)
    chunk: int | None = option(None, low=1)
    precision: Precision = "float32"
    seed: int = 0
    n_seeds: int = option(1, low=1)
    sides: tuple[Side, ...] = SIDES
    tokens: Literal["all", "aligned"] = "all"
    aligned: AlignedSettings = field(default_factory=AlignedSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    n_examples: int = option(3, low=0)
    keep_activations: bool = False
    activation_cache: str | None = None
    dictionaries: Mapping[str, str] = field(default_factory=dict)
    dictionary_cache: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from xlprobe.probing.cluster import BACKENDS
        from xlprobe.probing.probes import option_types

        super().__post_init__()
        kinds = option_types()
        unknown = sorted(set(self.options) - set(kinds))
        if unknown:
            raise InputError(f"unknown probe setting(s) {unknown}; known: {self.known_keys()}")
        blocks = {
            key: check_block(f"probe.{key}", self.options.get(key), kind)
            for key, kind in kinds.items()
        }
        object.__setattr__(self, "options", blocks)
        languages = tuple(lang for lang in self.languages if lang != self.pivot)
        if not languages:
            raise InputError(
                f"probe languages {list(self.languages)} name no language besides the pivot "
                f"{self.pivot!r}: set lang.probe to at least one other language"
            )
        object.__setattr__(self, "languages", languages)
        if self.backend not in BACKENDS:
            raise InputError(
                f"probe.backend={self.backend!r}; expected one of {', '.join(BACKENDS)}"
            )
        if self.extraction.layers is not None:
            raise InputError(
                "set probe.layers, not probe.extraction.layers: the probe chooses them"
            )

    def __getattr__(self, name: str) -> Any:
        """A plug-in's option block, e.g. ``settings.calign``."""
        options = self.__dict__.get("options")
        if options is not None and name in options:
            return options[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    @classmethod
    def known_keys(cls) -> list[str]:
        """The keys of the ``probe`` node: the core fields and every plug-in's option keys."""
        from xlprobe.probing.probes import option_types

        core = [f.name for f in dataclasses.fields(cls) if f.name != "options"]
        return sorted([*core, *option_types()])

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ProbeSettings:
        """Build from the ``probe`` node as plain values (plug-in blocks at its top level, as
        in ``conf/probe/default.yaml``); unknown keys are one InputError naming the known."""
        from xlprobe.probing.probes import option_types

        values = dict(values or {})
        plugin_keys = set(option_types())
        core = {f.name for f in dataclasses.fields(cls)} - {"options"}
        unknown = sorted(set(values) - core - plugin_keys)
        if unknown:
            raise InputError(f"unknown probe setting(s) {unknown}; known: {cls.known_keys()}")
        options = {key: values.pop(key) for key in list(values) if key in plugin_keys}
        return cls(**values, options=options)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values with the plug-in blocks at the top level, the inverse of
        :meth:`from_mapping`."""
        values = super().to_dict()
        options = values.pop("options")
        return {**values, **options}

    def kmeans_options(self):
        """The :class:`~xlprobe.probing.cluster.KMeansOptions` of these settings."""
        from xlprobe.probing.cluster import KMeansOptions

        return KMeansOptions(
            backend=self.backend,
            init=self.init,
            n_init=self.n_init,
            max_iter=self.max_iter,
            tol=self.tol,
            chunk=self.chunk,
            precision=self.precision,
        )

    def rescorable(self) -> tuple[str, ...]:
        """Keys ``from_run`` may change by re-scoring: the core ones and the plug-ins'."""
        from xlprobe.probing.probes import probes

        return (*self.RESCORABLE, *(key for p in probes() for key in p.rescorable))


def check_block(name: str, value: Any, kind: type[Options]) -> Options:
    """A plug-in option block: ``value`` (a mapping, an instance or ``None`` for the defaults)
    as ``kind``."""
    if value is None:
        return kind()
    if isinstance(value, kind):
        return value
    if not isinstance(value, Mapping):
        raise InputError(f"{name}={value!r}: expected a mapping of {kind.__name__} settings")
    return kind.from_mapping(value)


def probe_settings(node: Mapping[str, Any], languages: Sequence[str], pivot: str) -> ProbeSettings:
    """The :class:`ProbeSettings` of a resolved ``probe`` config node (its :data:`RUN_KEYS`
    left out) for the probed ``languages`` (``lang.probe``) and the ``pivot``: the one
    conversion preflight, the probe callback and ``probe.py`` share."""
    values = {key: value for key, value in node.items() if key not in RUN_KEYS}
    return ProbeSettings.from_mapping({**values, "languages": list(languages), "pivot": pivot})
