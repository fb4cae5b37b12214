from django.apps import AppConfig


class ReplayConfig(AppConfig):
    """The replay: an account along a price path, step by step, at /simulator/replay/."""

    name = "simulator.replay"
    label = "replay"
    verbose_name = "Simulator: the replay"

    def path_problems(
        self, *, account: str, data: object, market: object = None
    ) -> dict[str, list[str]]:
        """What is wrong with a ready-made path, by field; empty when it replays."""
        from simulator.replay.forms import path_problems

        return path_problems(account=account, data=data, market=market)
