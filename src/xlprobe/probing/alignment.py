"""Translation dictionaries from parallel text: word alignment, symmetrization, lexical tables.

CALIGN (Mousi et al., ACL 2024, "Exploring Alignment in Shared Cross-lingual Spaces", Sec. 3)
needs T(ws, wt), the N-best translations of each source word. The paper took them from
fast_align alignments and Moses lexical tables over the probed parallel data; here the same
pipeline runs in-process:

1. eflomal (Östling and Tiedemann, 2016) aligns the corpus in both directions in one run;
2. :func:`grow_diag_final_and` symmetrizes the two link sets per sentence (Koehn et al., 2005);
3. :func:`lexical_table` turns the symmetrized links into p(t|s) = count(s, t) / count(s), with
   unaligned words counted against NULL as in Moses' ``lex.*`` tables.

Words are the corpus's whitespace tokens (``str.split``), so dictionary entries match the
words of the probe corpus exactly.
"""

from __future__ import annotations

import heapq
import logging
import tempfile
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.probing.dictionary import Dictionary

logger = logging.getLogger(__name__)

Link = tuple[int, int]
"""An alignment point (source position, target position), 0-based."""

MAX_SENTENCE_TOKENS = 1023
"""eflomal writes longer sentences as empty (no links); such pairs are skipped instead."""

# Koehn's order: the four direct neighbours first, then the diagonal ones.
_NEIGHBOURS: tuple[Link, ...] = (
    *((-1, 0), (0, -1), (1, 0), (0, 1)),
    *((-1, -1), (-1, 1), (1, -1), (1, 1)),
)


def grow_diag_final_and(
    forward: set[Link], reverse: set[Link], src_len: int, tgt_len: int
) -> set[Link]:
    """Symmetrize two directional word alignments of one sentence pair (grow-diag-final-and).

    Koehn's definition (statmt.org, as in Moses ``symal``): start from the intersection; GROW-DIAG
    repeatedly scans the current points in (source, target) order and adds every neighbour
    (horizontal, vertical, then diagonal) that is in the union and has its source or its target
    word still unaligned, until a scan adds nothing; then FINAL-AND adds, from ``forward`` and then
    from ``reverse``, each point in (source, target) order whose source and target words are both
    still unaligned. Points added during a scan are visited later in the same scan when they come
    after the current point, as in the pseudo-code's nested loops.

    Args:
        forward: Source→target links, (i, j) with i < ``src_len`` and j < ``tgt_len``.
        reverse: Target→source links, written in the same (source, target) order.
        src_len: Number of source words.
        tgt_len: Number of target words.

    Returns:
        The symmetrized links: a superset of the intersection, a subset of the union.

    Raises:
        ValueError: A link points outside the sentence pair.
    """
    union = forward | reverse
    for i, j in union:
        if not (0 <= i < src_len and 0 <= j < tgt_len):
            raise ValueError(f"link {i}-{j} outside a {src_len} x {tgt_len} sentence pair")
    alignment = forward & reverse
    if alignment == union:
        return alignment
    src_aligned = {i for i, _ in alignment}
    tgt_aligned = {j for _, j in alignment}

    def add(point: Link) -> None:
        alignment.add(point)
        src_aligned.add(point[0])
        tgt_aligned.add(point[1])

    added = True
    while added:
        added = False
        pending = sorted(alignment)  # a sorted list is a valid heap
        while pending:
            i, j = heapq.heappop(pending)
            for di, dj in _NEIGHBOURS:
                point = (i + di, j + dj)
                if point in union and (point[0] not in src_aligned or point[1] not in tgt_aligned):
                    add(point)
                    added = True
                    if point > (i, j):
                        heapq.heappush(pending, point)
    for links in (forward, reverse):
        for point in sorted(links):
            if point[0] not in src_aligned and point[1] not in tgt_aligned:
                add(point)
    return alignment


def lexical_table(
    src_sentences: Sequence[Sequence[str]],
    tgt_sentences: Sequence[Sequence[str]],
    links: Sequence[set[Link]],
    *,
    min_count: int = 1,
) -> Dictionary:
    """Lexical translation probabilities from word-aligned sentence pairs, Moses-style.

    p(t|s) = count(s, t) / count(s), where count(s, t) is the number of links between source
    word s and target word t over the corpus and count(s) = sum_t count(s, t) + count(s, NULL):
    every occurrence of s without any link adds one link to NULL. NULL is not an entry of the
    result. Pairs with count(s, t) < ``min_count`` are dropped after the probabilities are
    computed (the remaining probabilities of s are not renormalized); source words left without
    any pair are absent.

    Args:
        src_sentences: Source words per sentence.
        tgt_sentences: Target words per sentence, line-aligned with ``src_sentences``.
        links: (source position, target position) links per sentence.
        min_count: Smallest count(s, t) kept.

    Returns:
        The s→t :class:`Dictionary`, translations sorted by p(t|s) descending (ties by target
        word), with ``counts`` = count(s, t) of the kept pairs.
    """
    pair_counts: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    for src, tgt, sentence_links in zip(src_sentences, tgt_sentences, links, strict=True):
        degree = [0] * len(src)
        for i, j in sentence_links:
            pair_counts[src[i], tgt[j]] += 1
            degree[i] += 1
        for word, n_links in zip(src, degree, strict=True):
            totals[word] += max(n_links, 1)
    by_source: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
    for (src_word, tgt_word), count in pair_counts.items():
        if count >= min_count:
            by_source[src_word].append((tgt_word, count))
    translations: dict[str, list[tuple[str, float]]] = {}
    counts: dict[str, dict[str, int]] = {}
    for src_word in sorted(by_source):
        ranked = sorted(by_source[src_word], key=lambda entry: (-entry[1], entry[0]))
        translations[src_word] = [(tgt, count / totals[src_word]) for tgt, count in ranked]
        counts[src_word] = dict(ranked)
    return Dictionary(translations=translations, counts=counts)


