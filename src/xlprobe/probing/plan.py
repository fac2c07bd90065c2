"""What a probe round looks at: views, the pairs CALIGN compares and COLAP clusters jointly, the
round's identity and the languages' roles.

A *view* is one language on one side of the model; decoder views are computed by teacher
forcing while the encoder reads the parallel sentence in the pivot (or the probed) language
(Mousi et al., ACL 2024, Sec. 4: encoder and decoder concepts of mT5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from xlprobe.errors import InputError
from xlprobe.probing.report import BASE_EPOCH, PLAIN

if TYPE_CHECKING:
    from xlprobe.probing.settings import ProbeSettings


@dataclass(frozen=True)
class View:
    """Representations of one language on one side of the model.

    Decoder views of an encoder-decoder are computed by teacher forcing: the decoder reads
    ``lang`` while the encoder reads the parallel sentence in ``source_lang``. A view
    ``aligned_to`` another language holds only the occurrences word-aligned to that language's
    parallel sentences (the paper's CALIGN tokens, :mod:`xlprobe.probing.aligned`).
    """

    side: str
    lang: str
    source_lang: str | None = None
    aligned_to: str | None = None

    @property
    def name(self) -> str:
        """Directory-safe name, e.g. ``encoder.de``, ``decoder.en.from_de`` or
        ``encoder.de.aligned_en``."""
        suffix = f".from_{self.source_lang}" if self.source_lang else ""
        suffix += f".aligned_{self.aligned_to}" if self.aligned_to else ""
        return f"{self.side}.{self.lang}{suffix}"

    @property
    def stream(self) -> View:
        """The view of every occurrence this one selects from (one forward pass serves both)."""
        return View(self.side, self.lang, self.source_lang)


@dataclass(frozen=True)
class ProbePlan:
    """Which views to extract, which pairs CALIGN compares, which pairs COLAP clusters jointly."""

    views: tuple[View, ...]
    calign_pairs: tuple[tuple[View, View], ...]
    joint_pairs: tuple[tuple[View, View], ...]

    @staticmethod
    def joint_name(pair: tuple[View, View]) -> str:
        """The name of a jointly clustered set, e.g. ``joint.encoder.de+encoder.en``."""
        return f"joint.{pair[0].name}+{pair[1].name}"

    def cluster_sets(self) -> dict[str, tuple[View, ...]]:
        """Every clustered set: each view alone (named by the view) and each joint pair."""
        sets: dict[str, tuple[View, ...]] = {view.name: (view,) for view in self.views}
        sets.update({self.joint_name(pair): pair for pair in self.joint_pairs})
        return sets

    def to_records(self) -> dict[str, Any]:
        """Plain data for the manifest (inverse of :meth:`from_records`)."""

        def plain(view: View) -> dict[str, Any]:
            record = {"side": view.side, "lang": view.lang, "source_lang": view.source_lang}
            return {**record, "aligned_to": view.aligned_to} if view.aligned_to else record

        return {
            "views": [plain(v) for v in self.views],
            "calign_pairs": [[plain(v) for v in p] for p in self.calign_pairs],
            "joint_pairs": [[plain(v) for v in p] for p in self.joint_pairs],
        }

    @classmethod
    def from_records(cls, records: Mapping[str, Any]) -> ProbePlan:
        """The plan a manifest records."""
        return cls(
            views=tuple(View(**v) for v in records["views"]),
            calign_pairs=tuple(tuple(View(**v) for v in p) for p in records["calign_pairs"]),
            joint_pairs=tuple(tuple(View(**v) for v in p) for p in records["joint_pairs"]),
        )


def plan_views(settings: ProbeSettings, family: Any) -> ProbePlan:
    """Views and pairs for the probed languages X against the pivot P, for a model of
    ``family`` (its :attr:`~xlprobe.models.families.base.ModelFamily.kind`).

    CALIGN pairs: encoder X vs encoder P; for an encoder-decoder model also decoder X (encoder
    reading P) vs decoder P (encoder reading X), and encoder X vs decoder P (the translation
    direction X→P); for a decoder-only model decoder X vs decoder P (the one stack reading each
    sentence alone). With ``tokens=aligned`` each CALIGN view holds the occurrences aligned to
    the pair's other language. COLAP joint sets: the two views (of every occurrence) of each
    same-side pair.

    Args:
        settings: Languages, pivot and the sides asked for (``probe.sides``).
        family: The model's family adapter (:mod:`xlprobe.models.families`).
    """
    pivot = settings.pivot
    sides = [side for side in settings.sides if side in family.sides]
    teacher_forced = family.kind == "encoder-decoder"
    calign_pairs: list[tuple[View, View]] = []
    for lang in settings.languages:
        encoder_s, encoder_t = View("encoder", lang), View("encoder", pivot)
        if teacher_forced:
            decoder_s, decoder_t = View("decoder", lang, pivot), View("decoder", pivot, lang)
        else:
            decoder_s, decoder_t = View("decoder", lang), View("decoder", pivot)
        if "encoder" in sides:
            calign_pairs.append((encoder_s, encoder_t))
        if "decoder" in sides:
            calign_pairs.append((decoder_s, decoder_t))
            if "encoder" in sides:
                calign_pairs.append((encoder_s, decoder_t))
    if not calign_pairs:
        raise InputError(
            f"probe.sides={list(settings.sides)} leaves nothing to probe for this model (the "
            f"{family.name} family has {', '.join(family.sides)})"
        )
    joint_pairs = tuple(p for p in calign_pairs if p[0].side == p[1].side)
    if settings.tokens == "aligned":
        calign_pairs = [
            (replace(s, aligned_to=t.lang), replace(t, aligned_to=s.lang)) for s, t in calign_pairs
        ]
    used = {v for pair in (*calign_pairs, *joint_pairs) for v in pair}
    views = tuple(sorted(used, key=lambda v: v.name))
    return ProbePlan(views=views, calign_pairs=tuple(calign_pairs), joint_pairs=joint_pairs)


@dataclass(frozen=True)
class RoundId:
    """Which model state a round probes: ``base`` (epoch -1), ``random_init`` (the random-weights
    control, epoch -1) or ``finetuned`` after an epoch; ``condition``: ``plain``, or the
    intervention the model runs under (e.g. ``experts-es-k10``), which ends the round's name."""

    epoch: int = BASE_EPOCH
    step: int = 0
    model_state: str = "base"
    condition: str = PLAIN

    @property
    def name(self) -> str:
        """Directory name: ``base``, ``random_init``, ``epoch_002_step_40``, with
        ``_<condition>`` appended for an intervention."""
        state = self.model_state
        if self.model_state == "finetuned":
            state = f"epoch_{self.epoch:03d}_step_{self.step}"
        return state if self.condition == PLAIN else f"{state}_{self.condition}"

    @property
    def fields(self) -> dict[str, Any]:
        """The report-row fields of the round: epoch, step, model_state, condition."""
        return {
            "epoch": self.epoch,
            "step": self.step,
            "model_state": self.model_state,
            "condition": self.condition,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RoundId:
        """The round of a manifest entry or a report row (one written before conditions is
        plain)."""
        return cls(
            record["epoch"], record["step"], record["model_state"], record.get("condition", PLAIN)
        )


@dataclass(frozen=True)
class LanguageRoles:
    """What the probed model did with each language, for the plot styles: trained on it
    (``train``, solid lines) or met it only in zero-shot evaluation (``zero_shot``, dashed).

    Entries are languages (``en``) or pairs (``fr-en``), as in the ``lang`` config.
    """

    train: tuple[str, ...] = ()
    zero_shot: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "train", tuple(self.train))
        object.__setattr__(self, "zero_shot", tuple(self.zero_shot))
