"""The one error summary for forms the account pages get from allauth, and the status icons."""

from django import forms, template
from django.utils.safestring import SafeString

from accounts import icons
from core.forms import ErrorList, error_list

register = template.Library()


@register.simple_tag
def error_summary(form: forms.Form | None) -> ErrorList:
    """The summary's entries for `form`; a form-wide error leads to its first field."""
    if form is None or not form.errors:
        return []
    first = next(iter(form), None)
    return error_list([(form, "")], fallback=first.auto_id if first is not None else "")


@register.simple_tag
def read_icon() -> SafeString:
    return icons.READ


@register.simple_tag
def unread_icon() -> SafeString:
    return icons.UNREAD
