"""Bad inputs at every entry point (issue 11's matrix): `xlprobe` commands, `train.py` and
`probe.py` each end with exit code 2 and one last line on stderr naming the file, line or
option, never a traceback, and they leave the input tree exactly as it was (nothing deleted,
nothing half-written).

Every case fails before a model loads. The `xlprobe` cases run through ``xlprobe.cli.main``;
the `train.py` / `probe.py` cases compose the real config and run the entry point's job function
(``run_job`` with ``xlprobe.training.run`` / ``xlprobe.probe_run.run``), as Hydra would. A
handful run as real processes (console script, ``train.py``, ``probe.py -m``) to prove exit code
2 and no traceback end to end, Hydra's own handling of run directories and multiruns included.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf, open_dict

from xlprobe.cli import main as xlprobe_main
from xlprobe.models.families import family
from xlprobe.probing.concepts import ConceptSet, write_clusters
from xlprobe.probing.dictionary import Dictionary, write_dictionary
from xlprobe.probing.plan import RoundId, plan_views
from xlprobe.probing.probe_dir import ProbeDir, RoundRecord
from xlprobe.probing.settings import ProbeSettings

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "conf"
PYTHON = sys.executable
XLPROBE = shutil.which("xlprobe", path=str(Path(PYTHON).parent))

DE = ["Haus", "Baum", "Buch", "Stift", "Tür", "Fenster"]
EN = ["house", "tree", "book", "pen", "door", "window"]
CORPUS_DE = ["das Haus ist alt", "der Baum ist grün", "ein Buch", "die Tür", "das Fenster"]
CORPUS_EN = ["the house is old", "the tree is green", "a book", "the door", "the window"]


class Inputs:
    """Valid inputs in ``root`` (the tree every case must leave untouched), and helpers to
    write bad ones beside them.

    Attributes:
        src, tgt, dictionary: CALIGN cluster files (de, en) and their de-en dictionary.
        joint, langs: A COLAP cluster file of both languages and its languages file.
        par_de, par_en: A line-aligned parallel text for `xlprobe dict build`.
        data: A local SST-2-shaped dataset (en, de) that also holds the probe corpus.
        existing: A directory with a file in it: must survive being named as an output.
        afile: A plain file: outputs below it are impossible.
    """

    def __init__(self, root: Path):
        self.root = root
        root.mkdir()
        self.src, self.tgt = root / "de.clusters", root / "en.clusters"
        write_clusters(ConceptSet.from_mapping({1: DE, 2: DE[:2]}, lang="de"), self.src)
        write_clusters(ConceptSet.from_mapping({7: EN}, lang="en"), self.tgt)
        self.dictionary = root / "de-en.tsv"
        write_dictionary(
            Dictionary({d: [(e, 1.0)] for d, e in zip(DE, EN, strict=True)}), self.dictionary
        )
        self.joint = self.write("joint.clusters", "Haus|||0|||0|||0|||3\nhouse|||0|||1|||0|||3\n")
        self.langs = self.write("joint.langs", "de\nen\n")
        self.par_de = self.write("par.de", "".join(f"{s}\n" for s in CORPUS_DE))
        self.par_en = self.write("par.en", "".join(f"{s}\n" for s in CORPUS_EN))
        self.data = root / "data"
        self.data.mkdir()
        for split in ("train", "validation", "test"):
            for lang in ("en", "de"):
                self.write(f"data/{split}.{lang}.tsv", "good\t1\nbad\t0\n")
        self.write("data/probe.de.txt", "".join(f"{s}\n" for s in CORPUS_DE))
        self.write("data/probe.en.txt", "".join(f"{s}\n" for s in CORPUS_EN))
        self.existing = root / "existing"
        self.existing.mkdir()
        self.write("existing/keep.txt", "precious\n")
        self.afile = self.write("afile", "a file, not a directory\n")

    def half_written_run(self) -> Path:
        """A run directory with a complete-looking probe manifest but no cluster files, and the
        ``.hydra/`` files Hydra saves in a ``probe.py`` run made with the cases' base overrides
        (what ``from_run`` compares an override of the run's model, task, lang and data with)."""
        run = self.root / "run"
        settings = ProbeSettings(languages=("de",))
        ProbeDir(run / "probe").record_round(
            RoundRecord(RoundId()),
            settings=settings.to_dict(),
            plan=plan_views(settings, family("bert")),
            layers=[0],
            n_sentences=5,
        )
        overrides = [*BASE, f"data.local_dir={self.data}"]
        with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
            cfg = compose("probe_run", overrides=overrides)
        (run / ".hydra").mkdir()
        OmegaConf.save(cfg, run / ".hydra" / "config.yaml")
        OmegaConf.save(OmegaConf.create(overrides), run / ".hydra" / "overrides.yaml")
        return run

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def snapshot(self) -> dict[str, bytes]:
        """Every file under ``root`` with its content (directories implied by their files)."""
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        } | {str(p.relative_to(self.root)) + "/": b"" for p in self.root.rglob("*") if p.is_dir()}


