from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """The simulator page, its results and positions, and the lessons' compact simulators."""

    name = "simulator.sandbox"
    label = "sandbox"
    verbose_name = "Simulator: the sandbox"

    def ready(self) -> None:
        from lessons.registry import register_embed
        from simulator.sandbox.widgets import SimulatorEmbed

        register_embed("simulator", SimulatorEmbed())

    def scenario_problems(self, data: dict) -> list[str]:
        """What is wrong with a scenario (a preset's form data), judged by the forms
        and the engine; empty when it runs."""
        from simulator.sandbox.forms import SimulatorForms

        forms = SimulatorForms(data)
        return [] if forms.is_valid() else [message for _, message in forms.errors]
