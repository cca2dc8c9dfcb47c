"""Policy handlers (section P): a new value of a parameter from a date; earlier computations keep theirs."""

from __future__ import annotations

import datetime

from ledger.policy.book import PolicyParameterSet, check_parameter


def set_parameter(uow, *, name: str, value: str, effective_from: datetime.date, on: datetime.date, operator: str,
                  documents: list[str] = ()) -> None:
    check_parameter(uow.default_policy, name, value)
    uow.policy_book(operator).record(PolicyParameterSet, name=name, value=value, effective_from=effective_from, on=on,
                             operator=operator, documents=list(documents))
    uow.commit()
