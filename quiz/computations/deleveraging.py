"""Auto-deleveraging and the insurance fund (advanced lesson 14): what ADL must take
once the fund has paid the shortfall a gap leaves (lesson 9's `l9_gap_shortfall`, which
the lesson's quiz asks too), a short's place in the queue (profit percentage x effective
leverage, BitMEX's published form), and what closing at the bankruptcy price costs a
deleveraged short. Every figure is the engine's (simulator.engine's liquidation and
deleveraging), on the lessons' market: BTC opened at 60,000, the flat 0.5% rate.
"""

from quiz.computations._computation import (
    BANKRUPTCY_PRICE,
    BTC_FALL,
    LEVERAGE,
    Figures,
    Quantity,
    Result,
    Unusable,
    computation,
    number_of,
    numbers,
)
from quiz.computations._market import BTC_PRICE, HUNDRED, fallen
from quiz.computations.liquidation import GAP_PRICE, ITS_MARGIN, SIZE, gap_shortfall
from simulator.engine import Counterparty, Side, adl_ranking, deleverage

FUND = Quantity("fund", "What the insurance fund holds", "money")


@computation(
    "l14_adl_taken",
    "Lesson 14: what auto-deleveraging must take once the insurance fund has paid",
    figures=(SIZE, LEVERAGE, BTC_FALL, FUND),
    mistakes={
        "fund_ignored": "the whole shortfall, as if the fund paid nothing",
        "fund": "what the fund holds",
        "loss_less_fund": "the position's whole loss less the fund",
    },
    working=(
        ITS_MARGIN,
        BANKRUPTCY_PRICE,
        GAP_PRICE,
        Quantity("shortfall", "The shortfall", "money"),
    ),
)
def adl_taken(figures: Figures) -> Result:
    # The shortfall is lesson 9's: the loss beyond the margin after the gap.
    gap = gap_shortfall.solve(figures)
    owed, fund = gap.answer, number_of(figures, "fund")
    if fund >= owed:
        raise Unusable("the fund covers the whole shortfall")
    bankrupt, price = gap.working["bankruptcy_price"], gap.working["gap_price"]
    # The opposite side: one short at the gap's mark, large enough to pay all the fund cannot.
    quantity = number_of(figures, "size") / BTC_PRICE
    short = Counterparty("short", Side.SHORT, quantity, BTC_PRICE, price, quantity * BTC_PRICE)
    result = deleverage(
        shortfall=owed,
        fund=fund,
        bankruptcy_price=bankrupt,
        liquidated_side=Side.LONG,
        positions=[short],
    )
    return Result(
        answer=result.taken,
        mistakes={"fund_ignored": owed, "fund": fund, "loss_less_fund": gap.working["loss"] - fund},
        working={
            "margin": gap.working["margin"],
            "bankruptcy_price": bankrupt,
            "gap_price": price,
            "shortfall": owed,
        },
    )


@computation(
    "l14_adl_score",
    "Lesson 14: a short's ADL score, profit percentage x effective leverage (BitMEX's form)",
    figures=(LEVERAGE, BTC_FALL),
    mistakes={
        "entry_leverage": "the profit percentage times the leverage at entry",
        "profit_on_margin": "the profit over the margin times the effective leverage",
        "divided": "the profit percentage divided by the effective leverage",
    },
    working=(
        Quantity("mark", "BTC's mark", "price"),
        Quantity("pnl_percent", "The profit percentage", "percent"),
        Quantity("effective", "The effective leverage", "number"),
        Quantity("equity", "Margin plus profit, for 1 BTC", "money"),
        Quantity("value", "The position's value at the mark, for 1 BTC", "money"),
    ),
    answer_format="number",
)
def adl_score(figures: Figures) -> Result:
    leverage, fall = numbers(figures, "leverage", "fall")
    mark = fallen(BTC_PRICE, fall)
    short = Counterparty("short", Side.SHORT, 1, BTC_PRICE, mark, BTC_PRICE / leverage)
    (ranked,) = adl_ranking([short], venue="bitmex")
    return Result(
        answer=ranked.score,
        mistakes={
            "entry_leverage": ranked.pnl_percentage * leverage,
            "profit_on_margin": short.unrealized_pnl / short.collateral * ranked.leverage,
            "divided": ranked.pnl_percentage / ranked.leverage,
        },
        working={
            "mark": mark,
            "pnl_percent": ranked.pnl_percentage * HUNDRED,
            "effective": ranked.leverage,
            "equity": short.equity,
            "value": mark,
        },
    )


@computation(
    "l14_adl_cost",
    "Lesson 14: what closing at the liquidated long's bankruptcy price costs a deleveraged short",
    figures=(
        Quantity("quantity", "The short, in BTC", "number"),
        Quantity("entry", "The short's entry", "price"),
        Quantity("bankruptcy", "The liquidated long's bankruptcy price", "price"),
        Quantity("mark", "BTC's mark", "price"),
    ),
    mistakes={
        "whole_profit": "the short's whole profit at the mark",
        "profit_kept": "what it still gains, closed at the bankruptcy price",
        "per_btc": "the cost of one BTC, not multiplied by the size",
    },
    working=(Quantity("profit", "Its profit at the mark", "money"),),
)
def adl_cost(figures: Figures) -> Result:
    quantity, entry, bankrupt, mark = numbers(figures, "quantity", "entry", "bankruptcy", "mark")
    if not mark < bankrupt < entry:
        raise Unusable("the mark must be past the bankruptcy price, below the short's entry")
    short = Counterparty("short", Side.SHORT, quantity, entry, mark, quantity * entry)
    (step,) = deleverage(
        shortfall=quantity * (bankrupt - mark),
        fund=0,
        bankruptcy_price=bankrupt,
        liquidated_side=Side.LONG,
        positions=[short],
    ).steps
    return Result(
        answer=step.taken,
        mistakes={
            "whole_profit": short.unrealized_pnl,
            "profit_kept": quantity * (entry - bankrupt),
            "per_btc": bankrupt - mark,
        },
        working={"profit": short.unrealized_pnl},
    )


COMPUTATIONS = (adl_taken, adl_score, adl_cost)
