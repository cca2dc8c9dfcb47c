-- Tamper evidence (issue 13, AUD-2): every stored event bound into two hash chains, written by the ledger's
-- recorders in the transaction that stores the event (ledger/store/chain.py). `yibao verify` recomputes both
-- from the stored bytes. Statements are separated by the marker lines below: function bodies hold semicolons.
-- The events table is the library's public.yibao_events (the application is named yibao; no schema is set).

-- One row per chained event, by its leaf index in the Merkle tree (position, in notification order): its
-- notification id, its leaf (a hash of its stored bytes), the link of its stream's chain and of the log's chain,
-- and on the last row of each write the tree's frontier below 256 leaves (the rest is in yibao_merkle), where the
-- next write continues.
-- statement
CREATE TABLE IF NOT EXISTS yibao_chain (
    position bigint PRIMARY KEY,
    notification_id bigint NOT NULL,
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    leaf bytea NOT NULL,
    stream_link bytea NOT NULL,
    log_link bytea NOT NULL,
    frontier_tail bytea
)
-- statement
CREATE INDEX IF NOT EXISTS yibao_chain_stream ON yibao_chain (originator_id, position)

-- The Merkle tree's subtrees of 256 leaves and up, so that a digest or a proof needs no full scan.
-- statement
CREATE TABLE IF NOT EXISTS yibao_merkle (
    level smallint NOT NULL,
    idx bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (level, idx)
)

-- Where the events stored before the chain existed end: `yibao init` chains those, and only those.
-- statement
CREATE TABLE IF NOT EXISTS yibao_chain_start (before_chain bigint NOT NULL)
-- statement
INSERT INTO yibao_chain_start (before_chain) SELECT coalesce(max(notification_id), 0) FROM yibao_events

-- Append-only: UPDATE, DELETE and TRUNCATE of the events and their chain raise, even for the tables' owner (who
-- can drop the triggers: then `yibao verify` finds what changed). Roles: ledger/store/roles.py.
-- statement
CREATE OR REPLACE FUNCTION yibao_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'AUD-2: % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
-- statement
CREATE TRIGGER yibao_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON yibao_events
    FOR EACH STATEMENT EXECUTE FUNCTION yibao_append_only()
-- statement
CREATE TRIGGER yibao_chain_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON yibao_chain
    FOR EACH STATEMENT EXECUTE FUNCTION yibao_append_only()
-- statement
CREATE TRIGGER yibao_merkle_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON yibao_merkle
    FOR EACH STATEMENT EXECUTE FUNCTION yibao_append_only()
-- statement
CREATE TRIGGER yibao_chain_start_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON yibao_chain_start
    FOR EACH STATEMENT EXECUTE FUNCTION yibao_append_only()

-- The library's write lock (SET LOCAL lock_timeout, then LOCK TABLE ... IN EXCLUSIVE MODE) needs UPDATE, DELETE
-- or TRUNCATE on the table, which the application role does not have: its recorder takes the same lock through
-- this function of the owner's, in one round trip (ledger/store/chained_postgres.py). A fixed search_path: a
-- caller's temporary table cannot stand in.
-- statement
CREATE OR REPLACE FUNCTION yibao_lock_events(seconds integer) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM set_config('lock_timeout', seconds || 's', true);
    LOCK TABLE public.yibao_events IN EXCLUSIVE MODE;
END
$$
-- statement
REVOKE ALL ON FUNCTION yibao_lock_events(integer) FROM PUBLIC
