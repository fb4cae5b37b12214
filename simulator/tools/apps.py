from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """The Tools: one calculator per question a trader asks, at /tools/."""

    name = "simulator.tools"
    label = "tools"
    verbose_name = "Simulator: the Tools"

    def ready(self) -> None:
        from lessons.registry import register_embed
        from simulator.tools.collateral.widget import CollateralEmbed

        register_embed("collateral", CollateralEmbed())
