"""The quiz at the end of beginner lesson 4, "Isolated vs Cross Margin".

Each question names the learning objective it checks (numbered as in the
lesson brief) and the lesson section its feedback links back to. Correct
choices sit in different places on purpose. Numeric questions give ranges;
their answers come from the margin engine (quiz/numeric.py).
"""

SINGLE, MULTIPLE, NUMERIC = "single", "multiple", "numeric"

QUIZ = {
    "slug": "isolated-vs-cross-margin",
    "title": "Isolated vs Cross Margin quiz",
    "lesson": ("beginner", "isolated-vs-cross-margin"),
    "pass_mark": 80,
    "intro": (
        "Ten questions on lesson 4: what margin is, what each mode can lose, where "
        "liquidation sits, and which mode fits which trade. Three questions use figures "
        "drawn just for you, so keep a calculator handy. Every answer is explained, with "
        "a link back to the part of the lesson it comes from."
    ),
}

QUESTIONS = [
    {
        "objective": 1,
        "kind": SINGLE,
        "lesson_section": "what-margin-is",
        "prompt": "What is margin in a leveraged perpetual futures trade?",
        "explanation": (
            "Margin is collateral: the deposit you put up to open a leveraged position and to "
            "keep it open. Losses are taken out of it, and if they use it up, the position "
            "is liquidated."
        ),
        "choices": [
            (
                "A fee the exchange charges for lending you leverage",
                False,
                "Margin is not a fee. It is your own money set aside as a deposit, and what "
                "the trade has not lost comes back to you when you close it.",
            ),
            (
                "The collateral you put up to open the position and keep it open",
                True,
                "Yes: margin is the deposit that stands behind the trade.",
            ),
            (
                "The full value of the position you open",
                False,
                "That is the position's size. With leverage, the margin is only a part of "
                "it: the size divided by the leverage.",
            ),
            (
                "The profit you must make before you are allowed to close",
                False,
                "Margin has nothing to do with a profit target: it is the deposit that "
                "backs the trade.",
            ),
        ],
    },
    {
        "objective": 2,
        "kind": NUMERIC,
        "lesson_section": "what-margin-is",
        "computation": "initial_margin",
        "figures": {
            "size": {"min": "2000", "max": "40000", "step": "1000"},
            "leverage": {"choices": ["2", "4", "5", "10", "20", "25"]},
        },
        "prompt": (
            "You want to open a long on BTC worth {size} at {leverage} leverage. "
            "How much margin does the position need?"
        ),
        "explanation": (
            "Margin is the position size divided by the leverage: {size} ÷ "
            "{leverage_number} = {answer}. That deposit is what backs the trade."
        ),
    },
    {
        "objective": 3,
        "kind": MULTIPLE,
        "lesson_section": "comparison",
        "prompt": "Which of these statements about the most you can lose are true?",
        "explanation": (
            "In isolated mode the most a position can lose is the margin you assigned to "
            "it. In cross mode the whole balance backs every position, so a liquidation can "
            "take the whole account."
        ),
        "choices": [
            (
                "In isolated mode, a position can lose at most the margin you assigned to it",
                True,
                "Right: an isolated position can use nothing but its own margin, so that "
                "is all it can lose.",
            ),
            (
                "In cross mode, the most you can lose is the initial margin the leverage sets",
                False,
                "In cross mode the initial margin is no limit: the whole balance backs the "
                "position, so a liquidation can take all of it.",
            ),
            (
                "In cross mode, a liquidation can take your whole account balance",
                True,
                "Right: the whole balance is collateral for every position, so all of it "
                "is at risk.",
            ),
            (
                "In isolated mode, a liquidation also takes your free balance",
                False,
                "The free balance is walled off from an isolated position; it is untouched "
                "when that position is liquidated.",
            ),
        ],
    },
    {
        "objective": 3,
        "kind": NUMERIC,
        "lesson_section": "comparison",
        "computation": "max_loss",
        "figures": {
            "balance": {"min": "2000", "max": "10000", "step": "500"},
            "margin": {"min": "200", "max": "1500", "step": "100"},
            "leverage": {"choices": ["10", "20"]},
            "mode": {"choices": ["isolated", "cross"]},
        },
        "prompt": (
            "Your account holds {balance}. You open a long on ETH with {margin} of margin "
            "at {leverage} leverage, in {mode} mode. ETH then crashes and the position is "
            "liquidated. How much of your account do you lose?"
        ),
        "explanation": "{rule} So the liquidation costs you {answer}.",
    },
    {
        "objective": 4,
        "kind": SINGLE,
        "lesson_section": "comparison",
        "prompt": (
            "You open the same BTC long at the same leverage twice: once in isolated mode, "
            "and once in cross mode with plenty of spare balance in the account. Which one "
            "has its liquidation price further from the entry price?"
        ),
        "explanation": (
            "The more money stands behind a position, the further the price must move "
            "before it is liquidated. Cross puts the whole balance behind it. In the "
            "lesson's example, the BTC long is liquidated at about 54,271 in isolated mode "
            "but only at about 30,226 in cross mode."
        ),
        "choices": [
            (
                "The cross one",
                True,
                "Yes: the whole balance backs a cross position, so the price has to move "
                "much further before it is liquidated.",
            ),
            (
                "The isolated one",
                False,
                "An isolated position has only its own margin behind it, so a smaller move "
                "uses it up: its liquidation price is closer to entry.",
            ),
            (
                "Both are the same, because the leverage is the same",
                False,
                "Leverage sets the initial margin, but the liquidation price depends on how "
                "much money backs the position, and cross puts the whole balance behind it.",
            ),
        ],
    },
    {
        "objective": 5,
        "kind": NUMERIC,
        "lesson_section": "isolated-practical-example",
        "computation": "account_after_isolated_liquidation",
        "figures": {
            "balance": {"min": "4000", "max": "10000", "step": "500"},
            "margin_a": {"min": "500", "max": "2000", "step": "100"},
            "leverage_a": {"choices": ["10", "20"]},
            "margin_b": {"min": "200", "max": "1000", "step": "100"},
            "leverage_b": {"choices": ["2", "3", "5"]},
            "move": {"choices": ["9.7", "9.8", "11", "12", "13", "15"]},
        },
        "prompt": (
            "Your account holds {balance}, and you open two longs in isolated mode: A on "
            "BTC with {margin_a} of margin at {leverage_a} leverage, and B on ETH with "
            "{margin_b} of margin at {leverage_b} leverage. BTC then falls {move} while "
            "ETH does not move. What is your account worth now, counting the margin in "
            "positions that are still open?"
        ),
        "explanation": (
            "A's liquidation price was about {liquidation_price}, {liquidation_distance} "
            "below its entry at 60,000, so the {move} fall liquidates it and you lose its "
            "{margin_a} of margin. B is untouched. Your free balance is still "
            "{free_balance} and B still holds {margin_b}, so the account is worth "
            "{balance} \u2212 {margin_a} = {answer}."
        ),
    },
    {
        "objective": 6,
        "kind": SINGLE,
        "lesson_section": "cross-practical-example",
        "prompt": (
            "In cross mode you hold a BTC long that is losing money and an ETH long that is "
            "in profit. BTC keeps falling until the account reaches its maintenance margin. "
            "What happens to the ETH position?"
        ),
        "explanation": (
            "In cross mode every position draws on one shared balance, and liquidation is "
            "decided for the account as a whole. When a losing position drains it, the "
            "exchange closes everything, including positions in profit: one bad position "
            "can drag the rest down with it."
        ),
        "choices": [
            (
                "It stays open, because it is making money",
                False,
                "Profit does not protect it: in cross mode the exchange closes positions to "
                "cover the shared losses, winners included.",
            ),
            (
                "Only its profit is used to cover BTC, and it stays open",
                False,
                "Its profit does help, by pushing BTC's liquidation price further away, but "
                "once the shared balance runs out every position is closed, ETH included.",
            ),
            (
                "It is liquidated too, because liquidation is decided for the whole account",
                True,
                "Right: the positions share one pool of collateral, so when the pool runs "
                "out they all go.",
            ),
            (
                "Nothing: in cross mode each position keeps its own margin",
                False,
                "That describes isolated mode. In cross mode there are no separate budgets.",
            ),
        ],
    },
    {
        "objective": 7,
        "kind": MULTIPLE,
        "lesson_section": "when-isolated",
        "prompt": "In which of these situations is isolated margin the better choice?",
        "explanation": (
            "Isolated fits when you are still learning, the trade is high-risk or "
            "speculative, you use high leverage (10x and more), you want the largest loss "
            "capped up front, or positions must not affect each other. A hedge run by an "
            "experienced trader is a case for cross margin."
        ),
        "choices": [
            (
                "You are still learning how perpetual futures behave",
                True,
                "Yes: isolated caps each mistake at the margin you assigned.",
            ),
            (
                "You are an experienced trader running a hedge: long BTC and short ETH",
                False,
                "A hedge is where cross margin fits: the gain on one side supports the "
                "other, which only works if they share collateral.",
            ),
            (
                "You open a speculative trade at 20x leverage",
                True,
                "Yes: high leverage and speculative trades are exactly where a capped loss "
                "matters.",
            ),
            (
                "You hold several unrelated positions that must not affect each other",
                True,
                "Yes: isolated keeps each position's margin separate.",
            ),
        ],
    },
    {
        "objective": 7,
        "kind": SINGLE,
        "lesson_section": "when-cross",
        "prompt": (
            "An experienced trader holds a long on BTC and a short on ETH as a hedge, so a "
            "loss on one is partly offset by a gain on the other. Which margin mode suits "
            "this best?"
        ),
        "explanation": (
            "Hedged positions offset each other, and in cross mode they share one pool of "
            "collateral, so the gain on one side covers the loss on the other. The lesson "
            "lists hedges, with experienced traders who want capital efficiency, as the "
            "case for cross margin."
        ),
        "choices": [
            (
                "Isolated margin, so that each side is capped on its own",
                False,
                "In isolated mode one side could be liquidated on its own even while the "
                "other side's gain offsets its loss; the hedge needs shared collateral.",
            ),
            (
                "Cross margin, so that the gain on one side supports the other",
                True,
                "Right: with shared collateral the two sides of the hedge back each other.",
            ),
            (
                "It makes no difference for a hedge",
                False,
                "It does: only in cross mode can the winning side's gain keep the losing "
                "side open.",
            ),
        ],
    },
    {
        "objective": 8,
        "kind": SINGLE,
        "lesson_section": "beginners-rule",
        "prompt": "Which of these sums up the beginner's rule from the lesson?",
        "explanation": (
            "Start with isolated margin. If a position needs more room you can add margin "
            "by hand, but money that cross margin has drained cannot be recovered. Isolated "
            "is cash in separate envelopes: lose one and the rest are safe. Cross is all "
            "your cash in one wallet: convenient, but lose it and you lose everything."
        ),
        "choices": [
            (
                "Start with cross margin: like keeping all your cash in one wallet, it is "
                "the most convenient",
                False,
                "The wallet is the lesson's picture of cross margin's danger: lose the "
                "wallet and you lose everything.",
            ),
            (
                "Start with isolated margin, because an isolated position can never be liquidated",
                False,
                "Isolated positions can be liquidated. What isolated mode does is cap the "
                "loss at the margin you assigned.",
            ),
            (
                "It does not matter which mode you start with, as long as the leverage is low",
                False,
                "The mode decides how much one bad trade can take, whatever the leverage.",
            ),
            (
                "Start with isolated margin: like cash in separate envelopes, losing one "
                "leaves the rest safe, and you can always add margin by hand",
                True,
                "Right: that is the rule, and the envelopes are the picture to remember.",
            ),
        ],
    },
]
