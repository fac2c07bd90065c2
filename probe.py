"""Probe without training: a base model or a checkpoint, or re-score a run's cached clusters.

python probe.py model=mbert task=ner lang=en probe=paper      # the base model
python probe.py experiment=demo ckpt=outputs/.../last.ckpt     # a fine-tuned checkpoint
python probe.py -m from_run=outputs/train/runs/... probe.calign.theta=0.6,0.8,0.9
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

os.environ.setdefault("XLPROBE_ROOT", str(Path(__file__).resolve().parent))


@hydra.main(version_base="1.3", config_path="conf", config_name="probe_run")
def main(cfg: DictConfig) -> float | None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from xlprobe.errors import InputError
    from xlprobe.probe_run import run

    try:
        return run(cfg)
    except InputError as err:
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            raise
        print(f"probe.py: error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
