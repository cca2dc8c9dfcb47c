"""`yibao export` and `yibao policy codes` through the real entry point, on SQLite and PostgreSQL: the 1101
document, FHIR Coverage validated by fhir.resources' R4B models, and a platform extract reconciled."""

from __future__ import annotations

import datetime
import json

import pytest

from projections.privacy import mask_id

REVEAL = ("--reveal", "--reason", "平台对账")


def registered(yibao, make_id, make_code):
    """An employee of a building-materials firm, and a flexible person who stops paying in May."""
    code, employee, freelancer = make_code(), make_id(), make_id(sex="F", birth=datetime.date(1985, 6, 1))
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                 "--on", "2024-01-05").exit_code == 0
    assert yibao("person", "register", "--id", employee, "--name", "马明", "--sex", "M", "--scheme", "employee",
                 "--employer", code, "--on", "2024-03-01", "--birth", "1990-01-01").exit_code == 0
    assert yibao("person", "register", "--id", freelancer, "--name", "马红", "--sex", "F", "--scheme", "flexible",
                 "--on", "2024-02-01").exit_code == 0
    return employee, freelancer


def document_of(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_insuinfo_prints_the_1101_document_masked_unless_revealed(yibao, make_id, make_code):
    employee, _ = registered(yibao, make_id, make_code)
    document = document_of(yibao("export", "insuinfo", employee, "--on", "2024-06-30"))
    assert (document["infno"], document["on"]) == ("1101", "2024-06-30")
    base = document["output"]["baseinfo"]
    assert (base["certno"], base["psn_name"]) == (mask_id(employee), "马*")
    assert (base["psn_cert_type"], base["gend"], base["brdy"], base["age"]) == ("01", "1", "1990-01-01", 34)
    assert [(r["insutype"], r["psn_type"], r["psn_insu_stas"]) for r in document["output"]["insuinfo"]] == [
        ("310", "1101", "1"), ("510", "1101", "1")]
    first = document["output"]["insuinfo"][0]
    assert (first["psn_insu_date"], first["paus_insu_date"], first["balc"]) == ("2024-03-01", None, "0.00")
    assert (first["insuplc_admdvs"], first["emp_name"], first["cvlserv_flag"]) == ("640000", "宁夏塞上建材有限公司", "0")
    assert document["output"]["idetinfo"] == []
    clear = document_of(yibao("export", "insuinfo", employee, "--on", "2024-06-30", *REVEAL))
    assert (clear["output"]["baseinfo"]["certno"], clear["output"]["baseinfo"]["psn_name"]) == (employee, "马明")
    assert yibao("export", "insuinfo", employee, "--reveal").exit_code == 2  # a reveal says why


def test_export_insuinfo_answers_as_known_at_a_past_moment(yibao, make_id, make_code):
    _, freelancer = registered(yibao, make_id, make_code)
    before = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert yibao("person", "interrupt", "--id", freelancer, "--month", "2024-05").exit_code == 0
    then = document_of(yibao("export", "insuinfo", freelancer, "--on", "2024-06-30", "--known-at", before))
    now = document_of(yibao("export", "insuinfo", freelancer, "--on", "2024-06-30", "--format", "ndjson"))
    assert [(r["psn_type"], r["psn_insu_stas"], r["paus_insu_date"]) for r in then["output"]["insuinfo"]] == [
        ("1103", "1", None)]
    assert [(r["psn_type"], r["psn_insu_stas"], r["paus_insu_date"]) for r in now["output"]["insuinfo"]] == [
        ("1103", "2", "2024-05-01")]


def test_export_of_a_person_the_ledger_did_not_yet_know_is_not_found_naming_the_id(yibao, make_id, make_code):
    employee, _ = registered(yibao, make_id, make_code)
    for command in ("insuinfo", "coverage"):
        result = yibao("export", command, employee, "--known-at", "2020-01-01T00:00:00Z")
        assert result.exit_code == 2 and result.output.startswith("error --id: the ledger knew nothing of"), result.output


def test_export_coverage_is_fhir_r4_coverage_validated_by_fhir_resources(yibao, make_id, make_code):
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.coverage import Coverage

    employee, freelancer = registered(yibao, make_id, make_code)
    assert yibao("person", "interrupt", "--id", freelancer, "--month", "2024-05").exit_code == 0
    bundle = Bundle.model_validate(document_of(yibao("export", "coverage", employee, "--on", "2024-06-30")))
    coverages = [Coverage.model_validate(entry.resource.model_dump()) for entry in bundle.entry]
    assert [c.class_fhir[0].value for c in coverages] == ["310", "510"]
    assert {(c.class_fhir[0].type.coding[0].code, c.class_fhir[1].type.coding[0].code) for c in coverages} == {
        ("plan", "group")}
    employee_cover = coverages[0]
    assert (employee_cover.status, str(employee_cover.period.start)) == ("active", "2024-03-01")
    assert employee_cover.class_fhir[1].value == "1101" and employee_cover.subscriberId == mask_id(employee)
    patient = next(r for r in employee_cover.contained if r.get_resource_type() == "Patient")
    assert patient.identifier[0].value == mask_id(employee) and patient.gender == "male"
    payor = next(r for r in employee_cover.contained if r.id == "payor")
    assert payor.name == "宁夏回族自治区医疗保障局" and employee_cover.payor[0].reference == "#payor"
    assert employee_cover.type.coding[0].code == "PUBLICPOL"

    paused = Bundle.model_validate(document_of(yibao("export", "coverage", freelancer, "--on", "2024-06-30",
                                                     *REVEAL)))
    (cover,) = [Coverage.model_validate(entry.resource.model_dump()) for entry in paused.entry]
    stas = {e.url.rpartition(":")[2]: e.valueCoding.code for e in cover.extension}
    assert cover.status == "active" and stas == {"psn_insu_stas": "2", "psn_clct_stas": "2"}  # 暂停: FHIR has no word
    assert cover.subscriberId == freelancer and cover.class_fhir[1].value == "1103"


def test_export_coverage_of_an_ended_insurance_is_cancelled_with_its_period_closed(yibao, make_id, make_code):
    from fhir.resources.R4B.bundle import Bundle

    employee, _ = registered(yibao, make_id, make_code)
    assert yibao("person", "cancel", "--id", employee, "--reason", "abroad", "--on", "2024-06-10",
                 "--document", "settled-abroad:定居证明-1").exit_code == 0
    bundle = Bundle.model_validate(document_of(yibao("export", "coverage", employee, "--on", "2024-07-01")))
    assert {(e.resource.status, str(e.resource.period.end)) for e in bundle.entry} == {("cancelled", "2024-06-09")}


def test_the_demo_ledger_round_trips_through_export_check_and_an_edited_line_is_reported(yibao, tmp_path):
    assert yibao("demo", "--persons", "30").exit_code == 0
    exported = yibao("export", "insuinfo", "--all", "--on", "2024-06-30", *REVEAL, "--operator", "clerk01")
    assert exported.exit_code == 0, exported.output
    lines = exported.stdout.splitlines()
    assert len(lines) >= 25 and "persons registered by 2024-06-30 exported" in exported.stderr
    documents = [json.loads(line) for line in lines]
    numbers = [d["output"]["baseinfo"]["certno"] for d in documents]
    assert numbers == sorted(numbers) and all(d["output"]["insuinfo"] for d in documents)
    extract = tmp_path / "extract.ndjson"
    extract.write_text(exported.stdout, encoding="utf-8")
    same = yibao("export", "check", str(extract), "--json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout) | {"persons": []} == {"file": "extract.ndjson", "checked": len(lines),
                                                         "differing": 0, "listed": 0, "persons": []}

    edited = documents[2]
    edited["output"]["insuinfo"][0]["psn_insu_stas"] = "2" if edited["output"]["insuinfo"][0]["psn_insu_stas"] != "2" \
        else "1"
    lines[2] = json.dumps(edited, ensure_ascii=False)
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    differs = yibao("export", "check", str(extract), "--json")
    assert differs.exit_code == 1 and "1 of" in differs.stderr
    report = json.loads(differs.stdout)
    assert report["differing"] == 1 and report["persons"][0]["line"] == 3
    assert report["persons"][0]["certno"] == mask_id(numbers[2])
    assert [d["field"] for d in report["persons"][0]["differences"]] == [
        f"insuinfo[{edited['output']['insuinfo'][0]['insutype']}].psn_insu_stas"]
    table = yibao("export", "check", str(extract))
    assert table.exit_code == 1 and f"1 of {len(lines)} persons differ" in table.stdout and "insuinfo[" in table.stdout


def test_the_masked_export_of_everyone_cannot_be_checked_and_a_bad_line_names_itself(yibao, make_id, make_code,
                                                                                      tmp_path):
    registered(yibao, make_id, make_code)
    masked = yibao("export", "insuinfo", "--all", "--on", "2024-06-30", "--format", "json")
    documents = document_of(masked)
    assert [d["output"]["baseinfo"]["psn_name"] for d in documents] == ["马*", "马*"]
    extract = tmp_path / "masked.ndjson"
    extract.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in documents), encoding="utf-8")
    refused = yibao("export", "check", str(extract))
    assert refused.exit_code == 2 and "FILE.ndjson: line 1: certno is masked" in refused.output
    extract.write_text("{not json\n", encoding="utf-8")
    assert "FILE.ndjson: line 1 is not JSON" in yibao("export", "check", str(extract)).output
    extract.write_text(json.dumps({"baseinfo": {"certno": "640102199001011237"}, "insuinfo": []}) + "\n")
    undated = yibao("export", "check", str(extract))
    assert undated.exit_code == 2 and "--on DATE" in undated.output
    unknown = yibao("export", "check", str(extract), "--on", "2024-06-30", "--json")
    assert unknown.exit_code == 1
    assert json.loads(unknown.stdout)["persons"][0]["differences"][0]["field"] == "certno"


