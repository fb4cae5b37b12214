"""Each venue's account API response, as a trader pastes it, read into a `Statement`.

Read and forgotten: nothing here stores or logs a paste. Every refusal is a `PasteError`
naming what is wrong and where (the position, the field), in words a trader can act on.
The responses' shapes are the venues' documented examples (tests/tools/fixtures/check/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulator.engine import Mode, Side, base_asset, get_venue
from simulator.tools.check.statement import PasteError, Reported, Statement

MAX_BYTES = 256 * 1024
MAX_POSITIONS = 10  # as many as the simulator holds, where the check opens the account

# The machines' numbers, as the venues send them (a string or a bare JSON number):
# no grouping, no currency, any number of places. People's numbers go through core.numbers.
_MACHINE_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# OKX reports a swap's size in contracts; one contract is worth this much of the coin
# (OKX's GET /api/v5/public/instruments, ctVal; ETH's is also in simulator.engine.venues).
OKX_CONTRACT_VALUES = {"BTC-USDT-SWAP": Decimal("0.01"), "ETH-USDT-SWAP": Decimal("0.1")}


def _shown(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 24 else text[:21] + "..."


class _Item:
    """One object of the paste, whose missing or malformed fields are named in errors."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise PasteError(f"{where} should be an object {{...}}, not {_shown(data)}.")
        self.data = data
        self.where = where

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            raise PasteError(f'{self.where}: the field "{key}" is missing.')
        if not isinstance(value, str | Decimal | int):
            raise PasteError(f'{self.where}: "{key}" should be text, not {_shown(value)}.')
        return str(value).strip()

    def number(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise PasteError(f'{self.where}: the field "{key}" is missing.')
            return None
        if isinstance(value, bool) or not isinstance(value, str | Decimal | int):
            raise PasteError(f'{self.where}: "{key}" should be a number, not {_shown(value)}.')
        text = value.strip() if isinstance(value, str) else format(value, "f")
        if not _MACHINE_NUMBER.fullmatch(text) or len(text) > 40:
            raise PasteError(f'{self.where}: "{key}" should be a number, not {_shown(value)}.')
        return Decimal(text)

    def item(self, key: str) -> _Item:
        if key not in self.data:
            raise PasteError(f'{self.where}: the field "{key}" is missing.')
        return _Item(self.data[key], f'{self.where}, "{key}"')


def _positive(item: _Item, key: str) -> Decimal:
    value = item.number(key)
    assert value is not None  # required
    if value <= 0:
        raise PasteError(f'{item.where}: "{key}" should be above zero, not {_shown(value)}.')
    return value


def _price_or_none(item: _Item, key: str) -> Decimal | None:
    """A reported price; 0 or empty means the venue shows none."""
    value = item.number(key, required=False)
    return value if value is not None and value > 0 else None


def _list(data: object, what: str) -> list:
    if not isinstance(data, list):
        raise PasteError(f"{what} should be a list [...], not {_shown(data)}.")
    return data


@dataclass(frozen=True, slots=True)
class Reader:
    """How one venue's response is recognised and read."""

    venue: str
    what: str
    """The response to paste, as the venue's API reference names it."""
    detect: Callable[[object], bool]
    read: Callable[[object], Statement]


def _keys_of_first(data: object) -> set[str]:
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        return set(data[0])
    return set()


# --------------------------------------------------------------------------- Binance


def _binance_detect(data: object) -> bool:
    if isinstance(data, Mapping) and "positions" in data and "totalWalletBalance" in data:
        return True
    return {"positionAmt", "symbol"} <= _keys_of_first(data)


def _binance_read(data: object) -> Statement:
    if isinstance(data, Mapping):
        raise PasteError(
            "This is Binance's account response, whose positions carry no liquidation or "
            "mark price: paste GET /fapi/v3/positionRisk (or v2) instead, and type the wallet "
            f"balance ({_shown(data.get('totalWalletBalance'))}) in the field below."
        )
    positions = []
    for n, raw in enumerate(_list(data, "Binance's positionRisk response"), start=1):
        item = _Item(raw, f"Position {n}")
        item.where = f"Position {n} ({item.text('symbol')})"
        amount = item.number("positionAmt")
        assert amount is not None
        if amount == 0:
            continue  # a symbol with open orders only
        hedge = item.text("positionSide").upper() if item.has("positionSide") else "BOTH"
        side = {"LONG": Side.LONG, "SHORT": Side.SHORT}.get(hedge)
        side = side or (Side.LONG if amount > 0 else Side.SHORT)
        wallet = item.number("isolatedWallet", required=False) or Decimal(0)
        if item.has("marginType"):
            mode = Mode.ISOLATED if item.text("marginType").lower() == "isolated" else Mode.CROSS
        else:  # v3 dropped marginType: an isolated position has its own wallet
            mode = Mode.ISOLATED if wallet > 0 else Mode.CROSS
        mark = _positive(item, "markPrice")
        if item.has("leverage"):
            leverage = _positive(item, "leverage")
        else:  # v3 dropped leverage: the position's initial margin is its value / leverage
            initial = _positive(item, "positionInitialMargin")
            leverage = abs(amount) * mark / initial
        positions.append(
            Reported(
                symbol=item.text("symbol"),
                side=side,
                quantity=abs(amount),
                entry_price=_positive(item, "entryPrice"),
                leverage=leverage,
                mode=mode,
                mark_price=mark,
                margin=wallet if mode is Mode.ISOLATED else None,
                liquidation_price=_price_or_none(item, "liquidationPrice"),
                maintenance_margin=item.number("maintMargin", required=False),
            )
        )
    notes = ("Binance's positionRisk does not hold the wallet balance: type it below.",)
    return Statement(venue="binance", positions=tuple(positions), notes=notes)


# --------------------------------------------------------------------------- Bybit


def _bybit_list(data: object) -> object:
    if isinstance(data, Mapping) and isinstance(data.get("result"), Mapping):
        return data["result"].get("list")
    return data


def _bybit_detect(data: object) -> bool:
    if isinstance(data, Mapping) and "retCode" in data and "result" in data:
        return True
    return {"avgPrice", "positionValue", "side"} <= _keys_of_first(data)


def _bybit_read(data: object) -> Statement:
    if isinstance(data, Mapping) and data.get("retCode") not in (0, Decimal(0), "0", None):
        raise PasteError(
            f"This Bybit response is an error ({_shown(data.get('retMsg'))}), not positions."
        )
    result = data.get("result") if isinstance(data, Mapping) else None
    category = result.get("category") if isinstance(result, Mapping) else None
    if category not in (None, "", "linear"):
        raise PasteError(
            f'This is Bybit\'s "{category}" category: the check reads USDT perpetuals only '
            "(GET /v5/position/list?category=linear)."
        )
    positions = []
    rows = _bybit_list(data)
    for n, raw in enumerate(_list(rows, 'Bybit\'s "result", "list"'), start=1):
        item = _Item(raw, f"Position {n}")
        item.where = f"Position {n} ({item.text('symbol')})"
        size = item.number("size")
        assert size is not None
        side_text = item.text("side") if item.has("side") else ""
        if size == 0 or side_text in ("", "None"):
            continue
        if side_text not in ("Buy", "Sell"):
            raise PasteError(
                f'{item.where}: "side" should be Buy or Sell, not {_shown(side_text)}.'
            )
        mode = Mode.ISOLATED if str(item.data.get("tradeMode")) == "1" else Mode.CROSS
        positions.append(
            Reported(
                symbol=item.text("symbol"),
                side=Side.LONG if side_text == "Buy" else Side.SHORT,
                quantity=abs(size),
                entry_price=_positive(item, "avgPrice"),
                leverage=_positive(item, "leverage"),
                mode=mode,
                mark_price=_positive(item, "markPrice"),
                margin=item.number("positionBalance", required=False)
                if mode is Mode.ISOLATED
                else None,
                liquidation_price=_price_or_none(item, "liqPrice"),
                maintenance_margin=item.number("positionMM", required=False),
            )
        )
    notes = ("Bybit's position list does not hold the wallet balance: type it below.",)
    return Statement(venue="bybit", positions=tuple(positions), notes=notes)


# --------------------------------------------------------------------------- OKX


def _okx_list(data: object) -> object:
    if isinstance(data, Mapping) and "data" in data:
        return data["data"]
    return data


def _okx_detect(data: object) -> bool:
    if isinstance(data, Mapping) and "code" in data and "data" in data:
        return True
    return {"instId", "pos"} <= _keys_of_first(data)


def _okx_read(data: object) -> Statement:
    if isinstance(data, Mapping) and str(data.get("code")) != "0":
        raise PasteError(
            f"This OKX response is an error ({_shown(data.get('msg'))}), not positions."
        )
    positions = []
    notes = ["OKX's positions do not hold the wallet balance: type it below."]
    for n, raw in enumerate(_list(_okx_list(data), 'OKX\'s "data"'), start=1):
        item = _Item(raw, f"Position {n}")
        instrument = item.text("instId")
        item.where = f"Position {n} ({instrument})"
        if item.has("instType") and item.text("instType") != "SWAP":
            raise PasteError(
                f"{item.where} is a {item.text('instType')} position: the check reads perpetual "
                "swaps (instType SWAP) only."
            )
        contracts = item.number("pos")
        assert contracts is not None
        if contracts == 0:
            continue
        hedge = item.text("posSide") if item.has("posSide") else "net"
        side = {"long": Side.LONG, "short": Side.SHORT}.get(hedge)
        side = side or (Side.LONG if contracts > 0 else Side.SHORT)
        mark = _positive(item, "markPx")
        value = OKX_CONTRACT_VALUES.get(instrument)
        if value is not None:
            quantity = abs(contracts) * value
        else:
            quantity = _positive(item, "notionalUsd") / mark
            notes.append(
                f"{instrument}: the size is OKX's notionalUsd / markPx, since the contract value "
                "of this swap is not in our tables (about right; USD and USDT differ a little)."
            )
        mode = Mode.ISOLATED if item.text("mgnMode") == "isolated" else Mode.CROSS
        positions.append(
            Reported(
                symbol=instrument,
                side=side,
                quantity=quantity,
                entry_price=_positive(item, "avgPx"),
                leverage=_positive(item, "lever"),
                mode=mode,
                mark_price=mark,
                margin=item.number("margin", required=False) if mode is Mode.ISOLATED else None,
                liquidation_price=_price_or_none(item, "liqPx"),
                maintenance_margin=item.number("mmr", required=False),
                last_price=_price_or_none(item, "last"),
            )
        )
    return Statement(venue="okx", positions=tuple(positions), notes=tuple(notes))


# --------------------------------------------------------------------------- Hyperliquid


def _hyperliquid_detect(data: object) -> bool:
    return isinstance(data, Mapping) and "assetPositions" in data


def _hyperliquid_maintenance(item: _Item) -> Decimal | None:
    """Half the initial margin at the asset's maximum leverage, on the value at the mark."""
    top = item.number("maxLeverage", required=False)
    value = item.number("positionValue")
    if top is None or top <= 0 or value is None:
        return None
    return value / (2 * top)


def _hyperliquid_read(data: object) -> Statement:
    account = _Item(data, "Hyperliquid's clearinghouseState")
    positions = []
    pnl = Decimal(0)
    for n, raw in enumerate(_list(data["assetPositions"], '"assetPositions"'), start=1):
        item = _Item(raw, f"Position {n}").item("position")
        item.where = f"Position {n} ({item.text('coin')})"
        size = item.number("szi")
        assert size is not None
        if size == 0:
            continue
        leverage = item.item("leverage")
        mode = Mode.ISOLATED if leverage.text("type") == "isolated" else Mode.CROSS
        upl = item.number("unrealizedPnl")
        assert upl is not None
        pnl += upl
        used = item.number("marginUsed")
        assert used is not None
        positions.append(
            Reported(
                symbol=item.text("coin"),
                side=Side.LONG if size > 0 else Side.SHORT,
                quantity=abs(size),
                entry_price=_positive(item, "entryPx"),
                leverage=_positive(leverage, "value"),
                mode=mode,
                # Hyperliquid reports the value at the mark, not the mark itself.
                mark_price=_positive(item, "positionValue") / abs(size),
                # Its marginUsed for an isolated position counts the unrealized PnL.
                margin=used - upl if mode is Mode.ISOLATED else None,
                liquidation_price=_price_or_none(item, "liquidationPx"),
                maintenance_margin=_hyperliquid_maintenance(item),
            )
        )
    value = account.item("marginSummary").number("accountValue")
    assert value is not None
    notes = (
        "The mark is Hyperliquid's positionValue / size; the wallet is its accountValue less "
        "the unrealized PnL.",
    )
    return Statement(
        venue="hyperliquid", positions=tuple(positions), balance=value - pnl, notes=notes
    )


# --------------------------------------------------------------------------- dYdX


def _dydx_subaccount(data: object) -> object:
    if isinstance(data, Mapping) and "subaccounts" in data:
        held = [s for s in _list(data["subaccounts"], '"subaccounts"') if isinstance(s, Mapping)]
        held = [s for s in held if s.get("openPerpetualPositions")]
        if len(held) > 1:
            numbers = ", ".join(str(s.get("subaccountNumber")) for s in held)
            raise PasteError(
                f"This address has positions in {len(held)} subaccounts ({numbers}), each an "
                "account of its own: paste one subaccount's response "
                "(GET /v4/addresses/{address}/subaccountNumber/{n})."
            )
        return held[0] if held else {"openPerpetualPositions": {}, "equity": "0"}
    if isinstance(data, Mapping) and "subaccount" in data:
        return data["subaccount"]
    return data


def _dydx_detect(data: object) -> bool:
    if isinstance(data, Mapping) and ("subaccount" in data or "subaccounts" in data):
        return True
    return isinstance(data, Mapping) and "openPerpetualPositions" in data


def _dydx_read(data: object) -> Statement:
    account = _Item(_dydx_subaccount(data), "dYdX's subaccount")
    held = account.data.get("openPerpetualPositions")
    if not isinstance(held, Mapping):
        raise PasteError('dYdX\'s subaccount: "openPerpetualPositions" should be an object {...}.')
    venue = get_venue("dydx")
    positions = []
    pnl = Decimal(0)
    for n, raw in enumerate(held.values(), start=1):
        item = _Item(raw, f"Position {n}")
        item.where = f"Position {n} ({item.text('market')})"
        size = item.number("size")
        assert size is not None
        if size == 0:
            continue
        side_text = item.text("side").upper()
        if side_text not in ("LONG", "SHORT"):
            raise PasteError(
                f'{item.where}: "side" should be LONG or SHORT, not {_shown(side_text)}.'
            )
        side = Side(side_text.lower())
        entry = _positive(item, "entryPrice")
        upl = item.number("unrealizedPnl")
        assert upl is not None
        pnl += upl
        quantity = abs(size)
        table = venue.table(item.text("market"))
        top = table.tiers[0].max_leverage if table is not None else None
        positions.append(
            Reported(
                symbol=item.text("market"),
                side=side,
                quantity=quantity,
                entry_price=entry,
                leverage=top or Decimal(20),
                mode=Mode.CROSS,
                # The indexer reports no mark: the entry price moved by the PnL per coin.
                mark_price=entry + side.sign * upl / quantity,
            )
        )
    equity = account.number("equity")
    assert equity is not None
    notes = (
        "dYdX's indexer reports no liquidation price: type the one your position panel shows "
        "to compare.",
        "The mark is the entry price moved by the unrealized PnL; the wallet is the equity "
        "less the unrealized PnL; the leverage is the market's maximum (it does not move a "
        "cross position's liquidation price).",
    )
    return Statement(venue="dydx", positions=tuple(positions), balance=equity - pnl, notes=notes)


READERS: dict[str, Reader] = {
    reader.venue: reader
    for reader in (
        Reader(
            "binance",
            "Binance USDS-M's positionRisk response (GET /fapi/v3/positionRisk)",
            _binance_detect,
            _binance_read,
        ),
        Reader(
            "bybit",
            "Bybit's position list (GET /v5/position/list?category=linear)",
            _bybit_detect,
            _bybit_read,
        ),
        Reader("okx", "OKX's positions (GET /api/v5/account/positions)", _okx_detect, _okx_read),
        Reader(
            "hyperliquid",
            'Hyperliquid\'s clearinghouseState (POST /info, type "clearinghouseState")',
            _hyperliquid_detect,
            _hyperliquid_read,
        ),
        Reader(
            "dydx",
            "dYdX's subaccount (indexer GET /v4/addresses/{address}/subaccountNumber/{n})",
            _dydx_detect,
            _dydx_read,
        ),
    )
}


def _detected(data: object, order: Iterable[str]) -> str | None:
    return next((key for key in order if READERS[key].detect(data)), None)


def read_payload(text: str, *, venue: str) -> Statement:
    """The account in `text`, the JSON of `venue`'s account API. Raises `PasteError`."""
    reader = READERS.get(venue)
    if reader is None:
        raise PasteError("Choose the exchange the paste comes from.")
    size = len(text.encode())
    if size > MAX_BYTES:
        raise PasteError(
            f"The paste is {size / 1024:,.0f} KB; the check reads at most {MAX_BYTES // 1024} KB. "
            "Paste the open positions only (the venue's positions endpoint, not a history)."
        )
    if not text.strip():
        raise PasteError(f"Paste {reader.what}.")
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as error:
        raise PasteError(
            f"This is not valid JSON ({error.msg}, line {error.lineno}, column {error.colno}). "
            "Paste the whole response, from its first { or [ to its last } or ]."
        ) from None
    except RecursionError:
        raise PasteError("This JSON is nested too deeply to be an exchange's response.") from None
    if data == []:
        raise PasteError(f"This {get_venue(venue).name} response holds no open position.")
    found = _detected(data, [venue, *(key for key in READERS if key != venue)])
    if found is None:
        raise PasteError(f"This does not look like {reader.what}, the response this check reads.")
    if found != venue:
        theirs = READERS[found]
        raise PasteError(
            f"This looks like {theirs.what}, but {get_venue(venue).name} is chosen. Choose "
            f"{get_venue(found).name}, or paste {reader.what}."
        )
    try:
        statement = reader.read(data)
    except RecursionError:
        raise PasteError("This JSON is nested too deeply to be an exchange's response.") from None
    count = len(statement.positions)
    if count == 0:
        raise PasteError(f"This {get_venue(venue).name} response holds no open position.")
    if count > MAX_POSITIONS:
        raise PasteError(
            f"This response holds {count} open positions; the check takes at most "
            f"{MAX_POSITIONS} at a time. Paste the positions of one account with fewer, "
            "or type the ones you want to check below."
        )
    unknown = sorted({p.symbol for p in statement.positions if not base_asset(p.symbol).isalnum()})
    if unknown:
        raise PasteError(f"These symbols cannot be read: {', '.join(unknown)}.")
    return statement
