"""A synthetic Ningxia region for the demo and the tests: valid ID numbers and credit codes, plausible lives."""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from stdnum.cn import ric, uscc

from ledger.audit import handlers as audit
from ledger.contributions import handlers as contributions
from ledger.contributions.months import table
from ledger.contributions.receipts import Receipt
from ledger.contributions.receiving import import_receipts
from ledger.contributions.staffing import staff_during
from ledger.core.errors import LedgerError
from ledger.core.month import Month
from ledger.intake.files import WageRow
from ledger.registration import handlers as registration
from ledger.registration.person_state import state_on
from ledger.store.application import Ledger

# Ningxia county codes; stdnum knows which existed in which year, so a birth year picks among them.
COUNTIES = ("640102", "640104", "640105", "640106", "640121", "640122", "640181", "640202", "640221",
            "640302", "640381", "640402", "640502")
SURNAMES = "马王李张刘杨田金丁海白周穆冯何"
GIVEN = ("明", "芳", "军", "霞", "伟", "娟", "强", "敏", "勇", "燕", "涛", "静", "斌", "丽", "鹏", "梅")
TRADES = ("建材", "枸杞", "煤业", "物流", "餐饮", "葡萄酒", "电力", "商贸", "羊绒", "软件")
OPERATORS = ("clerk01", "clerk02", "clerk03")
DEMO_OPERATOR = "demo"
ADMIN, REVIEWER, APPROVER = "admin01", "reviewer01", "approver01"


def staff_the_ledger(ledger: Ledger) -> None:
    """The demo's operators (AUD-1): its administrator, its clerks, a reviewer and an approver."""
    audit.name_first_admin(ledger.unit_of_work(), name=ADMIN, on=datetime.date(2024, 1, 1))
    for name, roles in [*((c, ["clerk"]) for c in (*OPERATORS, DEMO_OPERATOR)), (REVIEWER, ["reviewer"]),
                        (APPROVER, ["approver"])]:
        audit.add_operator(ledger.unit_of_work(), name=name, roles=roles, on=datetime.date(2024, 1, 1),
                           operator=ADMIN)


def id_number(rng: random.Random, birth: datetime.date, sex: str) -> str:
    """A citizen ID number valid for its birth date and sex (odd order code for men)."""
    for county in rng.sample(COUNTIES, len(COUNTIES)):
        order = rng.randrange(0, 499) * 2 + (1 if sex == "M" else 0)
        body = f"{county}{birth:%Y%m%d}{order:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    raise ValueError(f"no county code known for births in {birth.year}")


def credit_code(rng: random.Random) -> str:
    """A unified social credit code for a Ningxia enterprise (登记管理部门 9, 类别 1)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + rng.choice(("640100", "640200", "640300", "640400", "640500")) + "".join(
        rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def birthday(birth: datetime.date, years: int) -> datetime.date:
    """The day `years` after `birth`; one born on 29 February has it on 28 February in a common year."""
    year = birth.year + years
    day = 28 if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year) else birth.day
    return datetime.date(year, birth.month, day)


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


@dataclass
class Region:
    employers: list[str]
    persons: list[str]
    sample: str | None = None


def fill_region(ledger: Ledger, persons: int, seed: int = 1, progress=None) -> Region:
    """Register employers and `persons` people with registration-era histories; returns who was made."""
    rng = random.Random(seed)
    region = Region(employers=[], persons=[])
    # The first code drawn names the region: the demo checks it to avoid refilling the same one.
    for _ in range(max(3, persons // 25)):
        region.employers.append(_employer(ledger, rng))
    for _ in range(persons):
        region.persons.append(_person(ledger, rng, region))
        if progress:
            progress()
    region.sample = _sample_person(ledger, rng, region)
    _half_year_of_contributions(ledger, rng, region)
    return region


def _half_year_of_contributions(ledger: Ledger, rng: random.Random, region: Region) -> None:
    """Declare 2024 wages, assess January to June, and import the bureau's receipts for most months."""
    for code in region.employers:
        staff = staff_during(ledger.employer_view(code), 2024)
        rows = [WageRow(i, state_on(ledger.view_of(ledger.repository.get(pid)), datetime.date(2024, 12, 31)).id_number,
                        Decimal(rng.randrange(2500, 16000)))
                for i, pid in enumerate(sorted(staff, key=str), start=2)]
        if rows:
            contributions.declare_bases(ledger.unit_of_work(), code=code, year=2024, rows=rows,
                                        file_digest=f"demo-{code}", on=datetime.date(2024, 1, 10),
                                        operator=rng.choice(OPERATORS))
    for number in range(1, 7):
        contributions.assess_month(ledger.unit_of_work(), month=Month(2024, number), operator=DEMO_OPERATOR,
                                   estimate_base=Decimal("5000.00"))
    receipts = []
    for id_number in region.persons:
        for month, person_month in table(ledger.view(id_number)).items():
            if month <= Month(2024, 6) and rng.random() < 0.9:
                received_on = month.day(rng.randrange(5, 28))
                receipts.append(Receipt(len(receipts) + 2, id_number, month, person_month.outstanding, received_on))
    import_receipts(ledger.unit_of_work(), receipts, digest=f"demo-receipts-{region.employers[0]}", source="demo-receipts.csv",
                    on=datetime.date(2024, 7, 1), operator=DEMO_OPERATOR)


