"""Write side of yibao-ledger: aggregates, events, the rules that guard commands, the application."""
