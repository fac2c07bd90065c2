"""xlprobe.io: atomic writes that never remove what they did not create; outputs that never
overwrite inputs; the one reading of text inputs."""

from __future__ import annotations

import os

import pytest

from xlprobe.errors import InputError
from xlprobe.io import (
    atomic_path,
    check_output_path,
    check_outputs,
    read_text,
    read_text_lines,
    write_text_atomic,
)


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


def test_read_text_lines_ends_lines_at_newline_crlf_and_a_final_cr(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("a\u2028b\r\nc\td\ne\r".encode())
    assert read_text_lines(path, expected="text") == ["a\u2028b", "c\td", "e"]
    assert read_text(path, expected="text") == "a\u2028b\nc\td\ne\n"


def test_a_leading_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffde\r\nen\r\n".encode())
    assert read_text_lines(path, expected="codes") == ["de", "en"]
    path.write_bytes("\ufeff \n".encode())
    with pytest.raises(InputError, match="empty file, expected codes"):
        read_text_lines(path, expected="codes")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a\nb\rc\nd\n", 2, "carriage return"),
        ("a\nb\r\r\nc\n", 2, "carriage return"),
        ("a\nb\n\x00\n", 3, r"U\+0000 \(NUL\) in column 1"),
        ("a\nb c\x0c\n", 2, r"U\+000C in column 4"),
        ("a\x1b[0m\n", 1, r"U\+001B \(ESC\)"),
        ("a\nb\x7f\n", 2, r"U\+007F \(DEL\)"),
        ("a\nb\x85c\n", 2, r"U\+0085 \(NEL\)"),
        ("\ufeffa\n\ufeffb\n", 2, "byte-order mark"),
    ],
)
def test_lone_cr_and_control_characters_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode())
    with pytest.raises(InputError, match=message) as err:
        read_text_lines(path, expected="text")
    assert (err.value.path, err.value.line) == (str(path), line)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"ok\n\xff\n", 2, "not UTF-8 text"),
        (b"\xef\xbb\xbfok\nok\n\xe4\n", 3, "not UTF-8 text"),
        ("a\nb\n".encode("utf-16"), 1, "UTF-16"),
    ],
)
def test_decoding_is_strict_and_names_the_line(tmp_path, data, line, message):
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        read_text(path, expected="text")
    assert err.value.line == line


@pytest.fixture
def files(tmp_path):
    """An input file, an input directory holding a file, and a free directory."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("a")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "x.csv").write_text("x")
    (tmp_path / "free").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("in/a.txt", "--out=.*in/a.txt is the input .*in/a.txt: writing it would destroy"),
        ("free/../in/a.txt", "is the input .*in/a.txt"),
        ("link", "--out=.*link is the input .*in/a.txt"),
        ("hard", "--out=.*hard is the input .*in/a.txt"),
        ("in", "--out=.*in contains the input .*in/a.txt"),
        (".", "contains the input"),
        ("run", "--out=.*run is the input .*run"),
        ("run/new.csv", "lies inside the input directory .*run"),
        ("run/sub/new.csv", "lies inside the input directory .*run"),
    ],
)
def test_check_outputs_refuses_an_output_that_is_or_holds_an_input(files, output, message):
    os.symlink(files / "in" / "a.txt", files / "link")
    os.link(files / "in" / "a.txt", files / "hard")
    inputs = [files / "in" / "a.txt", files / "run", files / "absent.txt", None]
    with pytest.raises(InputError, match=message):
        check_outputs(inputs, [(files / output, "--out")])
    assert (files / "in" / "a.txt").read_text() == "a"


def test_check_outputs_accepts_outputs_apart_from_the_inputs(files):
    inputs = [files / "in" / "a.txt", files / "run"]
    outputs = [(files / "free" / "a.txt", "--out"), (files / "new" / "d", "--dir"), (None, "-r")]
    check_outputs(inputs, outputs)
    os.symlink(files / "in", files / "free" / "in-link")
    check_outputs([files / "free" / "in-link" / "a.txt"], [(files / "free" / "b.txt", "--out")])
    with pytest.raises(InputError, match="contains the input"):
        check_outputs([files / "free" / "in-link" / "a.txt"], [(files / "in", "--out")])


def test_check_outputs_refuses_two_outputs_at_one_path(files):
    one, other = files / "free" / "d.tsv", files / "free" / ".." / "free" / "d.tsv"
    with pytest.raises(InputError, match=r"--reverse=.*d.tsv is the same path as --out="):
        check_outputs([], [(one, "--out"), (other, "--reverse")])