@pytest.mark.parametrize("args, field", [
    (("export", "insuinfo"), "IDNO"),
    (("export", "insuinfo", "640102199001011237", "--all"), "all"),
    (("export", "insuinfo", "--all", "--known-at", "2024-01-01T00:00:00Z"), "known-at"),
    (("export", "insuinfo", "640102199001011237", "--on", "2024-02-30"), "on"),
    (("export", "coverage", "640102199001011237"), "id"),
    (("policy", "codes", "nope"), "TABLE"),
])
def test_bad_export_input_exits_2_naming_the_option(yibao, args, field):
    assert yibao("init").exit_code == 0
    result = yibao(*args)
    assert result.exit_code == 2 and f"{field}:" in result.output, result.output


def test_policy_codes_lists_the_tables_in_force_with_their_sources_and_flags(yibao):
    listing = json.loads(yibao("policy", "codes", "--json", "--on", "2024-06-01").stdout)
    assert set(listing["tables"]) >= {"insutype", "psn_type", "psn_insu_stas", "psn_clct_stas", "admdvs"}
    insutype = json.loads(yibao("policy", "codes", "insutype", "--json").stdout)["tables"]["insutype"]
    assert insutype["sources"] and insutype["from"] == "1999-01-01"
    flagged = {c["code"]: c["provisional"] for c in insutype["codes"]}
    assert flagged["310"] is False and flagged["510"] is True and flagged["392"] is True
    shown = yibao("policy", "codes")
    assert shown.exit_code == 0 and "psn_idet_type" in shown.stdout and "provisional" in shown.stdout
