"""``report.html``: a self-contained concept explorer of one run (no network, opens anywhere).

The page (template ``report_template.html``, plain JS and inline SVG) shows the CALIGN / COLAP
curves per layer and per round (error bands from ``ci_low``/``ci_high`` and chance levels where
the run has them), a layer / round / pair selector, the aligned concept pairs side by side with
their words sized by frequency and the dictionary hits marked, keyword-in-context sentences per
word, the overlapping concepts with their language shares, a word search across layers, concept
labels (:mod:`xlprobe.probing.concept_labels`) and the count of lexical vs semantic concepts per
layer (Mousi et al., ACL 2024, Fig. 9).

Data: the run's probe directory (``manifest.json``, ConceptX cluster files of the first K-means
seed, ``dictionaries/*.tsv``), ``probe_report.csv`` (any columns beyond the basic ones are
optional) and the probe corpus for the contexts; rounds and rows probed under an intervention
(``condition`` other than ``plain``, ``xlprobe experts --concepts-at``) are left out. It is one
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
import csv
import gzip
import json
import logging
import math
import time
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import write_text_atomic
from xlprobe.probing.report import PLAIN

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
)
"""Columns of ``curves.rows`` (``ci_low``/``ci_high`` null when the run has none)."""
_DATA_MARK = "__XLPROBE_DATA__"


def _read_curve_rows(path: Path) -> tuple[list[list[Any]], dict[tuple, int]]:
    """Rows of ``probe_report.csv`` for the CALIGN / COLAP curves and their chance levels, as
    lists in CURVE_COLUMNS order (columns added by newer runs are optional; plain rows only,
    not those probed under an intervention), and the numerator of each single-seed CALIGN /
    COLAP row by ``(epoch, model_state, metric, side_s, lang_s, side_t, lang_t, layer)``."""
    numerators: dict[tuple, int] = {}
    if not path.is_file():
        return [], numerators
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = [c for c in CURVE_COLUMNS if c not in ("ci_low", "ci_high")]
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", path=path, line=1)
        rows = []
        for cells in reader:
            if not cells["metric"].startswith(("calign", "colap")):
                continue
            if cells.get("condition") not in (None, "", PLAIN):
                continue
            row: list[Any] = []
            for name in CURVE_COLUMNS:
                text = cells.get(name)
                if name in ("layer", "epoch"):
                    row.append(int(text))
                elif name in ("value", "ci_low", "ci_high"):
                    value = float(text) if text not in (None, "") else math.nan
                    row.append(None if math.isnan(value) else round(value, 3))
                else:
                    row.append(text)
            rows.append(row)
            if cells["metric"] in ("calign", "colap") and cells.get("n_seeds") in (None, "", "1"):
                key = (int(cells["epoch"]), cells["model_state"], cells["metric"])
                key += tuple(cells[c] for c in ("side_s", "lang_s", "side_t", "lang_t"))
                numerators[(*key, int(cells["layer"]))] = int(cells["numerator"])
    return rows, numerators


def find_corpus(run_dir: Path, languages: Sequence[str]) -> dict[str, list[str]] | None:
    """The run's probe sentences per language, for keyword in context, or None.

    Looked up in ``<run>/probe_corpus/probe.<lang>.txt`` (a built corpus copied into the run),
    then in ``probe.corpus.dir`` / ``probe.corpus.split`` of the run's ``.hydra/config.yaml``.
    """
    candidates = [(run_dir / "probe_corpus", "probe")]
    config = run_dir / ".hydra" / "config.yaml"
    if config.is_file():
        from omegaconf import OmegaConf

        try:
            cfg = OmegaConf.load(config)
            candidates.append(
                (
                    Path(str(OmegaConf.select(cfg, "probe.corpus.dir"))),
                    str(OmegaConf.select(cfg, "probe.corpus.split", default="probe")),
                )
            )
        except Exception as err:  # an unresolvable interpolation: no contexts, not a failure
            log.info("report: probe corpus of %s not resolvable (%s)", config, err)
    for directory, split in candidates:
        paths = {lang: directory / f"{split}.{lang}.txt" for lang in languages}
        if all(p.is_file() for p in paths.values()):
            return {lang: p.read_text(encoding="utf-8").splitlines() for lang, p in paths.items()}
    return None


def _is_synthetic(run_dir: Path) -> bool:
    """Whether the run's ``.hydra/config.yaml`` says ``data.source: synthetic``."""
    config = run_dir / ".hydra" / "config.yaml"
    if not config.is_file():
        return False
    from omegaconf import OmegaConf

    return OmegaConf.select(OmegaConf.load(config), "data.source", default=None) == "synthetic"


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
    probe_dir: str | Path | None = None,
    corpus: Mapping[str, Sequence[str]] | None = None,
    categories: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything ``report.html`` shows, as plain JSON-able data (module docstring).

    Args:
        run_dir: The run directory (``probe_report.csv``; the corpus lookup).
        probe_dir: Its probe directory (default ``run_dir/probe``; a ``from_run`` run passes the
            source run's).
        corpus: Probe sentences per language (default: :func:`find_corpus` in ``run_dir``, then
            in the probe directory's run).
        categories: Word -> semantic category for the concept labels (default: the synthetic
            lexicon's, :func:`~xlprobe.probing.concept_labels.synthetic_categories`, for a run
            whose config says ``data.source: synthetic``; none otherwise).

    Raises:
        InputError: No probe manifest (not a run directory) or a malformed file.
    """
    from xlprobe.probing.concept_labels import KINDS, synthetic_categories
    from xlprobe.probing.concepts import read_clusters, read_sentence_langs
    from xlprobe.probing.dictionary import n_best, read_dictionary
    from xlprobe.probing.metrics import calign, colap
    from xlprobe.probing.pipeline import MANIFEST

    run_dir = Path(run_dir)
    probe_dir = Path(probe_dir) if probe_dir is not None else run_dir / "probe"
    manifest_path = probe_dir / MANIFEST
    if not manifest_path.is_file():
        raise InputError(
            f"not a probed run: no {MANIFEST} in {probe_dir} (give the directory of a train.py "
            "or probe.py run)",
            path=run_dir,
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        settings = manifest["settings"]
        layers = [int(x) for x in manifest["layers"]]
        views = manifest["views"]
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise InputError(f"malformed probe manifest: {err}", path=manifest_path) from None

    def view_name(v: Mapping[str, Any]) -> str:
        suffix = f".from_{v['source_lang']}" if v.get("source_lang") else ""
        return f"{v['side']}.{v['lang']}{suffix}"

    langs = sorted({v["lang"] for v in views})
    words = _Words(langs)
    sets = [{"name": view_name(v), "side": v["side"], "langs": [v["lang"]]} for v in views]
    set_index = {s["name"]: i for i, s in enumerate(sets)}
    pairs = []
    for metric, key in (("calign", "calign_pairs"), ("colap", "joint_pairs")):
        for vs, vt in manifest.get(key, []):
            joint = f"joint.{view_name(vs)}+{view_name(vt)}"
            if metric == "colap" and joint not in set_index:
                set_index[joint] = len(sets)
                sets.append({"name": joint, "side": vs["side"], "langs": [vs["lang"], vt["lang"]]})
            pairs.append(
                {
                    "metric": metric,
                    "side_s": vs["side"],
                    "lang_s": vs["lang"],
                    "side_t": vt["side"],
                    "lang_t": vt["lang"],
                    "s": set_index[view_name(vs)],
                    "t": set_index[view_name(vt)],
                    "joint": set_index[joint] if metric == "colap" else None,
                }
            )
    calign_settings = dict(settings.get("calign", {}))
    colap_theta = float(settings.get("colap", {}).get("theta", 0.3))
    nb = int(calign_settings.get("n_best", 10))
    dictionaries = {}
    for pair in pairs:
        key = f"{pair['lang_s']}-{pair['lang_t']}"
        path = (settings.get("dictionaries") or {}).get(key) or probe_dir / "dictionaries" / (
            f"{key}.tsv"
        )
        if pair["metric"] == "calign" and key not in dictionaries and Path(path).is_file():
            dictionaries[key] = read_dictionary(path)
    translations = {
        tuple(key.split("-", 1)): {w: set(t) for w, t in n_best(d, nb).items()}
        for key, d in dictionaries.items()
    }

    if categories is None and any(_is_synthetic(d) for d in (run_dir, probe_dir.parent)):
        categories = synthetic_categories()
    if corpus is None:
        corpus = find_corpus(run_dir, langs)
        if corpus is None and probe_dir.parent != run_dir:
            corpus = find_corpus(probe_dir.parent, langs)
    n_sentences = int(manifest.get("n_sentences", 0))
    rounds = [
        {
            "name": r["name"],
            "epoch": int(r["epoch"]),
            "step": int(r["step"]),
            "state": r["model_state"],
        }
        for r in manifest.get("rounds", [])
        if (probe_dir / "rounds" / r["name"]).is_dir() and r.get("condition", PLAIN) == PLAIN
    ]
    curve_rows, numerators = _read_curve_rows(run_dir / "probe_report.csv")
    mismatched: list[str] = []
    concepts_out: dict[str, list[int]] = {}
    aligned_out: dict[str, list[int]] = {}
    overlap_out: dict[str, list[int]] = {}
    label_names: dict[str, int] = {}
    fig9: list[list[Any]] = []
    kwic: dict[int, list[tuple[str, int, int]]] = {}
    # lower-case corpus words: a title-case type whose lower case is absent is a name
    vocabulary = {w for lines in (corpus or {}).values() for line in lines for w in line.split()}
    vocabulary = {w for w in vocabulary if w.islower()}
    for ri, info in enumerate(rounds):
        round_dir = probe_dir / "rounds" / info["name"]
        joint_langs = {
            s["name"]: read_sentence_langs(round_dir / s["name"] / "sentence_langs.txt")
            for s in sets
            if len(s["langs"]) > 1 and (round_dir / s["name"] / "sentence_langs.txt").is_file()
        }
        for layer in layers:
            loaded = {}
            for si, s in enumerate(sets):
                path = round_dir / s["name"] / f"layer_{layer:02d}.txt"
                if not path.is_file() or (len(s["langs"]) > 1 and s["name"] not in joint_langs):
                    continue
                if len(s["langs"]) > 1:
                    cs = read_clusters(path, sentence_langs=joint_langs[s["name"]])
                else:
                    cs = read_clusters(path, lang=s["langs"][0])
                loaded[si] = cs
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
                    vocabulary=vocabulary,
                    translations=translations,
                    categories=categories,
                )
                concepts_out[f"{ri}|{si}|{layer}"] = flat
                fig9.append([ri, si, layer, *(kinds[k] for k in KINDS)])
            for pi, pair in enumerate(pairs):
                key = f"{ri}|{pi}|{layer}"
                row_key = (info["epoch"], info["state"], pair["metric"], pair["side_s"])
                row_key += (pair["lang_s"], pair["side_t"], pair["lang_t"], layer)
                if pair["metric"] == "calign" and pair["s"] in loaded and pair["t"] in loaded:
                    d = dictionaries.get(f"{pair['lang_s']}-{pair['lang_t']}")
                    if d is None:
                        continue
                    tgt = loaded[pair["t"]]
                    result = calign(loaded[pair["s"]], tgt, d, **calign_settings)
                    aligned_out[key] = _aligned_flat(
                        result,
                        tgt.word_types(),
                        translations[(pair["lang_s"], pair["lang_t"])],
                        words.ids,
                        (pair["lang_s"], pair["lang_t"]),
                    )
                    shown = len(result.aligned_ids)
                elif pair["metric"] == "colap" and pair["joint"] in loaded:
                    result = colap(loaded[pair["joint"]], theta=colap_theta)
                    overlap_out[key] = _overlap_flat(result, (pair["lang_s"], pair["lang_t"]))
                    shown = len(result.overlapping_ids)
                else:
                    continue
                if numerators.get(row_key, shown) != shown:
                    mismatched.append(f"{pair['metric']} {info['name']} layer {layer}")
    word_list, word_langs = words.table()
    kwic_out, sentences = _kwic_flat(kwic, corpus or {}, langs)
    return {
        "run": str(run_dir.resolve().name),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "langs": langs,
        "layers": layers,
        "rounds": rounds,
        "sets": sets,
        "pairs": pairs,
        "settings": {"calign": calign_settings, "colap_theta": colap_theta, "n_best": nb},
        "n_sentences": n_sentences,
        "words": word_list,
        "wlang": word_langs,
        "curves": {
            "cols": list(CURVE_COLUMNS),
            "rows": curve_rows,
        },
        "notes": _notes(mismatched),
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


def _labelled_concepts(
    concepts: Mapping[int, Sequence[tuple[int, int]]],
    keys: Sequence[tuple[str, str]],
    label_names: dict[str, int],
    **label_args: Any,
) -> tuple[list[int], dict[str, int]]:
    """The ``concepts`` entry of one set and layer (module docstring) and its concept kinds.

    Args:
        concepts: Concept id -> ``[(word id, count)]`` (:func:`_concept_types`).
        keys: Word id -> ``(word, lang)``.
        label_names: Label text -> index, extended with new labels.
        label_args: Passed to :func:`~xlprobe.probing.concept_labels.label_concept`.

    Returns:
        (flat ints, ``{kind: number of concepts}``).
    """
    from xlprobe.probing.concept_labels import KINDS, concept_kind, label_concept

    flat: list[int] = []
    kinds = dict.fromkeys(KINDS, 0)
    for cid, types in concepts.items():
        labels = label_concept([keys[w] for w, _ in types], **label_args)
        kind = concept_kind(labels)
        kinds[kind] += 1
        name = " · ".join(label.name for label in labels)
        label = label_names.setdefault(name, len(label_names)) if name else -1
        flat += [cid, len(types), label, KINDS.index(kind)]
        for w, c in types:
            flat += [w, c]
    return flat, kinds


def _aligned_flat(
    result: Any,
    target_types: Mapping[int, Collection[str]],
    translations: Mapping[str, Collection[str]],
    ids: Mapping[tuple[str, str], int],
    langs: tuple[str, str],
) -> list[int]:
    """The ``aligned`` entry of a CALIGN result (module docstring), best score first: per pair
    the matched source words and the target words that are n-best translations of them."""
    lang_s, lang_t = langs

    def score(pair: tuple[int, int]) -> float:
        return len(result.matched[pair]) / result.source_sizes[pair[0]]

    flat: list[int] = []
    for cs, ct in sorted(result.pairs, key=lambda p: (-score(p), p)):
        matched = result.matched[(cs, ct)]
        translated = set().union(*(translations.get(w, ()) for w in matched))
        hits = sorted(translated & set(target_types[ct]))
        flat += [cs, ct, round(1000 * score((cs, ct))), len(matched)]
        flat += [ids[(w, lang_s)] for w in matched]
        flat += [len(hits), *(ids[(w, lang_t)] for w in hits)]
    return flat


def _overlap_flat(result: Any, langs: tuple[str, str]) -> list[int]:
    """The ``overlap`` entry of a COLAP result: per overlapping concept its id and the shares
    (per mille) of the two languages."""
    flat: list[int] = []
    for cid in result.overlapping_ids:
        counts = result.language_counts[cid]
        total = sum(counts.values())
        flat += [cid, *(round(1000 * counts.get(lang, 0) / total) for lang in langs)]
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


def _notes(mismatched: Sequence[str]) -> list[str]:
    """Warnings shown on the page (and logged)."""
    if not mismatched:
        return []
    note = (
        f"The concepts shown use the probe directory's own thresholds; probe_report.csv was "
        f"scored with others (a from_run re-scoring?): {len(mismatched)} (metric, round, layer) "
        f"counts differ, e.g. {mismatched[0]}."
    )
    log.warning("report: %s", note)
    return [note]


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


def write_html_report(
    run_dir: str | Path,
    *,
    probe_dir: str | Path | None = None,
    corpus: Mapping[str, Sequence[str]] | None = None,
    categories: Mapping[str, str] | None = None,
) -> Path:
    """Build and write ``<run_dir>/report.html`` and ``<run_dir>/concept_labels.csv``
    (LABELS_COLUMNS) atomically; log the report's size.

    Arguments as in :func:`build_report_data`. Returns the report's path.
    """
    start = time.perf_counter()
    data = build_report_data(run_dir, probe_dir=probe_dir, corpus=corpus, categories=categories)
    path = Path(run_dir) / REPORT_HTML
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
