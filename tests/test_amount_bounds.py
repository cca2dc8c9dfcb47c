"""Amounts are bounded by policy, per kind, on their date (issue 14): above the bound is a typing mistake (1154000
for 1154.00), refused at the edge with exit 2 naming the option as typed and the parameter, writing nothing."""

from __future__ import annotations

import datetime
import json

import pytest

from ledger.core.policy import Policy
from ledger.intake import validation
from tests.builders import firm_person_and_hospital
from tests.conftest import stored_event_count

CODE = "91640100MA76A1B2CR"
HOSPITAL = "H64010400001"
BOUNDS = ("amount_max_contribution_month", "amount_max_monthly_wage", "amount_max_settlement",
          "amount_max_reimbursement", "amount_max_transfer_in_balance", "amount_max_account_spend")


@pytest.fixture
def ready(yibao, make_id):
    """An employer, a flexible worker (the one who pays and spends) and an institution."""
    return firm_person_and_hospital(yibao, make_id(sex="M"), "flexible", "2024-03-10")


def above(parameter: str, times: int = 1) -> str:
    """A fen above the shipped bound (times the months a payment covers)."""
    return str(Policy.defaults().decimal(parameter, datetime.date(2024, 6, 1)) * times + validation.money("0.01"))


def at(parameter: str, times: int = 1) -> str:
    return str(Policy.defaults().decimal(parameter, datetime.date(2024, 6, 1)) * times)


def commands(number: str, amount: str) -> dict[str, tuple[list[str], str, str]]:
    """Each bounded option: (arguments with the amount, the option as typed, the parameter)."""
    return {
        "pay": (["contributions", "pay", "--id", number, "--month", "2024-04", "--amount", amount, "--on",
                 "2024-06-01"], "--amount", "amount_max_contribution_month"),
        "choose-base": (["contributions", "choose-base", "--id", number, "--base", amount, "--from", "2024-06"],
                        "--base", "amount_max_monthly_wage"),
        "estimate-base": (["contributions", "assess", "--month", "2024-06", "--estimate-base", amount],
                          "--estimate-base", "amount_max_monthly_wage"),
        "settle": (["benefit", "settle", "--id", number, "--institution", HOSPITAL, "--kind", "outpatient-pooling",
                    "--on", "2024-06-01", "--total", amount, "--fund", "0", "--account", "0", "--own", amount],
                   "--total", "amount_max_settlement"),
        "claim": (["benefit", "claim", "--id", number, "--kind", "emergency-inpatient", "--on", "2024-06-01",
                   "--institution-name", "西安市第一医院", "--level", "3", "--cost", amount, "--in-scope", "100",
                   "--document", "card:社保卡"], "--cost", "amount_max_reimbursement"),
        "transfer-in": (["person", "transfer-in", "--id", number, "--from-region", "610100", "--months", "12",
                         "--balance", amount, "--on", "2024-06-01"], "--balance", "amount_max_transfer_in_balance"),
        "spend": (["account", "spend", "--id", number, "--amount", amount, "--on", "2024-06-01"], "--amount",
                  "amount_max_account_spend"),
    }


@pytest.mark.parametrize("kind", list(commands("", "")))
def test_an_amount_above_its_kinds_bound_exits_2_naming_the_option_and_the_parameter_writing_nothing(
        ready, yibao, store_url, kind):
    args, option, parameter = commands(ready, above(commands("", "")[kind][2]))[kind]
    before = stored_event_count(store_url)
    result = yibao(*args)
    assert result.exit_code == 2, result.output
    assert option in result.output and parameter in result.output and "Traceback" not in result.output
    assert stored_event_count(store_url) == before


@pytest.mark.parametrize("kind", list(commands("", "")))
def test_an_amount_at_its_bound_passes_the_edge(ready, yibao, kind):
    """At the bound the edge lets it through: the rules may still refuse it (exit 1), never the edge (exit 2)."""
    args, _, parameter = commands(ready, at(commands("", "")[kind][2]))[kind]
    result = yibao(*args)
    assert result.exit_code in (0, 1), result.output
    assert parameter not in result.output


