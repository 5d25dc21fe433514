"""How well the exercises' checker judges a class's answers.

Runs every answer of the corpus in ``tests/checker_corpus.py`` (plausible wrong
answers and right answers in other styles than the solutions) and prints:
verdicts right, messages that name the mistake (the first ✗ line holds the words
a learner must read to fix it), false failures on right answers, and the time
per check.

Run: .venv/bin/python benchmarks/checker.py
"""

import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from checker_corpus import ANSWERS, run


def main():
    verdicts, named, false_failures, missed = 0, 0, 0, []
    per_exercise = Counter()
    start = time.perf_counter()
    for answer in ANSWERS:
        result, first = run(answer)
        per_exercise[answer.exercise] += 1
        if bool(result) == answer.passes:
            verdicts += 1
        if answer.passes:
            false_failures += not result
            continue
        if all(word.lower() in first.lower() for word in answer.words):
            named += 1
        else:
            missed.append(f"  {answer.key}: {first[:160]}")
    elapsed = time.perf_counter() - start
    wrong = sum(not a.passes for a in ANSWERS)
    right = len(ANSWERS) - wrong
    print(f"answers: {len(ANSWERS)} ({wrong} wrong, {right} right) over {len(per_exercise)} exercises")
    print(f"verdicts right: {verdicts}/{len(ANSWERS)}")
    print(f"messages that name the mistake: {named}/{wrong}")
    print(f"false failures on right answers: {false_failures} of {right}")
    print(f"time: {elapsed:.1f} s, {1000 * elapsed / len(ANSWERS):.0f} ms per check")
    if missed:
        print("first ✗ lines that miss the mistake:", *missed, sep="\n")
    return 0 if verdicts == len(ANSWERS) and named == wrong else 1


if __name__ == "__main__":
    sys.exit(main())
