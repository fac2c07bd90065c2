"""The concept probe inside real (tiny) training runs (the demo config, shrunk), also under DDP
on CPU, where both ranks take part in each probe round."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from xlprobe.callbacks.wandb_run import wandb_run_id
from xlprobe.probing.probe_dir import ProbeDir

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

N_LAYERS = 3  # tiny mT5: embeddings + 2 layers per side
# CALIGN and dict_coverage for enc-enc, dec-dec, enc-dec; COLAP enc, dec
PAIRS_PER_LANG = 2 * 3 + 2
CONCEPT = ("calign", "dict_coverage", "colap")
SENTENCE = ("retrieval", "abx_form", "abx_meaning")


SHRINK = (
    "experiment=demo",
    "logger=many",
    "data.synthetic.n_train=160",
    "data.synthetic.n_val=16",
    "data.synthetic.n_test=16",
    "data.synthetic.n_probe=120",
    "data.max_eval_examples=16",
    "trainer.max_epochs=2",
    "test=false",
    # the tokenizer and the pretraining of the demo's tiny mT5 on 200 sentences per language
    "+model.tiny.n_sentences=200",
)


def run_script(
    script: str, cwd: Path, *overrides: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``train.py``/``probe.py`` as a user would (``env``: extra environment variables);
    fail the test with its stderr tail."""
    result = subprocess.run(
        [sys.executable, str(ROOT / script), *overrides],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result


def train(
    output_dir: Path, cache_dir: Path, *overrides: str, env: dict[str, str] | None = None
) -> Path:
    """The real `train.py experiment=demo`, shrunk, writing into ``output_dir``."""
    run_script(
        "train.py",
        output_dir.parent,
        *SHRINK,
        f"paths.cache_dir={cache_dir}",
        f"hydra.run.dir={output_dir}",
        *overrides,
        env=env,
    )
    return output_dir


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, cache_dir) -> Path:
    """A 2-epoch demo run with the probe callback; returns its output directory."""
    return train(tmp_path_factory.mktemp("demo") / "run", cache_dir)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


KEY = ("epoch", "metric", "side_s", "side_t", "lang_s", "layer")


def probe_values(path: Path, metric: str | None = None) -> dict[tuple[str, ...], str]:
    """Row key -> value of a probe_report.csv (optionally of one metric); keys must be unique."""
    rows = [r for r in read_rows(path) if metric in (None, r["metric"])]
    values = {tuple(r[k] for k in KEY): r["value"] for r in rows}
    assert len(values) == len(rows), "duplicate rows"
    return values


def test_demo_run_holds_base_and_every_epoch_for_every_pair_and_layer(demo_run):
    rows = read_rows(demo_run / "probe_report.csv")
    assert sorted({int(r["epoch"]) for r in rows}) == [-1, 0, 1]
    for epoch in (-1, 0, 1):
        round_rows = [r for r in rows if int(r["epoch"]) == epoch and r["metric"] in CONCEPT]
        # lang=demo probes fr, de, es against en
        assert len(round_rows) == 3 * PAIRS_PER_LANG * N_LAYERS
        sentence = [r for r in rows if int(r["epoch"]) == epoch and r["metric"] in SENTENCE]
        # retrieval, abx_form, abx_meaning for the enc-enc and dec-dec pairs
        assert len(sentence) == 3 * 3 * 2 * N_LAYERS
        keys = {
            (r["metric"], r["side_s"], r["side_t"], r["lang_s"], r["layer"]) for r in round_rows
        }
        assert len(keys) == len(round_rows)
        assert {r["model_state"] for r in round_rows} == {"base" if epoch < 0 else "finetuned"}
    assert {r["lang_s"] for r in rows if r["metric"] in CONCEPT + SENTENCE} == {"fr", "de", "es"}
    assert {r["lang_t"] for r in rows if r["metric"] in CONCEPT + SENTENCE} == {"en"}
    assert {r["layer"] for r in rows} == {"0", "1", "2"}
    for r in rows:
        assert 0 <= int(r["numerator"]) <= int(r["denominator"])


