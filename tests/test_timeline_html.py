"""The auditor's HTML timeline (`yibao timeline IDNO --html FILE`, AUD-1, AUD-2): written through the real entry
point, then opened in Debian's headless Chromium, which must find the month grid's states (every state, over three
persons whose histories take them all: tests/test_timeline_grid.py), the reversed event
struck through and naming its reversal, the voucher's three signatures, the ID number masked, and a page that
prints. Without a `chromium` the browser tests are skipped with the reason, unless YIBAO_REQUIRE_BROWSER=1 (CI
installs the package: .ci/run). A screenshot is kept in $YIBAO_ARTEFACTS when that is set."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from projections.grid import MARKS
from projections.privacy import mask_id
from tests.builders import approved, lives

REQUIRE_BROWSER = os.environ.get("YIBAO_REQUIRE_BROWSER") == "1"
HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.fixture
def person(yibao, make_id, make_code, tmp_path):
    """An employee with three months (paid, trued-up or not, assessed), a change reversed through a voucher,
    and a reason that would be markup if it were not escaped."""
    code, number = make_code(), make_id()
    for args in (
        ("init",),
        ("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise", "--on",
         "2023-06-01"),
        ("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "employee",
         "--employer", code, "--on", "2024-01-02"),
    ):
        assert yibao(*args).exit_code == 0
    wages = tmp_path / "wages.csv"
    wages.write_text(f"id_number,monthly_wage\n{number},6000\n")
    assert yibao("employer", "declare-bases", "--code", code, "--year", "2024", "--file", str(wages), "--on",
                 "2024-01-10").exit_code == 0
    for month in ("2024-01", "2024-02", "2024-03"):
        assert yibao("contributions", "assess", "--month", month).exit_code == 0
    assert yibao("contributions", "pay", "--id", number, "--month", "2024-01", "--amount", "480.00", "--on",
                 "2024-01-20").exit_code == 0
    assert yibao("person", "change", "--id", number, "--set", "address=银川市西夏区文萃路9号", "--on", "2024-05-01",
                 "--reason", HOSTILE).exit_code == 0
    seq = 1 + 3 + 1 + 1  # registered, 3 months assessed, received, changed: the change is event 6
    approved(yibao, yibao("correct", "--id", number, "--seq", str(seq), "--reason", "typed from another form"))
    return number, seq


def write_page(yibao, number: str, path: Path, *extra: str) -> str:
    result = yibao("timeline", number, "--html", str(path), *extra)
    assert result.exit_code == 0, result.output
    assert f"written to {path}" in result.output
    return path.read_text("utf-8")


def test_aud_2_the_page_is_escaped_masked_and_self_contained(yibao, person, tmp_path):
    number, _seq = person
    html = write_page(yibao, number, tmp_path / "timeline.html")
    assert HOSTILE not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert number not in html and mask_id(number) in html and "马明" not in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)  # no resource from elsewhere
    assert "@page { size: A4" in html


def test_aud_2_the_page_and_json_together_print_only_the_json(yibao, person, tmp_path):
    import json

    number, _seq = person
    result = yibao("timeline", number, "--html", str(tmp_path / "t.html"), "--json")
    assert result.exit_code == 0 and json.loads(result.output)[0]["type"] == "PersonRegistered"
    assert (tmp_path / "t.html").exists()


def test_aud_2_a_page_that_cannot_be_written_is_bad_input_naming_the_option(yibao, person, tmp_path):
    number, _seq = person
    result = yibao("timeline", number, "--html", str(tmp_path / "no" / "such" / "folder" / "t.html"))
    assert result.exit_code == 2 and "--html: cannot write" in result.output


def test_aud_2_revealed_the_page_shows_the_id_number_and_the_reveal_is_recorded(yibao, person, tmp_path):
    number, _seq = person
    html = write_page(yibao, number, tmp_path / "timeline.html", "--reveal", "--reason", "dispute 2024-17")
    assert number in html and "马明" in html


# -- in the browser ----------------------------------------------------------------------------------------------

def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if REQUIRE_BROWSER:
            pytest.fail("YIBAO_REQUIRE_BROWSER=1 but no chromium on PATH (Debian package `chromium`)")
        pytest.skip("no chromium on PATH: install Debian's `chromium` (CI does, .ci/run) or set YIBAO_REQUIRE_BROWSER=1 "
                    "to fail instead")
    return found


def browse(page: Path, *args: str) -> subprocess.CompletedProcess:
    command = [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={page.parent / 'chromium-profile'}", *args, page.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


class Page(HTMLParser):
    """What the browser's DOM holds: the grid's cells by month, each event row's attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, str] = {}
        self.marks: dict[str, str] = {}
        self.legend: list[str] = []
        self.cell: str | None = None
        self.rows: dict[str, dict] = {}
        self.row: dict | None = None
        self.struck = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "td" and "data-month" in attributes:
            self.cells[attributes["data-month"]] = attributes["data-state"]
            self.cell = attributes["data-month"]
            self.marks[self.cell] = ""
        if tag == "span" and "data-state" in attributes:
            self.legend.append(attributes["data-state"])
        if tag == "tr" and attributes.get("id", "").startswith("event-"):
            self.row = self.rows[attributes["id"]] = {**attributes, "text": "", "struck": ""}
        if tag == "del":
            self.struck = True

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        if tag == "tr":
            self.row = None
        if tag == "del":
            self.struck = False

    def handle_data(self, data):
        if self.cell is not None:
            self.marks[self.cell] += data
        if self.row is not None:
            self.row["text"] += data
            if self.struck:
                self.row["struck"] += data


