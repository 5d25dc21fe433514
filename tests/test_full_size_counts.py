"""The full-size models the notebooks only count: build them for real and check the numbers.

Notebook 08 (VQA and video QA) and notebook 10 (VGG19 feature extraction) state
these parameter counts without allocating the models, to stay inside Binder's
memory. Here the guides' models are built at full size (about 3.5 GB of memory
at peak), so the numbers printed in the notebooks are checked against Keras.
"""

import gc

import pytest

VQA_PARAMS = 165_077_800
VIDEO_QA_PARAMS = 169_436_968
VGG19_PARAMS = 143_667_240


def _keras():
    from kit.quiet import import_keras_quietly

    return import_keras_quietly()


def _guide_vision_model(keras):
    from keras import layers

    vision_model = keras.Sequential(name="vision_model")
    vision_model.add(keras.Input(shape=(224, 224, 3)))
    vision_model.add(layers.Conv2D(64, (3, 3), activation="relu", padding="same"))
    vision_model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    vision_model.add(layers.MaxPooling2D((2, 2)))
    vision_model.add(layers.Conv2D(128, (3, 3), activation="relu", padding="same"))
    vision_model.add(layers.Conv2D(128, (3, 3), activation="relu"))
    vision_model.add(layers.MaxPooling2D((2, 2)))
    vision_model.add(layers.Conv2D(256, (3, 3), activation="relu", padding="same"))
    vision_model.add(layers.Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(layers.Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(layers.MaxPooling2D((2, 2)))
    vision_model.add(layers.Flatten())
    return vision_model


def _guide_vqa(keras):
    from keras import layers

    vision_model = _guide_vision_model(keras)
    image_input = keras.Input(shape=(224, 224, 3))
    encoded_image = vision_model(image_input)
    question_input = keras.Input(shape=(100,), dtype="int32")
    embedded_question = layers.Embedding(input_dim=10000, output_dim=256)(question_input)
    encoded_question = layers.LSTM(256)(embedded_question)
    merged = layers.concatenate([encoded_question, encoded_image])
    output = layers.Dense(1000, activation="softmax")(merged)
    vqa_model = keras.Model(inputs=[image_input, question_input], outputs=output)
    return vqa_model, vision_model, question_input, encoded_question


def _release(keras):
    keras.backend.clear_session()
    gc.collect()


@pytest.mark.slow
def test_full_size_vqa_and_video_qa_have_the_counts_notebook_08_states():
    keras = _keras()
    from keras import layers

    vqa_model, vision_model, question_input, encoded_question = _guide_vqa(keras)
    assert vision_model.output.shape == (None, 160000)
    assert vqa_model.count_params() == VQA_PARAMS
    # The vision model and the encoder are the only parts the notebook builds for real.
    assert vision_model.count_params() == 1_735_488
    question_encoder = keras.Model(inputs=question_input, outputs=encoded_question)
    assert question_encoder.count_params() == 3_085_312
    del vqa_model
    gc.collect()

    video_input = keras.Input(shape=(100, 224, 224, 3))
    encoded_frame_sequence = layers.TimeDistributed(vision_model)(video_input)
    encoded_video = layers.LSTM(256)(encoded_frame_sequence)
    video_question_input = keras.Input(shape=(100,), dtype="int32")
    encoded_video_question = question_encoder(video_question_input)
    merged = layers.concatenate([encoded_video, encoded_video_question])
    output = layers.Dense(1000, activation="softmax")(merged)
    video_qa_model = keras.Model(inputs=[video_input, video_question_input], outputs=output)
    assert encoded_frame_sequence.shape == (None, 100, 160000)
    assert video_qa_model.count_params() == VIDEO_QA_PARAMS
    del video_qa_model
    _release(keras)


@pytest.mark.slow
def test_vgg19_without_weights_has_the_count_notebook_10_states():
    keras = _keras()
    vgg19 = keras.applications.VGG19(weights=None)
    assert vgg19.count_params() == VGG19_PARAMS
    # Notebook 10 builds the convolutional part for real and counts the classifier on paper.
    top = sum(vgg19.get_layer(name).count_params() for name in ("fc1", "fc2", "predictions"))
    assert vgg19.count_params() - top == 20_024_384
    assert vgg19.get_layer("flatten").output.shape == (None, 25088)
    del vgg19
    _release(keras)
