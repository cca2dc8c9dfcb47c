"""The Chinese interface (issue 15, DESIGN.md): every text a person reads has a Simplified Chinese form in the
catalogs, kept in step with the code; the reader's language is chosen by YIBAO_LANG or the locale; rule ids,
JSON keys and JSON values never change with it."""

from __future__ import annotations

import datetime
import importlib
import io
import pkgutil
import re
import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

import ledger
from commands.main import cli
from ledger.core import i18n
from ledger.core.events import LedgerEvent
from ledger.locale.extractor import problems

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "ledger" / "locale" / "zh_CN" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalog(domain: str = "yibao"):
    with (CATALOGS / f"{domain}.po").open("rb") as file:
        return read_po(file)


def extracted() -> set[tuple[str | None, str]]:
    """(context, message) of everything Babel extracts with the project's own mapping (pyproject.toml)."""
    mappings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["babel"]["mappings"]
    method_map = [(pattern, mapping["method"]) for mapping in mappings for pattern in
                  ([mapping["pattern"]] if isinstance(mapping["pattern"], str) else mapping["pattern"])]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def keyed(messages) -> dict[tuple[str | None, str], object]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in messages if m.id}


def fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None} | \
        set(re.findall(r"%\((\w+)\)s", text))


def test_every_message_a_person_reads_has_a_chinese_form():
    translated = keyed(catalog())
    missing = sorted(str(key) for key in extracted()
                     if key not in translated or not translated[key].string or translated[key].fuzzy)
    assert missing == [], f"{len(missing)} messages without a Chinese form (docs/translating.md): {missing[:20]}"


def test_the_catalog_holds_no_message_the_code_no_longer_says():
    """Terms (context `term`) are codes the data carries, not the code: they are checked by the screens below."""
    said = extracted()
    stale = sorted(str(key) for key in keyed(catalog()) if key[0] != "term" and key not in said)
    assert stale == []


@pytest.mark.parametrize("domain", ["yibao", "click"])
def test_translations_keep_every_placeholder_and_compile(domain):
    messages = catalog(domain)
    wrong = []
    for message in messages:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(fields(s) != fields(ids[0]) | fields(ids[-1]) for s in strings if s):
            wrong.append(ids[0])
    assert wrong == []
    write_mo(io.BytesIO(), messages)


def test_no_message_is_built_where_the_catalog_cannot_see_it():
    found = [f"{path.relative_to(ROOT)}:{line}: {what}" for folder in ("ledger", "commands", "projections")
             for path in sorted((ROOT / folder).rglob("*.py")) for line, what in problems(path.read_text())]
    assert found == []


def every_event_class() -> set[type]:
    for module in pkgutil.walk_packages(ledger.__path__, "ledger."):
        importlib.import_module(module.name)
    found, todo = set(), [LedgerEvent]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def test_every_event_has_a_chinese_name(monkeypatch):
    monkeypatch.setenv("YIBAO_LANG", "zh_CN")
    unnamed = sorted(c.__name__ for c in every_event_class() if not CJK.search(i18n.event_name(c.__name__)))
    assert unnamed == []


