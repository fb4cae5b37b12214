"""Icons beside words that say the same: they never carry the meaning alone."""

from django.utils.safestring import mark_safe

_SVG = (
    '<svg class="status-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" '
    'width="16" height="16">{}</svg>'
)
READ = mark_safe(_SVG.format('<path d="M6.4 11.6 2.8 8l-1.1 1.1 4.7 4.7 8-8-1.1-1.1z"/>'))  # noqa: S308
UNREAD = mark_safe(  # noqa: S308 - fixed markup
    _SVG.format(
        '<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="1.5"/>'
    )
)