def eflomal_links(
    src_sentences: Sequence[Sequence[str]],
    tgt_sentences: Sequence[Sequence[str]],
    *,
    iterations: tuple[int, int, int] | None = None,
) -> tuple[list[set[Link]], list[set[Link]]]:
    """Align sentence pairs in both directions with eflomal's HMM+fertility model (one run).

    eflomal lowercases words internally for its model; the links are positions, so they apply
    to the words as given. eflomal 2.0 seeds its Gibbs samplers from ``/dev/urandom`` and offers
    no seed: links (and so dictionaries) can differ slightly between runs on small corpora.

    Args:
        src_sentences: Source words per sentence, each sentence non-empty and at most
            :data:`MAX_SENTENCE_TOKENS` words.
        tgt_sentences: Target words per sentence, same constraints.
        iterations: Sampling iterations for IBM1, HMM and fertility models; ``None`` uses
            eflomal's schedule (about 5000 / sqrt(#pairs) fertility iterations, so time grows
            like sqrt(#pairs) on top of the linear preprocessing).

    Returns:
        (forward, reverse): source→target and target→source links per sentence, both written
        as (source position, target position).

    Raises:
        RuntimeError: The eflomal binary did not produce one line of links per sentence pair.
    """
    import eflomal

    aligner = eflomal.Aligner(n_iterations=iterations)
    with tempfile.TemporaryDirectory(prefix="xlprobe-eflomal-") as tmp:
        fwd_path, rev_path = Path(tmp, "forward.links"), Path(tmp, "reverse.links")
        aligner.align(
            [" ".join(words) for words in src_sentences],
            [" ".join(words) for words in tgt_sentences],
            links_filename_fwd=str(fwd_path),
            links_filename_rev=str(rev_path),
        )
        forward = _read_links(fwd_path, len(src_sentences))
        reverse = _read_links(rev_path, len(src_sentences))
    return forward, reverse


def _read_links(path: Path, n_sentences: int) -> list[set[Link]]:
    """Parse a Pharaoh-format links file (``i-j i-j ...`` per line) written by eflomal."""
    lines = path.read_text(encoding="ascii").splitlines() if path.exists() else []
    if len(lines) != n_sentences:
        raise RuntimeError(
            f"eflomal wrote {len(lines)} lines of links for {n_sentences} sentence pairs to "
            f"{path.name}; run the binary by hand to see its error"
        )
    return [
        {(int(i), int(j)) for i, _, j in (link.partition("-") for link in line.split())}
        for line in lines
    ]


@dataclass(frozen=True)
class DictionaryBuild:
    """Both directions of a dictionary built from one alignment run, and what was skipped.

    Attributes:
        forward: Source→target dictionary, p(t|s).
        reverse: Target→source dictionary, p(s|t), from the same symmetrized links.
        n_pairs: Sentence pairs aligned.
        n_skipped_empty: Pairs skipped because one side (or both) has no words.
        n_skipped_long: Pairs skipped because a side exceeds :data:`MAX_SENTENCE_TOKENS` words.
        links: The symmetrized links of every input line (empty for a skipped pair), what the
            alignment-filtered views of the paper's CALIGN keep (:mod:`xlprobe.probing.aligned`).
    """

    forward: Dictionary
    reverse: Dictionary
    n_pairs: int
    n_skipped_empty: int
    n_skipped_long: int
    links: tuple[frozenset[Link], ...] = ()


