"""Check my position: what an exchange reports for a trader's positions, beside the engine's
figures, and where any difference comes from.

- `statement`: the positions as the exchange reports them (`Statement`, `Reported`).
- `payloads`: each venue's account API response read into a `Statement`.
- `comparison`: the engine's figures for the same account, and the reasons for a gap.
- `forms` and `views`: the page. A paste is read and forgotten; the address of a result
  carries only the figures (never the paste), so it can be shared and cached.
"""
