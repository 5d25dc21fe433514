"""Tests of kit.datasets.show: a picture of samples of every world."""

import os

import matplotlib.figure
import pytest
from datasets_support import WORLDS

import kit.datasets as ds


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_show_draws_samples_of_every_world(name, tmp_path):
    fig = ds.show(name, n=4)
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
    fig.savefig(tmp_path / f"{name}.png", dpi=40)
    assert os.path.getsize(tmp_path / f"{name}.png") > 1000


def test_show_accepts_loaded_arrays():
    (x, y), _ = ds.mnist(12, 2, source="generated", verbose=False)
    fig = ds.show(x.reshape(12, 784), y, n=10)
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(v) for v in y[:10]]
    (x, y), _ = ds.cifar10(5, 2, source="generated", verbose=False)
    fig = ds.show(x, y, n=5, class_names=ds.SHAPE_CLASSES)
    assert fig.axes[0].get_title() == ds.SHAPE_CLASSES[y[0, 0]]
    (x, y), _ = ds.shapes_vqa(3, 1)
    fig = ds.show(x, y, n=3)
    assert fig.axes[0].get_title().startswith(ds.decode(x["question_input"][0], ds.QA_WORDS))
