"""The assessment alone, on a new ledger: one employer's staff, the tables caught up, then `contributions assess`
for 2026-01 timed as `bench.run` times it. Run by hand:

    python -m bench.assess --db postgresql://postgres@127.0.0.1:5432/yibao_assess --staff 10000
"""

from __future__ import annotations

import argparse
import random

from bench.run import assess_rate, employer_with_staff, staffed
from ledger.store.opening import open_ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="An empty store: sqlite:///path or postgresql://...")
    parser.add_argument("--staff", type=int, default=10_000, help="Employees of the assessed employer.")
    args = parser.parse_args()
    ledger = open_ledger(args.db, initialise=True)
    try:
        staffed(ledger)
        code = employer_with_staff(ledger, random.Random(7), set(), args.staff)
        print(f"`contributions assess`, {args.staff:,} employees: "
              f"{assess_rate(ledger, code, args.staff):,.0f} person-months/s")
    finally:
        ledger.close()


if __name__ == "__main__":
    main()
