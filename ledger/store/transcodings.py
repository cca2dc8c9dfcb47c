"""How dates and months are stored inside events (the library knows neither)."""

from __future__ import annotations

import datetime

from eventsourcing.persistence import Transcoding

from ledger.core.month import Month


class DateAsISO(Transcoding):
    type = datetime.date
    name = "date_iso"

    def encode(self, obj: datetime.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> datetime.date:
        return datetime.date.fromisoformat(data)


class MonthAsISO(Transcoding):
    type = Month
    name = "month"

    def encode(self, obj: Month) -> str:
        return str(obj)

    def decode(self, data: str) -> Month:
        return Month.parse(data)
