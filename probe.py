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
    from xlprobe.probe_run import run
    from xlprobe.utils.runtime import run_job

    return run_job(run, cfg, "probe.py")


if __name__ == "__main__":
    from xlprobe.utils.runtime import check_group_options

    check_group_options(sys.argv[1:], Path(__file__).resolve().parent / "conf")
    main()
