"""The multirun-safe task wrapper and small run helpers."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from xlprobe.errors import InputError

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
    report failures at the end).
    """

    @functools.wraps(task)
    def wrapped(*args: Any, **kwargs: Any) -> R:
        exit_code = 1
        try:
            result = task(*args, **kwargs)
            exit_code = 0
            return result
        except InputError as err:
            log.error("Run failed: %s", err)
            raise
        except Exception:
            log.exception("Run failed")
            raise
        finally:
            finish_wandb(exit_code)

    return wrapped


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

    Bad input (:class:`~xlprobe.errors.InputError`) ends a single run with one line
    ``<prog>: error: ...`` on stderr and exit code 2; in a multirun it is re-raised, so Hydra
    records that job's failure and the sweep goes on.
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    try:
        return run(cfg)
    except InputError as err:
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            raise
        print(f"{prog}: error: {err}", file=sys.stderr)
        sys.exit(2)
