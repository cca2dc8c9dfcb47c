"""Beijing time (北京时间, UTC+8, no daylight saving since 1991): the time people at the counters read and type.

Recorded times are stored in UTC (the library's event timestamps); human output shows them in Beijing time and a
moment typed without an offset (`--known-at 2024-03-01T09:00`) means Beijing time. JSON keeps ISO 8601 with the
offset, whichever it is.
"""

from __future__ import annotations

import datetime

BEIJING = datetime.timezone(datetime.timedelta(hours=8), "CST")


def in_beijing(moment: datetime.datetime | str) -> datetime.datetime:
    """A moment (an aware datetime or its ISO 8601 text) in Beijing time."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment.astimezone(BEIJING)


def shown(moment: datetime.datetime | str | None) -> str:
    """`YYYY-MM-DD HH:MM:SS` in Beijing time, for people (empty for none)."""
    return "" if moment is None else in_beijing(moment).strftime("%Y-%m-%d %H:%M:%S")
