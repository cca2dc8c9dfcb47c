"""PostgreSQL roles: the application may add to the log but not change it; the auditor may only read.

`yibao init` sets them up on every run (idempotent, and it repairs grants that drifted):

- `yibao_app` (the ledger's clerks and jobs): SELECT and INSERT on the events and the chain, never UPDATE,
  DELETE or TRUNCATE; the library's write lock through `yibao_lock_events()` (migration 003); every right on the
  read side's tables, which it owns so that a rebuild can swap a new generation in; read on the schema version.
- `yibao_auditor`: SELECT only.

Roles belong to the cluster, grants to each database: roles are created when missing, NOLOGIN; a login role is
made a member (`CREATE ROLE clerk LOGIN IN ROLE yibao_app`). The append-only triggers of migration 003 stop even
the owner; these roles stop everyone else before the triggers are reached.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import IntegrityError, ProgrammingError

from ledger.store.chain import CHAIN, MERKLE, START
from ledger.store.schema import VERSION_TABLE

APP = "yibao_app"
AUDITOR = "yibao_auditor"


def set_up(ledger: Any) -> None:
    recorder = ledger.recorder
    datastore = recorder.datastore
    for role in (APP, AUDITOR):
        _create_role(datastore, role)
    schema = f'"{datastore.schema}"'
    events = f'{schema}."{recorder.events_table_name}"'
    append_only = [events, *(f"{schema}.{table}" for table in (CHAIN, MERKLE, START))]
    with datastore.transaction(commit=True) as cursor:
        cursor.execute("SELECT current_database() AS db, rolsuper FROM pg_roles WHERE rolname = current_user")
        me = cursor.fetchone()
        cursor.execute(f'GRANT CONNECT ON DATABASE "{me["db"]}" TO {APP}, {AUDITOR}')
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {APP}, {AUDITOR}")
        cursor.execute(f"GRANT CREATE ON SCHEMA {schema} TO {APP}")  # a rebuild creates its next generation
        for table in append_only:
            cursor.execute(f"REVOKE ALL ON {table} FROM {APP}, {AUDITOR}")
            cursor.execute(f"GRANT SELECT, INSERT ON {table} TO {APP}")
            cursor.execute(f"GRANT SELECT ON {table} TO {AUDITOR}")
        cursor.execute(f"SELECT pg_get_serial_sequence('{events}', 'notification_id') AS sequence")
        cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {cursor.fetchone()['sequence']} TO {APP}")
        cursor.execute(f"REVOKE ALL ON FUNCTION {schema}.yibao_lock_events(integer) FROM PUBLIC")
        cursor.execute(f"GRANT EXECUTE ON FUNCTION {schema}.yibao_lock_events(integer) TO {APP}")
        cursor.execute(f"REVOKE ALL ON {schema}.{VERSION_TABLE} FROM {APP}, {AUDITOR}")
        cursor.execute(f"GRANT SELECT ON {schema}.{VERSION_TABLE} TO {APP}, {AUDITOR}")
        if not me["rolsuper"]:
            cursor.execute(f"SELECT pg_has_role(current_user, '{APP}', 'MEMBER') AS member")
            if not cursor.fetchone()["member"]:
                cursor.execute(f"GRANT {APP} TO current_user")  # to hand it the read side's tables
        fixed = [VERSION_TABLE, recorder.events_table_name, CHAIN, MERKLE, START]
        cursor.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = %s AND tablename LIKE "
                       "'yibao\\_%%' AND NOT tablename = ANY(%s)", [datastore.schema, fixed])
        for row in cursor.fetchall():
            table = f'{schema}."{row["tablename"]}"'
            if row["tableowner"] != APP and not row["tablename"].endswith("_tracking"):
                cursor.execute(f"ALTER TABLE {table} OWNER TO {APP}")
            cursor.execute(f"GRANT ALL ON {table} TO {APP}")
            cursor.execute(f"GRANT SELECT ON {table} TO {AUDITOR}")
        # what a rebuild creates later, as the application or as the owner, the others may use as before
        cursor.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {APP} IN SCHEMA {schema} GRANT SELECT ON TABLES "
                       f"TO {AUDITOR}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT ALL ON TABLES TO {APP}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {AUDITOR}")


def _create_role(datastore: Any, role: str) -> None:
    """Create the role unless it exists; another database's init may be creating it at the same moment."""
    try:
        with datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    except (IntegrityError, ProgrammingError):
        with datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise
