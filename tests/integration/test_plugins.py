"""A new probe and a new model family, each in one file (this one): registered through the
public API, they reach every output without an edit to src/ (issue: "a house a new probe or a
new model moves into in one file")."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf, open_dict

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.probes import Metric, register, unregister
from xlprobe.probing.report import ProbeReport, ProbeRow

pytestmark = pytest.mark.slow

CONF = Path(__file__).resolve().parents[2] / "conf"
SHRINK = (
    "experiment=demo_ner",
    "logger=csv",
    "data.synthetic.n_train=40",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=60",
    "++model.tiny.n_sentences=200",
)


# ---- the toy probe: everything a probe plug-in is, in a few lines ----------------------------


@dataclass(frozen=True)
class PositiveShareSettings(Options):
    """``probe.toy``: the threshold a word-vector component must pass."""

    prefix: ClassVar[str] = "probe.toy"

    enabled: bool = True
    threshold: float = option(0.0)


class PositiveShareProbe:
    """% of word-vector components above a threshold, per view and layer."""

    name: ClassVar[str] = "toy"
    options: ClassVar[dict] = {"toy": PositiveShareSettings}
    metrics: ClassVar[tuple] = (
        Metric("toy_positive", "% of word-vector components above the threshold", curve=True),
    )
    rescorable: ClassVar[tuple] = ()
    rows_file: ClassVar[str] = "toy.csv"

    def enabled(self, settings) -> bool:
        return settings.toy.enabled

    def sentence_pooling(self, settings) -> None:
        return None

    def run(self, round) -> ProbeReport:
        tick = time.perf_counter()
        rows = []
        for view, store in round.stores.items():
            for layer in round.layers:
                x = np.asarray(store.layer(layer), np.float32)
                above = int((x > round.settings.toy.threshold).sum())
                rows.append(
                    ProbeRow(
                        **round.id.fields,
                        side_s=view.side,
                        lang_s=view.lang,
                        side_t=view.side,
                        lang_t=view.lang,
                        layer=layer,
                        metric="toy_positive",
                        value=100 * above / x.size,
                        numerator=above,
                        denominator=x.size,
                    )
                )
        return ProbeReport(rows=rows, timings={"toy": time.perf_counter() - tick})

    def rescore(self, stored) -> None:
        return None


@pytest.fixture
def toy_probe():
    probe = register(PositiveShareProbe())
    yield probe
    unregister(probe.name)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()
    HydraConfig.instance().cfg = None


def probe_config(output_dir: Path, cache_dir: Path, *overrides: str):
    """Compose ``probe.py``'s config as the entry point does, writing into ``output_dir`` with
    the ``.hydra/`` files Hydra saves there."""
    GlobalHydra.instance().clear()
    overrides = (*SHRINK, f"paths.cache_dir={cache_dir}", *overrides)
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose("probe_run", overrides=list(overrides), return_hydra_config=True)
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
    saved = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    (output_dir / ".hydra").mkdir(parents=True, exist_ok=True)
    OmegaConf.save(saved, output_dir / ".hydra" / "config.yaml")
    OmegaConf.save(OmegaConf.create(list(overrides)), output_dir / ".hydra" / "overrides.yaml")
    return cfg


def _toy_rows(run_dir: Path) -> dict:
    report = ProbeReport.read_csv(run_dir / "probe_report.csv")
    return {r.key: r.value for r in report.rows if r.metric == "toy_positive"}


def test_a_probe_in_one_file_reaches_every_output(toy_probe, tmp_path, cache_dir):
    from xlprobe.probe_run import probe
    from xlprobe.reporting.html_report import read_report_data

    run = tmp_path / "run"
    probe(probe_config(run, cache_dir, "+probe.toy.threshold=0.0"))
    rows = _toy_rows(run)
    langs = {"de", "fr", "es", "ar", "en"}
    assert {(k.lang_s, k.layer) for k in rows} == {
        (lang, layer) for lang in langs for layer in (0, 1, 2)
    }
    assert all(0 < value < 100 for value in rows.values())
    # the same scalars go to every logger: its keys, like W&B's
    with open(run / "csv" / "metrics.csv", encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    assert "probe/toy_positive/encoder/de-de/layer_02" in columns
    # its curve
    assert (run / "plots" / "layers_toy_positive_encoder.png").stat().st_size > 1000
    # its section in report.html
    data = read_report_data(run / "report.html")
    metric = data["curves"]["cols"].index("metric")
    drawn = {r[metric] for r in data["curves"]["rows"]}
    # the sections the page draws: curve metrics with rows (an encoder has no lens rows)
    assert [m["name"] for m in data["extra_curves"] if m["name"] in drawn] == [
        "retrieval",
        "abx_form",
        "abx_meaning",
        "toy_positive",
    ]
    assert sum(r[metric] == "toy_positive" for r in data["curves"]["rows"]) == len(rows)
    # its timing, and a bad option is one line naming it
    assert "base/toy" in (run / "probe_timings.json").read_text()
    with pytest.raises(InputError, match=r"probe.toy.threshold='x': expected a finite number"):
        probe(probe_config(tmp_path / "bad", cache_dir, "+probe.toy.threshold=x"))

    # from_run carries its rows over, re-scoring and re-clustering alike
    rescored = tmp_path / "rescored"
    probe(probe_config(rescored, cache_dir, f"from_run={run}", "probe.calign.theta=0.5"))
    assert _toy_rows(rescored) == rows
    assert (rescored / "plots" / "layers_toy_positive_encoder.png").is_file()


@pytest.fixture(scope="module")
def kept_run(tmp_path_factory, cache_dir) -> Path:
    """A probe.py run that kept its activations (for re-clustering), with the toy probe on."""
    from xlprobe.probe_run import probe

    probe_ = register(PositiveShareProbe())
    try:
        run = tmp_path_factory.mktemp("kept") / "run"
        probe(probe_config(run, cache_dir, "probe.keep_activations=true"))
        GlobalHydra.instance().clear()
    finally:
        unregister(probe_.name)
    return run


def test_reclustering_carries_the_probes_rows(toy_probe, kept_run, tmp_path, cache_dir):
    from xlprobe.probe_run import probe

    out = tmp_path / "reclustered"
    probe(probe_config(out, cache_dir, f"from_run={kept_run}", "probe.k=8"))
    assert _toy_rows(out) == _toy_rows(kept_run)
    calign = ProbeReport.read_csv(out / "probe_report.csv").select(metric="calign", layer=1)
    assert calign and all(r.denominator <= 8 for r in calign)  # concepts of the new K
