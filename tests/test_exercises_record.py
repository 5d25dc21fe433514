"""The progress file: location, atomic writes that survive a crash, unreadable files set aside."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kit.exercises import record


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_HOME", str(tmp_path))
    return tmp_path


def test_the_file_lives_in_kit_home_or_in_dot_kit(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_HOME", str(tmp_path / "somewhere"))
    assert record.path() == tmp_path / "somewhere" / "progress.json"
    monkeypatch.delenv("KIT_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert record.path() == tmp_path / ".kit" / "progress.json"


def test_no_file_means_an_empty_record(home):
    assert record.load() == {"format": 1, "exercises": {}}


def test_attempts_are_counted_and_the_first_pass_is_kept(home):
    record.record_attempt("vqa", passed=False)
    first = record.record_attempt("vqa", passed=True)
    later = record.record_attempt("vqa", passed=False)
    assert later["attempts"] == 3 and later["passed"] is True
    assert later["first_passed"] == first["first_passed"]
    on_disk = json.loads((home / "progress.json").read_text())
    assert on_disk["exercises"]["vqa"] == later


def test_a_successful_write_leaves_no_temporary_file(home):
    record.record_attempt("vqa", passed=True)
    assert sorted(p.name for p in home.iterdir()) == ["progress.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(home):
    record.record_attempt("vqa", passed=True)
    before = (home / "progress.json").read_text()
    with pytest.raises(TypeError):
        record.write_atomically(home / "progress.json", None)
    assert (home / "progress.json").read_text() == before
    assert sorted(p.name for p in home.iterdir()) == ["progress.json"]


CRASH = textwrap.dedent("""
    import os, sys
    from kit import _files
    from kit.exercises import record

    record.record_attempt("functional_mlp", passed=True)
    where = sys.argv[1]
    if where == "mid-write":
        def half_then_die(path, text):
            path.write_text(text[: len(text) // 2])
            os._exit(9)
        _files._write = half_then_die
    else:
        os.replace = lambda *args: os._exit(9)
    record.record_attempt("multi_io", passed=True)
""")


@pytest.mark.parametrize("where", ["mid-write", "before-rename"])
def test_a_process_killed_while_saving_leaves_the_previous_file_intact(home, where):
    env = dict(os.environ, KIT_HOME=str(home))
    done = subprocess.run([sys.executable, "-c", CRASH, where], env=env, capture_output=True, timeout=60)
    assert done.returncode == 9, done.stderr.decode()
    data = record.load()
    assert list(data["exercises"]) == ["functional_mlp"]
    assert data["exercises"]["functional_mlp"]["passed"] is True
    leftovers = [p.name for p in home.iterdir() if p.name != "progress.json"]
    assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")
    record.record_attempt("multi_io", passed=True)  # the next save works as usual
    assert sorted(record.load()["exercises"]) == ["functional_mlp", "multi_io"]


def test_an_unreadable_file_is_set_aside_and_a_fresh_record_begins(home):
    (home / "progress.json").write_text("{not json")
    with pytest.raises(record.UnreadableProgress, match="is not valid JSON"):
        record.load()
    data, note = record.load_or_reset()
    assert data == record.empty()
    assert note.startswith("The progress file was unreadable") and "moved to" in note
    [aside] = [p for p in home.iterdir() if p.name.startswith("progress.json.unreadable-")]
    assert aside.read_text() == "{not json"


def test_a_json_file_that_is_not_a_record_is_unreadable(home):
    (home / "progress.json").write_text("[1, 2]")
    with pytest.raises(record.UnreadableProgress, match="not a kit progress file"):
        record.load()


def test_progress_reports_a_file_set_aside(home):
    from kit.exercises import progress

    (home / "progress.json").write_text("garbage")
    report = progress()
    assert "The progress file was unreadable" in str(report)
    assert report.passed == []


def test_a_check_run_by_nbgrader_leaves_the_graders_progress_alone(home, monkeypatch):
    import kit

    kit.check("functional_mlp", None)
    assert record.load()["exercises"]["functional_mlp"]["attempts"] == 1
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert record.grading()
    kit.check("functional_mlp", None)
    assert record.load()["exercises"]["functional_mlp"]["attempts"] == 1
