"""PAWS-X-shaped paraphrase files: the released TSV and the hub's parquet."""

from __future__ import annotations

import pytest

from xlprobe.data.paraphrases import read_paraphrase_pairs
from xlprobe.errors import InputError

ROWS = [
    (1, "El gato  duerme en la casa .", "En la casa duerme el gato .", 1),
    (2, "El perro come .", "El perro no come .", 0),
    (3, "Ayer llovió mucho .", "Llovió mucho ayer .", 1),
]


def write_tsv(path, rows, header="id\tsentence1\tsentence2\tlabel"):
    lines = [header, *("\t".join(map(str, row)) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_tsv_and_parquet_give_the_label_one_pairs_with_single_spaces(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    expected = (
        ["El gato duerme en la casa .", "Ayer llovió mucho ."],
        ["En la casa duerme el gato .", "Llovió mucho ayer ."],
    )
    assert read_paraphrase_pairs(write_tsv(tmp_path / "test.tsv", ROWS)) == expected
    columns = ["id", "sentence1", "sentence2", "label"]
    table = pa.table({name: [row[i] for row in ROWS] for i, name in enumerate(columns)})
    pq.write_table(table, tmp_path / "test.parquet")
    assert read_paraphrase_pairs(tmp_path / "test.parquet") == expected


def test_bad_files_name_the_file_and_line(tmp_path):
    with pytest.raises(InputError, match=r"missing column.*label") as info:
        read_paraphrase_pairs(write_tsv(tmp_path / "a.tsv", ROWS, "id\tsentence1\tsentence2"))
    assert info.value.line == 1
    bad = [*ROWS[:2], (3, "a", "b", "yes")]
    with pytest.raises(InputError, match="label must be 0 or 1, got 'yes'") as info:
        read_paraphrase_pairs(write_tsv(tmp_path / "b.tsv", bad))
    assert (info.value.path, info.value.line) == (str(tmp_path / "b.tsv"), 4)
    with pytest.raises(InputError, match=r"no paraphrase pair \(label 1\)"):
        read_paraphrase_pairs(write_tsv(tmp_path / "c.tsv", [ROWS[1]]))
    with pytest.raises(InputError, match="cannot read"):
        read_paraphrase_pairs(tmp_path / "absent.tsv")
