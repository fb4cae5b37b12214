"""What other apps add to a lesson page (lessons.registry), rendered in place."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from lessons.models import Lesson
from lessons.registry import Embed, embed_kind, sections

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_embed(context: template.Context, embed: Embed) -> SafeString:
    handler = embed_kind(embed.kind)
    if handler is None:  # its app is not installed; the admin refuses such a body
        return mark_safe("")
    html = handler.render(request=context["request"], embed=embed)
    return mark_safe(html)  # noqa: S308 - rendered by a template


@register.simple_tag(takes_context=True)
def lesson_sections(context: template.Context, lesson: Lesson) -> SafeString:
    request = context["request"]
    html = "".join(section.render(request=request, lesson=lesson) for section in sections())
    return mark_safe(html)  # noqa: S308 - each is rendered by a template


@register.simple_tag
def marks_of(marks: dict | None, lesson: Lesson) -> list[str]:
    """The visitor's marks beside `lesson` in a list (see lessons.registry.lesson_marks)."""
    return (marks or {}).get(lesson.pk, [])