@dataclass(frozen=True)
class Case:
    """One bad input: ``make(inputs)`` writes what it needs and returns the arguments (for
    `xlprobe`) or Hydra overrides (for `train.py` / `probe.py`) and the text the error's line
    must contain."""

    id: str
    entry: str
    make: Callable[[Inputs], tuple[list[str], str]]


def calign(i: Inputs, src=None, tgt=None, dictionary=None, *extra) -> list[str]:
    return [
        "metrics",
        "calign",
        str(src or i.src),
        str(tgt or i.tgt),
        str(dictionary or i.dictionary),
        *extra,
    ]


def colap(i: Inputs, clusters=None, langs=None, *extra) -> list[str]:
    return [
        "metrics",
        "colap",
        str(clusters or i.joint),
        "--sentence-langs",
        str(langs or i.langs),
        *extra,
    ]


def build(i: Inputs, src=None, tgt=None, *extra, out=None) -> list[str]:
    out = out or i.root / "out.tsv"
    return [
        "dict",
        "build",
        "--src",
        str(src or i.par_de),
        "--tgt",
        str(tgt or i.par_en),
        "--out",
        str(out),
        *extra,
    ]


def corpus(i: Inputs, *extra: str, out=None) -> list[str]:
    out = out or i.root / "corpus"
    files = [f"de={i.par_de}", f"en={i.par_en}"]
    return ["corpus", "build", "--out", str(out), "--files", *files, *extra]


def experts(i: Inputs, *extra: str) -> list[str]:
    langs = ["--langs", "de", "en"]
    return ["experts", str(i.root / "model"), "--corpus", str(i.root), *langs, "--k", "2", *extra,
            "--out", str(i.root / "experts")]  # fmt: skip


def missing_de(i: Inputs) -> list[str]:
    return [f"de={i.root / 'nope'}", f"en={i.par_en}"]


def bad_clusters(i: Inputs, line: str) -> Path:
    """A cluster file whose second line is ``line``."""
    return i.write("bad.clusters", f"Haus|||0|||0|||0|||1\n{line}\n")


