"""ConceptProbeCallback: CALIGN / COLAP curves of the model being fine-tuned, every N epochs.

The glue between Lightning and :mod:`xlprobe.probing`: it probes the base model when fitting
starts (the paper's dotted lines) and the fine-tuned model after each N-th epoch's validation
(``on_train_epoch_end`` runs after the epoch's validation loop, so the same epoch's zero-shot
task metrics sit beside its probe values). Under DDP every rank probes its share of the round
(extraction batches, K-means fits) and global rank 0 scores and writes; a failure on any rank
ends every rank with its message. Its history is
part of the checkpoint, so a resumed run continues the curves without
duplicates; the checkpoint also names the run's probe directory, from which a resumed run copies
the earlier rounds into its own (:meth:`~xlprobe.probing.probe_dir.ProbeDir.import_rounds`), so that
``from_run`` on the resumed run re-scores every round, base model included.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import lightning as L

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.data.probe_sources import CorpusSettings
from xlprobe.errors import InputError
from xlprobe.probing.cluster import resolve_backend
from xlprobe.probing.pipeline import run_probe
from xlprobe.probing.plan import LanguageRoles, RoundId
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.report import ProbeReport
from xlprobe.probing.settings import probe_settings

logger = logging.getLogger(__name__)


def task_metric_records(
    metrics: Mapping[str, Any], epoch: int, metric_name: str
) -> list[dict[str, Any]]:
    """Per-language validation values of one task metric, as records
    ``{"epoch", "lang", "value", "metric_name"}`` for the zero-shot correlation plot.

    Keys look like ``val/<metric_name>/<lang>`` or ``val/<metric_name>/<src>-<tgt>``.
    """
    records = []
    for key, value in metrics.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[0] == "val" and parts[1] == metric_name:
            records.append(
                {"epoch": epoch, "lang": parts[2], "value": float(value), "metric_name": parts[1]}
            )
    return records


def share_failure(strategy: Any, error: Exception | None) -> None:
    """After global rank 0's probe: every rank learns whether it failed, and all raise if so.

    One broadcast from rank 0 (``broadcast_object_list``; gloo on CPUs, NCCL on GPUs) that the
    other ranks wait for, bounded by the DDP strategy's ``timeout`` (``conf/trainer/ddp.yaml``).
    It carries ``None`` or rank 0's error message; rank 0 re-raises its own error, the others
    raise one with the same message (an :class:`~xlprobe.errors.InputError` if rank 0's was one,
    so every rank prints one line and exits 2), instead of waiting at a barrier that rank 0
    never reaches until the timeout. Without a process group the broadcast returns at once.

    Args:
        strategy: The trainer's strategy (``trainer.strategy``).
        error: Rank 0's exception, or ``None``; ignored on the other ranks.
    """
    message = None
    if error is not None:
        is_input_error = isinstance(error, InputError)
        message = (
            is_input_error,
            str(error) if is_input_error else f"{type(error).__name__}: {error}",
        )
    message = strategy.broadcast(message, src=0)
    if error is not None:
        raise error
    if message is not None:
        is_input_error, text = message
        text = f"rank 0's concept probe failed: {text}"
        raise InputError(text) if is_input_error else RuntimeError(text)


class ConceptProbeCallback(L.Callback):
    """Probe latent-concept alignment before training and every ``every_n_epochs`` epochs.

    Args:
        settings: Probe settings as nested dicts (the resolved ``probe`` config), see
            :func:`~xlprobe.probing.settings.probe_settings`; its run keys ``enabled``,
            ``every_n_epochs``, ``probe_base`` and ``corpus`` are read here.
        languages: Probed languages (besides the pivot).
        pivot: Pivot language.
        train_langs: Training languages or pairs (``"fr-en"``), for plot styles.
        zero_shot_langs: Zero-shot languages or pairs.
        monitor: The task's per-language validation key, e.g. ``val/bleu/fr-en``; its metric
            name (``bleu``) is collected per language for the zero-shot correlation.
        output_dir: Where the probe directory, CSVs and PNGs go.
    """

    def __init__(
        self,
        settings: Mapping[str, Any],
        languages: Sequence[str],
        pivot: str,
        train_langs: Sequence[str],
        zero_shot_langs: Sequence[str],
        monitor: str,
        output_dir: str | Path,
    ) -> None:
        values = dict(settings)
        self.enabled = bool(values.get("enabled", True))
        self.every_n_epochs = int(values.get("every_n_epochs", 1))
        self.probe_base = bool(values.get("probe_base", True))
        corpus = dict(values["corpus"])
        CorpusSettings.from_mapping(corpus)
        self.settings = probe_settings(values, languages, pivot)
        if self.enabled:
            resolve_backend(self.settings.backend)
        self.corpus = corpus
        self.roles = LanguageRoles(train=tuple(train_langs), zero_shot=tuple(zero_shot_langs))
        parts = monitor.split("/")
        if len(parts) != 3 or parts[0] != "val":
            raise InputError(
                f"task.monitor={monitor!r}: the probe correlates a per-language validation "
                "metric, expected 'val/<metric>/<lang or pair>'"
            )
        self.task_metric = parts[1]
        self.output_dir = Path(output_dir)
        self.history = ProbeReport()
        self.task_metrics: list[dict[str, Any]] = []
        self._corpus: ProbeCorpus | None = None
        self._resumed_probe_dir: Path | None = None

    def state_dict(self) -> dict[str, Any]:
        return {
            "history": self.history.to_records(),
            "task_metrics": list(self.task_metrics),
            "probe_dir": str(self.probe_dir.path.resolve()),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.history = ProbeReport.from_records(state_dict.get("history", {}))
        self.task_metrics = list(state_dict.get("task_metrics", []))
        probe_dir = state_dict.get("probe_dir")
        self._resumed_probe_dir = Path(probe_dir) if probe_dir else None

    @property
    def probe_dir(self) -> ProbeDir:
        return ProbeDir(self.output_dir / "probe")

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if self.enabled and stage == "fit":
            from xlprobe.data.probe_sources import load_probe_corpus

            self._corpus = load_probe_corpus(
                self.corpus,
                self.settings.languages,
                self.settings.pivot,
                run_dir=self.output_dir if trainer.is_global_zero else None,
            )

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self.enabled and trainer.is_global_zero and self.history.rows:
            self._carry_earlier_rounds(trainer.ckpt_path)
        if self.enabled and self.probe_base and not self.history.select(model_state="base"):
            self._probe(trainer, pl_module, RoundId())

    def _carry_earlier_rounds(self, ckpt_path: str | Path | None) -> None:
        """After a resume, copy the rounds of the checkpoint's history into this run's probe
        directory from the earlier run's: the one the checkpoint names or, if that has moved,
        the one beside the checkpoint (``<run>/checkpoints/x.ckpt`` -> ``<run>/probe``)."""
        names = {RoundId.from_record(vars(r)).name for r in self.history.rows}
        candidates = [self._resumed_probe_dir]
        if ckpt_path:
            candidates.append(Path(ckpt_path).resolve().parent.parent / "probe")
        for path in candidates:
            source = None if path is None else ProbeDir(path)
            if source is None or not source.exists():
                continue
            if source.path.resolve() == self.probe_dir.path.resolve():
                return
            copied = self.probe_dir.import_rounds(source, names)
            missing = sorted(names - set(copied))
            logger.info("resumed: copied probe rounds %s from %s", copied, source)
            if missing:
                logger.warning(
                    "resumed: rounds %s are in the checkpoint but not in %s; from_run on this "
                    "run will not re-score them",
                    missing,
                    source.path,
                )
            return
        logger.warning(
            "resumed: the earlier run's probe directory (%s) is gone; from_run on this run will "
            "re-score only the rounds probed from now on",
            self._resumed_probe_dir,
        )

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        epoch = trainer.current_epoch
        if not self.enabled or trainer.sanity_checking or (epoch + 1) % self.every_n_epochs:
            return
        new = task_metric_records(trainer.callback_metrics, epoch, self.task_metric)
        self.task_metrics = [r for r in self.task_metrics if r["epoch"] != epoch] + new
        self._probe(trainer, pl_module, RoundId(epoch, trainer.global_step, "finetuned"))

    def _probe(self, trainer: L.Trainer, pl_module: L.LightningModule, round_id: RoundId):
        """Probe on every rank, each its share of the round (:func:`run_probe` over the DDP
        process group), and write on global rank 0; an error on any rank ends every rank with
        its message (:class:`~xlprobe.probing.ranks.Ranks` inside the round, then
        :func:`share_failure` for rank 0's writing)."""
        error: Exception | None = None
        try:
            self._probe_and_write(trainer, pl_module, round_id)
        except Exception as err:
            error = err
        share_failure(trainer.strategy, error if trainer.is_global_zero else None)
        if error is not None:
            raise error

    def _probe_and_write(
        self, trainer: L.Trainer, pl_module: L.LightningModule, round_id: RoundId
    ) -> None:
        from xlprobe.reporting.outputs import write_outputs

        report = run_probe(
            pl_module.model,
            pl_module.tokenizer,
            self._corpus,
            self.settings,
            probe_dir=self.probe_dir,
            round_id=round_id,
            roles=self.roles,
        )
        if not trainer.is_global_zero:
            return
        self.history.extend(report)
        write_outputs(
            self.history,
            self.output_dir,
            train_langs=self.roles.train,
            zero_shot_langs=self.roles.zero_shot,
            task_metrics=self.task_metrics,
        )
        self._log(trainer, report, round_id)

    def _log(self, trainer: L.Trainer, report: ProbeReport, round_id: RoundId) -> None:
        """Log the round's scalars to every logger at the trainer's step. W&B gets them in one
        record with the line plots, the examples and report.html, stamped with
        ``trainer/global_step`` (the step metric Lightning defines) rather than W&B's own step:
        a record given an explicit W&B step behind the run's current one is dropped by W&B
        (the base round, probed after the run's first record, was)."""
        from xlprobe.reporting.tables import summary_table

        scalars = {
            **report.scalars(round_id.epoch, round_id.model_state),
            "probe/epoch": float(round_id.epoch),
        }
        logger.info("concept probe %s\n%s", round_id.name, summary_table(report, round_id.epoch))
        for pl_logger in trainer.loggers:
            if not isinstance(pl_logger, L.pytorch.loggers.WandbLogger):
                pl_logger.log_metrics(scalars, step=trainer.global_step)
                continue
            from xlprobe.reporting.wandb_payloads import (
                examples_table,
                line_plots,
                report_payload,
            )

            pl_logger.experiment.log(
                {
                    **scalars,
                    **line_plots(self.history, round_id.epoch),
                    "probe/examples": examples_table(report),
                    **report_payload(self.output_dir),
                    "trainer/global_step": trainer.global_step,
                }
            )
