"""A voucher read back (AUD-1): what was proposed, every field, and each step with who signed it and when."""

from __future__ import annotations

from typing import Any

from ledger.audit.vouchers import (
    Voucher,
    VoucherApproved,
    VoucherRejected,
    VoucherReviewed,
    state_of,
)
from ledger.core.errors import BadInput
from ledger.core.i18n import _
from projections.plain import plain

STEPS = {VoucherReviewed: "reviewed", VoucherApproved: "approved", VoucherRejected: "rejected"}


def voucher_document(ledger: Any, code: str) -> dict[str, Any]:
    stream = ledger.stream(Voucher.id_for(code))
    if stream is None:
        raise BadInput("VOUCHER", _("there is no voucher {voucher}").format(voucher=code))
    proposed = stream.history[0]
    steps = [{"step": "proposed", "operator": proposed.operator, "at": proposed.timestamp.isoformat()}]
    for fact in stream.history[1:]:
        steps.append({"step": STEPS[type(fact)], "operator": fact.operator, "at": fact.timestamp.isoformat(),
                      "reason": getattr(fact, "reason", None)})
    return {**state_of(stream.history).listing(), "fields": plain(proposed.fields), "documents": proposed.documents,
            "steps": steps}
