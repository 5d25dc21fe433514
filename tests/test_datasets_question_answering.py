"""Tests of kit.datasets.question_answering: every answer is true for its picture or video."""

import collections
import re

import numpy as np

import kit.datasets as ds
from kit.datasets import question_answering


def colour_at(image, row, col):
    return image[int(row), int(col)]


def answer_vqa(question, objects):
    shapes_ = [o["shape"] for o in objects]
    colours = [o["colour"] for o in objects]
    if m := re.fullmatch(r"what colour is the (\w+) \?", question):
        assert shapes_.count(m[1]) == 1
        return colours[shapes_.index(m[1])]
    if m := re.fullmatch(r"what shape is the (\w+) object \?", question):
        assert colours.count(m[1]) == 1
        return shapes_[colours.index(m[1])]
    if m := re.fullmatch(r"how many (\w+) objects are there \?", question):
        return str(colours.count(m[1]))
    if m := re.fullmatch(r"is there a (\w+) \?", question):
        return "yes" if m[1] in shapes_ else "no"
    raise AssertionError(f"unexpected question {question!r}")


def test_vqa_answers_are_true_for_the_pictures():
    (x, y, scenes), _ = ds.shapes_vqa(300, 2, with_scenes=True)
    kinds = collections.Counter()
    rgb = dict(zip(question_answering._COLOURS, question_answering._COLOUR_RGB))
    for image, ids, answer, scene in zip(x["image_input"], x["question_input"], y, scenes):
        question = ds.decode(ids, ds.QA_WORDS)
        assert question == scene["question"]
        assert ds.decode_answer(answer) == answer_vqa(question, scene["objects"])
        kinds[question.split()[1]] += 1
        for obj in scene["objects"]:  # the picture shows each object in its colour
            np.testing.assert_allclose(
                colour_at(image, obj["row"], obj["col"]), rgb[obj["colour"]], atol=0.12
            )
    assert len(kinds) == 4 and min(kinds.values()) > 30
    answers = collections.Counter(ds.ANSWERS[a] for a in y)
    assert answers["yes"] > 10 and answers["no"] > 10


def answer_video(question, objects):
    by_shape = {o["shape"]: o for o in objects}
    by_direction = {o["direction"]: o for o in objects}
    assert len(by_shape) == len(objects) == len(by_direction)
    if m := re.fullmatch(r"which way does the (\w+) move \?", question):
        return by_shape[m[1]]["direction"]
    if m := re.fullmatch(r"what colour is the shape moving (\w+) \?", question):
        return by_direction[m[1]]["colour"]
    if m := re.fullmatch(r"what shape is moving (\w+) \?", question):
        return by_direction[m[1]]["shape"]
    if m := re.fullmatch(r"does the (\w+) move (\w+) \?", question):
        return "yes" if by_shape[m[1]]["direction"] == m[2] else "no"
    raise AssertionError(f"unexpected question {question!r}")


def test_video_answers_are_true_and_shapes_really_move_that_way():
    (x, y, scenes), _ = ds.moving_shapes_vqa(200, 2, with_scenes=True)
    step_of = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}
    rgb = dict(zip(question_answering._COLOURS, question_answering._COLOUR_RGB))
    for video, ids, answer, scene in zip(x["video_input"], x["video_question_input"], y, scenes):
        question = ds.decode(ids, ds.QA_WORDS)
        assert ds.decode_answer(answer) == answer_video(question, scene["objects"])
        for obj in scene["objects"]:
            step = np.array(obj["step"])
            assert tuple(np.sign(step).astype(int)) == step_of[obj["direction"]]
            last = np.array(obj["start"]) + step * (len(video) - 1)
            assert (obj["radius"] <= last).all() and (last <= 32 - obj["radius"]).all()
        if len(scene["objects"]) == 1:  # pixels of the colour drift the stated way
            obj = scene["objects"][0]
            mask = np.abs(video - rgb[obj["colour"]]).max(-1) < 0.1
            rows, cols = np.indices(mask.shape[1:])
            first = np.array([rows[mask[0]].mean(), cols[mask[0]].mean()])
            final = np.array([rows[mask[-1]].mean(), cols[mask[-1]].mean()])
            moved = final - first
            assert np.dot(moved, step_of[obj["direction"]]) > 5, (moved, obj)


def test_questions_encode_decode_round_trip():
    ids = ds.encode_question("what colour is the circle ?", length=12)
    assert ids.shape == (12,) and ids[0] == 0
    assert ds.decode(ids, ds.QA_WORDS) == "what colour is the circle ?"
    assert ds.decode_answer(ds.ANSWERS.index("triangle")) == "triangle"
