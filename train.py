"""Fine-tune a multilingual model: `python train.py model=mt5 task=mt lang=fr-en`.

Offline demo: `python train.py experiment=demo`. Configs: conf/ (see `python train.py --help`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

os.environ.setdefault("XLPROBE_ROOT", str(Path(__file__).resolve().parent))


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float | None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from xlprobe.errors import InputError
    from xlprobe.training import run

    try:
        return run(cfg)
    except InputError as err:
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            raise
        print(f"train.py: error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
