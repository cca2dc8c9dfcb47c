"""The house's own rules: every rule of RULES.md has a test named after it, and the rooms import only what the
architecture lets them (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT.parent / "shared" / "RULES.md"
NOT_YET: dict[str, int] = {
    # Rules of issues still open, with the issue that builds them; a rule leaves this list with its first test.
}


def rule_ids() -> list[str]:
    return re.findall(r"^\| ([A-Z]{3,4}-\d+) ", RULES.read_text("utf-8"), re.M)


def names_of_tests() -> list[str]:
    return [name for path in (ROOT / "tests").glob("test_*.py")
            for name in re.findall(r"^def (test_\w+)", path.read_text("utf-8"), re.M)]


def test_every_rule_has_a_test_named_after_its_id():
    names = names_of_tests()

    def named(rule: str) -> bool:
        slug = rule.lower().replace("-", "_")
        return any(re.search(rf"(^|_){slug}(_|$)", name) for name in names)

    ids = rule_ids()
    assert len(ids) >= 58 and "WAIT-9" in ids
    assert {rule for rule in ids if not named(rule)} == set(NOT_YET)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_ledger_never_imports_the_read_side_or_the_cli():
    for path in modules("ledger"):
        wrong = {m for m in imports_of(path) if m.split(".")[0] in ("projections", "commands")}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_ledger_has_no_flat_module_list_every_module_is_in_its_domains_folder():
    assert [p.name for p in (ROOT / "ledger").glob("*.py")] == ["__init__.py"]
    rooms = {p.name for p in (ROOT / "ledger").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert rooms == {"core", "policy", "registration", "contributions", "benefits", "maternity", "medical",
                     "resident", "refunds", "audit", "intake", "store", "standards", "locale"}


def test_the_core_and_the_rules_depend_on_no_handler_and_no_store():
    """Rules are pure: a rules module reads no store, calls no handler; core is below every domain."""
    for path in modules("ledger"):
        imported = imports_of(path)
        room = path.parent.name
        if room == "core":
            assert all(m.startswith("ledger.core") or not m.startswith("ledger") for m in imported), path
        if path.name != "handlers.py" and room not in ("store",):
            handlers = {m for m in imported if m.endswith(".handlers")}
            assert not handlers or path.name == "receiving.py", f"{path.relative_to(ROOT)} imports {handlers}"
        if room != "store":
            assert not {m for m in imported if m.startswith("ledger.store")} - {"ledger.store", "ledger.store.catalogue"}, \
                f"{path.relative_to(ROOT)} reads the store"


def test_commands_hold_no_rule():
    """The CLI parses, calls a handler or a query, and renders: it never refuses on a rule of its own."""
    for path in modules("commands"):
        text = path.read_text("utf-8")
        assert "RuleViolation(" not in text, f"{path.relative_to(ROOT)} decides a rule"


def test_test_modules_import_only_builders_and_conftest():
    """What tests share lives in tests/builders.py (and conftest.py's fixtures): a test module never imports another
    test module, so each runs, moves and fails on its own."""
    shared = {"tests.builders", "tests.conftest"}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        imported = []
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = ".".join(filter(None, ["tests" if node.level else None, node.module]))
                imported.append(module)
                if module == "tests":  # from tests import test_x
                    imported.extend(f"tests.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.extend(alias.name for alias in node.names)
        wrong = {m for m in imported if m.startswith("tests.") and m not in shared}
        assert not wrong, f"tests/{path.name} imports {sorted(wrong)}: move what it shares into tests/builders.py"
