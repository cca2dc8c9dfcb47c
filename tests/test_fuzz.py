"""Hostile input through the real CLI (issue 14): every write command, given random and hostile text, numbers,
dates and files, ends in exit 0, 1 (a rule) or 2 (bad input), never a traceback, and a refusal changes nothing.

Bounded for CI: YIBAO_FUZZ_EXAMPLES examples per command (default 200; under a minute in all). Set it higher by hand
to search longer.
"""

from __future__ import annotations

import os
import string
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.main import cli
from tests.builders import enrol
from tests.conftest import stored_event_count

EXAMPLES = int(os.environ.get("YIBAO_FUZZ_EXAMPLES", "200"))
PERSON, MOTHER, EMPLOYER, INSTITUTION = "640102199003070011", "640102198506120020", "91640100MA76A1B2CR", \
    "H64010400001"

NASTY = ["", " ", "\x1b[31m", "\u202e", "\x00", "\n", "\r\n", "\t", "\ufeff", "\u200b", "=1+1", "@SUM(A1)", "-1",
         "+1", "9" * 300, "\udcff", "1e400", "1E5", "NaN", "Infinity", "-0", "0.001", "99999999999999999999.99",
         "0001-01-01", "9999-12-31", "2024-02-30", "2024-13", "2024-00", "1025-01", "马明", "'; DROP TABLE x; --",
         "../../etc/passwd", "%s%n", "{0}", "null", "true", "２０２４-０１-０１", "640102199003070011 "]
hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(alphabet=string.printable, max_size=20))


def mostly(*good: str, also: st.SearchStrategy = hostile) -> st.SearchStrategy:
    """A good value four times in five (so that the rules are reached, not only the parsers), else hostile."""
    return st.one_of(*[st.sampled_from(good)] * 4, also)


dates = mostly("2024-03-10", "2024-06-30", "2025-01-15", "2026-01-01",
               also=st.one_of(st.dates().map(str), hostile))
months = mostly("2024-04", "2024-06", "2025-01",
                also=st.one_of(st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(0, 13)),
                               hostile))
amounts = mostly("388.24", "120.00", "0", "0.00", "5000",
                 also=st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str),
                                hostile))
ids = mostly(PERSON, MOTHER)
text = mostly("宁夏银川", "测试", "abc")


def option(name: str, values: st.SearchStrategy, required: bool) -> st.SearchStrategy:
    """The option with a value; an optional one is left out a third of the time, a required one rarely."""
    given = values.map(lambda v: [name, v])
    return st.one_of(given, given, st.just([])) if not required else st.one_of(*[given] * 9, st.just([]))


def command(*words: str, required: tuple[str, ...] = (), **options: st.SearchStrategy) -> st.SearchStrategy:
    parts = [option("--" + name.replace("_", "-"), values, name in required) for name, values in options.items()]
    return st.tuples(*parts).map(lambda chosen: [*words, *(a for part in chosen for a in part)])


