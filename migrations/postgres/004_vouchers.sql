-- AUD-1: every voucher and where it stands, for `yibao review list` and a person's timeline; made by the read
-- side from the voucher streams, like every other table here.
CREATE TABLE IF NOT EXISTS yibao_vouchers (
    voucher TEXT PRIMARY KEY,
    stream_id uuid NOT NULL,
    operation TEXT NOT NULL,
    subject TEXT NOT NULL,
    stage TEXT NOT NULL,
    handler TEXT NOT NULL,
    reviewer TEXT,
    approver TEXT,
    proposed_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS yibao_vouchers_stage ON yibao_vouchers (stage, proposed_at);
CREATE INDEX IF NOT EXISTS yibao_vouchers_subject ON yibao_vouchers (subject);
