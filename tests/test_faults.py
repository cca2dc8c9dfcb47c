"""Nothing lost under faults (issue 13): a long job whose database stops part-way says what it wrote, exits 3,
and a second run completes it without doubling anything; the log then verifies and the tables equal a rebuild.

The server stopped is a private cluster of this test's own (initdb in a temporary directory, as the `postgres`
user when the tests run as root, since initdb refuses root; its own port), never the shared one.
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.builders import yibao_executable
from tests.conftest import REQUIRE_POSTGRES

ROWS = 20_000


def as_server_user(*command: str) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_cluster():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    initdb = found[-1]
    if not initdb:
        (pytest.fail if REQUIRE_POSTGRES else pytest.skip)("no initdb to start a private PostgreSQL cluster")
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    home = Path(tempfile.mkdtemp(prefix="yibao-cluster-"))  # not under pytest's root-only folder: the server reads it
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    subprocess.run(as_server_user(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"),
                   check=True, capture_output=True)
    port = free_port()
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start() -> None:
        subprocess.run(as_server_user(pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "log"), "-w",
                                      "start"), check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(as_server_user(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"), check=True,
                       capture_output=True)

    start()
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("CREATE DATABASE yibao")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/yibao", start, stop
    finally:
        subprocess.run(as_server_user(pg_ctl, "-D", str(data), "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def yibao(url: str, *args: str, **options) -> subprocess.CompletedProcess:
    env = {**os.environ, "YIBAO_DB": url, "YIBAO_OPERATOR": "clerk01", "COLUMNS": "200"}
    return subprocess.run([yibao_executable(), *args], env=env, capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parent.parent, **options)


def stored_events(url: str) -> int:
    with psycopg.connect(url, connect_timeout=2) as connection:
        return connection.execute("SELECT count(*) FROM yibao_events").fetchone()[0]


def receipts_file(path: Path) -> Path:
    """The bureau's receipts for persons the ledger does not know: each recorded once, as unmatched."""
    from commands.synthetic import id_number

    rng, numbers = random.Random(7), set()
    while len(numbers) < ROWS:
        numbers.add(id_number(rng, datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15_000)), "F"))
    rows = (f"{number},2025-{1 + n % 12:02d},388.24,2025-12-20" for n, number in enumerate(sorted(numbers)))
    path.write_text("id_number,month,amount,received_on\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.postgres
def test_aud_2_an_import_cut_off_by_a_stopped_server_resumes_without_doubling_and_verifies(private_cluster,
                                                                                         tmp_path):
    url, start, stop = private_cluster
    assert yibao(url, "init", "--admin", "admin01").returncode == 0
    assert yibao(url, "operator", "add", "clerk01", "--role", "clerk", "--operator", "admin01").returncode == 0
    file = receipts_file(tmp_path / "receipts.csv")
    before = stored_events(url)

    job = subprocess.Popen([yibao_executable(), "contributions", "import", str(file)],
                           env={**os.environ, "YIBAO_DB": url, "YIBAO_OPERATOR": "clerk01", "COLUMNS": "200"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 120
    while stored_events(url) < before + ROWS // 4:  # a quarter of the file in, the rest still to come
        assert job.poll() is None and time.monotonic() < deadline, "the import ended before it could be cut off"
        time.sleep(0.05)
    stop()
    out, err = job.communicate(timeout=120)
    assert job.returncode == 3, out + err
    assert "Traceback" not in out + err and "were saved" in out + err  # it says what was written and stays

    start()
    written = stored_events(url)
    assert before < written < before + ROWS
    again = yibao(url, "contributions", "import", str(file))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{ROWS} rows:" in again.stdout and "already recorded" in again.stdout
    third = yibao(url, "contributions", "import", str(file))
    assert f"0 matched, 0 unmatched, {ROWS} already recorded" in third.stdout
    unmatched = yibao(url, "contributions", "unmatched", "--json", "--limit", str(ROWS * 2))
    assert len(json.loads(unmatched.stdout)) == ROWS  # every receipt once: none lost, none doubled

    verified = yibao(url, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert yibao(url, "projections", "catch-up").returncode == 0
    checked = yibao(url, "projections", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
