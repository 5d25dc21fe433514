import pytest


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    """Every test records exercise progress in its own folder, never the learner's.

    Returns the progress file's path.
    """
    monkeypatch.setenv("KIT_HOME", str(tmp_path))
    return tmp_path / "progress.json"