def build_dictionaries(
    src_lines: Sequence[str],
    tgt_lines: Sequence[str],
    *,
    lowercase: bool = False,
    min_count: int = 1,
    iterations: tuple[int, int, int] | None = None,
) -> DictionaryBuild:
    """Build source→target and target→source translation dictionaries from parallel text.

    Words are whitespace tokens (``str.split``), optionally lowercased. Pairs with an empty
    side, or a side longer than eflomal's limit, are skipped and counted. The remaining pairs are
    aligned with :func:`eflomal_links`, symmetrized with :func:`grow_diag_final_and`, and
    counted by :func:`lexical_table` in both directions.

    Args:
        src_lines: Source sentences, one per line.
        tgt_lines: Target sentences, line-aligned with ``src_lines``.
        lowercase: Lowercase every word first.
        min_count: Smallest link count of a kept (word, translation) pair.
        iterations: eflomal iterations per model (IBM1, HMM, fertility); ``None`` for its
            default schedule.

    Returns:
        Both dictionaries and the pair counts.

    Raises:
        InputError: Different numbers of lines, ``min_count`` < 1, or no pair with words on both
            sides.
    """
    if len(src_lines) != len(tgt_lines):
        raise InputError(
            f"source has {len(src_lines)} lines but target has {len(tgt_lines)}: "
            "give line-aligned parallel text, one sentence pair per line"
        )
    if min_count < 1:
        raise InputError(f"min_count must be at least 1, got {min_count}")
    src_sentences: list[list[str]] = []
    tgt_sentences: list[list[str]] = []
    kept: list[int] = []
    n_empty = n_long = 0
    for index, (src_line, tgt_line) in enumerate(zip(src_lines, tgt_lines, strict=True)):
        if lowercase:
            src_line, tgt_line = src_line.lower(), tgt_line.lower()
        src, tgt = src_line.split(), tgt_line.split()
        if not src or not tgt:
            n_empty += 1
        elif len(src) > MAX_SENTENCE_TOKENS or len(tgt) > MAX_SENTENCE_TOKENS:
            n_long += 1
        else:
            src_sentences.append(src)
            tgt_sentences.append(tgt)
            kept.append(index)
    if n_long:
        logger.warning(
            "skipped %d sentence pairs longer than %d words", n_long, MAX_SENTENCE_TOKENS
        )
    if not src_sentences:
        raise InputError(
            f"no sentence pair has words on both sides ({len(src_lines)} lines, {n_empty} empty "
            f"pairs, {n_long} too long): give non-empty, line-aligned parallel text"
        )
    logger.info("aligning %d sentence pairs with eflomal", len(src_sentences))
    forward, reverse = eflomal_links(src_sentences, tgt_sentences, iterations=iterations)
    links = [
        grow_diag_final_and(fwd, rev, len(src), len(tgt))
        for fwd, rev, src, tgt in zip(forward, reverse, src_sentences, tgt_sentences, strict=True)
    ]
    transposed = [{(j, i) for i, j in sentence_links} for sentence_links in links]
    per_line: list[frozenset[Link]] = [frozenset()] * len(src_lines)
    for index, sentence_links in zip(kept, links, strict=True):
        per_line[index] = frozenset(sentence_links)
    return DictionaryBuild(
        forward=lexical_table(src_sentences, tgt_sentences, links, min_count=min_count),
        reverse=lexical_table(tgt_sentences, src_sentences, transposed, min_count=min_count),
        n_pairs=len(src_sentences),
        n_skipped_empty=n_empty,
        n_skipped_long=n_long,
        links=tuple(per_line),
    )


def build_dictionary(
    src_lines: Sequence[str],
    tgt_lines: Sequence[str],
    *,
    lowercase: bool = False,
    min_count: int = 1,
    iterations: tuple[int, int, int] | None = None,
) -> Dictionary:
    """The source→target dictionary of :func:`build_dictionaries` (same arguments)."""
    return build_dictionaries(
        src_lines, tgt_lines, lowercase=lowercase, min_count=min_count, iterations=iterations
    ).forward


def write_links(links: Sequence[Collection[Link]], path: str | Path) -> None:
    """Write links in Pharaoh format (``i-j i-j ...``, one line per sentence pair, sorted),
    atomically."""
    from xlprobe.io import write_text_atomic

    lines = (" ".join(f"{i}-{j}" for i, j in sorted(sentence)) for sentence in links)
    write_text_atomic(path, "".join(f"{line}\n" for line in lines))


def read_links(path: str | Path, n_sentences: int | None = None) -> list[frozenset[Link]]:
    """Read a Pharaoh-format links file written by :func:`write_links`.

    Raises:
        InputError: A malformed link (naming file and line) or, with ``n_sentences``, another
            number of lines.
    """
    from xlprobe.io import read_text_lines

    lines = read_text_lines(
        path, expected="Pharaoh links, one line per sentence pair", allow_empty=True
    )
    if n_sentences is not None and len(lines) != n_sentences:
        raise InputError(
            f"{len(lines)} lines of links for {n_sentences} sentence pairs: the links are not "
            "this corpus's",
            path=path,
        )
    out = []
    for number, line in enumerate(lines, start=1):
        try:
            out.append(
                frozenset((int(i), int(j)) for i, _, j in (p.partition("-") for p in line.split()))
            )
        except ValueError:
            raise InputError(
                f"malformed link in {line[:60]!r}: expected i-j", path=path, line=number
            ) from None
    return out
