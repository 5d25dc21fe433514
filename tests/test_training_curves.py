"""Tests of kit.training.curves: the loss and metric panels, on the figure's artists."""

from kit.training.curves import curves_figure, figure_png


def test_curves_figure_draws_train_and_validation():
    history = {"loss": [1.0, 0.8], "val_loss": [1.1, 0.9], "accuracy": [0.5, 0.6], "val_accuracy": [0.4, 0.5]}
    partial = {"loss": [(2.5, 0.7)]}
    figure = curves_figure(history, partial)
    loss_axes, metric_axes = figure.axes
    lines = {line.get_label(): line for line in loss_axes.lines}
    assert list(lines["loss"].get_xdata()) == [1, 2, 2.5]
    assert list(lines["val_loss"].get_ydata()) == [1.1, 0.9] and lines["val_loss"].get_linestyle() == "--"
    assert {line.get_label() for line in metric_axes.lines} == {"accuracy", "val_accuracy"}
    assert figure_png(figure)[:4] == b"\x89PNG"


def test_curves_figure_without_metrics_has_one_panel():
    assert len(curves_figure({"loss": [1.0]}).axes) == 1


def test_long_runs_lose_their_markers_and_running_metrics_get_a_line():
    figure = curves_figure({"loss": [1.0] * 40}, {"accuracy": [(40.5, 0.5)]})
    loss_axes, metric_axes = figure.axes
    assert loss_axes.lines[0].get_marker() == "None"
    assert [line.get_label() for line in metric_axes.lines] == ["accuracy"]
