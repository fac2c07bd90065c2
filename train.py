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
    from xlprobe.training import run
    from xlprobe.utils.runtime import run_job

    return run_job(run, cfg, "train.py")


if __name__ == "__main__":
    from xlprobe.utils.runtime import check_group_options

    check_group_options(sys.argv[1:], Path(__file__).resolve().parent / "conf")
    main()
