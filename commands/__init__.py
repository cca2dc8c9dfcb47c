"""The yibao CLI: one module per command group; commands parse, call the ledger, render."""
