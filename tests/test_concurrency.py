import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "concurrent_answers.py"


def test_concurrent_quiz_answers_never_meet_a_locked_database(tmp_path):
    """Eight visitors answer all ten questions at once on one SQLite file: every
    answer is recorded, and none fails with "database is locked"."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "recorded 80 errors []"
