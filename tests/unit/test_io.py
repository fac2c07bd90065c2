"""xlprobe.io: atomic writes that never remove what they did not create; shared line reading."""

from __future__ import annotations

import pytest

from xlprobe.errors import InputError
from xlprobe.io import atomic_path, check_output_path, read_text_lines, write_text_atomic


def test_write_replaces_a_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.txt"
    write_text_atomic(path, "old\n")
    write_text_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_an_existing_directory_is_never_replaced_by_default(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("precious")
    with pytest.raises(InputError, match="is an existing directory; nothing was written"):
        write_text_atomic(target, "x")
    with pytest.raises(InputError, match="is an existing directory"), atomic_path(target) as tmp:
        tmp.mkdir()
    assert (target / "keep.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_dir_swaps_a_directory_the_caller_owns(tmp_path):
    target = tmp_path / "store"
    target.mkdir()
    (target / "old.npy").write_text("old")
    with atomic_path(target, replace_dir=True) as tmp:
        tmp.mkdir()
        (tmp / "new.npy").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.npy"]
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_a_failed_block_leaves_the_old_directory(tmp_path):
    target = tmp_path / "store"
    target.mkdir()
    (target / "old.npy").write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target, replace_dir=True) as tmp:
        tmp.mkdir()
        raise RuntimeError("interrupted")
    assert [p.name for p in target.iterdir()] == ["old.npy"]
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_a_path_below_a_file_names_the_file(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(InputError, match=f"cannot write --out={blocker}/a/b.tsv: {blocker} is a"):
        check_output_path(blocker / "a" / "b.tsv", option="--out")
    with pytest.raises(InputError, match=f"{blocker} is a file, not a directory"):
        write_text_atomic(blocker / "b.tsv", "x")
    assert blocker.read_text() == "x"


def test_directory_outputs_may_exist_but_not_as_files(tmp_path):
    existing = tmp_path / "run"
    existing.mkdir()
    assert check_output_path(existing, option="paths.output_dir", directory=True) == existing
    assert check_output_path(tmp_path / "new" / "run", directory=True) == tmp_path / "new" / "run"
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"paths\.output_dir=.*afile is a file, not a directory"):
        check_output_path(blocker, option="paths.output_dir", directory=True)


def test_read_text_lines_splits_on_newlines_only(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("a\u2028b\r\nc\rd\n".encode())
    assert read_text_lines(path, expected="text") == ["a\u2028b", "c", "d"]