def test_demo_run_writes_plots_examples_timings_and_logs_keys(demo_run):
    plots = {p.name for p in (demo_run / "plots").glob("*.png")}
    assert {"layers_calign_encoder.png", "layers_colap_encoder.png"} <= plots
    assert {"layers_retrieval_encoder.png", "layers_abx_meaning_decoder.png"} <= plots
    assert "layers_calign_encoder-decoder.png" in plots
    assert "zero_shot_correlation.png" in plots
    assert read_rows(demo_run / "probe_examples.csv")
    timings = json.loads((demo_run / "probe_timings.json").read_text())
    assert {"base/extract", "base/cluster", "base/metrics"} <= set(timings)
    metrics = read_rows(demo_run / "csv" / "metrics.csv")
    columns = set(metrics[0])
    assert "probe/calign/encoder/de-en/layer_02" in columns
    assert "probe/abx_form/encoder/de-en/layer_02" in columns
    assert "probe/colap/decoder/fr-en/layer_00" in columns
    assert "val/bleu/de-en" in columns
    rounds = ProbeDir(demo_run / "probe").manifest().rounds
    assert [r.id.name for r in rounds][:1] == ["base"]
    assert len(rounds) == 3
    wandb_runs = list((demo_run / "wandb").glob("offline-run-*"))
    assert len(wandb_runs) == 1
    media = wandb_runs[0] / "files" / "media" / "table"
    assert list((media / "probe").glob("examples_*.table.json"))
    assert list((media / "probe_curves" / "calign" / "encoder").glob("fr-en_*.table.json"))


def test_wandb_holds_every_probe_value_of_every_round_the_csv_log_holds(demo_run):
    from wandb_records import history

    (wandb_run,) = (demo_run / "wandb").glob("offline-run-*")
    logged: dict[str, list[float]] = {}
    for record in history(wandb_run):
        for key, value in record.items():
            if key.startswith("probe/") and isinstance(value, int | float):
                logged.setdefault(key, []).append(round(float(value), 6))
    in_csv: dict[str, list[float]] = {}
    for row in read_rows(demo_run / "csv" / "metrics.csv"):
        for key, value in row.items():
            if key.startswith("probe/") and value != "":
                in_csv.setdefault(key, []).append(round(float(value), 6))
    # the base round and both epochs (some embedding-probe values compare with the base model,
    # and have no base-round value), none of them dropped by W&B
    per_round = {key: values for key, values in in_csv.items() if not key.startswith("probe/emb_")}
    assert per_round and all(len(values) == 3 for values in per_round.values())
    assert all(len(values) in (2, 3) for values in in_csv.values())
    assert {key: sorted(values) for key, values in logged.items() if key in in_csv} == {
        key: sorted(values) for key, values in in_csv.items()
    }
    internal_log = (wandb_run / "logs" / "debug-internal.log").read_text()
    assert "ignoring" not in internal_log


# the run's own thresholds, none of them the config's default
RUN_SETTINGS = ("probe.calign.theta=0.3", "probe.colap.theta=0.2")


@pytest.fixture(scope="module")
def resumed_pair(tmp_path_factory, cache_dir) -> tuple[Path, Path]:
    """A 2-epoch run with :data:`RUN_SETTINGS` and its resumption for a 3rd epoch (W&B offline)."""
    root = tmp_path_factory.mktemp("resume")
    first = train(root / "first", cache_dir, *RUN_SETTINGS)
    resumed = train(
        root / "resumed",
        cache_dir,
        *RUN_SETTINGS,
        "trainer.max_epochs=3",
        f"ckpt_path={first / 'checkpoints' / 'last.ckpt'}",
    )
    return first, resumed


def rescore_in(run: Path, out: Path, *overrides: str) -> dict[tuple[str, ...], str]:
    """``probe.py from_run=run`` (with overrides) into ``out``; its probe_report.csv values."""
    run_script(
        "probe.py",
        out.parent,
        "experiment=demo",
        "logger=csv",
        f"from_run={run}",
        f"hydra.run.dir={out}",
        *overrides,
    )
    return probe_values(out / "probe_report.csv")


def test_resumed_run_continues_the_curves_without_duplicates(resumed_pair):
    first, resumed = resumed_pair
    resumed_values = probe_values(resumed / "probe_report.csv")
    assert sorted({int(k[0]) for k in resumed_values}) == [-1, 0, 1, 2]
    first_values = probe_values(first / "probe_report.csv")
    assert {k: resumed_values[k] for k in first_values} == first_values


def test_from_run_on_a_resumed_run_rescores_the_base_round_and_every_epoch(resumed_pair, tmp_path):
    _, resumed = resumed_pair
    rounds = ProbeDir(resumed / "probe").manifest().rounds
    assert [r.id.name for r in rounds][:1] == ["base"]
    assert [r.id.epoch for r in rounds] == [-1, 0, 1, 2]
    # the cached clusters of every round, re-scored with the run's settings, give the run's values
    rescored = rescore_in(resumed, tmp_path / "rescored")
    trained = probe_values(resumed / "probe_report.csv")
    for metric in ("calign", "colap"):
        run_values = {k: v for k, v in trained.items() if k[1] == metric}
        assert run_values
        assert {k: v for k, v in rescored.items() if k[1] == metric} == run_values


