from django.contrib import admin

from core.edit_conflicts import FIELD, UnchangedSinceOpenedForm
from lessons.models import Lesson, Level

# Every form here is refused if its row was saved by someone else since it was opened.


class LessonInline(admin.TabularInline):
    model = Lesson
    form = UnchangedSinceOpenedForm
    fields = ["number", "title", "slug", "is_published", FIELD]
    show_change_link = True
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["title", "level", "number", "is_published", "updated_at"]
    list_filter = ["level", "is_published"]
    list_select_related = ["level"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