XLPROBE_CASES = [
    # metrics calign
    Case(
        "calign-missing-clusters",
        "xlprobe",
        lambda i: (calign(i, i.root / "nope"), f"{i.root / 'nope'}: cannot read file"),
    ),
    Case(
        "calign-clusters-is-a-directory",
        "xlprobe",
        lambda i: (calign(i, i.existing), f"{i.existing}: cannot read file"),
    ),
    Case(
        "calign-empty-clusters",
        "xlprobe",
        lambda i: (calign(i, i.write("e.clusters", "\n \n")), "e.clusters: empty file"),
    ),
    Case(
        "calign-four-fields",
        "xlprobe",
        lambda i: (calign(i, bad_clusters(i, "Baum|||0|||1|||0")), "bad.clusters:2: expected"),
    ),
    Case(
        "calign-int-with-space",
        "xlprobe",
        lambda i: (calign(i, bad_clusters(i, "Baum|||0|||1|||0||| 1")), "bad.clusters:2: expected"),
    ),
    Case(
        "calign-int-with-underscore",
        "xlprobe",
        lambda i: (
            calign(i, bad_clusters(i, "Baum|||1_0|||1|||0|||1")),
            "bad.clusters:2: expected",
        ),
    ),
    Case(
        "calign-int-with-plus",
        "xlprobe",
        lambda i: (
            calign(i, None, bad_clusters(i, "tree|||0|||+1|||0|||1")),
            "bad.clusters:2: expected",
        ),
    ),
    Case(
        "calign-negative-position",
        "xlprobe",
        lambda i: (calign(i, bad_clusters(i, "Baum|||0|||1|||-1|||1")), "bad.clusters:2: expected"),
    ),
    Case(
        "calign-non-numeric-probability",
        "xlprobe",
        lambda i: (
            calign(i, dictionary=i.write("d.tsv", "Haus\thouse\t0.5\nBaum\ttree\tx\n")),
            "d.tsv:2:",
        ),
    ),
    Case(
        "calign-dictionary-not-utf8",
        "xlprobe",
        lambda i: (
            calign(i, dictionary=i.write("d.tsv", b"Haus\thouse\t1\n\xff\ttree\t1\n")),
            "d.tsv:2: not UTF-8",
        ),
    ),
    Case(
        "calign-theta-above-1",
        "xlprobe",
        lambda i: (calign(i, None, None, None, "--theta", "1.5"), "--theta"),
    ),
    Case(
        "calign-n-best-0",
        "xlprobe",
        lambda i: (calign(i, None, None, None, "--n-best", "0"), "--n-best"),
    ),
    Case(
        "calign-max-size-diff-negative",
        "xlprobe",
        lambda i: (calign(i, None, None, None, "--max-size-diff=-0.1"), "--max-size-diff"),
    ),
    Case(
        "calign-pairs-out-existing-directory",
        "xlprobe",
        lambda i: (
            calign(i, None, None, None, "--pairs-out", str(i.existing)),
            f"--pairs-out={i.existing} is an existing directory",
        ),
    ),
    Case(
        "calign-pairs-out-below-a-file",
        "xlprobe",
        lambda i: (
            calign(i, None, None, None, "--pairs-out", str(i.afile / "p.tsv")),
            f"{i.afile} is a file",
        ),
    ),
    # metrics colap
    Case(
        "colap-missing-languages-file",
        "xlprobe",
        lambda i: (colap(i, None, i.root / "nope"), f"{i.root / 'nope'}: cannot read file"),
    ),
    Case(
        "colap-no-languages-option",
        "xlprobe",
        lambda i: (["metrics", "colap", str(i.joint)], "--sentence-langs"),
    ),
    Case(
        "colap-blank-language-line",
        "xlprobe",
        lambda i: (
            colap(i, None, i.write("l.txt", "de\n\nen\n")),
            "l.txt:2: expected one language code",
        ),
    ),
    Case(
        "colap-sentence-without-language",
        "xlprobe",
        lambda i: (
            colap(i, bad_clusters(i, "house|||0|||5|||0|||1")),
            "bad.clusters:2: sentence 5 has no language",
        ),
    ),
    Case(
        "colap-clusters-not-utf8",
        "xlprobe",
        lambda i: (
            colap(i, i.write("j.clusters", b"Haus|||0|||0|||0|||1\n\xe4|||0|||1|||0|||1\n")),
            "j.clusters:2: not UTF-8",
        ),
    ),
    Case("colap-theta-0", "xlprobe", lambda i: (colap(i, None, None, "--theta", "0"), "--theta")),
    # dict build
    Case(
        "dict-out-existing-directory",
        "xlprobe",
        lambda i: (build(i, out=i.existing), f"--out={i.existing} is an existing directory"),
    ),
    Case(
        "dict-reverse-existing-directory",
        "xlprobe",
        lambda i: (
            build(i, None, None, "--reverse", str(i.existing)),
            f"--reverse={i.existing} is an existing directory",
        ),
    ),
    Case(
        "dict-out-below-a-file",
        "xlprobe",
        lambda i: (build(i, out=i.afile / "de-en.tsv"), f"{i.afile} is a file"),
    ),
    Case(
        "dict-missing-source",
        "xlprobe",
        lambda i: (build(i, i.root / "nope"), f"{i.root / 'nope'}: cannot read file"),
    ),
    Case(
        "dict-empty-target",
        "xlprobe",
        lambda i: (build(i, None, i.write("e.en", "")), "e.en: empty file"),
    ),
    Case(
        "dict-mismatched-line-counts",
        "xlprobe",
        lambda i: (build(i, None, i.write("short.en", "the house\n")), "short.en has 1"),
    ),
    Case(
        "dict-source-not-utf8",
        "xlprobe",
        lambda i: (build(i, i.write("b.de", b"das Haus\n\xff\n")), "b.de:2: not UTF-8"),
    ),
    # corpus build
    Case(
        "corpus-out-is-a-file",
        "xlprobe",
        lambda i: (corpus(i, out=i.afile), f"--out={i.afile} is a file, not a directory"),
    ),
    Case(
        "corpus-out-below-a-file",
        "xlprobe",
        lambda i: (corpus(i, out=i.afile / "c"), f"{i.afile} is a file, not a directory"),
    ),
    Case(
        "corpus-missing-source-file",
        "xlprobe",
        lambda i: (
            ["corpus", "build", "--out", str(i.root / "c"), "--files", *missing_de(i)],
            "nope",
        ),
    ),
    Case(
        "corpus-one-file-source",
        "xlprobe",
        lambda i: (
            ["corpus", "build", "--out", str(i.root / "c"), "--files", f"de={i.par_de}"],
            "--files",
        ),
    ),
    Case(
        "corpus-max-below-min-tokens",
        "xlprobe",
        lambda i: (corpus(i, "--min-tokens", "5", "--max-tokens", "2"), "--max-tokens 2"),
    ),
    Case(
        "dict-min-count-0",
        "xlprobe",
        lambda i: (build(i, None, None, "--min-count", "0"), "--min-count"),
    ),
    # experts (each fails before the model or the corpus is read)
    Case(
        "experts-concepts-at-k-not-swept",
        "xlprobe",
        lambda i: (experts(i, "--k", "2", "10", "--concepts-at", "7"), "concept probes at k=[7]"),
    ),
    Case(
        "experts-paraphrases-without-language",
        "xlprobe",
        lambda i: (experts(i, "--paraphrases", "paws.tsv"), "expected 'synthetic' or LANG=FILE"),
    ),
    Case(
        "experts-paraphrase-file-missing",
        "xlprobe",
        lambda i: (
            experts(i, "--paraphrases", f"de={i.root / 'nope.tsv'}"),
            f"{i.root / 'nope.tsv'}: cannot read",
        ),
    ),
    Case(
        "experts-pivot-not-a-language",
        "xlprobe",
        lambda i: (experts(i, "--concepts-at", "2", "--pivot", "fr"), "--pivot 'fr' is not one"),
    ),
]


