"""Wrong answers to the custom-layer exercise fail with the intended message."""

from exercise_support import failing

from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


# custom_layer


def custom_model(layer_class):
    def build():
        features = keras.Input(shape=(4,), name="features")
        return keras.Model(features, layer_class(10)(features))

    return build


class NoKwargs(layers.Layer):
    """The guide's first CustomDense: no get_config, no **kwargs."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,))

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


class ForgetsUnits(NoKwargs):
    def __init__(self, units=32, **kwargs):
        layers.Layer.__init__(self, **kwargs)
        self.units = units

    def get_config(self):
        return layers.Layer.get_config(self)


class NoBias(ForgetsUnits):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)

    def get_config(self):
        return {**layers.Layer.get_config(self), "units": self.units}


def test_custom_layer_without_kwargs_is_told_to_accept_them():
    failing(
        "custom_layer", custom_model(NoKwargs), "from_config(get_config())", "Accept **kwargs in __init__"
    )


def test_custom_layer_forgetting_units_in_the_config_is_told_so():
    result = failing("custom_layer", custom_model(ForgetsUnits), "records units=10", "without 'units'")
    assert any("makes weights of shapes (4, 32) and (32,)" in m for m in result.failures)


def test_custom_layer_that_is_a_builtin_dense_is_told_to_subclass():
    failing(
        "custom_layer",
        custom_model(layers.Dense),
        "your own Layer subclass",
        "the model only uses built-in layers",
    )


def test_custom_layer_without_bias_is_told_to_add_it():
    failing(
        "custom_layer",
        custom_model(NoBias),
        "a kernel (4, 10) and a bias",
        "has weights of shapes (4, 10); expected (4, 10) and (10,): add the bias",
    )
