"""UPOS / UAS / LAS against the official CoNLL 2018 evaluation on constructed gold/system pairs.

The expected counts below were produced by the official script ``conll18_ud_eval.py`` version
1.2 (github.com/ufal/conll2018, ``evaluation_script/conll18_ud_eval.py`` at commit
f2bc4dd16326d149d68bb53b427d3266fbe6a00a, sha256
589506a892ccb4aa8b0164b2dcc6536ecb571441786f0618c0f6328656c1a582), run as
``python conll18_ud_eval.py --counts GOLD SYSTEM`` on exactly these files. When the environment
variable ``XLPROBE_CONLL18_UD_EVAL`` names a copy of that script, the tests also run it: on these
pairs, on 300 random pairs (tokenizations, multiword tokens, sentence splits, trees) and on what
the writer writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlprobe.analysis.ud_score import METRICS, UDScores, score_files
from xlprobe.data.conllu import read_conllu, write_conllu
from xlprobe.errors import InputError

OFFICIAL = os.environ.get("XLPROBE_CONLL18_UD_EVAL")
needs_official = pytest.mark.skipif(
    not OFFICIAL or not Path(OFFICIAL).is_file(),
    reason="set XLPROBE_CONLL18_UD_EVAL to the path of conll18_ud_eval.py to compare with it",
)


def w(i, form, upos, head, deprel) -> str:
    return f"{i}\t{form}\t_\t{upos}\t_\t_\t{head}\t{deprel}\t_\t_"


def mwt(span, form) -> str:
    return f"{span}\t{form}\t_\t_\t_\t_\t_\t_\t_\t_"


def empty(ident, form, deps) -> str:
    return f"{ident}\t{form}\t_\t_\t_\t_\t_\t_\t{deps}\t_"


def conllu(*sentences: list[str]) -> str:
    return "".join("\n".join(s) + "\n\n" for s in sentences)


# Non-projective gold tree (7 issue -> 2 hearing crosses 3 and 4); the system drops the subtypes
# nsubj:pass and obl:tmod (LAS ignores subtypes), mistags 'is', attaches 'issue' and '.' wrongly
# and mislabels 'Dogs'.
NONPROJECTIVE = (
    conllu(
        [
            "# sent_id = 1",
            w(1, "A", "DET", 2, "det"),
            w(2, "hearing", "NOUN", 4, "nsubj:pass"),
            w(3, "is", "AUX", 4, "aux:pass"),
            w(4, "scheduled", "VERB", 0, "root"),
            w(5, "on", "ADP", 7, "case"),
            w(6, "the", "DET", 7, "det"),
            w(7, "issue", "NOUN", 2, "nmod"),
            w(8, "today", "NOUN", 4, "obl:tmod"),
            w(9, ".", "PUNCT", 4, "punct"),
        ],
        [
            w(1, "Dogs", "NOUN", 2, "nsubj"),
            w(2, "bark", "VERB", 0, "root"),
            w(3, ".", "PUNCT", 2, "punct"),
        ],
    ),
    conllu(
        [
            w(1, "A", "DET", 2, "det"),
            w(2, "hearing", "NOUN", 4, "nsubj"),
            w(3, "is", "VERB", 4, "aux:pass"),
            w(4, "scheduled", "VERB", 0, "root"),
            w(5, "on", "ADP", 7, "case"),
            w(6, "the", "DET", 7, "det"),
            w(7, "issue", "NOUN", 4, "obl"),
            w(8, "today", "NOUN", 4, "obl"),
            w(9, ".", "PUNCT", 8, "punct"),
        ],
        [
            w(1, "Dogs", "NOUN", 2, "obj"),
            w(2, "bark", "VERB", 0, "root"),
            w(3, ".", "PUNCT", 2, "punct"),
        ],
    ),
)

# Multiword tokens: the system leaves 'Vámonos' unsplit, splits 'del' into other words than
# the gold file, and splits 'Dámelo', which the gold file keeps as one word.
MULTIWORD = (
    conllu(
        [
            mwt("1-2", "Vámonos"),
            w(1, "Vamos", "VERB", 0, "root"),
            w(2, "nos", "PRON", 1, "obj"),
            mwt("3-4", "al"),
            w(3, "a", "ADP", 5, "case"),
            w(4, "el", "DET", 5, "det"),
            w(5, "mar", "NOUN", 1, "obl:arg"),
            w(6, ".", "PUNCT", 1, "punct"),
        ],
        [
            mwt("1-2", "del"),
            w(1, "de", "ADP", 3, "case"),
            w(2, "el", "DET", 3, "det"),
            w(3, "cielo", "NOUN", 0, "root"),
        ],
        [w(1, "Dámelo", "VERB", 0, "root"), w(2, ".", "PUNCT", 1, "punct")],
    ),
    conllu(
        [
            w(1, "Vámonos", "VERB", 0, "root"),
            mwt("2-3", "al"),
            w(2, "a", "ADP", 4, "case"),
            w(3, "el", "DET", 4, "det"),
            w(4, "mar", "NOUN", 1, "obl"),
            w(5, ".", "PUNCT", 1, "punct"),
        ],
        [
            mwt("1-2", "del"),
            w(1, "de", "ADP", 3, "case"),
            w(2, "l", "DET", 3, "det"),
            w(3, "cielo", "NOUN", 0, "root"),
        ],
        [
            mwt("1-3", "Dámelo"),
            w(1, "Da", "VERB", 0, "root"),
            w(2, "me", "PRON", 1, "iobj"),
            w(3, "lo", "PRON", 1, "obj"),
            w(4, ".", "PUNCT", 1, "punct"),
        ],
    ),
)

# Empty nodes (never words) in both files at different places; the system joins the two gold
# sentences and splits the gold token 'New York' (a FORM with a space) into two.
EMPTY_NODES = (
    conllu(
        [
            w(1, "Sue", "PROPN", 2, "nsubj"),
            w(2, "likes", "VERB", 0, "root"),
            w(3, "coffee", "NOUN", 2, "obj"),
            w(4, "and", "CCONJ", 5, "cc"),
            w(5, "Bill", "PROPN", 3, "conj"),
            empty("5.1", "likes", "2:conj"),
            w(6, "tea", "NOUN", 5, "orphan"),
            w(7, ".", "PUNCT", 2, "punct"),
        ],
        [
            w(1, "New York", "PROPN", 3, "nsubj"),
            w(2, "is", "AUX", 3, "cop"),
            w(3, "big", "ADJ", 0, "root"),
            w(4, ".", "PUNCT", 3, "punct"),
        ],
    ),
    conllu(
        [
            w(1, "Sue", "PROPN", 2, "nsubj"),
            w(2, "likes", "VERB", 0, "root"),
            w(3, "coffee", "NOUN", 2, "obj"),
            w(4, "and", "CCONJ", 5, "cc"),
            w(5, "Bill", "PROPN", 2, "conj"),
            w(6, "tea", "NOUN", 5, "orphan"),
            w(7, ".", "PUNCT", 2, "punct"),
            empty("7.1", "is", "_"),
            w(8, "New", "PROPN", 9, "compound"),
            w(9, "York", "PROPN", 11, "nsubj"),
            w(10, "is", "AUX", 11, "cop"),
            w(11, "big", "ADJ", 2, "parataxis"),
            w(12, ".", "PUNCT", 11, "punct"),
        ]
    ),
)

PAIRS = {"nonprojective": NONPROJECTIVE, "multiword": MULTIWORD, "empty_nodes": EMPTY_NODES}

# (correct, gold_total, system_total, aligned_total) per metric, from the official script's
# --counts output on each pair (see the module docstring).
OFFICIAL_COUNTS = {
    "nonprojective": {
        "tokens": (12, 12, 12, None),
        "sentences": (2, 2, 2, None),
        "words": (12, 12, 12, None),
        "upos": (11, 12, 12, 12),
        "uas": (10, 12, 12, 12),
        "las": (9, 12, 12, 12),
    },
    "multiword": {
        "tokens": (8, 8, 8, None),
        "sentences": (3, 3, 3, None),
        "words": (7, 11, 12, None),
        "upos": (7, 11, 12, 7),
        "uas": (4, 11, 12, 7),
        "las": (4, 11, 12, 7),
    },
    "empty_nodes": {
        "tokens": (10, 11, 12, None),
        "sentences": (0, 2, 1, None),
        "words": (10, 11, 12, None),
        "upos": (10, 11, 12, 10),
        "uas": (8, 11, 12, 10),
        "las": (8, 11, 12, 10),
    },
}


def write_pair(tmp_path: Path, name: str) -> tuple[Path, Path]:
    gold, system = tmp_path / f"{name}.gold.conllu", tmp_path / f"{name}.system.conllu"
    gold.write_text(PAIRS[name][0], encoding="utf-8")
    system.write_text(PAIRS[name][1], encoding="utf-8")
    return gold, system


def counts(scores: UDScores) -> dict[str, tuple[int, int, int, int | None]]:
    return {
        m: (s.correct, s.gold_total, s.system_total, s.aligned_total)
        for m in METRICS
        for s in [getattr(scores, m)]
    }


@pytest.mark.parametrize("name", sorted(OFFICIAL_COUNTS))
def test_counts_equal_the_official_scripts(tmp_path, name):
    assert counts(score_files(*write_pair(tmp_path, name))) == OFFICIAL_COUNTS[name]


def test_ratios_are_the_official_ones(tmp_path):
    """Percentages the official script prints with -v for the multiword pair."""
    las = score_files(*write_pair(tmp_path, "multiword")).las
    printed = [round(100 * x, 2) for x in (las.precision, las.recall, las.f1, las.aligned_accuracy)]
    assert printed == [33.33, 36.36, 34.78, 57.14]


def test_las_ignores_deprel_subtypes_only(tmp_path):
    gold = tmp_path / "gold.conllu"
    gold.write_text(conllu([w(1, "Go", "VERB", 0, "root"), w(2, "home", "NOUN", 1, "obl:arg")]))
    subtype = tmp_path / "subtype.conllu"
    subtype.write_text(conllu([w(1, "Go", "VERB", 0, "root"), w(2, "home", "NOUN", 1, "obl:x")]))
    other = tmp_path / "other.conllu"
    other.write_text(conllu([w(1, "Go", "VERB", 0, "root"), w(2, "home", "NOUN", 1, "obj")]))
    assert score_files(gold, subtype).las.f1 == 1.0
    assert score_files(gold, other).las.f1 == 0.5
    assert score_files(gold, other).uas.f1 == 1.0


def test_different_text_is_one_line(tmp_path):
    gold = tmp_path / "gold.conllu"
    gold.write_text(conllu([w(1, "Dogs", "NOUN", 2, "nsubj"), w(2, "bark", "VERB", 0, "root")]))
    system = tmp_path / "system.conllu"
    system.write_text(conllu([w(1, "Dogs", "NOUN", 2, "nsubj"), w(2, "barked", "VERB", 0, "root")]))
    with pytest.raises(InputError) as err:
        score_files(gold, system)
    message = str(err.value)
    assert "\n" not in message
    assert f"{gold} and {system} are not the same text" in message
    assert "differ from character 8 on (gold '', system 'ed')" in message


def official_counts(gold: Path, system: Path) -> dict[str, tuple[int, int, int, int | None]]:
    """Run the official script with --counts and read its table."""
    out = subprocess.run(
        [sys.executable, OFFICIAL, "--counts", str(gold), str(system)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    table = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if cells[0].lower() in METRICS:
            # the script prints an aligned total of 0 as an empty cell, and the words' as correct
            aligned = None if cells[0] in ("Tokens", "Sentences", "Words") else int(cells[4] or 0)
            table[cells[0].lower()] = (int(cells[1]), int(cells[2]), int(cells[3]), aligned)
    return table


@needs_official
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_official_script_gives_the_written_down_counts(tmp_path, name):
    gold, system = write_pair(tmp_path, name)
    assert (
        official_counts(gold, system) == OFFICIAL_COUNTS[name] == counts(score_files(gold, system))
    )


@needs_official
def test_official_script_reads_what_the_writer_writes(tmp_path):
    gold, _ = write_pair(tmp_path, "multiword")
    rewritten = tmp_path / "rewritten.conllu"
    write_conllu(read_conllu(gold), rewritten)
    for correct, gold_total, system_total, _ in official_counts(gold, rewritten).values():
        assert correct == gold_total == system_total > 0


@needs_official
def test_official_script_also_refuses_different_text(tmp_path):
    gold = tmp_path / "gold.conllu"
    gold.write_text(conllu([w(1, "Dogs", "NOUN", 0, "root")]))
    system = tmp_path / "system.conllu"
    system.write_text(conllu([w(1, "Cats", "NOUN", 0, "root")]))
    run = subprocess.run([sys.executable, OFFICIAL, str(gold), str(system)], capture_output=True)
    assert run.returncode != 0
    assert b"differ" in run.stderr
    with pytest.raises(InputError, match="not the same text"):
        score_files(gold, system)


# Random pairs: one text, tokenized, split into multiword tokens (word FORMs sometimes changed or
# upper-cased), into sentences and into trees independently or as perturbed copies of the gold.
UPOS = ("NOUN", "VERB", "PUNCT")
DEPRELS = ("nsubj", "nsubj:pass", "obj", "obl:tmod", "obl")


def random_segmentation(rng, text: str) -> list[list[tuple[str, list[str]]]]:
    """Sentences of tokens ``(form, word forms)``."""
    sentences, tokens, i = [], [], 0
    while i < len(text):
        size = rng.randint(1, 4)
        token = text[i : i + size]
        i += size
        words = [token]
        if len(token) > 1 and rng.random() < 0.35:
            cuts = sorted(rng.sample(range(1, len(token)), rng.randint(1, min(2, len(token) - 1))))
            words = [token[a:b] for a, b in zip([0, *cuts], [*cuts, len(token)], strict=True)]
            if rng.random() < 0.3:
                words[rng.randrange(len(words))] += "x"
            if rng.random() < 0.3:
                words = [f.upper() for f in words]
        elif len(token) > 1 and rng.random() < 0.15:
            words = [token[:1] + " " + token[1:]]
            token = words[0]
        tokens.append((token, words))
        if rng.random() < 0.25 or i >= len(text):
            sentences.append(tokens)
            tokens = []
    return sentences


def random_tree(rng, n: int) -> list[int]:
    order = rng.sample(range(1, n + 1), n)
    heads = [0] * n
    for j, node in enumerate(order[1:], 1):
        heads[node - 1] = order[rng.randrange(j)]
    return heads


def reattach(rng, heads: list[int]) -> list[int]:
    """Move one word under a node outside its own subtree (still a tree)."""
    heads = list(heads)
    word = rng.randrange(1, len(heads) + 1)
    inside = {word}
    for _ in heads:
        inside |= {i + 1 for i, h in enumerate(heads) if h in inside}
    outside = [h for h in range(0, len(heads) + 1) if h not in inside]
    if heads[word - 1] != 0 and len(outside) > 1:
        heads[word - 1] = rng.choice([h for h in outside if h != 0])
    return heads


def to_conllu(rng, sentences, trees) -> str:
    out = []
    for tokens, (heads, upos, deprels) in zip(sentences, trees, strict=True):
        lines, i = [], 0
        for token, words in tokens:
            if token != words[0] or len(words) > 1:
                lines.append(mwt(f"{i + 1}-{i + len(words)}", token))
            for form in words:
                lines.append(w(i + 1, form, upos[i], heads[i], deprels[i]))
                i += 1
            if rng.random() < 0.1:  # the official reader wants none inside a multiword token
                lines.append(empty(f"{i}.1", "e", "_"))
        out.append(lines)
    return conllu(*out)


def random_pair(seed: int) -> tuple[str, str]:
    import random

    rng = random.Random(seed)
    text = "".join(rng.choice("abcAB.") for _ in range(rng.randint(1, 40)))
    gold = random_segmentation(rng, text)
    same = rng.random() < 0.6
    system = gold if same else random_segmentation(rng, text)
    files, gold_trees = [], []
    for side, segmentation in enumerate((gold, system)):
        trees = []
        for k, tokens in enumerate(segmentation):
            n = sum(len(words) for _, words in tokens)
            if side == 1 and same and rng.random() < 0.8:
                heads, upos, deprels = gold_trees[k]
                heads = reattach(rng, heads) if rng.random() < 0.5 else heads
                upos = [rng.choice(UPOS) if rng.random() < 0.2 else u for u in upos]
                deprels = [rng.choice(DEPRELS) if rng.random() < 0.2 else d for d in deprels]
            else:
                heads = random_tree(rng, n)
                upos = [rng.choice(UPOS) for _ in range(n)]
                deprels = [rng.choice(DEPRELS) for _ in range(n)]
            deprels = ["root" if h == 0 else d for h, d in zip(heads, deprels, strict=True)]
            trees.append((heads, upos, deprels))
        gold_trees = gold_trees or trees
        files.append(to_conllu(rng, segmentation, trees))
    return files[0], files[1]


@needs_official
@pytest.mark.parametrize("seed", range(300))
def test_random_pairs_score_as_the_official_script(tmp_path, seed):
    gold, system = tmp_path / "gold.conllu", tmp_path / "system.conllu"
    texts = random_pair(seed)
    gold.write_text(texts[0], encoding="utf-8")
    system.write_text(texts[1], encoding="utf-8")
    assert counts(score_files(gold, system)) == official_counts(gold, system)
