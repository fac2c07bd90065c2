"""Probe plug-ins and their registry.

Every probe round runs the registered probes in order (:func:`probes`) on one shared
:class:`~xlprobe.probing.round.Round`; the report rows, the metric lists of the plots and
tables, the ``probe`` config keys and what ``from_run`` may change all come from here.

Built in: ``concepts`` (CALIGN / COLAP with chance levels and seed agreement,
:mod:`.concepts`), ``embeddings`` (token-embedding geometry, :mod:`.embeddings`), ``sentence``
(retrieval and ABX, :mod:`.sentence`), and for decoder-only LMs ``logit_lens`` (latent
language, :mod:`.logit_lens`) and ``lape`` (language-specific neurons, :mod:`.lape`).

To add a probe (``docs/extending.md``): write one module with a class that has the
:class:`~xlprobe.probing.probes.base.Probe` attributes (name, options, metrics, rescorable,
rows_file, enabled, run, rescore), call :func:`register` with an instance, and give its options a
block in ``conf/probe/default.yaml``. Nothing else changes.
"""

from __future__ import annotations

from xlprobe.probing.probes.base import Metric, Probe
from xlprobe.probing.probes.concepts import ConceptsProbe
from xlprobe.probing.probes.embeddings import EmbeddingsProbe
from xlprobe.probing.probes.lape import LapeProbe
from xlprobe.probing.probes.logit_lens import LogitLensProbe
from xlprobe.probing.probes.sentence import SentenceProbe
from xlprobe.probing.report import ProbeRow

__all__ = [
    "Metric",
    "Probe",
    "check_row",
    "curve_metrics",
    "metric",
    "metrics",
    "option_types",
    "probes",
    "register",
    "unregister",
]

_REGISTRY: dict[str, Probe] = {}


def register(probe: Probe) -> Probe:
    """Add ``probe`` after the registered ones (a probe of the same name is replaced).

    Raises:
        ValueError: One of its metric names or option keys belongs to another probe.
    """
    others = [p for name, p in _REGISTRY.items() if name != probe.name]
    taken = {m.name for p in others for m in p.metrics}
    keys = {key for p in others for key in p.options}
    clash = sorted({m.name for m in probe.metrics} & taken | set(probe.options) & keys)
    if clash:
        raise ValueError(f"probe {probe.name!r}: {clash} already belong to another probe")
    _REGISTRY[probe.name] = probe
    return probe


def unregister(name: str) -> None:
    """Remove the probe ``name`` (nothing happens if it is not registered)."""
    _REGISTRY.pop(name, None)


def probes() -> tuple[Probe, ...]:
    """The registered probes, in the order their rows appear in a report."""
    return tuple(_REGISTRY.values())


def metrics() -> dict[str, Metric]:
    """Every registered metric by name."""
    return {m.name: m for p in _REGISTRY.values() for m in p.metrics}


def metric(name: str) -> Metric:
    """The registered metric ``name``.

    Raises:
        ValueError: No registered probe declares it.
    """
    known = metrics()
    if name not in known:
        raise ValueError(f"metric must be one of {tuple(known)}, got {name!r}")
    return known[name]


def curve_metrics() -> tuple[str, ...]:
    """The metrics drawn as curves over layers and epochs."""
    return tuple(name for name, m in metrics().items() if m.curve)


def check_row(row: ProbeRow) -> None:
    """Raise ValueError unless ``row``'s metric is registered and its value fits it."""
    metric(row.metric).check(row)


def option_types() -> dict[str, type]:
    """``probe`` config key -> settings dataclass, for every key a probe owns."""
    return {key: kind for p in _REGISTRY.values() for key, kind in p.options.items()}


for _builtin in (
    ConceptsProbe(),
    EmbeddingsProbe(),
    SentenceProbe(),
    LogitLensProbe(),
    LapeProbe(),
):
    register(_builtin)
