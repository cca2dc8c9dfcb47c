"""The ledger application: look up a stream, ask it to decide, save what it decided (in one transaction)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, PersistenceError

from ledger import (
    account,
    contributions,
    history,
    maternity,
    refunds,
    resident,
    validation,
)
from ledger.arrears import Debt, employer_debt
from ledger.bases import base_floor, clamp_base, reference_wage
from ledger.contribution_months import (
    contribution_months,
    employers_of,
    person_months,
    received_by,
)
from ledger.deferral import deferral_periods
from ledger.eligibility import eligibility
from ledger.employer import Employer
from ledger.employer_events import StaffHired
from ledger.employer_state import staff_during
from ledger.errors import BadInput, RuleViolation, StorageFailure
from ledger.events import LedgerEvent
from ledger.files import WageRow
from ledger.jobs import Job
from ledger.month import Month
from ledger.person import IdNumberIndex, Person
from ledger.policy import Policy
from ledger.policy_book import PolicyBook, policy_from
from ledger.retirement import minimum_months
from ledger.staffing import registration_is_late, staff_change_month
from ledger.transcodings import DateAsISO, MonthAsISO


class Ledger(Application):
    name = "yibao"

    def __init__(self, env: dict[str, str] | None = None, policy: Policy | None = None):
        super().__init__(env)
        self.default_policy = policy or Policy.defaults()

    @property
    def policy(self) -> Policy:
        """The policy as known now: the shipped defaults and everything published since."""
        return self.policy_at(None)

    def policy_at(self, known_at: datetime.datetime | None) -> Policy:
        return policy_from(self.default_policy, history.known_at(self.policy_book().history, known_at))

    def policy_book(self) -> PolicyBook:
        try:
            return self.repository.get(PolicyBook.ID)
        except AggregateNotFoundError:
            return PolicyBook.open(on=datetime.date(1999, 1, 1), operator="yibao")

    def set_policy_parameter(self, *, name: str, value: str, effective_from: datetime.date, on: datetime.date,
                             operator: str, documents: list[str] = ()) -> None:
        book = self.policy_book()
        book.set_parameter(defaults=self.default_policy, name=name, value=value, effective_from=effective_from,
                           on=on, operator=operator, documents=list(documents))
        self.commit(book)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(MonthAsISO())

    # -- reading streams ---------------------------------------------------------------

    def find_person(self, id_number: str) -> Person:
        try:
            index = self.repository.get(IdNumberIndex.id_for(id_number))
        except AggregateNotFoundError:
            raise RuleViolation("REG-2", f"no person is registered with ID number {id_number}") from None
        return self.repository.get(index.person_id)

    def find_employer(self, code: str) -> Employer:
        try:
            return self.repository.get(Employer.id_for(code))
        except AggregateNotFoundError:
            raise RuleViolation("REG-1", f"no employer is registered with credit code {code}") from None

    def job(self, kind: str) -> Job | None:
        try:
            return self.repository.get(Job.id_for(kind))
        except AggregateNotFoundError:
            return None

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0

    def person_history(self, id_number: str, known_at: datetime.datetime | None = None) -> list[LedgerEvent]:
        return history.known_at(self.find_person(id_number).history, known_at)

    def employer_history(self, code: str, known_at: datetime.datetime | None = None) -> list[LedgerEvent]:
        return history.known_at(self.find_employer(code).history, known_at)

    # -- employers -----------------------------------------------------------------------

    def register_employer(self, *, code: str, name: str, unit_type: str, on: datetime.date,
                          founded: datetime.date | None = None, insured_from: datetime.date | None = None,
                          address: str | None = None, legal_rep: str | None = None,
                          bank_account: str | None = None, contact: str | None = None,
                          operator: str, documents: list[str] = ()) -> Employer:
        if Employer.id_for(code) in self.repository:
            raise RuleViolation("REG-1", f"employer {code} is already registered")
        employer = Employer.register(
            code=code, name=name, unit_type=unit_type, address=address, legal_rep=legal_rep,
            bank_account=bank_account, contact=contact, founded=founded, insured_from=insured_from or on,
            late=registration_is_late(self.policy, founded, on), on=on, operator=operator,
            documents=list(documents),
        )
        self.commit(employer)
        return employer

    def change_employer(self, *, code: str, changes: dict[str, Any], on: datetime.date, operator: str,
                        reason: str | None = None, documents: list[str] = ()) -> None:
        employer = self.find_employer(code)
        employer.change(changes=changes, reason=reason, on=on, operator=operator, documents=list(documents))
        self.commit(employer)

    def cancel_employer(self, *, code: str, reason: str, on: datetime.date, operator: str,
                        documents: list[str] = ()) -> None:
        employer = self.find_employer(code)
        owed = self.employer_debt(code, on).owed
        employer.cancel(reason=reason, owed=owed, on=on, operator=operator, documents=list(documents))
        self.commit(employer)

    def hire(self, *, code: str, id_number: str, month: Month, declared_on: datetime.date, operator: str,
             documents: list[str] = ()) -> Month:
        """CON-9: returns the month the hire takes effect, after the cut-off."""
        employer, person = self.find_employer(code), self.find_person(id_number)
        effective = staff_change_month(self.policy, month, declared_on)
        person.require_registered(effective.last_day)
        employer.hire(person_id=person.id, id_number=id_number, requested_month=month, month=effective,
                      declared_on=declared_on, operator=operator, documents=list(documents))
        self.commit(employer)
        return effective

    def leave(self, *, code: str, id_number: str, month: Month, declared_on: datetime.date, operator: str,
              documents: list[str] = ()) -> Month:
        employer, person = self.find_employer(code), self.find_person(id_number)
        effective = staff_change_month(self.policy, month, declared_on)
        employer.leave(person_id=person.id, id_number=id_number, requested_month=month, month=effective,
                       declared_on=declared_on, operator=operator, documents=list(documents))
        self.commit(employer)
        return effective

    def employer_debt(self, code: str, on: datetime.date) -> Debt:
        """REG-4, CON-8: what the employer's staff (ever) were assessed for it and it has not paid."""
        return employer_debt(code, self._staff_months(code), deferral_periods(self.find_employer(code).history), on)

    def choose_base(self, *, id_number: str, base: Decimal, month: Month, on: datetime.date,
                    operator: str) -> Decimal:
        """CON-5: never below the minimum base of the month; above the ceiling, the ceiling is what counts."""
        person = self.find_person(id_number)
        reference = reference_wage(self.policy, month.year)
        person.choose_base(month=month, base=base, floor=base_floor(self.policy, reference, month), on=on,
                           operator=operator, documents=[])
        self.commit(person)
        return clamp_base(self.policy, reference, month, base)

    def deferrals(self, codes: set[str], known_at: datetime.datetime | None = None) -> dict:
        """Employers' deferral periods as known at a moment, for the months projection (CON-8)."""
        return {code: deferral_periods(history.known_at(self.find_employer(code).history, known_at))
                for code in codes}

    def declare_bases(self, *, code: str, year: int, rows: list[WageRow], file_digest: str,
                      on: datetime.date, operator: str, documents: list[str] = ()) -> contributions.Report:
        """CON-1 then CON-4: record the declared wages, then settle months assessed provisionally.

        A row for someone not on the employer's staff that year refuses the whole file.
        """
        employer = self.find_employer(code)
        staff = staff_during(employer.history, year)
        persons, problems = {}, []
        for row in rows:
            try:
                persons[row.id_number] = self.find_person(row.id_number).id
            except RuleViolation:
                problems.append(f"row {row.row}: {row.id_number} is not registered")
                continue
            if persons[row.id_number] not in staff:
                problems.append(f"row {row.row}: {row.id_number} is not on the staff of {code} in {year}")
        if problems:
            raise BadInput("file", "; ".join(problems))
        employer.declare_bases(year=year, wages={persons[r.id_number]: r.wage for r in rows},
                               id_numbers={p: n for n, p in persons.items()}, file_digest=file_digest, on=on,
                               operator=operator, documents=list(documents))
        self.commit(employer)
        return contributions.settle_declaration(self, employer=employer, year=year, on=on, operator=operator)

    def defer(self, *, code: str, month: Month, months: int, on: datetime.date, operator: str,
              documents: list[str] = ()) -> None:
        employer = self.find_employer(code)
        employer.defer(policy=self.policy, month=month, months=months, on=on, operator=operator,
                       documents=list(documents))
        self.commit(employer)

    def publish_average_wage(self, *, year: int, annual: Decimal, on: datetime.date, operator: str,
                             documents: list[str] = ()) -> contributions.Report:
        """CON-3: record the publication, then true up year+1's months assessed on an older average."""
        book = self.policy_book()
        book.publish_average_wage(year=year, annual=annual, on=on, operator=operator, documents=list(documents))
        self.commit(book)
        return contributions.true_up(self, contribution_year=year + 1, on=on, operator=operator)

    # -- persons -------------------------------------------------------------------------

    def register_person(self, *, id_number: str, name: str, sex: str, scheme: str, on: datetime.date,
                        employer: str | None = None, birth: datetime.date | None = None,
                        hukou: str | None = None, phone: str | None = None, address: str | None = None,
                        operator: str, documents: list[str] = ()) -> Person:
        """REG-2; a person cancelled earlier registers again on the same stream (MON-3)."""
        employing = self._employer_for_registration(scheme, employer, on)
        index_id = IdNumberIndex.id_for(id_number)
        if index_id in self.repository:
            person = self.find_person(id_number)
            if scheme == "resident" and not person.state_on(on).registered:
                resident.check_registration(self.policy, hukou or person.state_on(on).hukou, person.history[0].birth, on,
                                            documents)
            person.reregister(scheme=scheme, employer=employer, on=on, operator=operator, documents=list(documents))
            new = [person]
        else:
            if scheme == "resident":
                resident.check_registration(self.policy, hukou, birth or validation.birth_date_of(id_number), on,
                                            documents)
            person = Person.register(
                id_number=id_number, name=name, sex=sex, birth=birth or validation.birth_date_of(id_number),
                scheme=scheme, employer=employer, hukou=hukou, phone=phone, address=address, on=on,
                operator=operator, documents=list(documents),
            )
            new = [person, IdNumberIndex.point(id_number, person.id)]
        if employing is not None:
            # The registration form is the employer's declaration of a new member of staff.
            employing.hire(person_id=person.id, id_number=id_number, requested_month=Month.of(on),
                           month=Month.of(on), declared_on=on, operator=operator, documents=list(documents))
            new.append(employing)
        self.commit(*new)
        return person

    def _employer_for_registration(self, scheme: str, code: str | None, on: datetime.date) -> Employer | None:
        if scheme == "employee" and code is None:
            raise BadInput("employer", "an employee-scheme registration names its employer (--employer USCC)")
        if scheme != "employee" and code is not None:
            raise BadInput("employer", f"a {scheme} registration has no employer")
        if code is None:
            return None
        employer = self.find_employer(code)
        employer.require_registered(on)
        return employer

    def change_person(self, *, id_number: str, changes: dict[str, Any], on: datetime.date, operator: str,
                      reason: str | None = None, documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        state = person.state_on(on)
        new_number = changes.get("id_number", state.id_number)
        new_birth = changes.get("birth", state.birth)
        if validation.birth_date_of(new_number) != new_birth:
            raise BadInput("birth", f"{new_birth} does not agree with the ID number {new_number}")
        person.change(changes=changes, reason=reason, on=on, operator=operator, documents=list(documents))
        new: list[Any] = [person]
        if "id_number" in changes:
            if IdNumberIndex.id_for(new_number) in self.repository:
                raise RuleViolation("REG-2", f"ID number {new_number} already belongs to a registered person")
            new.append(IdNumberIndex.point(new_number, person.id))
        self.commit(*new)

    def cancel_person(self, *, id_number: str, reason: str, on: datetime.date, operator: str,
                      documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.cancel(reason=reason, on=on, operator=operator, documents=list(documents))
        self.commit(person)

    # -- interruption, back-payment, transfers, retirement, the account (issue 4) ---------------

    def person_outlook(self, id_number: str, on: datetime.date, known_at: datetime.datetime | None = None):
        """The person's eligibility and account movements on `on`, as known at `known_at`."""
        events = self.person_history(id_number, known_at)
        deferrals = self.deferrals(employers_of(events), known_at)
        policy = self.policy_at(known_at)
        return eligibility(policy, events, deferrals, on), account.movements(policy, events, deferrals, on)

    def interrupt(self, *, id_number: str, month: Month, operator: str, documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.interrupt(month=month, operator=operator, documents=list(documents))
        self.commit(person)

    def resume(self, *, id_number: str, on: datetime.date, operator: str, documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.resume(on=on, operator=operator, documents=list(documents))
        self.commit(person)

    def back_pay(self, *, id_number: str, first: Month, last: Month, on: datetime.date, operator: str,
                 documents: list[str] = ()) -> int:
        """WAIT-6, RET-1: assess the gap at the bases in force for those months; it counts once received."""
        person = self.find_person(id_number)
        count = contributions.assess_back_pay(self.policy, person, first, last, on, operator, list(documents))
        self.commit(person)
        return count

    def transfer_in(self, *, id_number: str, from_region: str, months: int, balance: Decimal, on: datetime.date,
                    operator: str, documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.transfer_in(from_region=from_region, months=months, balance=balance, on=on, operator=operator,
                           documents=list(documents))
        self.commit(person)

    def transfer_out(self, *, id_number: str, to_region: str, on: datetime.date, operator: str,
                     documents: list[str] = ()) -> Decimal:
        person = self.find_person(id_number)
        _, moves = self.person_outlook(id_number, on)
        leaving = account.balance(moves)
        person.transfer_out(to_region=to_region, balance=leaving, on=on, operator=operator, documents=list(documents))
        self.commit(person)
        return leaving

    def retire(self, *, id_number: str, on: datetime.date, operator: str, documents: list[str] = ()) -> int:
        person = self.find_person(id_number)
        state = person.state_on(on)
        events = person.history
        months = contribution_months(events, self.deferrals(employers_of(events)), on)["total"]
        shortfall = person.retire(on=on, months=months, minimum=minimum_months(self.policy, state.sex, on),
                                  operator=operator, documents=list(documents))
        self.commit(person)
        return shortfall

    def switch_scheme(self, *, id_number: str, scheme: str, on: datetime.date, operator: str,
                      documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.switch_scheme(scheme=scheme, on=on, operator=operator, documents=list(documents))
        self.commit(person)

    def spend(self, *, id_number: str, amount: Decimal, on: datetime.date, operator: str, facility: str | None = None,
              documents: list[str] = ()) -> Decimal:
        """ACC-3; returns the balance left."""
        person = self.find_person(id_number)
        deferrals, policy = self.deferrals(employers_of(person.history)), self.policy
        allowed = eligibility(policy, person.history, deferrals, on)
        moves = account.movements(policy, person.history, deferrals, account.horizon(person.history, on))
        available = account.spendable(moves, on)
        person.spend(amount=amount, facility=facility, balance=available, usable=allowed.account,
                     reason=allowed.reason, on=on, operator=operator, documents=list(documents))
        self.commit(person)
        return account.balance(m for m in moves if m.on <= on) - amount

    # -- maternity and refunds (issue 5) ----------------------------------------------------------

    def claim_maternity(self, *, id_number: str, kind: str, birth: datetime.date, on: datetime.date, operator: str,
                        documents: dict[str, str], leave_days: int | None = None, elsewhere_unsigned: bool = False,
                        family_planning: bool = True, emergency: bool = False
                        ) -> tuple[maternity.Claim, maternity.AverageBase | None]:
        """MAT-1..MAT-5: check the documents and the person, compute what is paid, record claim and payments."""
        maternity.check_documents(kind, documents, emergency)
        person = self.find_person(id_number)
        events = person.history
        maternity.check_claimant(kind, person.state_on(birth).sex)
        deferrals = self.deferrals(employers_of(events))
        months = person_months(received_by(events, on))
        maternity.check_eligible(months, deferrals, person.state_on(birth).scheme, birth, family_planning)
        policy = self.policy
        continuous = maternity.continuous_months(policy, events, deferrals, Month.of(birth), on)
        average = None
        if kind in ("allowance", "nursing-subsidy"):
            code = months[Month.of(birth)].employer
            average = maternity.employer_average_base(policy, self._staff_months(code), code, birth)
        claim = maternity.claim(policy, kind, birth, continuous, average, leave_days, elsewhere_unsigned,
                                maternity.allowances_paid(events))
        person.claim_maternity(kind=kind, birth=birth, continuous_months=continuous,
                               average_base=average.amount if average else None,
                               averaged=str(average) if average else None, leave_days=claim.leave_days,
                               elsewhere_unsigned=elsewhere_unsigned, emergency=emergency, payments=claim.payments,
                               on=on, operator=operator, documents=[f"{k}:{v}" for k, v in documents.items()])
        self.commit(person)
        return claim, average

    def _staff_months(self, code: str) -> list:
        """Every month of everyone ever on the employer's staff (their months for other employers included)."""
        employer = self.find_employer(code)
        people = {e.person_id for e in history.standing(employer.history) if isinstance(e, StaffHired)}
        return [pm for pid in people for pm in self.repository.get(pid).months().values()]

    def request_refund(self, *, id_number: str, reason: str, on: datetime.date, operator: str,
                       documents: list[str] = ()) -> tuple[int, list[Month], Decimal]:
        """REF-1, REF-2: computed from the person's flexible months; recorded when the conditions hold."""
        person = self.find_person(id_number)
        # REF-3 when a resident year is paid for this year or the next; otherwise the flexible refunds.
        if any(year >= on.year for year in resident.payments(person.history)) and reason in resident.REFUND_REASONS:
            paid = resident.refund(person.history, reason, on)
            amount = resident.refund_amount(paid)
            person.refund_resident(year=paid.year, reason=reason, amount=amount, on=on, operator=operator,
                                   documents=list(documents))
            self._end_resident_registration(person, reason, on, operator, list(documents))
            self.commit(person)
            return paid.year, [], amount
        year, months, amount = refunds.refund(self.policy, person.history, reason, on)
        person.record_refund(reason=reason, year=year, months=months, amount=amount, on=on, operator=operator,
                             documents=list(documents))
        self.commit(person)
        return year, months, amount

    def _end_resident_registration(self, person: Person, reason: str, on: datetime.date, operator: str,
                                   documents: list[str]) -> None:
        """REF-3, R18: a refunded resident's registration is cancelled with the refund; joining employee
        insurance switches the scheme instead. Already cancelled (the death recorded first): nothing more."""
        state = person.state_on(on)
        if not state.registered:
            return
        if reason == "to-employee":
            if state.scheme == "resident":
                person.switch_scheme(scheme="employee", on=on, operator=operator, documents=documents)
            return
        resident.check_refund_documents(reason, documents)
        person.cancel(reason=resident.REFUND_CANCELLATION[reason][0], on=on, operator=operator, documents=documents)

    # -- the resident scheme (issue 6) ------------------------------------------------------------

    def flag_hardship(self, *, id_number: str, kind: str, body: str, on: datetime.date, operator: str,
                      documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.flag_hardship(kind=kind, body=body, on=on, operator=operator, documents=list(documents))
        self.commit(person)

    def end_hardship(self, *, id_number: str, kind: str, on: datetime.date, operator: str,
                     documents: list[str] = ()) -> None:
        person = self.find_person(id_number)
        person.end_hardship(kind=kind, on=on, operator=operator, documents=list(documents))
        self.commit(person)

    def pay_resident(self, *, id_number: str, year: int, on: datetime.date, operator: str, back_pay: bool = False,
                     documents: list[str] = ()) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """RES-3, WAIT-8, RES-7: the year's financing, with its subsidies; refused outside the window."""
        person = self.find_person(id_number)
        state = person.state_on(on)
        in_window, newborn = resident.check_payment(self.policy, person.history, year, on, state.birth, back_pay)
        total, personal, fiscal, assistance = resident.amounts(self.policy, year, resident.hardship_on(person.history, on))
        person.pay_resident(year=year, total=total, personal_part=personal, fiscal_subsidy=fiscal,
                            assistance_subsidy=assistance, newborn=newborn, in_window=in_window, back_paid=back_pay,
                            on=on, operator=operator, documents=list(documents))
        self.commit(person)
        return total, personal, fiscal, assistance

    def sign_facility(self, *, id_number: str, kind: str, facilities: list[tuple[str, str]], on: datetime.date,
                      operator: str, documents: list[str] = ()) -> datetime.date:
        if kind == "chronic":
            resident.check_chronic_facilities(facilities)
        person = self.find_person(id_number)
        effective_from = person.sign_facility(kind=kind, facilities=[f"{name} ({level})" for name, level in facilities],
                                              on=on, operator=operator, documents=list(documents))
        self.commit(person)
        return effective_from

    def register_students(self, *, school: str, rows: list, on: datetime.date, operator: str) -> int:
        """RES-1: a school's students, all or none: any refused row refuses the batch, naming the rows."""
        problems = [f"row {row.row}: {row.id_number} is already registered" for row in rows
                    if IdNumberIndex.id_for(row.id_number) in self.repository]
        if problems:
            raise BadInput("file", "; ".join(problems))
        new = []
        for row in rows:
            person = Person.register(
                id_number=row.id_number, name=row.name, sex=row.sex, birth=validation.birth_date_of(row.id_number),
                scheme="resident", employer=None, hukou=f"school: {school}", phone=None, address=None, on=on,
                operator=operator, documents=[f"school:{school}"])
            new += [person, IdNumberIndex.point(row.id_number, person.id)]
        self.commit(*new)
        return len(rows)

    # -- corrections ---------------------------------------------------------------------

    def correct_person(self, *, id_number: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
        person = self.find_person(id_number)
        person.reverse(seq=seq, reason=reason, on=on, operator=operator)
        account.refuse_overdraft(self.policy, person.history, self.deferrals(employers_of(person.history)), seq)
        self.commit(person)

    def correct_employer(self, *, code: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
        employer = self.find_employer(code)
        employer.reverse(seq=seq, reason=reason, on=on, operator=operator)
        self.commit(employer)

    # -- saving --------------------------------------------------------------------------

    def commit(self, *aggregates: Any) -> None:
        """Save every decision in one transaction, or nothing."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise StorageFailure(
                "another clerk changed the same record at the same moment; nothing was written, try again"
            ) from None
        except PersistenceError as error:
            raise StorageFailure(f"the store failed ({error}); nothing was written") from None

