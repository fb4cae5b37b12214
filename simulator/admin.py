from django.contrib import admin
from django.utils.html import format_html

from simulator.models import Preset


@admin.register(Preset)
class PresetAdmin(admin.ModelAdmin):
    """Saving runs Preset.clean: the simulator's forms and engine judge the data, and
    whatever they refuse comes back as a form error beside it."""

    list_display = ["title", "slug", "order", "in_simulator"]
    list_editable = ["order"]
    search_fields = ["title", "slug"]
    fields = ["slug", "title", "order", "data", "in_simulator"]
    readonly_fields = ["in_simulator"]

    @admin.display(description="In the simulator")
    def in_simulator(self, preset: Preset) -> str:
        if not preset.pk:
            return "Save the preset to open it in the simulator."
        return format_html('<a href="{}">Open</a>', preset.get_absolute_url())
