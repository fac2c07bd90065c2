"""Build callbacks and loggers from config: every node with a ``_target_`` becomes an object."""

from __future__ import annotations

import logging
import netrc
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from omegaconf import DictConfig, OmegaConf

from xlprobe.errors import InputError

log = logging.getLogger(__name__)

WANDB_LOGGER = "lightning.pytorch.loggers.wandb.WandbLogger"


def _target_nodes(cfg: DictConfig | None, group: str) -> list[tuple[str, DictConfig]]:
    if cfg is None:
        return []
    if not isinstance(cfg, DictConfig):
        raise TypeError(f"{group} config must be a mapping of name -> node, got {type(cfg)}")
    return [
        (name, node)
        for name, node in cfg.items()
        if isinstance(node, DictConfig) and "_target_" in node
    ]


def instantiate(node: DictConfig, **kwargs: Any) -> Any:
    """``hydra.utils.instantiate``, except that bad input raised by the constructor stays an
    :class:`InputError` (one line at the entry points) instead of Hydra's wrapper exception."""
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate as hydra_instantiate

    try:
        return hydra_instantiate(node, **kwargs)
    except InstantiationException as err:
        if isinstance(err.__cause__, InputError):
            raise err.__cause__ from None
        raise


def instantiate_callbacks(cfg: DictConfig | None) -> list[Any]:
    """Instantiate every ``_target_`` node of the ``callbacks`` config (None entries skipped)."""
    callbacks = []
    for name, node in _target_nodes(cfg, "callbacks"):
        log.info("Callback %s: <%s>", name, node._target_)
        callbacks.append(instantiate(node))
    return callbacks


def instantiate_loggers(cfg: DictConfig | None, *, wandb_run_id: str | None = None) -> list[Any]:
    """Instantiate every ``_target_`` node of the ``logger`` config (None entries skipped).

    A W&B logger is started here (:func:`start_wandb`): it gets its run name and group from the
    Hydra job (see :func:`wandb_settings`), goes offline when no API key is configured, and
    continues the run ``wandb_run_id`` when given (a resumed training run). When W&B does not
    start, the run goes on without it, with a CSV logger in its ``save_dir``.
    """
    from lightning.pytorch.loggers import CSVLogger

    loggers = []
    fallback_dir = None
    for name, node in _target_nodes(cfg, "logger"):
        log.info("Logger %s: <%s>", name, node._target_)
        if node._target_ != WANDB_LOGGER:
            loggers.append(instantiate(node))
        elif (wandb_logger := start_wandb(node, wandb_run_id)) is not None:
            loggers.append(wandb_logger)
        else:
            fallback_dir = node.save_dir
    if fallback_dir is not None and not any(isinstance(lg, CSVLogger) for lg in loggers):
        loggers.append(CSVLogger(save_dir=fallback_dir, name="csv", version=""))
    return loggers


def start_wandb(node: DictConfig, run_id: str | None = None) -> Any | None:
    """Build the W&B logger of ``node`` and start its run, within ``node.start_timeout`` seconds.

    Args:
        node: A ``WandbLogger`` config node; ``start_timeout`` (seconds, default 60) bounds
            ``wandb.init`` (W&B's ``init_timeout`` setting), the other keys go to the logger.
        run_id: A W&B run id to continue (``resume="allow"``), e.g. from a checkpoint; an
            ``id`` set in ``node`` wins.

    Returns:
        The logger with its run started, or None when W&B failed or timed out (logged as a
        warning: training never stops for W&B).
    """
    values = OmegaConf.to_container(node, resolve=True)
    timeout = float(values.pop("start_timeout", None) or 60)
    values["settings"] = {**(values.get("settings") or {}), "init_timeout": timeout}
    values.update(wandb_settings(node))
    if run_id and not values.get("id"):
        values["id"] = run_id
    wandb_logger = instantiate(OmegaConf.create(values), _convert_="all")
    try:
        _ = wandb_logger.experiment  # wandb.init on global rank 0; a placeholder elsewhere
    except Exception as err:
        reason = " ".join(str(err).split())
        log.warning(
            "W&B did not start within logger.wandb.start_timeout=%gs (%s: %s); "
            "going on without W&B, metrics go to csv/metrics.csv",
            timeout,
            type(err).__name__,
            reason,
        )
        return None
    return wandb_logger


def wandb_has_credentials() -> bool:
    """True when W&B can authenticate: ``WANDB_API_KEY`` set, or a netrc entry for the W&B host
    (what ``wandb login`` writes)."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")).hostname
    path = Path(os.environ.get("NETRC", Path.home() / ".netrc"))
    try:
        return netrc.netrc(path).authenticators(host or "") is not None
    except (OSError, netrc.NetrcParseError):
        return False


def wandb_settings(node: DictConfig) -> dict[str, Any]:
    """Per-job settings for the W&B logger that the config leaves open.

    - ``offline``: forced on (with a log line) when :func:`wandb_has_credentials` is false and
      ``WANDB_MODE`` is not set;
    - ``name``: the Hydra job's output directory name (the job number in a multirun);
    - ``group``: in a multirun, the sweep directory, so each job is its own run in one group.
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    settings: dict[str, Any] = {}
    if not node.get("offline") and not os.environ.get("WANDB_MODE") and not wandb_has_credentials():
        log.info(
            "W&B: no API key (WANDB_API_KEY unset, not logged in): logging offline under %s; "
            "upload later with `wandb sync`",
            node.get("save_dir"),
        )
        settings["offline"] = True
    if not HydraConfig.initialized():
        return settings
    hydra_cfg = HydraConfig.get()
    output_dir = OmegaConf.select(hydra_cfg, "runtime.output_dir", throw_on_missing=False)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    if node.get("name") is None and output_dir:
        path = Path(output_dir)
        settings["name"] = f"{path.parent.name}/{path.name}" if multirun else path.name
    if multirun and node.get("group") is None:
        settings["group"] = f"{hydra_cfg.job.name}/{Path(hydra_cfg.sweep.dir).name}"
    return settings


def log_config(cfg: DictConfig, loggers: list[Any]) -> None:
    """Send the whole resolved config (minus Hydra's own node) to every logger."""
    keys = [key for key in cfg if key != "hydra"]
    container = OmegaConf.to_container(OmegaConf.masked_copy(cfg, keys), resolve=True)
    for logger in loggers:
        logger.log_hyperparams(container)
