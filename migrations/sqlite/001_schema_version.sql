-- The schema-version table: one row per migration applied, so `yibao init` is idempotent.
CREATE TABLE IF NOT EXISTS yibao_schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
