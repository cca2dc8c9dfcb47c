"""Every kind of fact and stream the ledger stores, by chapter: imported before anything is read, so that facts
stored under the topics their classes had before they moved (`formerly`) resolve."""

from __future__ import annotations

from ledger.audit import reveals, roster, vouchers
from ledger.benefits import events as benefits
from ledger.contributions import events as contributions
from ledger.contributions import receipts
from ledger.core import events as core
from ledger.core import jobs
from ledger.maternity import events as maternity
from ledger.medical import events as medical
from ledger.medical import institution
from ledger.policy import book as policy
from ledger.refunds import events as refunds
from ledger.registration import employer, person
from ledger.registration import events as registration
from ledger.resident import events as resident

MODULES = (core, policy, registration, person, employer, contributions, receipts, benefits, maternity, medical,
           institution, resident, refunds, jobs, roster, vouchers, reveals)
