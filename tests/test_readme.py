"""The README reads in a minute: what the academy is, the two commands, what is where."""

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_is_at_most_120_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, f"README.md has {len(lines)} lines; move detail to docs/"


def test_the_readme_names_the_two_commands_and_links_the_docs():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    for doc in ("docs/deploy.md", "docs/performance.md", "docs/architecture.md"):
        assert doc in text
        assert (README.parent / doc).is_file(), doc