def test_a_resumed_run_continues_the_same_wandb_run(resumed_pair):
    ids = []
    for run in resumed_pair:
        offline = list((run / "wandb").glob("offline-run-*"))
        assert len(offline) == 1, offline
        ids.append(offline[0].name.rsplit("-", 1)[1])
    assert ids[0] == ids[1]
    assert wandb_run_id(resumed_pair[1] / "checkpoints" / "last.ckpt") == ids[0]


def test_a_wandb_server_that_never_answers_leaves_training_to_the_csv_logger(tmp_path, cache_dir):
    # a server that accepts connections (the kernel queues them) and never answers: wandb.init
    # hangs until logger.wandb.start_timeout
    with socket.create_server(("127.0.0.1", 0)) as server:
        host, port = server.getsockname()
        run = train(
            tmp_path / "run",
            cache_dir,
            "probe=off",
            "trainer.max_epochs=1",
            "logger.wandb.start_timeout=2",
            env={
                "WANDB_MODE": "online",
                "WANDB_BASE_URL": f"http://{host}:{port}",
                "WANDB_API_KEY": "0" * 40,
            },
        )
    log = (run / "demo.log").read_text(encoding="utf-8")
    assert "W&B did not start within logger.wandb.start_timeout=2s" in log
    rows = read_rows(run / "csv" / "metrics.csv")
    assert [r["val/bleu/fr-en"] for r in rows if r.get("val/bleu/fr-en")]
    assert (run / "checkpoints" / "last.ckpt").is_file()
    assert wandb_run_id(run / "checkpoints" / "last.ckpt") is None


def test_from_run_sweep_over_one_knob_keeps_the_runs_other_settings(resumed_pair, tmp_path):
    from xlprobe.probing.pipeline import rescore

    _, resumed = resumed_pair
    swept = rescore_in(resumed, tmp_path / "swept", "probe.calign.n_best=5")
    probe_dir = ProbeDir(resumed / "probe")
    settings = probe_dir.manifest().settings
    assert (settings["calign"]["theta"], settings["colap"]["theta"]) == (0.3, 0.2)

    def values(changes) -> dict[tuple[str, ...], str]:
        report = rescore(probe_dir, changes)
        return {tuple(str(getattr(r, k)) for k in KEY): repr(r.value) for r in report.rows}

    assert swept == values({"calign": {"n_best": 5}})
    # what the sweep gave before: every other threshold reset to the config's default
    assert swept != values({"calign": {"n_best": 5, "theta": 0.8}, "colap": {"theta": 0.3}})


def test_from_run_plots_with_the_runs_training_and_zero_shot_languages(resumed_pair, tmp_path):
    from hydra import compose, initialize_config_dir
    from omegaconf import open_dict

    from xlprobe.probe_run import rescore_run

    _, resumed = resumed_pair
    with initialize_config_dir(version_base="1.3", config_dir=str(ROOT / "conf")):
        cfg = compose("probe_run", overrides=["lang=ar-en", f"from_run={resumed}"])
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path / "rescored")
    report, roles = rescore_run(cfg)
    # the run trained lang=demo: fr-en, with de-en and es-en zero-shot
    assert (roles.train, roles.zero_shot) == (("fr-en",), ("de-en", "es-en"))
    assert report.epochs() == [-1, 0, 1, 2]
    # the re-scored run has its own probe directory, scoring the source's cluster files
    source, rescored = ProbeDir(resumed / "probe"), ProbeDir(tmp_path / "rescored" / "probe")
    manifest = rescored.manifest()
    assert manifest.source == str(source.path.resolve())
    assert manifest.roles == source.manifest().roles
    assert [r.id for r in manifest.rounds] == [r.id for r in source.manifest().rounds]
    assert all(rescored.read_scored_concepts(r.id) for r in manifest.rounds)


def test_rescore_sweep_is_monotone_in_theta(demo_run, tmp_path):
    run_script(
        "probe.py",
        tmp_path,
        "-m",
        "experiment=demo",
        "logger=csv",
        f"from_run={demo_run}",
        "probe.calign.theta=0.2,0.5,0.9",
        f"hydra.sweep.dir={tmp_path}",
    )
    jobs = [tmp_path / job / "probe_report.csv" for job in ("0", "1", "2")]
    calign = [sum(map(float, probe_values(job, "calign").values())) for job in jobs]
    assert calign[0] >= calign[1] >= calign[2]
    assert calign[0] > calign[2]
    colap = [probe_values(job, "colap") for job in jobs]
    assert colap[0] and colap[0] == colap[1] == colap[2]  # θA does not touch COLAP


