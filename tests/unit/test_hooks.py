"""Hooks on tiny real models built from configs: reading, intervening, and clean removal."""

from __future__ import annotations

import re

import pytest

from xlprobe.errors import InputError
from xlprobe.probing.hooks import capture, hook_point, layer_modules, set_units

torch = pytest.importorskip("torch")


def tiny_bert():
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=40,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=24,
    )
    return BertModel(config).eval()


def tiny_t5():
    from transformers import MT5Config, MT5EncoderModel

    torch.manual_seed(0)
    config = MT5Config(vocab_size=40, d_model=16, d_kv=8, d_ff=24, num_layers=2, num_heads=2)
    return MT5EncoderModel(config).eval()


def n_hooks(model) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


IDS = torch.tensor([[2, 5, 7, 9, 3], [2, 11, 4, 3, 0]])


def test_name_map_finds_one_module_per_layer():
    bert, t5 = tiny_bert(), tiny_t5()
    assert layer_modules(bert, hook_point(bert, "ffn")) == {
        "encoder.layer.0.intermediate": 0,
        "encoder.layer.1.intermediate": 1,
    }
    point = hook_point(t5, "ffn")
    assert point.read == "input"
    assert list(layer_modules(t5, point).values()) == [0, 1]
    with pytest.raises(InputError, match="known"):
        hook_point(bert, "nope")


@pytest.mark.parametrize("make", [tiny_bert, tiny_t5])
def test_set_units_sets_exactly_the_chosen_units(make):
    model = make()
    point = hook_point(model, "ffn")
    name = next(iter(layer_modules(model, point)))
    with torch.no_grad(), capture(model, name, read=point.read) as cache:
        model(input_ids=IDS)
        plain = cache[name].clone()
        with set_units(model, {name: ([1, 7], [3.5, -2.0])}, read=point.read):
            model(input_ids=IDS)
        changed = cache[name]
    assert torch.all(changed[..., 1] == 3.5) and torch.all(changed[..., 7] == -2.0)
    others = [u for u in range(plain.shape[-1]) if u not in (1, 7)]
    assert torch.equal(changed[..., others], plain[..., others])
    assert not torch.equal(changed, plain)
    assert n_hooks(model) == 0


def test_intervention_changes_later_layers_only():
    model = tiny_bert()
    with torch.no_grad():
        plain = model(input_ids=IDS, output_hidden_states=True).hidden_states
        with set_units(model, {"encoder.layer.1.intermediate": ([0], [5.0])}):
            moved = model(input_ids=IDS, output_hidden_states=True).hidden_states
    assert torch.equal(plain[1], moved[1]) and not torch.equal(plain[2], moved[2])


def test_no_hook_is_left_behind_after_an_exception():
    model = tiny_bert()
    reader = capture(model, re.compile("intermediate$"))
    writer = set_units(model, {"encoder.layer.0.intermediate": ([0], [1.0])})
    with pytest.raises(RuntimeError, match="boom"), reader, writer:
        assert n_hooks(model) == 3
        raise RuntimeError("boom")
    assert n_hooks(model) == 0
    # A bad second module fails while the hooks are attached: the first one's goes too.
    bad = {
        "encoder.layer.0.intermediate": ([0], [1.0]),
        "encoder.layer.1.intermediate": ([0, 1], [1.0]),
    }
    with pytest.raises(ValueError, match="2 units but 1 values"), set_units(model, bad):
        model(input_ids=IDS)
    assert n_hooks(model) == 0


def test_filters_select_by_name_list_pattern_and_predicate():
    model = tiny_bert()
    wanted = ["encoder.layer.0.output", "encoder.layer.1.output"]
    for names in (wanted, re.compile(r"layer\.\d\.output$"), lambda n: n in wanted):
        with torch.no_grad(), capture(model, names) as cache:
            model(input_ids=IDS)
        assert sorted(cache) == wanted
    with pytest.raises(InputError, match="selects no module"), capture(model, "no.such"):
        pass