def test_aud_2_the_page_in_headless_chromium_shows_the_grid_the_reversal_and_the_signatures(yibao, person,
                                                                                              tmp_path, monkeypatch):
    number, seq = person
    path = tmp_path / "timeline.html"
    write_page(yibao, number, path)
    dom = browse(path, "--dump-dom").stdout
    page = Page()
    page.feed(dom)
    assert page.cells["2024-01"] == "paid" and page.cells["2024-02"] == "assessed"
    assert page.cells["2024-03"] == "assessed" and page.cells["2024-12"] == "none"
    changed = page.rows[f"event-{seq}"]
    assert changed["class"] == "reversed" and changed["struck"] == "PersonChanged"
    assert changed["data-reversed-by"] == str(seq + 1) and f"reversed by #{seq + 1}" in changed["text"]
    reversal = page.rows[f"event-{seq + 1}"]
    assert reversal["data-type"] == "EventReversed" and reversal["class"] == "standing"
    assert re.search(r"handler tester\d*.*reviewer reviewer01.*approver approver01", reversal["text"], re.S)
    assert mask_id(number) in dom and number not in dom
    assert "<script>alert" not in dom  # the hostile reason stayed text
    monkeypatch.setenv("YIBAO_LANG", "zh_CN")  # the page in the reader's language: the signatures said in Chinese
    chinese = tmp_path / "timeline-zh.html"
    assert yibao("timeline", number, "--html", str(chinese)).exit_code == 0
    page = Page()
    page.feed(browse(chinese, "--dump-dom").stdout)
    assert re.search(r"经办 tester\d*.*复核 reviewer01.*审批 approver01", page.rows[f"event-{seq + 1}"]["text"], re.S)


def test_aud_2_the_page_prints_to_pdf_and_a_screenshot_is_kept(yibao, person, tmp_path):
    number, _seq = person
    path = tmp_path / "timeline.html"
    write_page(yibao, number, path)
    pdf = tmp_path / "timeline.pdf"
    browse(path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    folder = Path(os.environ.get("YIBAO_ARTEFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "timeline.png"
    browse(path, f"--screenshot={shot}", "--window-size=1000,1400")
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_page_in_headless_chromium_gives_every_month_its_state_mark_and_legend(yibao, make_id, make_code,
                                                                                   tmp_path):
    """Three persons whose months take every state between them (paid, back-paid, trued-up, deferred, assessed,
    cancelled, waiting, interrupted, transferred-in, retired, ended, resident cover, uncovered, none)."""
    for kind, (number, on, years) in lives(yibao, make_id, make_code, tmp_path).items():
        path = tmp_path / f"timeline-{kind}.html"
        write_page(yibao, number, path, "--on", on)
        page = Page()
        page.feed(browse(path, "--dump-dom").stdout)
        expected = {f"{year}-{number:02d}": state or "" for year, row in years.items()
                    for number, state in enumerate(row, 1)}
        assert page.cells == expected, kind
        assert page.marks == {month: MARKS[state] if state else "" for month, state in expected.items()}, kind
        assert sorted(page.legend) == sorted({state for state in expected.values() if state}), kind
        if kind == "flexible":
            folder = Path(os.environ.get("YIBAO_ARTEFACTS") or tmp_path)
            folder.mkdir(parents=True, exist_ok=True)
            shot = folder / "timeline-grid.png"
            browse(path, f"--screenshot={shot}", "--window-size=1000,700")
            assert shot.read_bytes().startswith(b"\x89PNG")
