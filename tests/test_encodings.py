"""`--encoding utf-8|gb18030` on the file imports (issue 14): a CSV saved by Excel or WPS on a Chinese Windows is
GB18030; said so, it is read with Python's codec and checked as a UTF-8 file is; not said, it is refused naming
the option."""

from __future__ import annotations

import datetime
import json

import pytest

from tests.builders import firm_person_and_hospital
from tests.conftest import stored_event_count

CODE = "91640100MA76A1B2CR"
HOSPITAL = "H64010400001"
SETTLEMENTS = "settlement_no,id_number,institution,kind,service_on,discharged_on,total,fund,account,own"


@pytest.fixture
def ready(yibao, make_id):
    """An employer with one employee, and an institution."""
    return firm_person_and_hospital(yibao, make_id(sex="M"), "employee", "2024-01-02")


def imports(number: str, student: str) -> dict[str, tuple[list[str], str]]:
    """Each import: (its command, a good file's text, with Chinese where its columns hold any)."""
    return {
        "students": (["resident", "register-batch", "--school", "宁夏大学", "--on", "2024-09-20"],
                     f"id_number,name,sex\n{student},丁燕,F\n"),
        "settlements": (["benefit", "import"],
                        f"{SETTLEMENTS}\n结算-0001,{number},{HOSPITAL},outpatient-pooling,2024-06-01,,120.00,0,0,120.00\n"),
        "receipts": (["contributions", "import"], f"id_number,month,amount,received_on\n{number},2024-01,480.00,"
                                                  "2024-01-20\n"),
        "wages": (["employer", "declare-bases", "--code", CODE, "--year", "2024", "--on", "2024-01-10", "--file"],
                  f"id_number,monthly_wage\n{number},6000\n"),
    }


KINDS = ["students", "settlements", "receipts", "wages"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_gb18030_file_is_imported_with_encoding_gb18030(ready, yibao, store_url, make_id, tmp_path, kind):
    command, text = imports(ready, make_id(sex="F", birth=datetime.date(2005, 3, 1)))[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode("gb18030"))
    before = stored_event_count(store_url)
    result = yibao(*command, str(path), "--encoding", "gb18030")
    assert result.exit_code == 0, result.output
    assert stored_event_count(store_url) > before


@pytest.mark.parametrize("kind", ["students", "settlements"])
def test_without_the_option_a_gb18030_file_is_refused_naming_it_and_writing_nothing(ready, yibao, store_url, make_id,
                                                                                  tmp_path, kind):
    command, text = imports(ready, make_id(sex="F", birth=datetime.date(2005, 3, 1)))[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode("gb18030"))
    before = stored_event_count(store_url)
    result = yibao(*command, str(path))
    assert result.exit_code == 2, result.output
    assert "GB18030" in result.output and "--encoding gb18030" in result.output and "UTF-8" in result.output
    assert stored_event_count(store_url) == before


def test_a_streamed_receipts_file_that_is_not_utf8_is_refused_naming_the_option(ready, yibao, store_url, tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_bytes(f"id_number,month,amount,received_on\n{ready},2024-01,480.00,2024-01-20\n".encode()
                     + "马明".encode("gb18030") + b"\n")
    result = yibao("contributions", "import", str(path))
    assert result.exit_code == 2 and "--encoding gb18030" in result.output, result.output


def test_the_text_read_from_a_gb18030_file_is_what_was_written(ready, yibao, make_id, tmp_path):
    student = make_id(sex="F", birth=datetime.date(2005, 3, 1))
    command, text = imports(ready, student)["students"]
    path = tmp_path / "students.csv"
    path.write_bytes(text.encode("gb18030"))
    assert yibao(*command, str(path), "--encoding", "gb18030").exit_code == 0
    shown = yibao("timeline", student, "--json", "--reveal", "--reason", "核对学生名单")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)[0]["data"]["name"] == "丁燕"


@pytest.mark.parametrize("kind", KINDS)
def test_a_gb18030_file_is_checked_as_a_utf8_one_is(ready, yibao, store_url, make_id, tmp_path, kind):
    """The same bad row is refused the same way whatever the file's encoding."""
    command, text = imports(ready, make_id(sex="F", birth=datetime.date(2005, 3, 1)))[kind]
    header, row = text.splitlines()
    bad = f"{header}\n{row}\n{row.replace(ready, ready[:-1] + 'Z')}\n"
    said = {}
    for encoding in ("utf-8", "gb18030"):
        path = tmp_path / f"{kind}-{encoding}.csv"
        path.write_bytes(bad.encode(encoding))
        before = stored_event_count(store_url)
        result = yibao(*command, str(path), "--encoding", encoding)
        assert result.exit_code == 2 and "row 3" in result.output, result.output
        assert stored_event_count(store_url) == before
        said[encoding] = result.output.replace(str(path), "FILE")
    assert said["utf-8"] == said["gb18030"]


def test_a_file_said_to_be_gb18030_that_is_not_is_refused(ready, yibao, store_url, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(b"id_number,name,sex\n\xff\xfe\xff,x,F\n")
    before = stored_event_count(store_url)
    result = yibao("resident", "register-batch", str(path), "--school", "宁夏大学", "--encoding", "gb18030")
    assert result.exit_code == 2 and "not GB18030" in result.output, result.output
    assert stored_event_count(store_url) == before


def test_an_encoding_other_than_the_two_is_bad_input(ready, yibao, tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("id_number,month,amount,received_on\n", "utf-8")
    result = yibao("contributions", "import", str(path), "--encoding", "big5")
    assert result.exit_code == 2 and "--encoding" in result.output
