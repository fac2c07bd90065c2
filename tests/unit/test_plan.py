"""The round plan: views and pairs per model family kind, names, manifest records."""

from __future__ import annotations

import pytest

from xlprobe.errors import InputError
from xlprobe.models.families import family
from xlprobe.probing.plan import ProbePlan, RoundId, View, plan_views
from xlprobe.probing.settings import ProbeSettings


def test_plan_for_encoder_only_and_seq2seq_models():
    s = ProbeSettings(languages=("de", "fr"))
    enc = plan_views(s, family("bert"))
    assert enc.calign_pairs == (
        (View("encoder", "de"), View("encoder", "en")),
        (View("encoder", "fr"), View("encoder", "en")),
    )
    assert enc.joint_pairs == enc.calign_pairs
    s2s = plan_views(s, family("mt5"))
    assert (View("decoder", "de", "en"), View("decoder", "en", "de")) in s2s.calign_pairs
    assert (View("encoder", "de"), View("decoder", "en", "de")) in s2s.calign_pairs
    assert len(s2s.calign_pairs) == 6 and len(s2s.joint_pairs) == 4
    assert {v.name for v in s2s.views} == {
        "encoder.de", "encoder.fr", "encoder.en", "decoder.de.from_en", "decoder.fr.from_en",
        "decoder.en.from_de", "decoder.en.from_fr",
    }  # fmt: skip
    with pytest.raises(InputError, match="the bert family has encoder"):
        plan_views(ProbeSettings(languages=("de",), sides=("decoder",)), family("bert"))


def test_the_plan_round_trips_through_manifest_records_and_names_its_sets():
    plan = plan_views(ProbeSettings(languages=("de",)), family("mt5"))
    assert ProbePlan.from_records(plan.to_records()) == plan
    assert set(plan.cluster_sets()) == {v.name for v in plan.views} | {
        ProbePlan.joint_name(pair) for pair in plan.joint_pairs
    }
    pair = (View("decoder", "de", "en"), View("decoder", "en", "de"))
    assert ProbePlan.joint_name(pair) == "joint.decoder.de.from_en+decoder.en.from_de"


def test_round_names():
    assert RoundId().name == "base"
    assert RoundId(2, 40, "finetuned").name == "epoch_002_step_40"
    assert RoundId(condition="experts-es-k10").name == "base_experts-es-k10"
    record = {"epoch": 0, "step": 3, "model_state": "finetuned"}
    assert RoundId.from_record(record) == RoundId(0, 3, "finetuned")


def test_aligned_tokens_give_calign_its_own_views_and_leave_colap_every_token():
    s = ProbeSettings(languages=("de", "fr"), tokens="aligned")
    plan = plan_views(s, family("bert"))
    assert plan.calign_pairs[0] == (
        View("encoder", "de", aligned_to="en"),
        View("encoder", "en", aligned_to="de"),
    )
    assert plan.joint_pairs[0] == (View("encoder", "de"), View("encoder", "en"))
    assert {v.name for v in plan.views} == {
        "encoder.de", "encoder.fr", "encoder.en", "encoder.de.aligned_en",
        "encoder.fr.aligned_en", "encoder.en.aligned_de", "encoder.en.aligned_fr",
    }  # fmt: skip
    assert {v.stream for v in plan.views} == {View("encoder", lang) for lang in ("de", "fr", "en")}
    assert ProbePlan.from_records(plan.to_records()) == plan
    s2s = plan_views(ProbeSettings(languages=("de",), tokens="aligned"), family("mt5"))
    assert (
        View("decoder", "de", "en", aligned_to="en"),
        View("decoder", "en", "de", aligned_to="de"),
    ) in s2s.calign_pairs
