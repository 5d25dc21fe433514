"""Shared by the tests of the exercise catalogue: check a wrong answer and its message."""

import linecache

from kit.exercises import check


def failing(name, builder, requirement, fragment):
    """Check ``builder``; assert it fails on ``requirement`` with ``fragment`` in the message."""
    result = check(name, builder, save=False)
    assert not result, str(result)
    if requirement is None:
        assert result.problem is not None and fragment in result.problem, str(result)
        return result
    matches = [i for i in result.items if requirement in i.text]
    assert matches, f"no requirement containing {requirement!r}:\n{result}"
    assert any(not i.passed and fragment in i.message for i in matches), str(result)
    return result


def run_cell(source, filename, namespace):
    """Execute a cell's code as a notebook does: its lines stay readable by ``inspect``.

    IPython keeps each cell's source in ``linecache``; so does this, so that the checker
    can read the learner's function and point at their lines.
    """
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace
