"""The complete example of docs/authoring.md, as files: what the authoring tests add."""

import re
import shutil
from pathlib import Path

from django.conf import settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
EXAMPLE_FILE = re.compile(r"^`(content/[^`]+)`:\n\n```\w*\n(.*?)^```$", re.M | re.S)


def example_files() -> dict[str, str]:
    """Path under the repo -> text, for each file the doc's complete example shows."""
    example = DOC.read_text().split("## A complete example", 1)[1]
    return {path: text for path, text in EXAMPLE_FILE.findall(example)}


def content_with_example(tmp_path: Path) -> Path:
    """A copy of the shipped content with the example's files added; no Python."""
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    for name, text in example_files().items():
        path = root / Path(name).relative_to("content")
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    return root
