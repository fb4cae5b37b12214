"""Writing the search index: rebuilt whole from the content (a few hundred rows at most)."""

from django.db import connection, transaction

from search.models import Entry
from search.sources import SOURCES


def index_rebuild() -> int:
    """Replace the index with what the content holds now; the number of entries."""
    documents = [document for source in SOURCES for document in source()]
    with transaction.atomic():
        Entry.objects.all().delete()
        Entry.objects.bulk_create(
            Entry(
                kind=d.kind, title=d.title, place=d.place, url=d.url, terms=d.terms,
                text=d.text, position=n,
            )
            for n, d in enumerate(documents)
        )  # fmt: skip
    return len(documents)


def _rebuild(**kwargs) -> None:
    connection.search_rebuild_pending = False
    index_rebuild()


def index_rebuild_on_commit(**kwargs) -> None:
    """For a saved or deleted lesson or level: rebuild once the transaction commits, once
    however many rows it saves (a rolled-back transaction drops the rebuild with it)."""
    pending = getattr(connection, "search_rebuild_pending", False)
    if pending and any(entry[1] is _rebuild for entry in connection.run_on_commit):
        return
    connection.search_rebuild_pending = True
    transaction.on_commit(_rebuild)
