"""Content folders for tests: a copy of the shipped one to change, and the complete
example of docs/authoring.md as files."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from core.content import ContentError, load_content

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
EXAMPLE_FILE = re.compile(r"^`(content/[^`]+)`:\n\n```\w*\n(.*?)^```$", re.M | re.S)


def copy_content(tmp_path: Path) -> Path:
    """A copy of the shipped content folder, to change."""
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file, which must be there."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def problems_of(root: Path) -> list[str]:
    """What loading the folder reports, each as 'file: field: message'."""
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(problem) for problem in caught.value.problems]


def example_files() -> dict[str, str]:
    """Path under the repo -> text, for each file the doc's complete example shows."""
    example = DOC.read_text().split("## A complete example", 1)[1]
    return {path: text for path, text in EXAMPLE_FILE.findall(example)}


def content_with_example(tmp_path: Path) -> Path:
    """A copy of the shipped content with the example's files added; no Python."""
    root = copy_content(tmp_path)
    for name, text in example_files().items():
        path = root / Path(name).relative_to("content")
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    return root