@pytest.mark.parametrize("environment, expected", [
    ({"YIBAO_LANG": "zh_CN"}, "zh_CN"),
    ({"YIBAO_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"YIBAO_LANG": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"YIBAO_LANG": "", "LC_ALL": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"YIBAO_LANG": "", "LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),
    ({"YIBAO_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}, "en"),
])
def test_the_language_is_yibao_lang_else_the_locale_else_english(monkeypatch, environment, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_DB", f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    monkeypatch.setenv("YIBAO_OPERATOR", "clerk01")
    runner = CliRunner()

    def run(language: str, *args: str):
        return runner.invoke(cli, list(args), env={"YIBAO_LANG": language}, catch_exceptions=False)

    assert run("en", "init", "--admin", "admin01").exit_code == 0
    monkeypatch.setenv("YIBAO_OPERATOR", "admin01")
    assert run("en", "operator", "add", "clerk01", "--role", "clerk").exit_code == 0
    monkeypatch.setenv("YIBAO_OPERATOR", "clerk01")
    return run


PERSON = "640102199003070011"


def registered(run) -> None:
    result = run("zh_CN", "person", "register", "--id", PERSON, "--name", "马明", "--sex", "M", "--birth",
                 "1990-03-07", "--scheme", "flexible", "--on", "2024-03-01")
    assert result.exit_code == 0, result.output


def test_a_refusal_reads_in_chinese_and_keeps_its_rule_id(run):
    registered(run)
    result = run("zh_CN", "person", "register", "--id", PERSON, "--name", "马明", "--sex", "M", "--birth",
                 "1990-03-07", "--scheme", "flexible", "--on", "2024-05-01")
    assert result.exit_code == 1
    assert "REG-2" in result.output and CJK.search(result.output.split("REG-2", 1)[1])
    assert run("en", "person", "register", "--id", PERSON, "--name", "马明", "--sex", "M", "--birth",
               "1990-03-07", "--scheme", "flexible", "--on", "2024-05-01").output.startswith("refused REG-2")


def test_bad_input_names_the_option_as_typed_in_either_language(run):
    registered(run)
    result = run("zh_CN", "status", PERSON, "--on", "2024-13-01")
    assert result.exit_code == 2 and "--on" in result.output and CJK.search(result.output)


def test_json_is_the_same_in_both_languages(run):
    registered(run)
    asked = ("status", PERSON, "--on", "2024-06-01", "--known-at", "2026-01-01T00:00:00+08:00", "--json")
    assert run("zh_CN", *asked).output == run("en", *asked).output


def test_status_for_people_reads_in_chinese_labels_and_terms(run):
    registered(run)
    shown = run("zh_CN", "status", PERSON, "--on", "2024-06-01").output
    rows = [line.strip("│ ").split("│")[0].strip() for line in shown.splitlines() if line.startswith("│")]
    assert rows and all(CJK.search(label) for label in rows if label), rows
    assert "flexible" not in shown and "北京时间" in shown


def test_help_reads_in_chinese_with_examples_as_written(run):
    shown = run("zh_CN", "status", "--help").output
    assert "用法" in shown and CJK.search(shown.split("\n", 2)[2])
    assert "    yibao status 640102199003070011 --on 2024-01-31" in shown
    assert "Usage:" in run("en", "status", "--help").output


def test_the_commands_listing_reads_in_chinese(run):
    shown = run("zh_CN", "--help").output
    listed = [line for line in shown.split("命令")[-1].splitlines() if re.match(r"  [a-z]", line)]
    assert len(listed) > 20 and all(CJK.search(line) for line in listed)


def test_clicks_own_words_read_in_chinese(run):
    result = run("zh_CN", "status", "--no-such-option")
    assert result.exit_code == 2 and "--no-such-option" in result.output and CJK.search(result.output)


def test_the_timeline_names_events_in_chinese(run):
    registered(run)
    shown = run("zh_CN", "timeline", PERSON).output
    assert "参保登记" in shown and "PersonRegistered" not in shown


def test_a_date_in_chinese_output_stays_iso(run):
    registered(run)
    assert str(datetime.date(2024, 3, 1)) in run("zh_CN", "timeline", PERSON).output


def test_chinese_help_fits_80_columns_breaking_between_characters(monkeypatch):
    """click counts characters; a Chinese one takes two columns and Chinese has no spaces to break at
    (commands/wide.py). Examples are printed as written, and an option's name column is click's own."""
    import click

    from commands.main import speak_click
    from commands.wide import columns, fit_click
    from tests.builders import every_command

    monkeypatch.setenv("YIBAO_LANG", "zh_CN")
    speak_click()
    fit_click()
    wide = []
    for path, command in every_command():
        written = {line.strip() for line in (command._english or "").splitlines()}  # examples stay as written
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=80, max_content_width=80)
        for line in command.get_help(ctx).splitlines():
            if CJK.search(line) and columns(line) > 80 and line.strip() not in written:
                wide.append(f"{' '.join(path)}: {line}")
            assert not re.match(r"\s*[，。；：、）]", line), line  # no line opens with a stop or a closing bracket
    assert wide == []
