"""Read side of yibao-ledger: pure folds over events, their tables, and the schema they live in."""
