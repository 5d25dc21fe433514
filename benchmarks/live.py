"""What the live layer graph costs.

1. ResNet50 (``weights=None``) built without and with ``kit.live``, alternating,
   in one process; the live time includes stopping and the final picture.
   Target: live / plain <= 1.30.
2. One incremental update on a 200-layer graph: a layer is called and the
   picture redrawn (window + overview + PNG + widget value). Target: median <= 100 ms.

Run: ``TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/live.py [--rounds 3]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time


def build_resnet(keras):
    keras.backend.clear_session()
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    model = keras.applications.ResNet50(weights=None)
    return time.perf_counter() - started, time.process_time() - cpu, model


def build_resnet_live(keras, kit):
    keras.backend.clear_session()
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    graph = kit.live(display=False)
    model = keras.applications.ResNet50(weights=None)
    graph.stop()  # the last frame is drawn here
    return time.perf_counter() - started, time.process_time() - cpu, model, graph


def residual_graph(keras, layers_wanted=200):
    """A small-tensor residual network with about ``layers_wanted`` layers (cheap to build)."""
    from keras import layers

    x = keras.Input((16,), name="bench_in")
    count, block = 1, 0
    while count + 4 <= layers_wanted:
        h = layers.Dense(16, name=f"block{block}_dense_a")(x)
        h = layers.Activation("relu", name=f"block{block}_relu")(h)
        h = layers.Dense(16, name=f"block{block}_dense_b")(h)
        x = layers.Add(name=f"block{block}_add")([x, h])
        count, block = count + 4, block + 1
    while count < layers_wanted:
        x = layers.Activation("relu", name=f"tail_{count}")(x)
        count += 1
    return x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="builds of each kind (alternating)")
    parser.add_argument("--updates", type=int, default=40, help="incremental updates to time")
    args = parser.parse_args()

    from kit.quiet import import_keras_quietly

    keras = import_keras_quietly()
    from keras import layers

    import kit

    build_resnet(keras)  # warm up TensorFlow and Keras once, untimed
    plain, live, plain_cpu, live_cpu = [], [], [], []
    frames, layer_count = 0, 0
    for _ in range(args.rounds):
        seconds, cpu, model = build_resnet(keras)
        plain.append(seconds)
        plain_cpu.append(cpu)
        del model
        seconds, cpu, model, graph = build_resnet_live(keras, kit)
        live.append(seconds)
        live_cpu.append(cpu)
        frames, layer_count = graph.frames, graph.state.graph.number_of_nodes()
        del model, graph
    p, q = statistics.median(plain), statistics.median(live)
    print(
        f"rounds: plain {', '.join(f'{s:.2f}' for s in plain)} s; live {', '.join(f'{s:.2f}' for s in live)} s"
    )
    print(
        f"live ResNet50 build: plain {p:.2f} s, live {q:.2f} s, ratio {q / p:.2f} "
        f"({layer_count} layers, {frames} frames drawn per live build)"
    )
    pc, qc = statistics.median(plain_cpu), statistics.median(live_cpu)
    print(f"live ResNet50 build, CPU time: plain {pc:.2f} s, live {qc:.2f} s, ratio {qc / pc:.2f}")

    keras.backend.clear_session()
    graph = kit.live(display=False)
    try:
        x = residual_graph(keras, 200)
        graph.flush()
        size = graph.state.graph.number_of_nodes()
        times = []
        for i in range(args.updates):
            started = time.perf_counter()
            before = graph.frames
            x = layers.Activation("relu", name=f"update_{i}")(x)
            graph.flush()
            times.append(time.perf_counter() - started)
            assert graph.frames == before + 1, "each update must draw exactly one frame"
        png = len(graph.last_png)
    finally:
        graph.stop()
    print(
        f"incremental update on {size} layers: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; {args.updates} updates, "
        f"PNG {png // 1024} KB)"
    )


if __name__ == "__main__":
    main()
