"""Content files into the database, safely.

Lessons, quizzes and simulator presets are files under settings.CONTENT_DIR
(docs/authoring.md). Each app registers a loader in its AppConfig.ready;
`load_content` runs them in order in one transaction, so a file with a mistake
leaves the database as it was, and every mistake found is reported with its
file and field.

A row loaded from a file keeps the hash of its values as loaded
(`LoadedFromContent.content_hash`). On the next load, a row whose values still
hash to that is brought up to date with its file; a row edited in the admin
since is left as it is and reported, unless the load is forced.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import frontmatter
import pydantic
import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a content file: where, and what is wrong."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.field}: {self.message}"
            if self.field
            else (f"{self.path}: {self.message}")
        )


class ContentError(Exception):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class Report:
    """What a load did, by row label."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the admin: left as they are


# ----------------------------------------------------------------------------- reading


class _Loader(yaml.SafeLoader):
    """YAML with decimals read exactly: 0.1 is Decimal("0.1"), never a float."""


_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")),
)


def parse_yaml(text: str) -> Any:
    """Raise yaml.YAMLError with the line of the mistake."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def split_front_matter(text: str) -> tuple[str, str]:
    """('key: value' lines between --- fences, the Markdown after them)."""
    front, body = frontmatter.YAMLHandler().split(text)
    return front, body


def digest(snapshot: Mapping[str, Any]) -> str:
    """A row's values as one hash; numbers compare by value (0.50 == 0.5)."""

    def plain(value: object) -> str:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        raise TypeError(f"Cannot hash {type(value).__name__}")

    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _singular(name: str) -> str:
    return name.removesuffix("s") if name.endswith("s") else name


def field_path(location: Iterable[str | int]) -> str:
    """('questions', 2, 'choices', 0, 'correct') -> 'question 3, choice 1, correct'."""
    parts: list[str] = []
    for part in location:
        if isinstance(part, int) and parts:
            parts[-1] = f"{_singular(parts[-1])} {part + 1}"
        else:
            parts.append(str(part))
    return ", ".join(parts)


_PYDANTIC_MESSAGES = {
    "missing": "is missing; it is required",
    "extra_forbidden": "is not a field here (check its spelling)",
}


# ----------------------------------------------------------------------------- a load


class ContentRun:
    """One load: the folder, what it found wrong, what it did."""

    def __init__(self, root: Path, *, force: bool = False) -> None:
        self.root = Path(root)
        self.force = force
        self.problems: list[Problem] = []
        self.report = Report()

    def name(self, path: Path) -> str:
        """A file as the author knows it: content/beginner/04-....md."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, path: Path, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.name(path), field_name, message))

    def read_yaml(self, path: Path, text: str | None = None) -> Any:
        """The file's YAML, or None after noting why it cannot be read."""
        try:
            return parse_yaml(path.read_text(encoding="utf-8") if text is None else text)
        except UnicodeDecodeError:
            self.problem(path, "", "is not UTF-8 text")
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            reason = getattr(error, "problem", None) or str(error)
            self.problem(path, "", f"is not valid YAML{where}: {reason}")
        return None

    def schema[T: pydantic.BaseModel](self, path: Path, schema: type[T], data: Any) -> T | None:
        """`data` checked against `schema`, or None after noting every mistake."""
        try:
            return schema.model_validate(data)
        except pydantic.ValidationError as error:
            for item in error.errors():
                message = _PYDANTIC_MESSAGES.get(item["type"], item["msg"])
                self.problem(path, field_path(item["loc"]) or "the file", message)
            return None

    def model_errors(self, path: Path, error: ValidationError, *, where: str = "") -> None:
        """A model's validation errors, each under its field (as the file names it)."""
        prefix = f"{where}, " if where else ""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.problem(path, where or "the file", message)
            return
        for name, errors in error.message_dict.items():
            label = (where or "the file") if name == NON_FIELD_ERRORS else prefix + name
            for message in errors:
                self.problem(path, label, message)

    def should_write(
        self,
        *,
        label: str,
        row: Any,
        incoming: Mapping[str, Any],
        current: Callable[[], Mapping[str, Any]],
    ) -> bool:
        """Whether to write the file's values over `row` (None: a new row), noted in the report.

        `incoming` and `current()` are the file's and the row's values in one form.
        """
        if row is None:
            self.report.created.append(label)
            return True
        now = digest(current())
        new = digest(incoming)
        pristine = now == row.content_hash
        if not pristine and not self.force and (row.content_hash or now != new):
            # Edited since it was loaded; or loaded before hashes were kept and
            # different from its file, which we cannot tell from an edit.
            self.report.kept.append(label)
            return False
        if now == new:
            if not pristine:
                self.stamp(row, current())
            self.report.unchanged.append(label)
            return False
        self.report.updated.append(label)
        return True

    @staticmethod
    def unchanged_since_loaded(row: Any, snapshot: Mapping[str, Any]) -> bool:
        """Whether `row` (its values as `snapshot`) is as the last load left it."""
        return bool(row.content_hash) and digest(snapshot) == row.content_hash

    def duplicate_keys(self, path: Path, text: str, *, what: str) -> None:
        """YAML keeps the last of two equal keys without a word; say so instead."""
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if not isinstance(node, yaml.MappingNode):
            return
        seen: dict[str, int] = {}
        for key, _ in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                self.problem(
                    path,
                    key.value,
                    f"is given twice (lines {seen[key.value]} and {line}); "
                    f"each {what} needs its own slug",
                )
            seen.setdefault(key.value, line)

    @staticmethod
    def stamp(row: Any, snapshot: Mapping[str, Any]) -> None:
        """Remember what was loaded into `row` (its values as now stored)."""
        row.content_hash = digest(snapshot)
        type(row).objects.filter(pk=row.pk).update(content_hash=row.content_hash)


@dataclass(frozen=True, slots=True)
class ContentLoader:
    name: str
    order: int
    load: Callable[[ContentRun], None]


_LOADERS: dict[str, ContentLoader] = {}


def register_loader(*, name: str, order: int, load: Callable[[ContentRun], None]) -> None:
    """Add an app's loader; lower orders run first (what others refer to goes first)."""
    _LOADERS[name] = ContentLoader(name, order, load)


def load_content(root: Path, *, force: bool = False, dry_run: bool = False) -> Report:
    """Load every content file under `root` in one transaction.

    Raises ContentError with every problem found, and then changes nothing; with
    dry_run, checks everything and changes nothing either way.
    """
    run = ContentRun(root, force=force)
    if not run.root.is_dir():
        raise ContentError([Problem(str(root), "", "is not a folder")])
    with transaction.atomic():
        for loader in sorted(_LOADERS.values(), key=lambda loader: loader.order):
            loader.load(run)
        if run.problems:
            transaction.set_rollback(True)
            raise ContentError(run.problems)
        if dry_run:
            transaction.set_rollback(True)
    return run.report