def test_a_clerk_typing_1154000_for_1154_00_is_told_so(ready, yibao, store_url):
    before = stored_event_count(store_url)
    result = yibao("contributions", "pay", "--id", ready, "--month", "2024-03", "--to", "2024-05", "--amount",
                   "1154000", "--on", "2024-03-12")
    assert result.exit_code == 2
    assert "--amount" in result.output and "'1154000'" in result.output and "1154.00" in result.output
    assert "amount_max_contribution_month" in result.output and "3 months" in result.output
    assert stored_event_count(store_url) == before


def test_a_payment_of_several_months_is_bounded_by_the_months_it_covers(ready, yibao):
    three = yibao("contributions", "pay", "--id", ready, "--month", "2024-03", "--to", "2024-05", "--amount",
                  at("amount_max_contribution_month", 3), "--on", "2024-03-12")
    assert three.exit_code == 0 and "unmatched" in three.output, three.output
    more = yibao("contributions", "pay", "--id", ready, "--month", "2024-03", "--to", "2024-05", "--amount",
                 above("amount_max_contribution_month", 3), "--on", "2024-03-12")
    assert more.exit_code == 2 and "amount_max_contribution_month" in more.output


def test_the_bound_is_the_policy_in_force_on_the_amounts_date(ready, yibao):
    assert yibao("policy", "set", "amount_max_account_spend", "50.00", "--from", "2024-07-01").exit_code == 0
    before = yibao("account", "spend", "--id", ready, "--amount", "60.00", "--on", "2024-06-30")
    after = yibao("account", "spend", "--id", ready, "--amount", "60.00", "--on", "2024-07-01")
    assert before.exit_code == 1 and "amount_max" not in before.output, before.output  # a rule's, not the edge's
    assert after.exit_code == 2 and "50.00" in after.output and "amount_max_account_spend" in after.output


def test_policy_show_lists_each_bound_with_its_source_saying_it_is_assumed(yibao):
    assert yibao("init").exit_code == 0
    shown = yibao("policy", "show", "--on", "2024-06-01", "--json")
    assert shown.exit_code == 0, shown.output
    text = json.dumps(json.loads(shown.stdout), ensure_ascii=False)
    parameters = {p.name: p for p in Policy.defaults().parameters}
    for name in BOUNDS:
        assert name in text
        assert parameters[name].assumed and "no regulation sets a bound" in parameters[name].source


def files(number: str) -> dict[str, tuple[list[str], str, str, str]]:
    """Each bounded file: (command, header, a row with AMOUNT, the parameter)."""
    return {
        "receipts": (["contributions", "import"], "id_number,month,amount,received_on",
                     f"{number},2024-04,AMOUNT,2024-06-01", "amount_max_contribution_month"),
        "settlements": (["benefit", "import"], ",".join(
            ("settlement_no", "id_number", "institution", "kind", "service_on", "discharged_on", "total", "fund",
             "account", "own")), f"JS-1,{number},{HOSPITAL},outpatient-pooling,2024-06-01,,AMOUNT,0,0,AMOUNT",
            "amount_max_settlement"),
        "wages": (["employer", "declare-bases", "--code", CODE, "--year", "2024", "--on", "2024-01-10", "--file"],
                  "id_number,monthly_wage", f"{number},AMOUNT", "amount_max_monthly_wage"),
    }


@pytest.mark.parametrize("kind", ["receipts", "settlements", "wages"])
def test_a_file_with_an_amount_above_its_bound_is_refused_whole_naming_the_row_and_the_parameter(
        ready, yibao, store_url, tmp_path, kind):
    command, header, row, parameter = files(ready)[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(f"{header}\n{row.replace('AMOUNT', above(parameter))}\n", "utf-8")
    before = stored_event_count(store_url)
    result = yibao(*command, str(path))
    assert result.exit_code == 2, result.output
    assert "row 2" in result.output and parameter in result.output
    assert stored_event_count(store_url) == before


def test_the_bounds_come_from_the_policy_not_the_code():
    """A policy with other bounds bounds otherwise: nothing in the edge holds a figure of its own."""
    shipped = Policy.defaults()
    lower = Policy(shipped.parameters + [
        type(shipped.parameters[0])("amount_max_settlement", "10.00", datetime.date(2024, 1, 1), "test", True)])
    day = datetime.date(2024, 6, 1)
    assert validation.amount("11.00", "total", validation.SETTLEMENT_MAX, shipped, day) == validation.money("11")
    with pytest.raises(validation.BadInput, match="amount_max_settlement"):
        validation.amount("11.00", "total", validation.SETTLEMENT_MAX, lower, day)
