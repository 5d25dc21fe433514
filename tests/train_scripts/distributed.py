"""Train with kit.train under the strategy kit.setup picks; used by tests as a subprocess.

Usage: python distributed.py RUN_DIR RESULT.npz [--logical-cpus N] [--prebuilt-too]

--logical-cpus splits the CPU into N logical devices before TensorFlow starts
(kit.setup then picks MirroredStrategy). With TF_CONFIG set, kit.setup picks
MultiWorkerMirroredStrategy. The script saves the final weights, the loss
history, the number of replicas and the strategy's class name to RESULT.npz.
--prebuilt-too then also trains a model built outside the strategy's scope and
saves the same for it to RESULT.prebuilt.npz.
"""

import argparse
import contextlib
import io

import numpy as np


def build_model():
    import keras

    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="kind")(hidden)
    return keras.Model(inputs, outputs, name="distributed")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("result")
    parser.add_argument("--logical-cpus", type=int, default=0)
    parser.add_argument("--prebuilt-too", action="store_true")
    arguments = parser.parse_args()

    import tensorflow as tf

    if arguments.logical_cpus:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * arguments.logical_cpus
        )

    import kit.training.devices

    env = kit.training.devices.setup(seed=0)
    generator = np.random.default_rng(1)
    x = generator.normal(size=(512, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5)

    train_and_save(env, build_model, x, y, arguments.run_dir, arguments.result)
    if arguments.prebuilt_too:
        result = arguments.result.replace(".npz", ".prebuilt.npz")
        train_and_save(env, build_model(), x, y, arguments.run_dir + "-prebuilt", result)


def train_and_save(env, model, x, y, run_dir, result):
    import kit.training.trainer

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        history = kit.training.trainer.train(
            model, x, y, epochs=3, batch_size=64, run_dir=run_dir, progress="text"
        )
    print(printed.getvalue())
    model = history.model
    variable = model.trainable_variables[0].value
    np.savez(
        result,
        loss=np.array(history.history["loss"]),
        replicas=np.array(env.replicas),
        model_replicas=np.array(model.distribute_strategy.num_replicas_in_sync),
        strategy=np.array(type(env.strategy).__name__),
        variable=np.array(type(variable).__name__),
        printed=np.array(printed.getvalue()),
        **{f"weight_{index}": weight for index, weight in enumerate(model.get_weights())},
    )


if __name__ == "__main__":
    main()