def cuml_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("cuml") is not None


TRUNCATED_MANIFEST = '{"settings": {'
INCOMPLETE_MANIFEST = '{"rounds": []}'


def manifest_run(i: Inputs, manifest: str) -> Path:
    """A run directory whose probe/manifest.json holds ``manifest``."""
    return i.write("t/probe/manifest.json", manifest).parents[1]


def corpus_file(i: Inputs, lang: str, text: str | bytes) -> list[str]:
    i.write(f"data/probe.{lang}.txt", text)
    return []


HYDRA_CASES = [
    # probe.py: re-scoring a run
    Case(
        "probe-from-run-missing",
        "probe.py",
        lambda i: (
            [f"from_run={i.root / 'nowhere'}"],
            "nowhere/probe/manifest.json: no probe manifest",
        ),
    ),
    Case(
        "probe-from-run-not-a-run",
        "probe.py",
        lambda i: ([f"from_run={i.existing}"], "existing/probe/manifest.json: no probe manifest"),
    ),
    Case(
        "probe-from-run-is-a-file",
        "probe.py",
        lambda i: ([f"from_run={i.afile}"], "afile/probe/manifest.json: no probe manifest"),
    ),
    Case(
        "probe-from-run-truncated-manifest",
        "probe.py",
        lambda i: (
            [f"from_run={manifest_run(i, TRUNCATED_MANIFEST)}"],
            "manifest.json:1: malformed manifest",
        ),
    ),
    Case(
        "probe-from-run-incomplete-manifest",
        "probe.py",
        lambda i: (
            [f"from_run={manifest_run(i, INCOMPLETE_MANIFEST)}"],
            "manifest.json: incomplete manifest",
        ),
    ),
    Case(
        "probe-from-run-half-written",
        "probe.py",
        lambda i: (
            [f"from_run={i.half_written_run()}"],
            "probe/dictionaries/de-en.tsv: cannot read file",
        ),
    ),
    Case(
        "probe-from-run-theta-0",
        "probe.py",
        lambda i: (
            [f"from_run={i.half_written_run()}", "probe.calign.theta=0"],
            "probe.calign.theta=0",
        ),
    ),
    Case(
        "probe-from-run-needs-new-activations",
        "probe.py",
        lambda i: ([f"from_run={i.half_written_run()}", "probe.layers=[1]"], "probe.layers=[1]"),
    ),
    Case(
        "probe-from-run-recluster-without-kept-activations",
        "probe.py",
        lambda i: (
            [f"from_run={i.half_written_run()}", "probe.k=50"],
            "probe.keep_activations=true",
        ),
    ),
    # probe.py: probing a model
    Case(
        "probe-missing-checkpoint",
        "probe.py",
        lambda i: ([f"ckpt={i.root / 'last.ckpt'}"], "ckpt="),
    ),
    Case(
        "probe-language-not-in-corpus",
        "probe.py",
        lambda i: (["lang.probe=[xx]", "probe.corpus.source=null"], "probe.corpus.dir="),
    ),
    Case(
        "probe-corpus-misaligned-before-truncation",
        "probe.py",
        lambda i: (
            [*corpus_file(i, "de", "ein Haus\n"), "probe.corpus.max_sentences=1"],
            "not line-aligned",
        ),
    ),
    Case(
        "probe-corpus-empty",
        "probe.py",
        lambda i: (corpus_file(i, "de", "\n"), "probe.de.txt: empty file"),
    ),
    Case(
        "probe-corpus-not-utf8",
        "probe.py",
        lambda i: (
            corpus_file(i, "de", b"das Haus\n\xff\nein Buch\ndie T\n das\n"),
            "probe.de.txt:2: not UTF-8",
        ),
    ),
    Case(
        "probe-k-above-token-count",
        "probe.py",
        lambda i: (["probe.k=1000"], "probe.k=1000 is above"),
    ),
    Case(
        "probe-k-below-2",
        "probe.py",
        lambda i: (["probe.k=1"], "probe.k=1: expected an integer >= 2 or null"),
    ),
    # values of the wrong type or out of range, each named with what it takes
    *(
        Case(f"probe-{override}", "probe.py", lambda i, o=override, m=message: ([o], m))
        for override, message in [
            ("probe.k=abc", "probe.k='abc': expected an integer >= 2 or null"),
            ("probe.k=2.5", "probe.k=2.5: expected an integer >= 2 or null"),
            ("probe.layers=[a]", "probe.layers=['a']: expected a list, each an integer"),
            ("probe.calign.theta=nan", "probe.calign.theta=nan: expected a finite number"),
            ("probe.calign.n_best=1.5", "probe.calign.n_best=1.5: expected an integer >= 1"),
            ("probe.corpus.max_sentences=-1", "probe.corpus.max_sentences=-1: expected an"),
            ("probe.n_examples=-1", "probe.n_examples=-1: expected an integer >= 0"),
            ("probe.tokens=some", "probe.tokens='some': expected one of all, aligned"),
            ("dist_timeout_s=abc", "dist_timeout_s='abc': expected a number of seconds"),
        ]
    ),
    Case(
        "probe-checkpoint-is-a-text-file",
        "probe.py",
        lambda i: ([f"ckpt={i.afile}"], "not a PyTorch checkpoint file"),
    ),
    Case(
        "probe-theta-above-1",
        "probe.py",
        lambda i: (["probe.calign.theta=1.5"], "probe.calign.theta=1.5"),
    ),
    Case(
        "probe-max-size-diff-above-1",
        "probe.py",
        lambda i: (["probe.calign.max_size_diff=1.5"], "probe.calign.max_size_diff=1.5"),
    ),
    Case(
        "probe-colap-theta-0",
        "probe.py",
        lambda i: (["probe.colap.theta=0"], "probe.colap.theta=0"),
    ),
    Case("probe-unknown-side", "probe.py", lambda i: (["probe.sides=[middle]"], "probe.sides")),
    Case(
        "probe-layer-beyond-model", "probe.py", lambda i: (["probe.layers=[9]"], "probe.layers=[9]")
    ),
    Case(
        "probe-backend-not-installed",
        "probe.py",
        lambda i: (["cluster=cuml"], "cluster=cuml: RAPIDS cuML on a CUDA GPU cannot run here"),
    ),
    Case(
        "probe-output-dir-below-a-file",
        "probe.py",
        lambda i: ([f"paths.output_dir={i.afile / 'run'}"], "paths.output_dir="),
    ),
    # train.py
    Case(
        "train-theta-negative",
        "train.py",
        lambda i: (["probe.calign.theta=-0.1"], "probe.calign.theta=-0.1"),
    ),
    Case(
        "train-n-best-0", "train.py", lambda i: (["probe.calign.n_best=0"], "probe.calign.n_best=0")
    ),
    Case(
        "train-missing-checkpoint",
        "train.py",
        lambda i: ([f"ckpt_path={i.root / 'last.ckpt'}"], "ckpt_path="),
    ),
    Case(
        "train-output-dir-below-a-file",
        "train.py",
        lambda i: ([f"paths.output_dir={i.afile / 'run'}"], "paths.output_dir="),
    ),
    Case(
        "train-backend-not-installed",
        "train.py",
        lambda i: (["cluster=cuml"], "cluster=cuml: RAPIDS cuML on a CUDA GPU cannot run here"),
    ),
    Case(
        "train-monitor-not-per-language",
        "train.py",
        lambda i: (["task.monitor=val/acc"], "task.monitor='val/acc'"),
    ),
    Case(
        "train-zero-shot-language-without-data",
        "train.py",
        lambda i: (["lang.zero_shot=[fr]"], "lang.zero_shot"),
    ),
    Case(
        "train-probe-corpus-misaligned",
        "train.py",
        lambda i: (corpus_file(i, "en", "the house\n"), "not line-aligned"),
    ),
    Case(
        "train-model-directory-missing",
        "train.py",
        lambda i: ([f"model.name_or_path={i.root / 'no_model'}"], "model.name_or_path"),
    ),
]
if cuml_installed():
    XLPROBE_CASES = [c for c in XLPROBE_CASES if "cuml" not in c.id]
    HYDRA_CASES = [c for c in HYDRA_CASES if "backend-not-installed" not in c.id]