def _employer(ledger: Ledger, rng: random.Random) -> str:
    code = credit_code(rng)
    founded = day_between(rng, datetime.date(2005, 1, 1), datetime.date(2022, 12, 31))
    on = founded + datetime.timedelta(days=rng.choice((5, 12, 20, 29, 45)))
    registration.register_employer(
        ledger.unit_of_work(), code=code, name=f"宁夏{rng.choice('塞上贺兰六盘黄河沙湖')}{rng.choice(TRADES)}有限公司", unit_type="enterprise",
        on=on, founded=founded, address=f"银川市{rng.choice(('金凤区', '兴庆区', '西夏区'))}", legal_rep=name(rng),
        operator=rng.choice(OPERATORS), documents=[f"营业执照-{code[-6:]}"],
    )
    return code


def _person(ledger: Ledger, rng: random.Random, region: Region) -> str:
    sex = rng.choice("MF")
    birth = day_between(rng, datetime.date(1962, 1, 1), datetime.date(2004, 12, 31))
    number = id_number(rng, birth, sex)
    while number in region.persons:
        number = id_number(rng, birth, sex)
    scheme = rng.choices(("employee", "flexible", "resident"), weights=(60, 25, 15))[0]
    on = day_between(rng, max(datetime.date(2012, 1, 1), birthday(birth, 18)), datetime.date(2024, 6, 30))
    employer = rng.choice(region.employers) if scheme == "employee" else None
    operator = rng.choice(OPERATORS)
    if employer:
        on = max(on, ledger.find_employer(employer).history[0].on)
    registration.register_person(ledger.unit_of_work(), id_number=number, name=name(rng), sex=sex, scheme=scheme, on=on, employer=employer,
                           hukou=f"宁夏{rng.choice(('银川', '石嘴山', '吴忠', '固原', '中卫'))}",
                           phone=f"139{rng.randrange(10**8):08d}", address="宁夏", operator=operator)
    later = on + datetime.timedelta(days=rng.randrange(60, 700))
    if rng.random() < 0.2:
        registration.change_person(ledger.unit_of_work(), id_number=number, changes={"address": f"银川市{rng.choice(('金凤区', '兴庆区'))}{rng.randrange(1, 300)}号"},
                             on=later, operator=operator, reason="搬家")
    if employer and rng.random() < 0.15:
        _move_job(ledger, rng, number, employer, region, later, operator)
    elif rng.random() < 0.03:
        gone = later + datetime.timedelta(days=30)
        if employer:
            contributions.leave(ledger.unit_of_work(), code=employer, id_number=number, month=Month.of(gone) + 1,
                                declared_on=gone, operator=operator)
        reason = rng.choice(("death", "abroad"))
        proof = "death-certificate" if reason == "death" else "settled-abroad"
        registration.cancel_person(ledger.unit_of_work(), id_number=number, reason=reason, on=gone, operator=operator,
                                   documents=[f"{proof}:证明-{number[-4:]}"])
    return number


def _move_job(ledger: Ledger, rng: random.Random, number: str, employer: str, region: Region,
              declared_on: datetime.date, operator: str) -> None:
    """Leave one employer and join another, declared in time for the next month (CON-9)."""
    month = Month.of(declared_on) + 1
    contributions.leave(ledger.unit_of_work(), code=employer, id_number=number, month=month, declared_on=declared_on,
                        operator=operator)
    other = rng.choice([code for code in region.employers if code != employer])
    try:
        contributions.hire(ledger.unit_of_work(), code=other, id_number=number, month=month, declared_on=declared_on,
                           operator=operator)
    except LedgerError:
        pass  # the other employer may not exist yet on that date: the person simply left


def _sample_person(ledger: Ledger, rng: random.Random, region: Region) -> str:
    """One person with a correction in their history, for the demo's closing display."""
    number = id_number(rng, datetime.date(1990, 3, 7), "M")
    employer = region.employers[0]
    registration.register_person(ledger.unit_of_work(), id_number=number, name="马明", sex="M", scheme="employee",
                                 on=datetime.date(2024, 3, 1),
                           employer=employer, hukou="宁夏银川", phone="13900000000", address="银川市兴庆区解放街1号",
                           operator="clerk01", documents=["入职登记表-2024-031"])
    registration.change_person(ledger.unit_of_work(), id_number=number, changes={"address": "银川市西夏区文萃路9号"},
                               on=datetime.date(2024, 5, 1), operator="clerk02", reason="搬家")
    proposed = audit.submit(ledger.unit_of_work(), operation="correct-person", id_number=number, seq=2,
                            reason="address typed from another person's form", on=datetime.date(2024, 5, 3),
                            operator="clerk01")
    for signer in (REVIEWER, APPROVER):  # AUD-1: a correction is a voucher, signed by two other people
        audit.sign(ledger.unit_of_work(), voucher=proposed.voucher, on=datetime.date(2024, 5, 3), operator=signer)
    registration.change_person(ledger.unit_of_work(), id_number=number, changes={"address": "银川市金凤区正源街18号"},
                               on=datetime.date(2024, 5, 1), operator="clerk01", reason="搬家")
    region.persons.append(number)
    return number
