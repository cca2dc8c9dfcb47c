-- yibao: rebuild the read side
-- E68, R50 (statistical reports): what a person paid into or was paid from the funds besides the month and
-- benefit tables: resident contributions with their subsidies (RES-3), maternity payments (MAT-3..MAT-5) and
-- refunds (REF-1..REF-3), each by the date it was paid; a reversed one marked. Made by the read side like every
-- other table here (a ledger upgraded to it has its read side rebuilt by `yibao init`).
CREATE TABLE IF NOT EXISTS yibao_fund_entries (
    person_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount TEXT NOT NULL,
    personal_part TEXT NOT NULL,
    fiscal_subsidy TEXT NOT NULL,
    assistance_subsidy TEXT NOT NULL,
    standing INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, seq)
);
CREATE INDEX IF NOT EXISTS yibao_fund_entries_on ON yibao_fund_entries (entry, on_date);