@pytest.fixture(scope="module", autouse=True)
def _lightning_imported():
    """Lightning binds a log handler to ``sys.stderr`` when first imported: import it before
    any test's ``capsys`` capture, whose stream is closed after that test."""
    import lightning.pytorch  # noqa: F401


@pytest.fixture
def inputs(tmp_path) -> Inputs:
    return Inputs(tmp_path / "inputs")


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    monkeypatch.setenv("XLPROBE_ROOT", str(ROOT))
    monkeypatch.chdir(tmp_path)
    yield
    GlobalHydra.instance().clear()
    HydraConfig.instance().cfg = None


def assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no error message"
    assert "error:" in lines[-1], lines[-1]
    assert expected in lines[-1], lines[-1]


@pytest.mark.parametrize("case", XLPROBE_CASES, ids=lambda c: c.id)
def test_xlprobe_bad_input(case, inputs, capsys):
    argv, expected = case.make(inputs)
    before = inputs.snapshot()
    try:
        code = xlprobe_main(argv)
    except SystemExit as exit_:  # argparse usage errors
        code = exit_.code
    assert_one_line_error(code, capsys.readouterr().err, expected)
    assert inputs.snapshot() == before


BASE = (
    "model=tiny_bert",
    "task=sst2",
    "lang.train=[en]",
    "lang.zero_shot=[de]",
    "lang.probe=[de]",
    "lang.pivot=en",
    "logger=csv",
    "data.source=local",
)


