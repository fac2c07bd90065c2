"""Probe settings: built from the probe config node, every option typed and bounded by its
dataclass (:mod:`xlprobe.options`), plug-in blocks from the probe registry."""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Literal

import pytest

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.settings import ProbeSettings, probe_settings


def test_settings_from_nested_dicts_and_pivot_is_not_probed():
    s = ProbeSettings.from_mapping(
        {"languages": ["fr", "en", "de"], "calign": {"theta": 0.7}, "colap": {"theta": 0.4}}
    )
    assert s.languages == ("fr", "de")
    assert s.calign.theta == 0.7 and s.calign.n_best == 10 and s.colap.theta == 0.4
    assert s.sentence.enabled and s.embeddings.k == 10  # plug-in blocks get their defaults
    assert ProbeSettings.from_mapping(s.to_dict()) == s
    assert set(s.to_dict()) == set(ProbeSettings.known_keys())


def test_probe_settings_leave_the_run_keys_out():
    node = {"enabled": True, "every_n_epochs": 2, "probe_base": False, "corpus": {"dir": "x"}}
    s = probe_settings({**node, "k": 40}, ["de"], "en")
    assert s.k == 40 and s.languages == ("de",) and s.pivot == "en"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"languages": ["en"]}, "no language besides the pivot"),
        ({"languages": ["de"], "sides": ["middle"]}, r"probe.sides=\['middle'\]: expected"),
        ({"languages": ["de"], "k": 1}, r"probe.k=1: expected an integer >= 2 or null"),
        ({"languages": ["de"], "k": "abc"}, r"probe.k='abc': expected an integer >= 2 or null"),
        ({"languages": ["de"], "k": 2.5}, r"probe.k=2.5: expected an integer"),
        ({"languages": ["de"], "k": True}, r"probe.k=True: expected an integer"),
        (
            {"languages": ["de"], "layers": ["a"]},
            r"probe.layers=\['a'\]: expected a list, each an integer",
        ),
        ({"languages": ["de"], "layers": [-1]}, r"probe.layers=\[-1\]: expected"),
        ({"languages": ["de"], "kk": 3}, "unknown probe setting"),
        ({"languages": ["de"], "calign": {"thetaa": 0.3}}, "unknown probe.calign setting"),
        ({"languages": ["de"], "calign": {"theta": 1.5}}, r"probe.calign.theta=1.5: .* \(0, 1\]"),
        ({"languages": ["de"], "calign": {"theta": 0}}, r"probe.calign.theta=0: "),
        ({"languages": ["de"], "calign": {"theta": float("nan")}}, r"theta=nan: expected a fin"),
        ({"languages": ["de"], "calign": {"n_best": 1.5}}, r"probe.calign.n_best=1.5: expected"),
        ({"languages": ["de"], "calign": {"rule": "loose"}}, r"rule='loose': expected one of"),
        ({"languages": ["de"], "calign": {"max_size_diff": 1.5}}, r"max_size_diff=1.5: .*\[0, 1\]"),
        ({"languages": ["de"], "colap": {"theta": -0.1}}, "probe.colap.theta"),
        ({"languages": ["de"], "colap": 3}, r"probe.colap=3: expected a mapping"),
        ({"languages": ["de"], "types_per_concept": 0}, "probe.types_per_concept=0"),
        ({"languages": ["de"], "max_iter": 0}, r"probe.max_iter=0: expected an integer >= 1"),
        ({"languages": ["de"], "n_examples": -1}, r"probe.n_examples=-1: expected an integer"),
        ({"languages": ["de"], "backend": "bogus"}, "probe.backend='bogus'; expected one of"),
        ({"languages": ["de"], "init": "kmeans"}, r"probe.init='kmeans': expected one of"),
        ({"languages": ["de"], "extraction": {"layers": [1]}}, "set probe.layers"),
        ({"languages": ["de"], "extraction": {"batch_size": 0}}, "extraction.batch_size=0"),
        ({"languages": ["de"], "sentence": {"enabled": "yes"}}, r"sentence.enabled='yes'"),
        ({"languages": ["de"], "embeddings": {"sample": 2.5}}, r"embeddings.sample=2.5"),
        ({"languages": ["de"], "dictionaries": {"de-en": 3}}, r"probe.dictionaries=.*mapping"),
    ],
)
def test_bad_settings_name_the_option(values, message):
    with pytest.raises(InputError, match=message):
        ProbeSettings.from_mapping(values)


@dataclasses.dataclass(frozen=True)
class _Toy(Options):
    prefix: ClassVar[str] = "toy"

    share: float = option(0.5, low=0, high=1, high_open=True)
    count: int | None = option(None, low=1)
    names: tuple[str, ...] = ()
    mode: Literal["a", "b"] = "a"


def test_options_check_every_field_by_its_annotation_and_bounds():
    assert _Toy(share=0, count=3, names=["x", "y"]).names == ("x", "y")  # lists become tuples
    assert _Toy(share=0).share == 0.0 and type(_Toy(share=0).share) is float  # ints are numbers
    for kwargs, message in [
        ({"share": 1.0}, r"toy.share=1.0: expected a finite number in \[0, 1\)"),
        ({"count": 0}, r"toy.count=0: expected an integer >= 1 or null"),
        ({"names": "xy"}, r"toy.names='xy': expected a list, each a string"),
        ({"mode": "c"}, r"toy.mode='c': expected one of a, b"),
    ]:
        with pytest.raises(InputError, match=message):
            _Toy(**kwargs)
    with pytest.raises(InputError, match=r"unknown toy setting\(s\) \['sahre'\]"):
        _Toy.from_mapping({"sahre": 0.1})
    assert _Toy.from_mapping(_Toy(count=2).to_dict()) == _Toy(count=2)
