"""ActivationStore pieces: in-place layer writes, token table round trip, cache keys."""

from __future__ import annotations

import json

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.concepts import TokenTable
from xlprobe.probing.extract import ExtractionSettings
from xlprobe.probing.store import (
    STORE_FORMAT,
    ActivationStore,
    StoreWriter,
    cache_key,
    fits_float16,
    layer_file,
    write_tokens,
)


def test_rows_written_in_any_order_land_at_their_index(tmp_path):
    rng = np.random.default_rng(0)
    expected = rng.standard_normal((7, 3)).astype(np.float16)
    writer = StoreWriter(tmp_path, [0, 4], n_rows=7, dim=3)
    for rows in ([5, 6], [0, 1, 3], [2, 4]):  # runs and gaps, out of order
        writer.write(0, np.array(rows), expected[rows])
        writer.write(4, np.array(rows), -expected[rows])
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer_00.npy", "layer_04.npy"]
    np.testing.assert_array_equal(np.load(tmp_path / layer_file(0)), expected)
    np.testing.assert_array_equal(np.load(tmp_path / layer_file(4)), -expected)


def test_a_layer_beyond_float16_is_widened_to_float32_keeping_earlier_rows(tmp_path):
    rng = np.random.default_rng(0)
    # the first batch is float16-exact; the second holds values float16 cannot hold
    expected = rng.standard_normal((6, 4)).astype(np.float16).astype(np.float32)
    expected[3:] = [
        [65504.0, -65505.0, 1e6, 123456.789],
        [1e-3, 2.5e5, -7e9, 0.1],
        [1.0, 2.0, 3.0, 4.0],
    ]
    writer = StoreWriter(tmp_path, [0, 1], n_rows=6, dim=4)
    writer.write(0, np.array([0, 1, 2]), expected[:3])
    writer.write(1, np.array([0, 1, 2]), expected[:3])
    assert writer.dtypes == {0: "float16", 1: "float16"}
    writer.write(0, np.array([3, 4, 5]), expected[3:])
    writer.write(1, np.array([3, 4, 5]), expected[:3] / 2)
    assert writer.dtypes == {0: "float32", 1: "float16"}
    writer.write(0, np.array([0]), expected[:1])  # a widened layer stays float32
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer_00.npy", "layer_01.npy"]
    layer0 = np.load(tmp_path / layer_file(0))
    assert layer0.dtype == np.float32 and np.abs(layer0).max() > 65504
    np.testing.assert_array_equal(layer0, expected)
    layer1 = np.load(tmp_path / layer_file(1))
    assert layer1.dtype == np.float16
    np.testing.assert_array_equal(layer1, np.concatenate([expected[:3], expected[:3] / 2]))


def test_fits_float16_is_the_float16_range():
    assert fits_float16(np.array([65504.0, -65504.0, 0.0, np.nan]))
    assert not fits_float16(np.array([0.0, -65504.5]))
    assert not fits_float16(np.array([np.inf]))
    assert not fits_float16(np.array([np.nan, 1e5]))  # a NaN does not hide a large value
    assert fits_float16(np.zeros((0, 4)))


def test_writer_rejects_values_of_the_wrong_shape(tmp_path):
    writer = StoreWriter(tmp_path, [0], n_rows=4, dim=3)
    with pytest.raises(ValueError, match="expected"):
        writer.write(0, np.array([0, 1]), np.zeros((2, 4)))
    writer.close()


def make_store(path, tokens: TokenTable, layers, dim=2) -> np.ndarray:
    path.mkdir()
    values = np.arange(len(tokens) * dim, dtype=np.float16).reshape(len(tokens), dim)
    writer = StoreWriter(path, layers, len(tokens), dim)
    for layer in layers:
        writer.write(layer, np.arange(len(tokens)), values + layer)
    writer.close()
    write_tokens(tokens, path / "tokens.parquet")
    meta = {"format": STORE_FORMAT, "layers": layers, "n_rows": len(tokens), "dim": dim}
    (path / "meta.json").write_text(json.dumps(meta))
    return values


def test_store_opens_as_memory_maps_with_its_token_table(tmp_path):
    tokens = TokenTable.from_columns(
        ["a|||b", "كلب", "Hund", "a|||b"], "de", [0, 0, 3, 7], [0, 4, 1, 2], [0, 0, 0, 1]
    )
    values = make_store(tmp_path / "s", tokens, [0, 2])
    store = ActivationStore.open(tmp_path / "s")
    assert store.layers == [0, 2]
    assert len(store) == 4
    layer = store.layer(2)
    assert isinstance(layer, np.memmap) and layer.dtype == np.float16
    np.testing.assert_array_equal(layer, values + 2)
    assert store.tokens.word.tolist() == ["a|||b", "كلب", "Hund", "a|||b"]
    assert store.tokens.lang.tolist() == ["de"] * 4
    assert store.tokens.sentence.tolist() == [0, 0, 3, 7]
    assert store.tokens.position.tolist() == [0, 4, 1, 2]
    assert store.tokens.occurrence.tolist() == [0, 0, 0, 1]
    with pytest.raises(InputError, match="layer 1 not in this store"):
        store.layer(1)


def test_incomplete_or_foreign_directories_are_not_stores(tmp_path):
    assert not ActivationStore.is_complete(tmp_path)
    with pytest.raises(InputError, match=r"meta\.json missing"):
        ActivationStore.open(tmp_path)
    (tmp_path / "meta.json").write_text(json.dumps({"format": STORE_FORMAT + 1}))
    with pytest.raises(InputError, match="format"):
        ActivationStore.open(tmp_path)


def test_cache_key_changes_with_every_input_and_only_then():
    settings = ExtractionSettings()
    sentences = ["der Hund", "die Katze"]
    key = cache_key("m@1", sentences, settings, "encoder", "de")
    assert len(key) == 16 and int(key, 16) >= 0
    assert key == cache_key("m@1", list(sentences), ExtractionSettings(), "encoder", "de")
    variants = [
        cache_key("m@2", sentences, settings, "encoder", "de"),
        cache_key("m@1", ["der Hund", "die Katzen"], settings, "encoder", "de"),
        cache_key("m@1", ["der", "Hund die Katze"], settings, "encoder", "de"),
        cache_key("m@1", sentences, ExtractionSettings(max_per_type=5), "encoder", "de"),
        cache_key("m@1", sentences, ExtractionSettings(layers=[0, 1]), "encoder", "de"),
        cache_key("m@1", sentences, settings, "decoder", "de"),
        cache_key("m@1", sentences, settings, "encoder", "en"),
        cache_key("m@1", sentences, settings, "encoder", "de", source="abc"),
    ]
    assert len({key, *variants}) == len(variants) + 1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"aggregation": "max"}, "aggregation"),
        ({"max_per_type": 0}, "max_per_type"),
        ({"batch_size": 0}, "batch_size"),
        ({"layers": [-1]}, "layers"),
    ],
)
def test_bad_extraction_settings_are_input_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        ExtractionSettings(**kwargs)


def test_settings_layers_are_sorted_and_unique():
    assert ExtractionSettings(layers=[3, 0, 3]).layers == (0, 3)