def base_overrides(inputs: Inputs, tmp: Path) -> list[str]:
    return [*BASE, f"data.local_dir={inputs.data}", f"paths.cache_dir={tmp / 'cache'}"]


def run_in_process(entry: str, overrides: list[str]) -> None:
    """Compose ``entry``'s config with ``overrides`` and run its job as Hydra would."""
    from xlprobe.utils.runtime import run_job

    if entry == "train.py":
        from xlprobe.training import run
    else:
        from xlprobe.probe_run import run
    config_name = "train" if entry == "train.py" else "probe_run"
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        del cfg["hydra"]
    run_job(run, cfg, entry)


@pytest.mark.parametrize("case", HYDRA_CASES, ids=lambda c: c.id)
def test_entry_point_bad_input(case, inputs, tmp_path, capsys):
    overrides, expected = case.make(inputs)
    before = inputs.snapshot()
    output_dir = (
        []
        if any(o.startswith("paths.output_dir=") for o in overrides)
        else [f"paths.output_dir={tmp_path / 'out'}"]
    )
    with pytest.raises(SystemExit) as exit_:
        run_in_process(case.entry, [*base_overrides(inputs, tmp_path), *output_dir, *overrides])
    assert_one_line_error(exit_.value.code, capsys.readouterr().err, expected)
    assert inputs.snapshot() == before
    out = tmp_path / "out"
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*")), "partial output"


