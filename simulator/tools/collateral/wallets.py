"""A preset's wallet: the assets behind its cross positions, for the lessons' collateral
simulator (`[[collateral ...]]`, widget.py).

A preset in content/presets.yaml may give a `wallet:` block (the venue whose collateral
table counts it, the amount of each asset, and the price of an asset no position moves).
It is kept in the preset's data beside the simulator's own fields, under keys the
simulator does not read (`wallet-venue`, `wallet-amount-BTC`, `wallet-price-ETH`), so
one preset row holds it and an admin edit of it is checked like the rest.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.numbers import NotANumber, parse_number
from simulator.engine import EngineError, Mode, Wallet
from simulator.engine.collateral import QUOTE
from simulator.engine.venues import base_asset
from simulator.sandbox.services import Scenario

VENUE = "wallet-venue"
AMOUNT = "wallet-amount-"
PRICE = "wallet-price-"


@dataclass(frozen=True, slots=True)
class PresetWallet:
    wallet: Wallet
    prices: dict[str, Decimal]
    """Prices of the assets no position moves, by asset."""


def wallet_data(
    *, venue: str, amounts: Mapping[str, str], prices: Mapping[str, str]
) -> dict[str, str]:
    """The wallet block as the preset's data keeps it."""
    data = {VENUE: venue}
    data.update({f"{AMOUNT}{asset}": amount for asset, amount in amounts.items()})
    data.update({f"{PRICE}{asset}": value for asset, value in prices.items()})
    return data


def has_wallet(data: Mapping[str, str]) -> bool:
    return any(key.startswith("wallet-") for key in data)


def _numbers(data: Mapping[str, str], prefix: str, where: str) -> tuple[dict, list]:
    found: dict[str, Decimal] = {}
    problems: list[tuple[str, str]] = []
    for key, text in data.items():
        if not key.startswith(prefix):
            continue
        asset = key.removeprefix(prefix)
        try:
            found[asset.strip().upper()] = parse_number(str(text))
        except NotANumber:
            problems.append((f"wallet, {where}, {asset}", f"“{text}” is not a number"))
    return found, problems


def read_wallet(data: Mapping[str, str]) -> tuple[PresetWallet | None, list[tuple[str, str]]]:
    """The preset's wallet, or None and what is wrong with it as (field, message)."""
    if not has_wallet(data):
        return None, [("wallet", "is missing: a collateral simulator needs a preset with one")]
    amounts, problems = _numbers(data, AMOUNT, "assets")
    prices, price_problems = _numbers(data, PRICE, "prices")
    problems += price_problems
    if not amounts:
        problems.append(("wallet, assets", "give at least one asset and its amount"))
    for asset, value in prices.items():
        if value <= 0:
            problems.append((f"wallet, prices, {asset}", "must be more than 0"))
    if problems:
        return None, problems
    try:
        wallet = Wallet(amounts, venue=data.get(VENUE, ""))
    except EngineError as error:
        return None, [("wallet", str(error))]
    return PresetWallet(wallet, prices), []


def wallet_problems(data: Mapping[str, str], scenario: Scenario) -> list[tuple[str, str]]:
    """Everything wrong with a preset's wallet beside its positions, as (field, message)."""
    found, problems = read_wallet(data)
    if found is None:
        return problems
    isolated = [
        str(number)
        for number, spec in enumerate(scenario.positions, start=1)
        if (spec.margin_mode or scenario.mode) is not Mode.CROSS
    ]
    if isolated:
        problems.append(
            (
                "mode",
                "a wallet backs cross positions only (Multi-Assets Mode supports only the "
                f"Cross Margin Mode): position {', '.join(isolated)} is isolated",
            )
        )
    moved = {base_asset(symbol) for symbol in scenario.symbols}
    for asset in found.wallet.balances:
        if asset != QUOTE and asset not in moved and asset not in found.prices:
            problems.append(
                (
                    f"wallet, assets, {asset}",
                    f"no position moves {asset}: give its price under prices",
                )
            )
    for asset in found.prices:
        if asset not in found.wallet.balances:
            problems.append((f"wallet, prices, {asset}", f"the wallet holds no {asset}"))
        elif asset in moved:
            problems.append(
                (
                    f"wallet, prices, {asset}",
                    f"{asset} moves with its position's mark: leave it out",
                )
            )
    return problems
