from django.contrib import admin

from core.edit_conflicts import FIELD, UnchangedSinceOpenedForm
from glossary.hooks import terms_changed
from glossary.models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    # Refused if the term was saved by someone else since the form was opened.
    form = UnchangedSinceOpenedForm
    fields = [
        "term", "slug", "definition", "explanation", "synonyms", "venue_names", "lessons", FIELD,
    ]  # fmt: skip
    list_display = ["term", "definition"]
    search_fields = ["term", "definition", "explanation"]
    prepopulated_fields = {"slug": ["term"]}

    # Lessons link terms in their stored HTML: each change renders them again, once.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        terms_changed.send(sender=Term)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        terms_changed.send(sender=Term)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        terms_changed.send(sender=Term)
