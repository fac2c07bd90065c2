"""The multirun-safe task wrapper and small run helpers."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from xlprobe.errors import InputError
from xlprobe.io import check_output_path

log = logging.getLogger(__name__)

R = TypeVar("R")


def finish_wandb(exit_code: int = 0) -> None:
    """Close the active W&B run, if W&B was used in this process (so the next multirun job in
    the same process starts its own run)."""
    if "wandb" not in sys.modules:
        return
    import wandb

    if wandb.run is not None:
        log.info("Closing the W&B run")
        wandb.finish(exit_code=exit_code)


def task_wrapper(task: Callable[..., R]) -> Callable[..., R]:
    """Wrap a run so that a failure is logged and W&B is always closed.

    The exception is re-raised: Hydra records it as this job's failure and, in a multirun, still
    runs the remaining jobs of the sweep (the basic and joblib launchers run the whole batch and
    report failures at the end). Bad input (:class:`InputError`) is logged by :func:`run_job`,
    as one line.
    """

    @functools.wraps(task)
    def wrapped(*args: Any, **kwargs: Any) -> R:
        exit_code = 1
        try:
            result = task(*args, **kwargs)
            exit_code = 0
            return result
        except InputError:
            raise
        except Exception:
            log.exception("Run failed")
            raise
        finally:
            finish_wandb(exit_code)

    return wrapped


def init_distributed(timeout_s: float = 1800) -> Any:
    """Join the torch.distributed process group that ``torchrun`` describes (``WORLD_SIZE`` > 1
    in the environment; NCCL on GPUs, gloo on CPUs), once, and return this process's
    :class:`~xlprobe.probing.ranks.Ranks` (one process when not launched so). A rank waits
    ``timeout_s`` seconds for the others at a sync point before failing."""
    from xlprobe.probing.ranks import Ranks

    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int | float) or timeout_s <= 0:
        raise InputError(f"dist_timeout_s={timeout_s!r}: expected a number of seconds > 0")
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        import datetime

        import torch
        import torch.distributed as dist

        if not dist.is_initialized():
            cuda = torch.cuda.is_available()
            if cuda:
                torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
            timeout = datetime.timedelta(seconds=timeout_s)
            dist.init_process_group("nccl" if cuda else "gloo", timeout=timeout)
    return Ranks.current()


def get_metric_value(metrics: Mapping[str, float], name: str | None) -> float | None:
    """The value of ``name`` in ``metrics`` (for a Hydra sweeper); None when ``name`` is None."""
    if name is None:
        return None
    if name not in metrics:
        raise InputError(
            f"optimized_metric={name!r} was not logged; logged: {', '.join(sorted(metrics))}"
        )
    value = metrics[name]
    log.info("Optimized metric %s = %s", name, value)
    return value


def run_job(run: Callable[[Any], R], cfg: Any, prog: str) -> R:
    """Run a Hydra job of an entry point (``train.py``, ``probe.py``).

    ``paths.output_dir`` is checked first. Bad input (:class:`~xlprobe.errors.InputError`) is
    logged as one line; it ends a single run with that line ``<prog>: error: ...`` on stderr and
    exit code 2; in a multirun it is re-raised, so Hydra records that job's failure, the sweep
    goes on, and :class:`EntryPointChecks` ends the process with exit code 2 afterwards.
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    try:
        check_output_path(cfg.paths.output_dir, option="paths.output_dir", directory=True)
        return run(cfg)
    except InputError as err:
        log.error("%s: error: %s", prog, err)
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            raise
        print(f"{prog}: error: {err}", file=sys.stderr)
        sys.exit(2)


class EntryPointChecks(Callback):
    """Hydra callback of ``train.py`` and ``probe.py``: one-line errors where Hydra itself would
    print a traceback (``conf/hydra/default.yaml`` registers it).

    * A run or sweep directory that cannot be created (``hydra.run.dir`` below a file, say), or
      that is, holds or lies inside the run ``from_run`` reads, is one line on stderr and exit
      code 2, before Hydra tries to create it.
    * In a multirun, a job that fails with bad input (:class:`InputError`, logged as one line
      by :func:`run_job`) does not stop the sweep; when the sweep is over, each such failure is
      one line on stderr and the process exits with code 2, where Hydra would re-raise the
      first failure as a traceback. Only jobs run in this process are handled so (the basic
      launcher); other launchers keep Hydra's behaviour.
    """

    def __init__(self) -> None:
        self._pid: int | None = None
        self._failures: list[str] = []

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check_dir(config, "hydra.run.dir")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._pid = os.getpid()
        self._failures = []
        self._check_dir(config, "hydra.sweep.dir")

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        from hydra.core.utils import JobStatus

        error = job_return._return_value
        if (
            self._pid == os.getpid()
            and job_return.status == JobStatus.FAILED
            and isinstance(error, InputError)
        ):
            overrides = " ".join(job_return.overrides or [])
            self._failures.append(f"job #{config.hydra.job.num} ({overrides}): {error}")
            job_return.status = JobStatus.COMPLETED
            job_return.return_value = None

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self._failures:
            for failure in self._failures:
                print(f"{_prog()}: error: {failure}", file=sys.stderr)
            sys.exit(2)

    @staticmethod
    def _check_dir(config: DictConfig, key: str) -> None:
        """The run (sweep) directory can be made, and is not, does not hold and does not lie in
        the run ``from_run`` reads: checked before Hydra writes its ``.hydra/`` files there (a
        run directory is written only by the run that made it)."""
        from xlprobe.io import check_outputs

        directory = OmegaConf.select(config, key)
        try:
            check_output_path(directory, option=key, directory=True)
            check_outputs([OmegaConf.select(config, "from_run", default=None)], [(directory, key)])
        except InputError as err:
            print(f"{_prog()}: error: {err}", file=sys.stderr)
            sys.exit(2)


def _prog() -> str:
    return Path(sys.argv[0]).name


def check_group_options(argv: list[str], config_dir: str | Path) -> None:
    """Config-group options on the command line name a file of ``config_dir``: a wrong one
    (``cluster=nonexistent``) is one line naming the group and its options, exit code 2, before
    Hydra composes (where it would be a multi-line error, exit 1). Groups of Hydra's own
    (``hydra/...``, where plugins add options) and non-literal sweeps (``glob(...)``) are left
    to Hydra.

    Args:
        argv: The command line after the program name.
        config_dir: The entry point's ``conf/``.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    config_dir = Path(config_dir)
    candidates = [a for a in argv if "=" in a and not a.startswith("-")]
    try:
        overrides = OverridesParser.create().parse_overrides(candidates)
    except HydraException:
        return  # Hydra reports its own syntax errors
    for override in overrides:
        group = override.key_or_group.split("@")[0]
        folder = config_dir / group
        if group.startswith("hydra") or not folder.is_dir() or override.is_delete():
            continue
        value = override.value()
        values = getattr(value, "list", [value])
        if not all(isinstance(v, str) for v in values):
            continue
        options = sorted(p.stem for p in folder.glob("*.yaml"))
        if group == "lang":  # any registry code is an option too (hydra_plugins.xlprobe_lang)
            from xlprobe.data.lang_sets import unknown_lang_option

            message = unknown_lang_option(values, options)
            if message:
                print(f"{_prog()}: error: {message}", file=sys.stderr)
                sys.exit(2)
            continue
        unknown = [v for v in values if v not in options and v != "null"]
        if unknown:
            print(
                f"{_prog()}: error: {override.input_line}: config group '{group}' has no option "
                f"{', '.join(map(repr, unknown))}; options: {', '.join(options)}",
                file=sys.stderr,
            )
            sys.exit(2)