def run_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


PROCESS_CASES = [
    Case(
        "xlprobe-dict-build-out-existing-directory",
        "xlprobe",
        lambda i: (build(i, out=i.existing), "--out="),
    ),
    Case(
        "xlprobe-calign-pairs-out-existing-directory",
        "xlprobe",
        lambda i: (calign(i, None, None, None, "--pairs-out", str(i.existing)), "--pairs-out="),
    ),
    Case(
        "train-theta-negative",
        "train.py",
        lambda i: (["probe.calign.theta=-0.1"], "probe.calign.theta=-0.1"),
    ),
    Case(
        "train-run-dir-below-a-file",
        "train.py",
        lambda i: ([f"hydra.run.dir={i.afile / 'run'}"], f"hydra.run.dir={i.afile / 'run'}"),
    ),
    Case(
        "probe-unknown-group-option",
        "probe.py",
        lambda i: (["cluster=nonexistent"], "cluster=nonexistent: config group 'cluster' has no"),
    ),
    Case(
        "probe-from-run-into-its-own-directory",
        "probe.py",
        lambda i: (
            (lambda run: [f"from_run={run}", f"hydra.run.dir={run}"])(i.half_written_run()),
            "writing it would destroy the input",
        ),
    ),
    Case(
        "probe-multirun-bad-from-run",
        "probe.py",
        lambda i: (
            ["-m", f"from_run={i.root / 'nowhere'},{i.existing}"],
            "existing/probe/manifest.json: no probe manifest",
        ),
    ),
]


@pytest.mark.parametrize("case", PROCESS_CASES, ids=lambda c: c.id)
def test_process_exits_2_without_traceback(case, inputs, tmp_path):
    args, expected = case.make(inputs)
    before = inputs.snapshot()
    if case.entry == "xlprobe":
        command = [XLPROBE, *args]
    else:
        where = "hydra.sweep.dir" if "-m" in args else "hydra.run.dir"
        dirs = [] if any(a.startswith(where) for a in args) else [f"{where}={tmp_path / 'out'}"]
        command = [PYTHON, str(ROOT / case.entry), *args, *base_overrides(inputs, tmp_path), *dirs]
    proc = run_process(command, tmp_path)
    assert_one_line_error(proc.returncode, proc.stderr, expected)
    assert inputs.snapshot() == before
    if "-m" in args:  # every job ran and logged its failure as one line
        logs = sorted((tmp_path / "out").glob("*/probe.log"))
        assert len(logs) == 2
        for log in logs:
            errors = [line for line in log.read_text().splitlines() if "[ERROR]" in line]
            assert len(errors) == 1 and "no probe manifest" in errors[0]


def test_max_size_diff_1_means_no_size_filter(inputs, capsys):
    """`--max-size-diff 1` is valid: a 2-type concept may align with a 6-type one."""
    small = inputs.write("small.clusters", "Haus|||0|||0|||0|||1\nBaum|||0|||1|||0|||1\n")
    argv = calign(inputs, small, None, None, "--min-types", "0", "--json")
    assert xlprobe_main([*argv, "--max-size-diff", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["calign"] == 100.0
    assert xlprobe_main([*argv, "--max-size-diff", "0.4"]) == 0
    assert json.loads(capsys.readouterr().out)["calign"] == 0.0
    settings = ProbeSettings.from_mapping({"languages": ["de"], "calign": {"max_size_diff": 1.0}})
    assert settings.calign.max_size_diff == 1.0
