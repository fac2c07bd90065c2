"""Paraphrase pairs of one language, for the within-language retrieval control of expert
interventions (Sundar et al., ACL 2025, Sec. 5.3: PAWS-X test, paraphrase pairs only).

A file in PAWS-X's schema: columns ``sentence1``, ``sentence2``, ``label`` (1 = paraphrase),
either the released TSV (``id<TAB>sentence1<TAB>sentence2<TAB>label`` with a header line, no
quoting; read by :func:`xlprobe.io.read_text`) or the Hugging Face parquet
(``google-research-datasets/paws-x``, same columns). Only pairs labelled 1 are kept; whitespace
inside a sentence is normalised to single spaces (the probes split words on whitespace).
"""

from __future__ import annotations

import csv
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines

COLUMNS = ("sentence1", "sentence2", "label")


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(line or row number, cells)`` of a TSV or parquet file with COLUMNS."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read parquet: {err}", path=path) from None
        missing = [c for c in COLUMNS if c not in table.column_names]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)}; expected PAWS-X's {', '.join(COLUMNS)}",
                path=path,
            )
        columns = {c: table.column(c).to_pylist() for c in COLUMNS}
        rows = zip(*columns.values(), strict=True)
        return [
            (i + 1, {c: "" if v is None else str(v) for c, v in zip(COLUMNS, row, strict=True)})
            for i, row in enumerate(rows)
        ]
    lines = read_text_lines(path, expected="a PAWS-X TSV (id, sentence1, sentence2, label)")
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} in the header; expected a PAWS-X TSV "
            "(id, sentence1, sentence2, label) or parquet",
            path=path,
            line=1,
        )
    return [(reader.line_num, cells) for cells in reader]


def read_paraphrase_pairs(path: str | Path) -> tuple[list[str], list[str]]:
    """The paraphrase pairs (label 1) of a PAWS-X-shaped file.

    Returns:
        ``(sentences, paraphrases)``, line-aligned.

    Raises:
        InputError: An unreadable file, missing columns, a label other than 0/1 (its line), or
            no pair labelled 1.
    """
    path = Path(path)
    sentences: list[str] = []
    paraphrases: list[str] = []
    for line, cells in _records(path):
        label = (cells.get("label") or "").strip()
        if label not in ("0", "1"):
            raise InputError(f"label must be 0 or 1, got {label!r}", path=path, line=line)
        first, second = (" ".join((cells.get(c) or "").split()) for c in COLUMNS[:2])
        if label == "1" and first and second:
            sentences.append(first)
            paraphrases.append(second)
    if not sentences:
        raise InputError("no paraphrase pair (label 1) with two non-empty sentences", path=path)
    return sentences, paraphrases
