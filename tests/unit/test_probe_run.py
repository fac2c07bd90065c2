"""``probe.py from_run=``: which probe settings the command line changes when re-scoring."""

from __future__ import annotations

import re

import pytest

from xlprobe.errors import InputError
from xlprobe.probe_run import rescored_keys


@pytest.mark.parametrize(
    ("overrides", "keys"),
    [
        (["experiment=demo", "from_run=/runs/a", "logger=csv"], []),
        (["from_run=/runs/a", "probe.calign.n_best=5"], ["calign.n_best"]),
        (
            ["probe.colap.theta=0.4", "+probe.calign.theta=0.6", "++probe.n_examples=1"],
            ["colap.theta", "calign.theta", "n_examples"],
        ),
        (["probe.calign={theta:0.7,n_best:3}"], ["calign"]),
        # cluster settings re-cluster the run's kept activations
        (["probe.k=50", "probe.n_seeds=3", "probe.seed=4"], ["k", "n_seeds", "seed"]),
        (["probe.dictionaries.de-en=/dicts/de-en.tsv"], ["dictionaries.de-en"]),
        # other groups and keys that merely start with "probe" are not probe settings
        (["probe_run.x=1", "cluster=sklearn", "hydra.sweep.dir=/tmp/s"], []),
    ],
)
def test_only_the_probe_settings_named_on_the_command_line_change(overrides, keys):
    # the run's own experiment (what from_run reads) may be named again
    assert rescored_keys(overrides, unchanged=lambda key: key == "experiment") == keys


@pytest.mark.parametrize(
    "override", ["lang.probe=[de]", "model=mbert", "task=sst2", "experiment=demo_ner", "data.x=1"]
)
def test_what_the_runs_results_depend_on_keeps_the_runs_value(override):
    with pytest.raises(InputError, match=f"^{re.escape(override)}: from_run keeps the"):
        rescored_keys(["from_run=/runs/a", override])
    # naming the run's own value changes nothing
    assert rescored_keys(["from_run=/runs/a", override], unchanged=lambda key: True) == []


@pytest.mark.parametrize(
    "override", ["probe.layers=[1]", "probe=paper", "probe.extraction.max_per_type=3"]
)
def test_a_setting_that_needs_new_clusters_is_an_error_naming_it(override):
    with pytest.raises(InputError, match=f"^{re.escape(override)}: from_run re-scores") as err:
        rescored_keys(["from_run=/runs/a", override])
    assert "\n" not in str(err.value)
    # the value the run was probed with is no change
    assert rescored_keys([override], unchanged=lambda key: True) == []
