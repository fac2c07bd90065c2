"""ProbeReport: CSV and record round trips, de-duplication on resume, scalar keys, bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.probes import check_row
from xlprobe.probing.report import (
    ROW_COLUMNS,
    ConceptExample,
    ProbeReport,
    ProbeRow,
    read_examples_csv,
    scalar_key,
    write_examples_csv,
)


def row(epoch=0, layer=6, *, metric="calign", side_s="encoder", side_t="encoder", lang_s="de",
        lang_t="en", num=3, den=4, step=None) -> ProbeRow:  # fmt: skip
    state = "base" if epoch == -1 else "finetuned"
    return ProbeRow(
        epoch=epoch,
        step=(epoch + 1) * 10 if step is None else step,
        model_state=state,
        side_s=side_s,
        lang_s=lang_s,
        side_t=side_t,
        lang_t=lang_t,
        layer=layer,
        metric=metric,
        value=100.0 * num / den if den else math.nan,
        numerator=num,
        denominator=den,
    )


def example(epoch=0, layer=6, concept_s=1, words_s=("Haus", "Häuser")) -> ConceptExample:
    return ConceptExample(
        epoch=epoch,
        model_state="base" if epoch == -1 else "finetuned",
        metric="calign",
        side_s="encoder",
        lang_s="de",
        side_t="decoder",
        lang_t="en",
        layer=layer,
        concept_s=concept_s,
        concept_t=7,
        words_s=words_s,
        words_t=("house", "houses"),
        score=0.5,
    )


@pytest.fixture
def report() -> ProbeReport:
    rows = [row(e, layer, num=layer, den=12) for e in (-1, 0, 1) for layer in range(3)]
    rows += [row(0, 2, metric="colap", lang_s="fr", num=1, den=3)]
    rows += [row(1, 2, side_t="decoder", num=2, den=7)]
    rows += [row(0, 1, num=0, den=0)]  # replaces the (0, 1) calign row: NaN value
    return ProbeReport(rows=rows, examples=[example(), example(-1)], timings={"extract": 1.25})


def test_scalar_key_formats():
    assert scalar_key(row(layer=6)) == "probe/calign/encoder/de-en/layer_06"
    assert (
        scalar_key(row(layer=6, side_t="decoder")) == "probe/calign/encoder-decoder/de-en/layer_06"
    )
    assert scalar_key(row(layer=12, metric="colap")) == "probe/colap/encoder/de-en/layer_12"


def test_constructor_deduplicates_keeping_the_later_row(report):
    assert len(report.rows) == 9 + 2
    (r,) = report.select(epoch=0, layer=1, metric="calign", side_t="encoder")
    assert (r.numerator, r.denominator) == (0, 0) and math.isnan(r.value)


def test_csv_round_trip(tmp_path, report):
    path = tmp_path / "sub" / "probe_report.csv"
    report.to_csv(path)
    assert path.read_text().splitlines()[0] == ",".join(ROW_COLUMNS)
    back = ProbeReport.read_csv(path)
    assert [r.key for r in back.rows] == [r.key for r in report.rows]
    for a, b in zip(back.rows, report.rows, strict=True):
        assert a.value == b.value or (math.isnan(a.value) and math.isnan(b.value))
        assert (a.numerator, a.denominator) == (b.numerator, b.denominator)
    assert [p.name for p in path.parent.iterdir()] == ["probe_report.csv"]  # no temp left


def test_examples_csv_round_trip(tmp_path, report):
    path = tmp_path / "probe_examples.csv"
    write_examples_csv(report.examples, path)
    assert read_examples_csv(path) == report.examples


def test_records_round_trip_is_plain_data(report):
    records = report.to_records()
    assert set(records) == {"rows", "examples", "timings"}
    assert records["examples"][0]["words_s"] == ["Haus", "Häuser"]
    assert all(type(v) in (int, float, str) for r in records["rows"] for v in r.values())
    back = ProbeReport.from_records(records)
    assert [r.key for r in back.rows] == [r.key for r in report.rows]
    assert back.examples == report.examples and back.timings == report.timings


def test_merge_on_resume_does_not_duplicate(report):
    restored = ProbeReport.from_records(report.to_records())
    # The resumed run re-probes epoch 1 (new values) and then probes epoch 2.
    resumed = ProbeReport(
        rows=[row(1, layer, num=1, den=12) for layer in range(3)] + [row(2, 0, num=5, den=12)],
        examples=[example(0, concept_s=9)],
        timings={"extract": 2.0, "cluster": 3.0},
    )
    restored.extend(resumed)
    assert len(restored.rows) == len(report.rows) + 1
    assert [r.numerator for r in restored.select(epoch=1, metric="calign", side_t="encoder")] == [
        1,
        1,
        1,
    ]
    assert restored.select(epoch=1, side_t="decoder") == report.select(epoch=1, side_t="decoder")
    assert [(e.epoch, e.concept_s) for e in restored.examples] == [(-1, 1), (0, 9)]
    assert restored.timings == {"extract": 2.0, "cluster": 3.0}
    assert restored.epochs() == [-1, 0, 1, 2]
    assert restored.epochs("finetuned") == [0, 1, 2]


def test_merge_is_pure(report):
    before = report.to_records()
    merged = report.merge(ProbeReport(rows=[row(5, 0)]))
    assert report.to_records() == before
    assert len(merged.rows) == len(report.rows) + 1


def test_scalars_of_one_epoch(report):
    scalars = report.scalars(0)
    assert scalars["probe/calign/encoder/de-en/layer_02"] == pytest.approx(100 * 2 / 12)
    assert scalars["probe/colap/encoder/fr-en/layer_02"] == pytest.approx(100 / 3)
    assert len(scalars) == 4
    assert set(report.scalars(-1, "base")) == {
        f"probe/calign/encoder/de-en/layer_{i:02d}" for i in range(3)
    }
    assert report.scalars(-1, "finetuned") == {}


def test_pairs_and_frame(report):
    assert report.pairs() == [
        ("calign", "encoder", "decoder"),
        ("calign", "encoder", "encoder"),
        ("colap", "encoder", "encoder"),
    ]
    frame = report.to_frame()
    assert list(frame.columns) == list(ROW_COLUMNS) and len(frame) == len(report.rows)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model_state": "base"}, "epoch must be -1"),
        ({"side_t": "middle"}, "side must be one of"),
        ({"numerator": 5}, "numerator <= denominator"),
        ({"value": 101.0}, "ci_low <= value <= ci_high"),
        ({"lang_t": ""}, "language code"),
    ],
)
def test_invalid_rows_are_rejected(change, message):
    fields = row().__dict__ | change
    with pytest.raises(ValueError, match=message):
        ProbeRow(**fields)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "bleu"}, "metric must be one of"),
        (
            {"value": 101.0, "ci_low": 101.0, "ci_high": 101.0},
            r"calign value must lie in \[0, 100\]",
        ),
        ({"metric": "colap", "side_t": "decoder"}, "side_s == side_t"),
    ],
)
def test_rows_that_fit_no_registered_metric_are_rejected_by_the_registry(tmp_path, change, message):
    good, bad = row(layer=5), ProbeRow(**(row().__dict__ | change))
    check_row(good)
    with pytest.raises(ValueError, match=message):
        check_row(bad)
    path = tmp_path / "r.csv"
    ProbeReport(rows=[good, bad]).to_csv(path)
    assert ProbeReport.read_csv(path).rows == [good, bad]
    with pytest.raises(InputError, match=message) as info:
        ProbeReport.read_csv(path, check=check_row)
    assert (info.value.path, info.value.line) == (str(path), 3)


def test_numpy_scalars_become_plain_python():
    r = ProbeRow(**(row().__dict__ | {"numerator": np.int64(3), "value": np.float32(75.0)}))
    assert type(r.numerator) is int and type(r.value) is float
    with pytest.raises(ValueError, match="layer must be an integer"):
        ProbeRow(**(row().__dict__ | {"layer": 6.0}))


def test_example_words_must_not_contain_spaces():
    with pytest.raises(ValueError, match="without whitespace"):
        example(words_s=("two words",))


def _write_csv_lines(tmp_path, lines):
    path = tmp_path / "probe_report.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_malformed_value_names_file_and_line(tmp_path, report):
    report.to_csv(tmp_path / "ok.csv")
    lines = (tmp_path / "ok.csv").read_text().splitlines()
    assert ",finetuned," in lines[4]
    lines[4] = lines[4].replace(",finetuned,", ",trained,")
    path = _write_csv_lines(tmp_path, lines)
    with pytest.raises(InputError, match="model_state") as info:
        ProbeReport.read_csv(path)
    assert (info.value.path, info.value.line) == (str(path), 5)
    assert str(info.value).startswith(f"{path}:5: ")


def test_wrong_field_count_and_bad_number(tmp_path, report):
    report.to_csv(tmp_path / "ok.csv")
    lines = (tmp_path / "ok.csv").read_text().splitlines()
    short = _write_csv_lines(tmp_path, [*lines[:3], lines[3].rsplit(",", 1)[0]])
    expected = f"expected {len(ROW_COLUMNS)} comma-separated fields"
    with pytest.raises(InputError, match=expected) as info:
        ProbeReport.read_csv(short)
    assert info.value.line == 4
    bad = _write_csv_lines(tmp_path, [*lines[:2], lines[2].rsplit(",", 3)[0] + ",x,plain,all"])
    with pytest.raises(InputError, match="column 'n_seeds': expected an integer") as info:
        ProbeReport.read_csv(bad)
    assert info.value.line == 3


def test_missing_columns_and_missing_file(tmp_path):
    path = _write_csv_lines(tmp_path, ["epoch,step,value", "0,1,2.0"])
    with pytest.raises(InputError, match=r"missing column.*model_state") as info:
        ProbeReport.read_csv(path)
    assert info.value.line == 1
    with pytest.raises(InputError, match="cannot read"):
        ProbeReport.read_csv(tmp_path / "absent.csv")


def test_a_csv_written_before_seed_columns_reads_as_one_seed(tmp_path):
    path = _write_csv_lines(
        tmp_path,
        [",".join(ROW_COLUMNS[:12]), "0,10,finetuned,encoder,de,encoder,en,6,calign,75.0,3,4"],
    )
    (read,) = ProbeReport.read_csv(path).rows
    assert (read.value, read.sd, read.ci_low, read.ci_high, read.n_seeds) == (
        75.0,
        0.0,
        75.0,
        75.0,
        1,
    )


def test_a_condition_row_is_kept_beside_its_plain_twin_and_round_trips(tmp_path):
    plain = row(layer=6)
    steered = dataclasses.replace(
        plain, value=50.0, ci_low=50.0, ci_high=50.0, numerator=2, condition="experts-es-k10"
    )
    report = ProbeReport(rows=[plain, steered])
    assert len(report.rows) == 2 and plain.condition == "plain"
    report.to_csv(tmp_path / "r.csv")
    assert ProbeReport.read_csv(tmp_path / "r.csv").rows == report.rows
    assert report.scalars(0) == {
        "probe/calign/encoder/de-en/layer_06": 75.0,
        "probe/experts-es-k10/calign/encoder/de-en/layer_06": 50.0,
    }
    assert report.select(condition="experts-es-k10") == [steered]
    with pytest.raises(ValueError, match="condition must be a non-empty word"):
        dataclasses.replace(plain, condition="experts es")
    # a CSV written before the condition column reads as plain rows
    lines = (tmp_path / "r.csv").read_text().splitlines()
    old = [",".join(line.split(",")[:-1]) for line in lines[:2]]
    (read,) = ProbeReport.read_csv(_write_csv_lines(tmp_path, old)).rows
    assert read == plain


def test_seed_columns_round_trip_and_sd_is_logged_only_for_several_seeds(tmp_path):
    spread = ProbeRow(
        0, 10, "finetuned", "encoder", "de", "encoder", "en", 6, "calign", 50.0, 6, 12,
        sd=10.0, ci_low=25.2, ci_high=74.8, n_seeds=3,
    )  # fmt: skip
    single = row(layer=5)
    report = ProbeReport(rows=[spread, single])
    report.to_csv(tmp_path / "r.csv")
    assert ProbeReport.read_csv(tmp_path / "r.csv").rows == report.rows
    scalars = report.scalars(0)
    assert scalars["probe_sd/calign/encoder/de-en/layer_06"] == 10.0
    assert "probe_sd/calign/encoder/de-en/layer_05" not in scalars
    assert scalars["probe/calign/encoder/de-en/layer_06"] == 50.0


def test_seed_agreement_is_an_index_and_random_init_is_untrained():
    ari = ProbeRow(
        -1, 0, "random_init", "encoder", "de", "encoder", "de", 2, "seed_ari", -0.2, 3, 3
    )
    assert ari.value == -0.2
    check_row(ari)
    with pytest.raises(ValueError, match=r"seed_ari value must lie in \[-1, 1\]"):
        check_row(
            ProbeRow(-1, 0, "base", "encoder", "de", "encoder", "de", 2, "seed_ari", 50.0, 3, 3)
        )
    with pytest.raises(ValueError, match="epoch must be -1"):
        ProbeRow(0, 0, "random_init", "encoder", "de", "encoder", "en", 2, "calign", 5.0, 1, 20)
