"""Two editors on one row: a save from a form opened before someone else saved is refused.

Django's admin saves what the form holds over whatever the row holds now, so of two
editors the later one silently undid the earlier one's work. A form here carries a
digest of the row's values, for the fields it edits, as they were when it was
opened; saving compares it with the row as it is now. On a difference nothing is
saved and the form comes back with what was typed and a message; it then carries the
row's current digest, so saving it again replaces the other edit on purpose.

No field on the models: the digest is of the values themselves.
"""

import hashlib

from django import forms
from django.core.exceptions import ValidationError

FIELD = "row_version"


def row_digest(instance, names) -> str:
    """A digest of the instance's values for these fields, as read from the database."""
    parts = []
    for field in instance._meta.concrete_fields:
        if field.name in names:
            parts.append(f"{field.name}={field.value_from_object(instance)!r}")
    for field in instance._meta.many_to_many:
        if field.name in names:
            pks = sorted(str(obj.pk) for obj in field.value_from_object(instance))
            parts.append(f"{field.name}={pks}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class UnchangedSinceOpenedForm(forms.ModelForm):
    """A model form (the admin's, an inline's) refused if its row changed since it was
    opened. An admin listing its fields must list FIELD too, so that it is sent."""

    row_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_version = ""
        if self.instance.pk is not None:
            self.current_version = row_digest(self.instance, set(self.fields) - {FIELD})
            self.initial[FIELD] = self.current_version

    def clean(self):
        cleaned_data = super().clean()
        if not self.current_version:
            return cleaned_data  # a new row: nothing to overwrite
        sent = self.data.get(self.add_prefix(FIELD), "")
        if sent != self.current_version:
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = self.current_version
            name = self.instance._meta.verbose_name
            raise ValidationError(
                f"Someone else saved this {name} after you opened it, so your changes "
                "were not saved. They are still here: compare them with the saved "
                f"{name} (open it in another tab), then save again to replace it with "
                "yours, or reload to start from theirs.",
                code="stale",
            )
        return cleaned_data
