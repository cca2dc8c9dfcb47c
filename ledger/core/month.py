"""Calendar month, the unit of contribution (缴费月)."""

from __future__ import annotations

import calendar
import datetime
import functools
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.number}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse `YYYY-MM`; raises ValueError on anything else."""
        return _parsed(text)

    @classmethod
    def _parse(cls, text: str) -> Month:
        year, sep, number = text.partition("-")
        if not sep or len(year) != 4 or len(number) != 2 or not (year + number).isdigit():
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(year), int(number))

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.number, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])

    def day(self, number: int) -> datetime.date:
        """The given day of this month, clamped to its last day."""
        return datetime.date(self.year, self.number, min(number, self.last_day.day))

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + self.number - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Month:
        return self + (-months)

    def months_until(self, other: Month) -> int:
        """How many months from this one to `other` (negative when `other` is earlier)."""
        return (other.year - self.year) * 12 + other.number - self.number

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> Month:
    # Months repeat across every row read back (a few hundred distinct values for millions of rows).
    return Month._parse(text)
