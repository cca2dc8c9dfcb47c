"""`yibao info` (issue 15): where the ledger is and how it stands, on both stores."""

from __future__ import annotations

import json

from tests.conftest import stored_event_count


def test_info_says_the_schema_the_events_and_the_read_sides_lag(yibao, store_url):
    assert yibao("init").exit_code == 0
    assert yibao("person", "register", "--id", "640102199003070011", "--name", "马明", "--sex", "M",
                 "--scheme", "flexible", "--on", "2024-03-01").exit_code == 0
    document = json.loads(yibao("info", "--json").output)
    assert document["events"] == stored_event_count(store_url)
    assert document["schema_version"] == document["schema_latest"] > 0
    assert document["projections"]["lag"] == document["events"] - document["projections"]["position"]
    assert yibao("projections", "catch-up").exit_code == 0
    caught_up = json.loads(yibao("info", "--json").output)
    assert caught_up["projections"] == {"position": caught_up["events"], "lag": 0}
    assert caught_up["dialect"] in store_url and caught_up["versions"]["database"]
    assert caught_up["policy"]["parameters_in_force"] > 0 and caught_up["encrypted"] is False


def test_info_never_prints_the_stores_password(yibao, store_url, monkeypatch):
    assert yibao("init").exit_code == 0
    if store_url.startswith("postgresql://"):
        url = store_url.replace("postgresql://postgres@", "postgresql://postgres:S3cretPw@")
        monkeypatch.setenv("YIBAO_DB", url)
        shown = yibao("info").output
        assert "S3cretPw" not in shown and "***" in shown


def test_shell_completion_offers_the_commands_and_their_subcommands(monkeypatch):
    """README: `eval "$(_YIBAO_COMPLETE=bash_source yibao)"`; the lazy group completes what it has not imported."""
    from click.testing import CliRunner

    from commands.main import cli

    def completed(words: str, index: int) -> list[str]:
        env = {"_YIBAO_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(index)}
        result = CliRunner().invoke(cli, [], env=env, prog_name="yibao")
        return [line.split(",", 1)[1] for line in result.output.splitlines()]

    assert completed("yibao per", 1) == ["person"]
    assert "register" in completed("yibao person reg", 2)
    assert "--known-at" in completed("yibao status 640102199003070011 --kn", 3)
