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

    def wallet_problems(self, data: dict) -> list[str]:
        """What is wrong with a preset's wallet (lesson 11's collateral simulator), beside
        its positions; empty without a wallet, or while the scenario itself fails."""
        from simulator.sandbox.forms import SimulatorForms
        from simulator.tools.collateral.wallets import has_wallet, wallet_problems

        if not has_wallet(data):
            return []
        forms = SimulatorForms(data)
        if not forms.is_valid():
            return []  # the sandbox reports those
        return [f"{field}: {message}" for field, message in wallet_problems(data, forms.scenario())]
