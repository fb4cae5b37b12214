"""The collateral tool: a wallet of several assets, valued by each venue's collateral table
(simulator.engine.collateral), with the account's margin ratio and the breakdown."""
