"""What forms share: the list behind the error summary."""

from collections.abc import Iterable

from django import forms

# (id of the element to jump to, message), in the order of the page.
ErrorList = list[tuple[str, str]]


def _target(field: forms.BoundField) -> str:
    """The element a summary link jumps to: a group of radios or boxes has no
    element of the field's own id, so its first option."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return field.subwidgets[0].id_for_label if field.subwidgets else field.auto_id
    return field.auto_id


def error_list(labelled: Iterable[tuple[forms.Form, str]], *, fallback: str) -> ErrorList:
    """The error summary's entries for forms in page order, each message after the
    form's label ("Position 2: "). A form-wide error points at `fallback`."""
    errors: ErrorList = []
    for form, label in labelled:
        for name, messages in form.errors.items():
            target = _target(form[name]) if name in form.fields else fallback
            errors.extend((target, label + message) for message in messages)
    return errors
