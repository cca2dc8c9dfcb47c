-- Tamper evidence (issue 13, AUD-2): every stored event bound into two hash chains, written by the ledger's
-- recorders in the transaction that stores the event (ledger/store/chain.py). `yibao verify` recomputes both
-- from the stored bytes. Statements are separated by the marker lines below: trigger bodies hold semicolons.

-- One row per chained event, by its leaf index in the Merkle tree (position, in notification order): its
-- notification id, its leaf (a hash of its stored bytes), the link of its stream's chain and of the log's chain,
-- and on the last row of each write the tree's frontier below 256 leaves (the rest is in yibao_merkle), where the
-- next write continues.
-- statement
CREATE TABLE IF NOT EXISTS yibao_chain (
    position INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL,
    originator_id TEXT NOT NULL,
    originator_version INTEGER NOT NULL,
    leaf BLOB NOT NULL,
    stream_link BLOB NOT NULL,
    log_link BLOB NOT NULL,
    frontier_tail BLOB
)
-- statement
CREATE INDEX IF NOT EXISTS yibao_chain_stream ON yibao_chain (originator_id, position)

-- The Merkle tree's subtrees of 256 leaves and up, so that a digest or a proof needs no full scan.
-- statement
CREATE TABLE IF NOT EXISTS yibao_merkle (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID

-- Where the events stored before the chain existed end: `yibao init` chains those, and only those.
-- statement
CREATE TABLE IF NOT EXISTS yibao_chain_start (before_chain INTEGER NOT NULL)
-- statement
INSERT INTO yibao_chain_start (before_chain) SELECT coalesce(max(rowid), 0) FROM stored_events

-- Append-only: no UPDATE or DELETE of the events or their chain, whoever asks (SQLite has no roles).
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_events_no_update BEFORE UPDATE ON stored_events
BEGIN SELECT RAISE(ABORT, 'AUD-2: stored events are append-only: UPDATE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_events_no_delete BEFORE DELETE ON stored_events
BEGIN SELECT RAISE(ABORT, 'AUD-2: stored events are append-only: DELETE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_chain_no_update BEFORE UPDATE ON yibao_chain
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: UPDATE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_chain_no_delete BEFORE DELETE ON yibao_chain
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: DELETE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_merkle_no_update BEFORE UPDATE ON yibao_merkle
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: UPDATE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_merkle_no_delete BEFORE DELETE ON yibao_merkle
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: DELETE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_chain_start_no_update BEFORE UPDATE ON yibao_chain_start
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: UPDATE refused'); END
-- statement
CREATE TRIGGER IF NOT EXISTS yibao_chain_start_no_delete BEFORE DELETE ON yibao_chain_start
BEGIN SELECT RAISE(ABORT, 'AUD-2: the chain is append-only: DELETE refused'); END