COMMANDS = {
    "person register": command(
        "person", "register", required=("id", "name", "sex", "scheme"),
        id=mostly("640102199001011237", "640104202405100508", PERSON), name=mostly("马红", "田乐"),
        sex=mostly("M", "F"), scheme=mostly("employee", "flexible", "resident"), on=dates,
        employer=mostly(EMPLOYER), birth=dates, hukou=text, phone=mostly("13900000001"), address=text,
        document=mostly("birth-certificate:Q1")),
    "person change": command(
        "person", "change", required=("id", "set"), id=ids,
        set=st.builds(lambda f, v: f"{f}={v}", st.sampled_from(["name", "phone", "address", "hukou", "x"]),
                      mostly("银川市金凤区", "13900000002")),
        on=dates, reason=text, operator=mostly("tester")),
    "employer register": command(
        "employer", "register", required=("code", "name", "type"), code=mostly("91640300MA77C3D4E8", EMPLOYER),
        name=text, type=mostly("enterprise", "institution"), on=dates, founded=dates, insured_from=dates,
        address=text, legal_rep=text, contact=text),
    "contributions pay": command("contributions", "pay", required=("id", "month", "amount"), id=ids, month=months,
                                 to=months, amount=amounts, on=dates),
    "account spend": command("account", "spend", required=("id", "amount"), id=ids, amount=amounts, on=dates,
                             facility=text),
    "resident pay": command("resident", "pay", required=("id", "year"), id=ids, year=mostly("2024", "2025"),
                            on=dates),
    "benefit settle": command(
        "benefit", "settle", required=("id", "institution", "kind", "on", "total", "fund", "account", "own"),
        id=ids, institution=mostly(INSTITUTION), kind=mostly("outpatient-pooling", "inpatient", "pharmacy"),
        on=dates, discharged=dates, total=amounts, fund=amounts, account=amounts, own=amounts,
        settlement_no=mostly("ZY-1", "ZY-2")),
    "maternity claim": command("maternity", "claim", required=("id", "kind", "birth"), id=ids,
                               kind=mostly("allowance", "delivery", "nursing-subsidy"), birth=dates, on=dates,
                               document=mostly("form:申报表-1", "card:社保卡")),
    "refund request": command("refund", "request", required=("id", "reason"), id=ids,
                              reason=mostly("death", "abroad", "retired"), on=dates,
                              document=mostly("settled-abroad:定居证明-1")),
    "policy set": st.tuples(mostly("ceiling", "x"), mostly("1", "0.5"), option("--from", dates, True)).map(
        lambda t: ["policy", "set", t[0] or "x", t[1] or "1", *t[2]]),
}


@pytest.fixture(scope="module")
def ledger_url():
    """One small ledger the examples write into (each refusal must leave it as it was)."""
    from ledger.store.opening import open_ledger

    folder = Path(tempfile.mkdtemp(prefix="yibao-fuzz-"))
    url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--db", url]).exit_code == 0
    ledger = open_ledger(url)
    enrol(ledger)
    ledger.close()
    for args in (["employer", "register", "--code", EMPLOYER, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                  "--on", "2024-01-05"],
                 ["person", "register", "--id", PERSON, "--name", "马明", "--sex", "M", "--scheme", "employee",
                  "--employer", EMPLOYER, "--on", "2024-03-01"],
                 ["person", "register", "--id", MOTHER, "--name", "丁燕", "--sex", "F", "--scheme", "flexible",
                  "--on", "2024-03-02"],
                 ["institution", "register", "--code", INSTITUTION, "--name", "宁夏回族自治区人民医院", "--level", "3",
                  "--kind", "hospital", "--region", "640104"]):
        result = runner.invoke(cli, [*args, "--db", url, "--operator", "tester"])
        assert result.exit_code == 0, result.output
    return url


def check(url: str, argv: list[str]) -> None:
    before = stored_event_count(url)
    result = CliRunner().invoke(cli, [*argv, "--db", url], env={"YIBAO_OPERATOR": "tester", "COLUMNS": "120"})
    shown = f"{argv!r} exit {result.exit_code}: {result.output[-800:]} {result.exception!r}"
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
    if result.exit_code != 0:
        assert stored_event_count(url) == before, shown


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_write_command_given_hostile_arguments_exits_0_1_or_2_and_a_refusal_changes_nothing(ledger_url, name):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(argv=COMMANDS[name])
    def run(argv):
        check(ledger_url, argv)

    run()


rows = st.lists(st.tuples(ids, months, amounts, dates), max_size=4)
text = hostile
csv_text = st.one_of(
    rows.map(lambda rs: "id_number,month,amount,received_on\n" + "".join(",".join(r) + "\n" for r in rs)),
    st.text(max_size=200),
    st.sampled_from(["", "id_number,month,amount,received_on\n", "id_number,month\n1,2\n",
                     "id_number,month,amount,received_on\n" + PERSON + ",2024-04,1.00,2024-04-20,extra\n"]))
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=csv_text, encoding=encodings)
def test_a_hostile_receipts_file_exits_0_1_or_2_and_a_refusal_changes_nothing(ledger_url, content, encoding):
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as file:
        try:
            file.write(content.encode(encoding, errors="surrogateescape"))  # a lone surrogate as a raw byte
        except UnicodeEncodeError:
            file.write(content.encode(encoding, errors="replace"))
    try:
        check(ledger_url, ["contributions", "import", file.name])
    finally:
        os.unlink(file.name)
