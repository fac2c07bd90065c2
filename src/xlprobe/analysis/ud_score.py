"""UPOS accuracy, UAS and LAS exactly as the CoNLL 2018 UD shared task scores them.

A re-implementation of the official evaluation script ``conll18_ud_eval.py`` version 1.2
(Straka and Popel; ufal/conll2018, ``evaluation_script/``; Zeman et al., CoNLL 2018 shared task
overview, section 2.3), restricted to the metrics a tagger and a parser need:

* **Alignment through characters.** The FORMs of the surface tokens (a multiword token's FORM,
  else the word's), with every Unicode ``Zs`` space removed, are concatenated per file; gold and
  system must give the same character sequence (else one :class:`InputError` line), and each
  token becomes a character span. Words outside multiword tokens align when their spans are
  equal. Inside a *multiword span* (the smallest stretch of text holding multiword tokens of
  either file that none sticks out of) words align by a longest common subsequence of their
  lower-cased FORMs.
* **Counts.** Words (not multiword tokens, never empty nodes), punctuation included.
  ``correct`` counts aligned words whose value matches; ``gold_total`` and ``system_total``
  count all words of each file; ``aligned_total`` the aligned ones.
* **Metrics.** UPOS: the UPOS column. UAS: the head, i.e. the gold word aligned to the system
  word's head is the gold word's head (the root matches the root; a head that is not aligned
  never matches). LAS: the head and the DEPREL without its subtype (``nsubj:pass`` counts as
  ``nsubj``). Tokens, Sentences: equal character spans. Words: aligned words.
* **Scores.** precision = correct / system_total, recall = correct / gold_total,
  F1 = 2 correct / (system_total + gold_total) (each 0 for a zero denominator), aligned accuracy
  = correct / aligned_total. With one tokenization, precision = recall = F1 = accuracy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlprobe.data.conllu import Sentence, read_conllu
from xlprobe.errors import InputError

METRICS = ("tokens", "sentences", "words", "upos", "uas", "las")


@dataclass(frozen=True)
class Score:
    """Counts of one metric and the official script's ratios of them.

    Attributes:
        correct: Matching units.
        gold_total: Units in the gold file.
        system_total: Units in the system file.
        aligned_total: Aligned words (None for tokens, sentences and words).
    """

    correct: int
    gold_total: int
    system_total: int
    aligned_total: int | None = None

    @property
    def precision(self) -> float:
        return self.correct / self.system_total if self.system_total else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold_total if self.gold_total else 0.0

    @property
    def f1(self) -> float:
        total = self.system_total + self.gold_total
        return 2 * self.correct / total if total else 0.0

    @property
    def aligned_accuracy(self) -> float | None:
        if self.aligned_total is None:
            return None
        return self.correct / self.aligned_total if self.aligned_total else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        """Counts and ratios (ratios in [0, 1])."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "aligned_accuracy": self.aligned_accuracy,
            "correct": self.correct,
            "gold_total": self.gold_total,
            "system_total": self.system_total,
            "aligned_total": self.aligned_total,
        }


@dataclass(frozen=True)
class UDScores:
    """The scores of one system file against its gold file (names as :data:`METRICS`)."""

    tokens: Score
    sentences: Score
    words: Score
    upos: Score
    uas: Score
    las: Score

    def as_dict(self) -> dict[str, dict[str, float | int | None]]:
        """``{metric: Score.as_dict()}`` in :data:`METRICS` order."""
        return {name: getattr(self, name).as_dict() for name in METRICS}


@dataclass(frozen=True)
class _Word:
    start: int  # character span of the word's token (the whole multiword token for its words)
    end: int
    multiword: bool
    form: str  # lower-cased, compared inside multiword spans
    upos: str
    deprel: str  # without subtype
    head: int  # index of the head word in the file's word list, -1 for the root


@dataclass
class _File:
    name: str
    chars: list[str] = field(default_factory=list)
    tokens: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    words: list[_Word] = field(default_factory=list)


