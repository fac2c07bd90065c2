"""``report.html``: a self-contained concept explorer of one run (no network, opens anywhere).

Why one long module: the page's data (curves, concept pairs, words in context, labels) is one JSON
document whose parts share the run's rows and cluster files; the page itself is in the template.

The page (template ``report_template.html``, plain JS and inline SVG) shows the CALIGN / COLAP
curves per layer and per round (error bands from ``ci_low``/``ci_high`` and chance levels where
the run has them), a layer / round / pair selector, the aligned concept pairs side by side with
their words sized by frequency and the dictionary hits marked, keyword-in-context sentences per
word, the overlapping concepts with their language shares, a word search across layers, concept
labels (:mod:`xlprobe.probing.concept_labels`) and the count of lexical vs semantic concepts per
layer (Mousi et al., ACL 2024, Fig. 9).

Data, all read as scored (nothing is scored again): ``probe_report.csv`` for the curves (every
curve metric of the probe registry, with its chance levels), and through
:class:`~xlprobe.probing.probe_dir.ProbeDir` the cluster files of the first K-means seed, each
round's ``concepts.json`` (aligned pairs with their matched words, overlapping concepts with
their shares), the dictionaries (for the translation labels) and the probe corpus the manifest
records (for the contexts); rounds and rows probed under an intervention (``condition`` other
than ``plain``, ``xlprobe experts --concepts-at``) are left out. It is one
JSON document, gzip-compressed and base64-embedded once, decoded by the browser
(``DecompressionStream``) and rendered lazily for the selection only. Word types are a table
(``words``, ``wlang``) referenced by integer id:

* ``concepts["<round>|<set>|<layer>"]``: flat ints, per concept ``cid, n_types, label, kind``
  then ``n_types`` pairs ``word id, count`` (most frequent first); ``label`` indexes
  ``label_names`` (-1: none), ``kind`` indexes :data:`~xlprobe.probing.concept_labels.KINDS`.
* ``aligned["<round>|<pair>|<layer>"]``: per aligned pair ``cs, ct, round(1000*score), n`` +
  ``n`` matched source word ids, ``m`` + ``m`` target word ids that translate one of them.
* ``overlap["<round>|<pair>|<layer>"]``: per overlapping joint concept ``cid,
  round(1000*share_s), round(1000*share_t)``.
* ``kwic``: per word id up to :data:`KWIC_PER_WORD` ``sentence index, position`` pairs into
  ``sentences`` (``[lang index, text]``).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import math
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import write_text_atomic
from xlprobe.probing.dictionary import n_best
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.report import PLAIN, ProbeReport
from xlprobe.reporting.tables import REPORT_CSV

log = logging.getLogger(__name__)

REPORT_HTML = "report.html"
LABELS_CSV = "concept_labels.csv"
LABELS_COLUMNS = (
    "round",
    "epoch",
    "model_state",
    "set",
    "layer",
    "concepts",
    "lexical",
    "semantic",
    "unlabelled",
)
"""Columns of ``concept_labels.csv``: concept kinds per round, clustered set and layer (the
paper's Fig. 9 counts; :mod:`xlprobe.probing.concept_labels`)."""
KWIC_PER_WORD = 2
CURVE_COLUMNS = (
    "metric",
    "side_s",
    "lang_s",
    "side_t",
    "lang_t",
    "layer",
    "epoch",
    "model_state",
    "value",
    "ci_low",
    "ci_high",
    "tokens",
)
"""Columns of ``curves.rows`` (``ci_low``/``ci_high`` null for one seed: no interval)."""
_DATA_MARK = "__XLPROBE_DATA__"


def _read_curve_rows(report: ProbeReport) -> list[list[Any]]:
    """The plain rows of every curve metric and of their chance levels (the registry's), as
    lists in CURVE_COLUMNS order."""
    from xlprobe.probing.probes import metrics

    known = metrics()
    drawn = {m for m, spec in known.items() if spec.curve}
    drawn |= {c for m in drawn for c in known[m].chance}
    rows = []
    for r in report.rows:
        if r.metric not in drawn or r.condition != PLAIN:
            continue
        row: list[Any] = []
        for name in CURVE_COLUMNS:
            value = getattr(r, name)
            if name in ("ci_low", "ci_high") and r.n_seeds <= 1:
                value = None  # one seed (or a CSV from before seeds): no interval
            elif isinstance(value, float):
                value = None if math.isnan(value) else round(value, 3)
            row.append(value)
        rows.append(row)
    return rows


class _Words:
    """The word type table: ``(word, lang)`` -> id."""

    def __init__(self, langs: Sequence[str]):
        self.langs = list(langs)
        self.ids: dict[tuple[str, str], int] = {}
        self.keys: list[tuple[str, str]] = []

    def codes(self, words: np.ndarray, langs: np.ndarray) -> np.ndarray:
        ids = self.ids
        out = np.empty(len(words), dtype=np.int64)
        for i, key in enumerate(zip(words.tolist(), langs.tolist(), strict=True)):
            code = ids.get(key)
            if code is None:
                code = ids[key] = len(ids)
                self.keys.append(key)
            out[i] = code
        return out

    def table(self) -> tuple[list[str], list[int]]:
        index = {lang: i for i, lang in enumerate(self.langs)}
        return [w for w, _ in self.keys], [index[lang] for _, lang in self.keys]


def _concept_types(labels: np.ndarray, codes: np.ndarray) -> dict[int, list[tuple[int, int]]]:
    """Concept id -> ``[(word id, count)]``, most frequent first (ties: smaller id)."""
    n_words = int(codes.max()) + 1 if len(codes) else 1
    keys, counts = np.unique(labels * n_words + codes, return_counts=True)
    out: dict[int, list[tuple[int, int]]] = {}
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        out.setdefault(key // n_words, []).append((key % n_words, count))
    for types in out.values():
        types.sort(key=lambda wc: (-wc[1], wc[0]))
    return out


def build_report_data(
    run_dir: str | Path,
    *,
    probe_dir: str | Path | ProbeDir | None = None,
    corpus: Mapping[str, Sequence[str]] | None = None,
    categories: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything ``report.html`` shows, as plain JSON-able data (module docstring): the scored
    rows of ``probe_report.csv`` and what the probe directory kept (cluster files of the first
    K-means seed, each round's ``concepts.json``); nothing is scored again.

    Args:
        run_dir: The run directory (``probe_report.csv``).
        probe_dir: Its probe directory (default ``run_dir/probe``).
        corpus: Probe sentences per language (default: the corpus the manifest records, when
            its files still hold the same sentences).
        categories: Word -> semantic category for the concept labels (default: the synthetic
            world's, :func:`xlprobe.data.synthetic.word_categories`, for a run probed on it;
            none otherwise).

    Returns:
        The page's data; ``missing`` lists what the run lacks (files the page would show).

    Raises:
        InputError: No probe manifest (not a run directory), a malformed file, or a
            ``probe_report.csv`` of rounds the probe directory does not hold.
    """
    from xlprobe.probing.concept_labels import KINDS
    from xlprobe.probing.probes import check_row, metrics

    run_dir = Path(run_dir)
    if probe_dir is None:
        probe_dir = run_dir / "probe"
    probe_dir = probe_dir if isinstance(probe_dir, ProbeDir) else ProbeDir(probe_dir)
    if not probe_dir.exists():
        raise InputError(
            f"not a probed run: no manifest in {probe_dir.path} (give the directory of a "
            "train.py or probe.py run)",
            path=run_dir,
        )
    manifest = probe_dir.manifest()
    plan, layers = manifest.plan, list(manifest.layers)
    missing: list[str] = []
    report_csv = run_dir / REPORT_CSV
    report = ProbeReport()
    if report_csv.is_file():
        report = ProbeReport.read_csv(report_csv, check=check_row)
    else:
        missing.append(f"{REPORT_CSV} (the curves)")
    rounds = [r for r in manifest.rounds if r.id.condition == PLAIN]
    _check_same_run(report, manifest, probe_dir, report_csv)
    langs = sorted({v.lang for v in plan.views})
    words = _Words(langs)
    cluster_sets = plan.cluster_sets()
    sets = [
        {"name": name, "side": views[0].side, "langs": [v.lang for v in views]}
        for name, views in cluster_sets.items()
    ]
    set_index = {s["name"]: i for i, s in enumerate(sets)}
    pairs = []
    for metric, view_pairs in (("calign", plan.calign_pairs), ("colap", plan.joint_pairs)):
        for vs, vt in view_pairs:
            pairs.append(
                {
                    "metric": metric,
                    "side_s": vs.side,
                    "lang_s": vs.lang,
                    "side_t": vt.side,
                    "lang_t": vt.lang,
                    "s": set_index[vs.name],
                    "t": set_index[vt.name],
                    "joint": set_index[plan.joint_name((vs, vt))] if metric == "colap" else None,
                    "tokens": "aligned" if vs.aligned_to else "all",
                    "key": f"{vs.name}|{vt.name}"
                    if metric == "calign"
                    else plan.joint_name((vs, vt)),
                }
            )
    settings = manifest.settings
    record = manifest.corpus
    if categories is None and record is not None and record.synthetic:
        from xlprobe.data.synthetic import word_categories

        categories = word_categories()
    if corpus is None:
        corpus = probe_dir.corpus()
    dictionaries = probe_dir.dictionaries(plan, settings.get("dictionaries") or {})
    n_best_words = int(settings.get("calign", {}).get("n_best", 10))
    translations = {
        tuple(key.split("-", 1)): {w: set(t) for w, t in n_best(d, n_best_words).items()}
        for key, d in dictionaries.items()
    }
    concepts_out: dict[str, list[int]] = {}
    aligned_out: dict[str, list[int]] = {}
    overlap_out: dict[str, list[int]] = {}
    label_names: dict[str, int] = {}
    labelled: dict[tuple[tuple[str, str], ...], tuple[Any, ...]] = {}
    fig9: list[list[Any]] = []
    kwic: dict[int, list[tuple[str, int, int]]] = {}
    # lower-case corpus words: a title-case type whose lower case is absent is a name
    vocabulary = {w for lines in (corpus or {}).values() for line in lines for w in line.split()}
    vocabulary = {w for w in vocabulary if w.islower()}
    for ri, info in enumerate(rounds):
        scored = probe_dir.read_scored_concepts(info.id)
        if scored is None:
            missing.append(
                f"{probe_dir.scored_concepts_file(info.id)} (aligned and overlapping concepts)"
            )
        for layer in layers:
            for si, s in enumerate(sets):
                try:
                    cs = probe_dir.read_concepts(info, s["name"], cluster_sets[s["name"]], layer)
                except InputError as err:
                    missing.append(str(err))
                    continue
                codes = words.codes(cs.tokens.word, cs.tokens.lang)
                # contexts from one layer of the first round: every set of a view holds the
                # same tokens
                if len(s["langs"]) == 1 and ri == 0 and layer == layers[0]:
                    for code, sent, pos, occ in zip(
                        codes.tolist(),
                        cs.tokens.sentence.tolist(),
                        cs.tokens.position.tolist(),
                        cs.tokens.occurrence.tolist(),
                        strict=True,
                    ):
                        if occ < KWIC_PER_WORD:
                            kwic.setdefault(code, []).append((s["langs"][0], sent, pos))
                flat, kinds = _labelled_concepts(
                    _concept_types(cs.labels, codes),
                    words.keys,
                    label_names,
                    labelled,
                    vocabulary=vocabulary,
                    translations=translations,
                    categories=categories,
                )
                concepts_out[f"{ri}|{si}|{layer}"] = flat
                fig9.append([ri, si, layer, *(kinds[k] for k in KINDS)])
            for pi, pair in enumerate(pairs):
                key = f"{pair['key']}|{layer}"
                if scored is None:
                    continue
                if pair["metric"] == "calign" and key in scored["aligned"]:
                    langs_st = (pair["lang_s"], pair["lang_t"])
                    aligned_out[f"{ri}|{pi}|{layer}"] = _aligned_flat(
                        scored["aligned"][key], words.ids, langs_st
                    )
                elif pair["metric"] == "colap" and key in scored["overlapping"]:
                    overlap_out[f"{ri}|{pi}|{layer}"] = [
                        value
                        for cid, share_s, share_t in scored["overlapping"][key]
                        for value in (cid, round(1000 * share_s), round(1000 * share_t))
                    ]
    word_list, word_langs = words.table()
    kwic_out, sentences = _kwic_flat(kwic, corpus or {}, langs)
    known = metrics()
    extra_curves = [
        {"name": name, "description": spec.description, "low": spec.low, "high": spec.high}
        for name, spec in known.items()
        if spec.curve and name not in ("calign", "colap")
    ]
    return {
        "run": str(run_dir.resolve().name),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "langs": langs,
        "layers": layers,
        "rounds": [
            {"name": r.id.name, "epoch": r.id.epoch, "step": r.id.step, "state": r.id.model_state}
            for r in rounds
        ],
        "sets": sets,
        "pairs": pairs,
        "settings": {
            "calign": dict(settings.get("calign", {})),
            "colap_theta": float(settings.get("colap", {}).get("theta", 0.3)),
            "n_best": n_best_words,
        },
        "n_sentences": manifest.n_sentences,
        "words": word_list,
        "wlang": word_langs,
        "curves": {"cols": list(CURVE_COLUMNS), "rows": _read_curve_rows(report)},
        "extra_curves": extra_curves,
        "notes": _notes(missing),
        "missing": missing,
        "concepts": concepts_out,
        "aligned": aligned_out,
        "overlap": overlap_out,
        "label_names": list(label_names),
        "kinds": list(KINDS),
        "fig9": {"cols": ["round", "set", "layer", *KINDS], "rows": fig9},
        "kwic": kwic_out,
        "sentences": sentences,
        "has_corpus": corpus is not None,
    }


def _check_same_run(report: ProbeReport, manifest: Any, probe_dir: ProbeDir, path: Path) -> None:
    """The report's CALIGN / COLAP rows are of rounds and view pairs the probe directory holds.

    Raises:
        InputError: They are not: the probe directory is another run's.
    """
    rounds = {(r.id.epoch, r.id.model_state) for r in manifest.rounds}
    plan = manifest.plan
    pairs = {
        (vs.side, vs.lang, vt.side, vt.lang) for vs, vt in (*plan.calign_pairs, *plan.joint_pairs)
    }
    for row in report.rows:
        if row.metric not in ("calign", "colap") or row.condition != PLAIN:
            continue
        pair = (row.side_s, row.lang_s, row.side_t, row.lang_t)
        if (row.epoch, row.model_state) not in rounds or pair not in pairs:
            raise InputError(
                f"its {row.metric} row of {row.lang_pair} ({row.side_s}-{row.side_t}) in round "
                f"{row.model_state} {row.epoch} is not in {probe_dir.path}: the probe directory "
                "is another run's (give this run's --probe-dir)",
                path=path,
            )


def _labelled_concepts(
    concepts: Mapping[int, Sequence[tuple[int, int]]],
    keys: Sequence[tuple[str, str]],
    label_names: dict[str, int],
    labelled: dict[tuple[tuple[str, str], ...], tuple[Any, ...]],
    **label_args: Any,
) -> tuple[list[int], dict[str, int]]:
    """The ``concepts`` entry of one set and layer (module docstring) and its concept kinds.

    Args:
        concepts: Concept id -> ``[(word id, count)]`` (:func:`_concept_types`).
        keys: Word id -> ``(word, lang)``.
        label_names: Label text -> index, extended with new labels.
        labelled: Word types -> their labels, extended with new concepts (a concept of the
            same words recurs across layers and rounds; at most one entry per concept shown).
        label_args: Passed to :func:`~xlprobe.probing.concept_labels.label_concept`.

    Returns:
        (flat ints, ``{kind: number of concepts}``).
    """
    from xlprobe.probing.concept_labels import KINDS, concept_kind, label_concept

    flat: list[int] = []
    kinds = dict.fromkeys(KINDS, 0)
    for cid, types in concepts.items():
        words = tuple(keys[w] for w, _ in types)
        labels = labelled.get(words)
        if labels is None:
            labels = labelled[words] = label_concept(words, **label_args)
        kind = concept_kind(labels)
        kinds[kind] += 1
        name = " · ".join(label.name for label in labels)
        label = label_names.setdefault(name, len(label_names)) if name else -1
        flat += [cid, len(types), label, KINDS.index(kind)]
        for w, c in types:
            flat += [w, c]
    return flat, kinds


def _aligned_flat(
    entries: Sequence[Sequence[Any]], ids: Mapping[tuple[str, str], int], langs: tuple[str, str]
) -> list[int]:
    """The ``aligned`` ints of one (round, pair, layer) from its ``concepts.json`` entries
    (:class:`~xlprobe.probing.scoring.ScoredRound`): per pair ``cs, ct, round(1000*score), n``
    + n matched source word ids, ``m`` + m target word ids that translate one of them."""
    lang_s, lang_t = langs
    flat: list[int] = []
    for cs, ct, score, matched, hits in entries:
        flat += [cs, ct, round(1000 * score), len(matched)]
        flat += [ids[(w, lang_s)] for w in matched]
        flat += [len(hits), *(ids[(w, lang_t)] for w in hits)]
    return flat


def _kwic_flat(
    refs: Mapping[int, Sequence[tuple[str, int, int]]],
    corpus: Mapping[str, Sequence[str]],
    langs: Sequence[str],
) -> tuple[list[int], list[list[Any]]]:
    """The ``kwic`` ints and the ``sentences`` they index, from word id -> ``(lang, sentence,
    position)`` occurrences; sentences outside ``corpus`` are left out."""
    lang_index = {lang: i for i, lang in enumerate(langs)}
    sentences: list[list[Any]] = []
    index: dict[tuple[str, int], int] = {}
    flat: list[int] = []
    for code, occurrences in sorted(refs.items()):
        found = []
        for lang, sentence, position in occurrences[:KWIC_PER_WORD]:
            if lang not in corpus or not 0 <= sentence < len(corpus[lang]):
                continue
            if (lang, sentence) not in index:
                index[(lang, sentence)] = len(sentences)
                sentences.append([lang_index[lang], corpus[lang][sentence]])
            found += [index[(lang, sentence)], position]
        if found:
            flat += [code, len(found) // 2, *found]
    return flat, sentences


def _notes(missing: Sequence[str]) -> list[str]:
    """Warnings shown on the page (and logged): what the run lacks."""
    notes = [f"Not shown, missing: {item}" for item in missing]
    for note in notes:
        log.warning("report: %s", note)
    return notes


def render_html(data: Mapping[str, Any]) -> str:
    """The self-contained page: the template with ``data`` as gzip + base64 JSON inline."""
    template = resources.files("xlprobe.reporting").joinpath("report_template.html")
    payload = gzip.compress(
        json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        compresslevel=6,
        mtime=0,
    )
    return template.read_text(encoding="utf-8").replace(
        _DATA_MARK, base64.b64encode(payload).decode("ascii")
    )


def read_report_data(path: str | Path) -> dict[str, Any]:
    """The data embedded in a ``report.html`` (inverse of :func:`render_html`).

    Raises:
        InputError: The file holds no embedded report data.
    """
    text = Path(path).read_text(encoding="utf-8")
    start = text.find('type="application/octet-stream">')
    if start < 0:
        raise InputError("no embedded report data: not a report.html written by xlprobe", path=path)
    payload = text[start + len('type="application/octet-stream">') : text.index("<", start + 1)]
    return json.loads(gzip.decompress(base64.b64decode(payload.strip())))


def _newly_missing(missing: Sequence[str], path: Path) -> list[str]:
    """What a page built now lacks that the present ``report.html`` at ``path`` did not (all
    of ``missing`` when the present page records nothing about it)."""
    if not missing or not path.is_file():
        return []
    try:
        before = set(read_report_data(path).get("missing", ()))
    except (InputError, ValueError, OSError):
        before = set()
    return [item for item in missing if item not in before]


def write_html_report(
    run_dir: str | Path,
    *,
    probe_dir: str | Path | ProbeDir | None = None,
    corpus: Mapping[str, Sequence[str]] | None = None,
    categories: Mapping[str, str] | None = None,
) -> Path:
    """Build and write ``<run_dir>/report.html`` and ``<run_dir>/concept_labels.csv``
    (LABELS_COLUMNS) atomically; log the report's size.

    A run lacking something the page shows (``probe_report.csv``, a cluster file, a round's
    ``concepts.json``) gets a page saying what is missing, but an existing ``report.html`` is
    never replaced by one built from less: that is an InputError naming what is missing.

    Arguments as in :func:`build_report_data`. Returns the report's path.
    """
    start = time.perf_counter()
    data = build_report_data(run_dir, probe_dir=probe_dir, corpus=corpus, categories=categories)
    path = Path(run_dir) / REPORT_HTML
    lost = _newly_missing(data["missing"], path)
    if lost:
        raise InputError(
            f"not rewritten: a report built now would lack {lost[0]}"
            + (f" (and {len(lost) - 1} more)" if len(lost) > 1 else "")
            + ", which the present one shows; restore it, or remove report.html to build a "
            "page without it",
            path=path,
        )
    text = render_html(data)
    write_text_atomic(path, text)
    lines = [",".join(LABELS_COLUMNS)]
    for ri, si, layer, *counts in data["fig9"]["rows"]:
        r = data["rounds"][ri]
        cells = (r["name"], r["epoch"], r["state"], data["sets"][si]["name"], layer, sum(counts))
        lines.append(",".join(map(str, (*cells, *counts))))
    write_text_atomic(Path(run_dir) / LABELS_CSV, "\n".join(lines) + "\n")
    log.info(
        "report: %s (%.1f KiB; %d rounds, %d layers, %d word types; built in %.1f s)",
        path,
        len(text.encode("utf-8")) / 1024,
        len(data["rounds"]),
        len(data["layers"]),
        len(data["words"]),
        time.perf_counter() - start,
    )
    return path
