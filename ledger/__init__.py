"""Write side of yibao-ledger, one folder per chapter of the regulations (docs/architecture.md)."""