def _without_spaces(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Zs")


def _flatten(sentences: Sequence[Sentence], name: str) -> _File:
    f = _File(name)
    for sentence in sentences:
        base, sentence_start = len(f.words), len(f.chars)
        for form, first, last in sentence.tokens():
            text = _without_spaces(form)
            if not text:
                raise InputError(
                    f"token {form!r} is only spaces: it has no characters to align",
                    path=name,
                    line=sentence.line,
                )
            start = len(f.chars)
            f.chars.extend(text)
            f.tokens.append((start, len(f.chars)))
            multiword = last > first
            for word in sentence.words[first - 1 : last]:
                f.words.append(
                    _Word(
                        start,
                        len(f.chars),
                        multiword,
                        # the official script removes spaces from token FORMs only
                        (word.form if multiword else text).lower(),
                        word.upos,
                        word.deprel.split(":")[0],
                        base + word.head - 1 if word.head else -1,
                    )
                )
        f.sentences.append((sentence_start, len(f.chars)))
    return f


def _spans_score(gold: list[tuple[int, int]], system: list[tuple[int, int]]) -> Score:
    correct = gi = si = 0
    while gi < len(gold) and si < len(system):
        if system[si][0] < gold[gi][0]:
            si += 1
        elif gold[gi][0] < system[si][0]:
            gi += 1
        else:
            correct += gold[gi][1] == system[si][1]
            gi += 1
            si += 1
    return Score(correct, len(gold), len(system))


def _beyond_end(words: list[_Word], i: int, end: int) -> bool:
    if i >= len(words):
        return True
    if words[i].multiword:
        return words[i].start >= end
    return words[i].end > end


def _extend_end(word: _Word, end: int) -> int:
    return word.end if word.multiword and word.end > end else end


def _multiword_span(gold: list[_Word], system: list[_Word], gi: int, si: int):
    """Word ranges [gs, gi) and [ss, si) of the multiword span starting at ``gi``/``si``."""
    if gold[gi].multiword:
        end = gold[gi].end
        if not system[si].multiword and system[si].start < gold[gi].start:
            si += 1
    else:
        end = system[si].end
        if not gold[gi].multiword and gold[gi].start < system[si].start:
            gi += 1
    gs, ss = gi, si
    while not _beyond_end(gold, gi, end) or not _beyond_end(system, si, end):
        if gi < len(gold) and (si >= len(system) or gold[gi].start <= system[si].start):
            end = _extend_end(gold[gi], end)
            gi += 1
        else:
            end = _extend_end(system[si], end)
            si += 1
    return gs, ss, gi, si


def _align_lcs(gold: list[_Word], system: list[_Word]) -> list[tuple[int, int]]:
    """Pairs (g, s) of a longest common subsequence of FORMs, chosen as the official script does."""
    ng, ns = len(gold), len(system)
    lcs = [[0] * (ns + 1) for _ in range(ng + 1)]
    for g in reversed(range(ng)):
        for s in reversed(range(ns)):
            same = lcs[g + 1][s + 1] + 1 if gold[g].form == system[s].form else 0
            lcs[g][s] = max(same, lcs[g + 1][s], lcs[g][s + 1])
    pairs, g, s = [], 0, 0
    while g < ng and s < ns:
        if gold[g].form == system[s].form:
            pairs.append((g, s))
            g, s = g + 1, s + 1
        elif lcs[g][s] == lcs[g + 1][s]:
            g += 1
        else:
            s += 1
    return pairs


def _align(gold: list[_Word], system: list[_Word]) -> dict[int, int]:
    """System word index -> aligned gold word index."""
    aligned: dict[int, int] = {}
    gi = si = 0
    while gi < len(gold) and si < len(system):
        if gold[gi].multiword or system[si].multiword:
            gs, ss, gi, si = _multiword_span(gold, system, gi, si)
            for g, s in _align_lcs(gold[gs:gi], system[ss:si]):
                aligned[ss + s] = gs + g
        elif (gold[gi].start, gold[gi].end) == (system[si].start, system[si].end):
            aligned[si] = gi
            gi, si = gi + 1, si + 1
        elif gold[gi].start <= system[si].start:
            gi += 1
        else:
            si += 1
    return aligned


def _check_same_text(gold: _File, system: _File) -> None:
    if gold.chars == system.chars:
        return
    i = 0
    while i < min(len(gold.chars), len(system.chars)) and gold.chars[i] == system.chars[i]:
        i += 1
    raise InputError(
        f"{gold.name} and {system.name} are not the same text: their tokens, joined without "
        f"spaces, differ from character {i} on (gold {''.join(gold.chars[i : i + 20])!r}, system "
        f"{''.join(system.chars[i : i + 20])!r}); score a system file made from the gold file's "
        "tokens"
    )


def score_sentences(
    gold: Sequence[Sentence],
    system: Sequence[Sentence],
    gold_name: str = "gold",
    system_name: str = "system",
) -> UDScores:
    """Score system sentences against gold sentences (see the module docstring).

    Args:
        gold: Gold sentences, in file order.
        system: System sentences of the same text (tokenization and sentence splits may differ).
        gold_name, system_name: How error messages name the two inputs (their paths).

    Raises:
        InputError: The two texts differ, or a token is only spaces.
    """
    g, s = _flatten(gold, gold_name), _flatten(system, system_name)
    _check_same_text(g, s)
    aligned = _align(g.words, s.words)

    def head(si: int) -> int:
        h = s.words[si].head
        return -1 if h == -1 else aligned.get(h, -2)  # -2: the system head is not aligned

    def count(match: Callable[[_Word, _Word, int], bool]) -> Score:
        correct = sum(match(g.words[gi], s.words[si], si) for si, gi in aligned.items())
        return Score(correct, len(g.words), len(s.words), len(aligned))

    return UDScores(
        tokens=_spans_score(g.tokens, s.tokens),
        sentences=_spans_score(g.sentences, s.sentences),
        words=Score(len(aligned), len(g.words), len(s.words)),
        upos=count(lambda gw, sw, _: gw.upos == sw.upos),
        uas=count(lambda gw, _, si: gw.head == head(si)),
        las=count(lambda gw, sw, si: gw.head == head(si) and gw.deprel == sw.deprel),
    )


def score_files(gold: str | Path, system: str | Path) -> UDScores:
    """Read two CoNLL-U files and score the system file against the gold file.

    Raises:
        InputError: Either file is malformed (see :func:`xlprobe.data.conllu.read_conllu`), or
            the two texts differ.
    """
    return score_sentences(read_conllu(gold), read_conllu(system), str(gold), str(system))
