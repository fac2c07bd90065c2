"""Complete or absent, one dictionary per corpus, nothing rebuilt from less: multi-file artifacts
under an exception half-way, two runs on a cold shared cache, and report.html rebuilt from a run
that lost files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from xlprobe.cli import main as xlprobe_main
from xlprobe.data.corpus import ProbeCorpus
from xlprobe.errors import InputError
from xlprobe.probing.plan import RoundId
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.probes import Metric, register, unregister
from xlprobe.probing.report import ProbeReport
from xlprobe.reporting.html_report import read_report_data

ROOT = Path(__file__).resolve().parents[2]


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file below ``root`` by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _fail_after_first_write(original):
    """A ``Path.write_text`` that raises on its second call (a disk failing half-way)."""
    calls = []

    def write_text(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return original(path, *args, **kwargs)

    return write_text


def _sources(root: Path, sentences: int) -> Path:
    """Line-aligned de/en/fr files of ``sentences`` lines in ``root/src<sentences>``."""
    src = root / f"src{sentences}"
    src.mkdir()
    for lang, words in (("de", "das Haus"), ("en", "the house"), ("fr", "la maison")):
        text = "".join(f"{words} {i} .\n" for i in range(sentences))
        (src / f"dev.{lang}").write_text(text, encoding="utf-8")
    return src


def _build_corpus(out: Path, src: Path) -> int:
    """``xlprobe corpus build`` of the files in ``src`` into ``out``; its exit code."""
    files = [f"{lang}={src / f'dev.{lang}'}" for lang in ("de", "en", "fr")]
    return xlprobe_main(
        ["corpus", "build", "--out", str(out), "--langs", "de", "fr", "--files", *files]
    )


def test_a_corpus_rebuild_that_fails_half_way_leaves_the_old_corpus(tmp_path, monkeypatch, capsys):
    out = tmp_path / "corpus"
    assert _build_corpus(out, _sources(tmp_path, 5)) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # not the builder's: kept
    before = tree_digest(out)
    seven = _sources(tmp_path, 7)
    monkeypatch.setattr(Path, "write_text", _fail_after_first_write(Path.write_text))
    assert _build_corpus(out, seven) == 2
    monkeypatch.undo()
    assert "cannot write the probe corpus (No space left" in capsys.readouterr().err
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "src5", "src7"]  # no temp
    assert _build_corpus(out, seven) == 0  # a complete rebuild replaces it, notes.txt carried
    assert len(ProbeCorpus.from_dir(out, ["de", "en", "fr"])) == 7
    assert (out / "notes.txt").read_text() == "mine"
    # a file of a built corpus changed by hand is named
    (out / "probe.fr.txt").write_text("la maison\n" * 7, encoding="utf-8")
    with pytest.raises(InputError, match=r"probe\.fr\.txt is not the file the corpus manifest"):
        ProbeCorpus.from_dir(out, ["de", "fr"])


class _FailingProbe:
    """A probe that fails after the concept probe has written its files."""

    name = "failing"
    options: ClassVar[dict] = {}
    metrics = (Metric("never", "never written"),)
    rescorable = ()
    rows_file = "never.csv"

    def enabled(self, settings):
        return True

    def sentence_pooling(self, settings):
        return None

    def run(self, round):
        assert any(round.dir.iterdir())  # the concept probe's files are there
        raise RuntimeError("probe failed half-way")

    def rescore(self, stored):
        return None


@pytest.mark.slow
def test_a_round_that_fails_half_way_leaves_no_round_or_the_old_one(
    tiny_model_dirs, synthetic_corpus, tmp_path
):
    from xlprobe.models import load_model
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = load_model(tiny_model_dirs["bert"], "base")
    corpus = ProbeCorpus({lang: synthetic_corpus.sentences[lang][:30] for lang in ("de", "en")})
    settings = ProbeSettings(
        languages=("de",),
        k=4,
        options={"sentence": {"enabled": False}, "embeddings": {"enabled": False}},
    )
    probe_dir = ProbeDir(tmp_path / "probe")
    register(_FailingProbe())
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            run_probe(model, tokenizer, corpus, settings, probe_dir=probe_dir)
        assert not probe_dir.exists() and not probe_dir.round_dir(RoundId()).exists()
    finally:
        unregister("failing")
    report = run_probe(model, tokenizer, corpus, settings, probe_dir=probe_dir)
    assert report.select(metric="calign")
    before = tree_digest(probe_dir.path)
    register(_FailingProbe())
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            run_probe(model, tokenizer, corpus, settings, probe_dir=probe_dir)
    finally:
        unregister("failing")
    assert tree_digest(probe_dir.path) == before
    assert [p.name for p in probe_dir.path.joinpath("rounds").iterdir()] == ["base"]


SHRINK = (
    "experiment=demo_ner",
    "logger=csv",
    "data.synthetic.n_train=40",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=60",
    "++model.tiny.n_sentences=200",
    "probe.sentence.enabled=false",
    "probe.embeddings.enabled=false",
    "probe.layers=[2]",
)


@pytest.mark.slow
def test_two_runs_on_a_cold_shared_cache_score_with_one_dictionary(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline"}
    runs = [tmp_path / "a", tmp_path / "b"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "probe.py"),
                *SHRINK,
                f"paths.cache_dir={cache}",
                f"hydra.run.dir={run}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for run in runs
    ]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
    for pair in ("de-en", "fr-en", "es-en", "ar-en"):
        (cached,) = (cache / "dictionaries").glob(f"{pair}.*.tsv")
        texts = {ProbeDir(run / "probe").dictionary_file(pair).read_bytes() for run in runs}
        assert texts == {cached.read_bytes()}, pair


@pytest.mark.slow
def test_report_html_is_not_rebuilt_from_less(tmp_path, capsys):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    runs = [tmp_path / "a", tmp_path / "b"]
    for run, extra in zip(runs, ([], ["lang.probe=[de]"]), strict=True):
        result = subprocess.run(
            [sys.executable, str(ROOT / "probe.py"), *SHRINK, "++model.tiny.pretrain_epochs=0",
             f"paths.cache_dir={tmp_path / 'cache'}", f"hydra.run.dir={run}", *extra],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
    run = runs[0]
    assert xlprobe_main(["report", str(run)]) == 0
    page = (run / "report.html").read_bytes()
    cluster_file = ProbeDir(run / "probe").cluster_file(RoundId(), "encoder.de", 2)
    cluster_file.rename(tmp_path / "aside.txt")
    capsys.readouterr()
    assert xlprobe_main(["report", str(run)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not rewritten" in err[0] and "cluster file missing" in err[0]
    assert (run / "report.html").read_bytes() == page
    # another run's probe directory (it probed German only) is refused too
    (tmp_path / "aside.txt").rename(cluster_file)
    assert {r.lang_s for r in ProbeReport.read_csv(run / "probe_report.csv").rows} > {"de"}
    assert xlprobe_main(["report", str(run), "--probe-dir", str(runs[1] / "probe")]) == 2
    assert "is another run's" in capsys.readouterr().err
    # without a page to protect, the page is built and says what is missing
    (run / "probe_report.csv").rename(tmp_path / "report.csv")
    (run / "report.html").unlink()
    assert xlprobe_main(["report", str(run)]) == 0
    notes = read_report_data(run / "report.html")["notes"]
    assert notes == ["Not shown, missing: probe_report.csv (the curves)"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # a code neither conf/lang/ nor the registry knows: the registry's close codes
        (
            ["lang=deu_Latm", "task=pos"],
            "lang=deu_Latm: unknown language 'deu_Latm'; close: deu_Latn",
        ),
        # a registry code without data in the task's data.hub
        (["lang=deu_Latn", "task=pos"], "lang.train: 'deu_Latn' has no hub dataset in data.hub"),
        # a zero-shot target of eval_langs the registry does not know
        (
            ["experiment=transfer_study", "task=pos", "lang=deu_Latn", "eval_langs=[fra_Latn,xyz]"],
            "eval_langs=['fra_Latn', 'xyz']: unknown language 'xyz'",
        ),
    ],
)
def test_a_bad_language_is_one_line_before_anything_loads(tmp_path, overrides, expected):
    result = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *overrides, "dry_run=true", "logger=csv",
         f"hydra.run.dir={tmp_path / 'run'}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if "error:" in line and "][" not in line]
    assert result.returncode != 0
    assert len(errors) == 1 and errors[0].startswith(f"train.py: error: {expected}"), errors
