from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """The Tools: one calculator per question a trader asks, at /tools/."""

    name = "simulator.tools"
    label = "tools"
    verbose_name = "Simulator: the Tools"
