from django.contrib import admin

from lessons.models import Lesson, Level


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["number", "title", "slug", "is_published"]
    show_change_link = True
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "number", "is_published", "updated_at"]
    list_filter = ["level", "is_published"]
    list_select_related = ["level"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