def test_probe_py_on_the_last_checkpoint_repeats_the_last_round(demo_run, cache_dir, tmp_path):
    run_script(
        "probe.py",
        tmp_path,
        *SHRINK,
        "logger=csv",
        f"paths.cache_dir={cache_dir}",
        f"ckpt={demo_run / 'checkpoints' / 'last.ckpt'}",
        f"hydra.run.dir={tmp_path / 'probe'}",
    )
    probed = probe_values(tmp_path / "probe" / "probe_report.csv")
    assert {k[0] for k in probed} == {"1"}
    # drift from the base model needs the base round in the same probe directory
    drift = ("emb_knn_overlap", "emb_canon_cos", "emb_canon_cos_random")
    assert not [k for k in probed if k[KEY.index("metric")] in drift]
    trained = probe_values(demo_run / "probe_report.csv")
    assert probed == {
        k: v for k, v in trained.items() if k[0] == "1" and k[KEY.index("metric")] not in drift
    }


def test_probing_leaves_training_unchanged(demo_run, cache_dir, tmp_path):
    def validation_curve(run: Path) -> list[tuple[str, str]]:
        rows = read_rows(run / "csv" / "metrics.csv")
        return [(r["epoch"], r["val/bleu/fr-en"]) for r in rows if r.get("val/bleu/fr-en")]

    without_probe = train(tmp_path / "no_probe", cache_dir, "probe=off")
    assert not (without_probe / "probe_report.csv").exists()
    assert len(validation_curve(demo_run)) == 2
    assert validation_curve(without_probe) == validation_curve(demo_run)


# lr=0 keeps the weights of both runs identical, so every round (base and after the epoch) must
# give the same concepts; with learning, DDP's sharded data order would change the weights.
SAME_MODEL = ("trainer.max_epochs=1", "task.module.optimizer.lr=0", "logger=csv")
DDP_ON_CPU = (
    "trainer=ddp",
    "trainer.accelerator=cpu",
    "trainer.devices=2",
    "trainer.precision=32-true",
)


def test_two_process_run_logs_the_same_probe_values_as_one_process(tmp_path, cache_dir, demo_run):
    # the one-process demo run's base round, and a two-process run of the same model whose one
    # epoch at learning rate 0 leaves the weights as they were: both its rounds equal that round
    single = {key[1:]: v for key, v in probe_values(demo_run / "probe_report.csv").items()
              if key[0] == "-1"}  # fmt: skip
    ddp_run = train(tmp_path / "ddp", cache_dir, *SAME_MODEL, *DDP_ON_CPU)
    ddp = probe_values(ddp_run / "probe_report.csv")
    assert sorted({k[0] for k in ddp}) == ["-1", "0"]
    for epoch in ("-1", "0"):
        rows = {key[1:]: v for key, v in ddp.items() if key[0] == epoch}
        # after training, the embedding probe adds its comparisons with the base model
        assert {key: rows[key] for key in single} == single, epoch
        assert len(rows) >= len(single)
    assert any(float(v) > 0 for v in single.values())
    metrics = (ddp_run / "csv" / "metrics.csv").read_text(encoding="utf-8")
    assert metrics.splitlines()[0].count("probe/calign/encoder/fr-en/layer_02") == 1


def test_an_error_in_rank_zeros_probe_ends_both_processes_with_its_message(tmp_path):
    # max_subwords=2 leaves no probe sentence to extract: rank 0's base-model probe raises at
    # fit start while rank 1 waits for it. Rank 1 must stop with rank 0's message, not wait
    # out the DDP timeout (600 s, twice the time this test allows the run).
    command = [
        sys.executable,
        str(ROOT / "train.py"),
        *SHRINK,
        "logger=csv",
        "model.tiny.pretrain_epochs=0",
        "data.synthetic.n_train=32",
        "data.synthetic.n_probe=40",
        "trainer.max_epochs=1",
        *DDP_ON_CPU,
        "trainer.strategy.timeout.seconds=600",
        "probe.extraction.max_subwords=2",
        f"paths.cache_dir={tmp_path / 'cache'}",
        f"hydra.run.dir={tmp_path / 'run'}",
    ]
    # Rank 1 is a child of rank 0 holding the same stderr pipe: communicate() returns once
    # both have exited. A session of their own lets a failed test kill both.
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("a rank was still waiting 300 s after rank 0's probe failed")
    assert process.returncode == 2, stderr[-4000:]
    errors = [line for line in stderr.splitlines() if line.startswith("train.py: error: ")]
    rank_0 = "train.py: error: nothing to extract for "
    assert [e for e in errors if e.startswith(rank_0)], stderr[-4000:]
    message = next(e for e in errors if e.startswith(rank_0)).removeprefix("train.py: error: ")
    assert f"train.py: error: rank 0's concept probe failed: {message}" in errors
    assert "Traceback" not in stderr
