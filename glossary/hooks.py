"""What the glossary asks of the lessons, which sit above it: the lessons app
registers its answers (LessonsConfig.ready), so nothing here imports it.

- `lesson_problems(slugs)`: a message for each slug that names no lesson;
- `lesson_links(slugs)`: (title, address) of each published lesson among them;
- `terms_changed`: sent once a change of terms is saved (an admin save or delete,
  a load that changed any), so that whatever links terms renders again.
"""

from collections.abc import Callable, Sequence

from django.dispatch import Signal

terms_changed = Signal()

_problems: list[Callable[[Sequence[str]], list[str]]] = []
_links: list[Callable[[Sequence[str]], list[tuple[str, str]]]] = []


def register_lessons(
    *,
    problems: Callable[[Sequence[str]], list[str]],
    links: Callable[[Sequence[str]], list[tuple[str, str]]],
) -> None:
    _problems[:] = [problems]
    _links[:] = [links]


def lesson_problems(slugs: Sequence[str]) -> list[str]:
    return [message for check in _problems for message in check(slugs)]


def lesson_links(slugs: Sequence[str]) -> list[tuple[str, str]]:
    return [link for find in _links for link in find(slugs)]
