"""report.html of a tiny probed run: the data agrees with the probe's CALIGN / COLAP, the page
renders the selected aligned pairs in headless Chromium without console errors, references no
network resource, and ``xlprobe report`` rebuilds it for a run with an older probe_report.csv."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from xlprobe.cli import main as xlprobe_main
from xlprobe.probing.report import ROW_COLUMNS
from xlprobe.reporting.html_report import REPORT_HTML, read_report_data

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=10000",
)
BASIC_COLUMNS = ROW_COLUMNS[:12]
"""The columns of a probe_report.csv written before K-means seeds."""


@pytest.fixture(scope="module")
def probed_run(tmp_path_factory, tiny_model_dirs, synthetic_corpus) -> Path:
    """A run directory probed twice (base, epoch 0) with a tiny BERT on 40 de/en sentences
    read from probe corpus files (the manifest records them), its outputs written by
    write_outputs (as the callback and probe.py do)."""
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.models import load_model
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.plan import RoundId
    from xlprobe.probing.settings import ProbeSettings
    from xlprobe.reporting.outputs import write_outputs

    root = tmp_path_factory.mktemp("html")
    run_dir = root / "run"
    (root / "corpus").mkdir()
    for lang in ("de", "en"):
        lines = synthetic_corpus.sentences[lang][:40]
        (root / "corpus" / f"probe.{lang}.txt").write_text("".join(f"{s}\n" for s in lines))
    corpus = ProbeCorpus.from_dir(root / "corpus", ["de", "en"])
    model, tokenizer = load_model(tiny_model_dirs["bert"], "base")
    settings = ProbeSettings.from_mapping(
        {
            "languages": ["de"],
            "pivot": "en",
            "backend": "sklearn",
            # low thresholds: a tiny model's concepts align at every layer
            "calign": {"theta": 0.3, "min_types": 1, "max_size_diff": 1.0},
            "embeddings": {"enabled": False},
            "sentence": {"enabled": False},
        }
    )
    report = run_probe(model, tokenizer, corpus, settings, probe_dir=run_dir / "probe")
    report.extend(
        run_probe(
            model,
            tokenizer,
            corpus,
            settings,
            probe_dir=run_dir / "probe",
            round_id=RoundId(0, 3, "finetuned"),
        )
    )
    write_outputs(report, run_dir, train_langs=["de"], zero_shot_langs=[])
    return run_dir


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium package)")
        pytest.skip("chromium is not installed: apt-get install -y chromium")
    return path


def open_page(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Load ``url`` in a fresh headless Chromium profile; stdout is the DOM with --dump-dom."""
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_aligned_pairs_and_overlaps_match_the_probe_rows(probed_run):
    data = read_report_data(probed_run / REPORT_HTML)
    with open(probed_run / "probe_report.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rounds = {(r["epoch"], r["state"]): i for i, r in enumerate(data["rounds"])}
    checked = 0
    for row in rows:
        if row["metric"] not in ("calign", "colap"):
            continue
        ri = rounds[(int(row["epoch"]), row["model_state"])]
        (pi,) = [
            i
            for i, p in enumerate(data["pairs"])
            if (p["metric"], p["side_s"], p["side_t"], p["lang_s"], p["lang_t"])
            == (row["metric"], row["side_s"], row["side_t"], row["lang_s"], row["lang_t"])
        ]
        key = f"{ri}|{pi}|{row['layer']}"
        if row["metric"] == "calign":
            flat, sources, i = data["aligned"][key], set(), 0
            while i < len(flat):
                sources.add(flat[i])
                n_matched = flat[i + 3]
                i += 5 + n_matched + flat[i + 4 + n_matched]
            assert len(sources) == int(row["numerator"])
        else:
            assert len(data["overlap"][key]) == 3 * int(row["numerator"])
        checked += 1
    assert checked == 2 * 3 * 2  # rounds x layers x (calign, colap)
    assert data["has_corpus"] and data["sentences"]
    assert sum(sum(r[3:]) for r in data["fig9"]["rows"]) > 0


def test_the_page_shows_the_selected_layer_and_round_in_chromium(probed_run, tmp_path):
    data = read_report_data(probed_run / REPORT_HTML)
    (pair,) = [i for i, p in enumerate(data["pairs"]) if p["metric"] == "calign"]
    layer, round_index = 1, 0  # not the page's default (the last round)
    flat = data["aligned"][f"{round_index}|{pair}|{layer}"]
    assert flat, "the fixture's thresholds should align concepts at layer 1"
    # the first aligned pair's most frequent source and target words
    concepts = {}
    for set_index in (data["pairs"][pair]["s"], data["pairs"][pair]["t"]):
        values, i = data["concepts"][f"{round_index}|{set_index}|{layer}"], 0
        while i < len(values):
            concepts[(set_index, values[i])] = data["words"][values[i + 4]]
            i += 4 + 2 * values[i + 1]
    first_s = concepts[(data["pairs"][pair]["s"], flat[0])]
    first_t = concepts[(data["pairs"][pair]["t"], flat[1])]

    url = f"{(probed_run / REPORT_HTML).as_uri()}#pair={pair}&layer={layer}&round={round_index}"
    result = open_page(url, tmp_path / "profile", "--dump-dom")
    dom = result.stdout
    assert 'data-ready="1"' in dom, result.stderr[-2000:]
    assert re.search(r'<div id="errors"></div>', dom)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert f"layer {layer}, base" in dom  # the concepts title names the selection
    n_pairs = dom.count('<div class="pair">')
    assert n_pairs == min(25, sum(1 for _ in _aligned_pairs(flat)))
    assert f">{first_s}</span>" in dom and f">{first_t}</span>" in dom
    assert 'class="word l' in dom and " hit" in dom  # dictionary hits are marked
    assert dom.count('class="curve"') >= 2  # per-layer and per-round curves

    screenshot = tmp_path / "report.png"
    open_page(
        url, tmp_path / "profile-shot", f"--screenshot={screenshot}", "--window-size=1280,1800"
    )
    assert screenshot.stat().st_size > 10_000


def _aligned_pairs(flat):
    i = 0
    while i < len(flat):
        n_matched = flat[i + 3]
        yield flat[i], flat[i + 1]
        i += 5 + n_matched + flat[i + 4 + n_matched]


def test_the_page_references_no_network_resource(probed_run):
    html = (probed_run / REPORT_HTML).read_text(encoding="utf-8")
    assert not re.search(r"<(link|iframe|img|object|embed)\b", html, re.I)
    assert not re.search(r"\b(src|href)\s*=", html, re.I)
    assert not re.search(r"@import|url\(|fetch\(|XMLHttpRequest|WebSocket|EventSource", html)
    # the only URL is the SVG namespace name (an identifier, never fetched)
    assert set(re.findall(r"[a-z]+://[^\s\"'<>)]+", html)) == {"http://www.w3.org/2000/svg"}


def test_xlprobe_report_rebuilds_a_run_with_an_older_probe_report(probed_run, tmp_path, capsys):
    old = tmp_path / "old_run"
    shutil.copytree(probed_run, old)
    (old / REPORT_HTML).unlink()
    with open(probed_run / "probe_report.csv", encoding="utf-8", newline="") as handle:
        rows = [{k: r[k] for k in BASIC_COLUMNS} for r in csv.DictReader(handle)]
    with open(old / "probe_report.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, BASIC_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    assert xlprobe_main(["report", str(old)]) == 0
    assert "report.html" in capsys.readouterr().out
    rebuilt = read_report_data(old / REPORT_HTML)
    original = read_report_data(probed_run / REPORT_HTML)
    assert rebuilt["aligned"] == original["aligned"]
    assert rebuilt["concepts"] == original["concepts"]
    ci = rebuilt["curves"]["cols"].index("ci_low")
    assert rebuilt["curves"]["rows"] and all(r[ci] is None for r in rebuilt["curves"]["rows"])


def test_the_report_is_logged_to_wandb_as_an_html_panel(probed_run, tmp_path, monkeypatch):
    import wandb

    from xlprobe.reporting.wandb_payloads import report_payload

    monkeypatch.setenv("WANDB_SILENT", "true")
    run = wandb.init(mode="offline", dir=tmp_path, project="xlprobe-test")
    try:
        run.log(report_payload(probed_run))
    finally:
        run.finish()
    (offline,) = (tmp_path / "wandb").glob("offline-run-*")
    (html,) = (offline / "files" / "media" / "html" / "probe").glob("report_*.html")
    assert read_report_data(html) == read_report_data(probed_run / REPORT_HTML)
    (table,) = (offline / "files" / "media" / "table" / "probe").glob("concept_labels_*.json")
    assert '"semantic"' in table.read_text(encoding="utf-8")
