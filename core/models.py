from django.db import models


class LoadedFromContent(models.Model):
    """A row that a content file creates (see core.content): it keeps the hash of
    what was loaded, so a later load can tell an admin's edit from the file's."""

    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the values last loaded from the content files; empty if made here.",
    )

    class Meta:
        abstract = True
