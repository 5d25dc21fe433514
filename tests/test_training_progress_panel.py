"""Tests of kit.training.progress_panel: the widgets show what they are told, and the
stored text of the display stays one stable line."""

from kit.training.progress_panel import ProgressPanel, WidgetView


def test_panel_follows_batches_and_epochs():
    panel = ProgressPanel("mlp", epochs=2, initial_epoch=0, steps=4, run_dir="runs/mlp-1", notes=["a note"])
    assert "runs/mlp-1" in panel.title.value and "a note" in panel.title.value
    panel.begin_epoch(0)
    panel.show_batch(9)  # more than the bar holds: the bar stops at its end
    assert (panel.batch_bar.value, panel.batch_label.value) == (4, "9/4")
    panel.end_epoch(0)
    assert (panel.epoch_bar.value, panel.epoch_label.value, panel.batch_label.value) == (1, "1/2", "4/4")
    panel.begin_epoch(1)
    assert panel.batch_bar.value == 0 and panel.epoch_label.value == "1/2"
    panel.show_numbers("loss 1")
    assert panel.numbers.value == "loss 1"


def test_panel_without_known_steps_counts_batches():
    panel = ProgressPanel("m", epochs=1, initial_epoch=0, steps=None)
    panel.show_batch(7)
    assert panel.batch_label.value == "7" and panel.batch_bar.max == 1


def test_widget_view_keeps_the_widget_and_replaces_its_text():
    panel = ProgressPanel("mlp", epochs=1, initial_epoch=0, steps=1)
    bundle = panel.view._repr_mimebundle_()
    assert bundle["text/plain"] == "kit.train progress for 'mlp' (widget)" == repr(panel.view)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert isinstance(panel.view, WidgetView) and panel.view.widget is panel.box
