-- The read side (issue 12): what the folds of each person's view give, materialised. Every row of a person
-- carries the position (the highest notification id of the streams its fold read) it reflects: catch-up and
-- rebuild replace a person's rows whole. Projections never hold anything the events do not.

-- The person's facts other than the month facts, as stored, and where to find them: the unit a query loads.
CREATE TABLE IF NOT EXISTS yibao_views (
    person_id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL,
    position INTEGER NOT NULL,
    streams TEXT NOT NULL,
    horizon TEXT NOT NULL,
    last_receipt TEXT,
    facts BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS yibao_views_id_number ON yibao_views (id_number);

-- MON-1: one row per person-month, its state as known now with every receipt (and when it came to count).
CREATE TABLE IF NOT EXISTS yibao_person_months (
    person_id TEXT NOT NULL,
    month TEXT NOT NULL,
    scheme TEXT NOT NULL,
    employer TEXT,
    base TEXT NOT NULL,
    employer_part TEXT NOT NULL,
    personal_part TEXT NOT NULL,
    total TEXT NOT NULL,
    received TEXT NOT NULL,
    true_up TEXT NOT NULL,
    true_up_due_on TEXT,
    cancelled INTEGER NOT NULL,
    basis TEXT NOT NULL,
    reference_year INTEGER,
    notice TEXT NOT NULL,
    due_on TEXT NOT NULL,
    last_received_on TEXT,
    receipts TEXT NOT NULL,
    state TEXT NOT NULL,
    credited TEXT NOT NULL,
    counts_from TEXT,
    back_paid_from TEXT,
    maternity_from TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, month)
);
CREATE INDEX IF NOT EXISTS yibao_person_months_employer ON yibao_person_months (employer, month);
CREATE INDEX IF NOT EXISTS yibao_person_months_open ON yibao_person_months (scheme, state, due_on);

-- ACC-1..ACC-4: the account's movements in date order with the running balance.
CREATE TABLE IF NOT EXISTS yibao_account_movements (
    person_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    detail TEXT NOT NULL,
    balance TEXT NOT NULL,
    credited TEXT NOT NULL,
    spent TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, n)
);

-- WAIT-1..WAIT-9, RES-7, RET-1: periods [valid_from, valid_until) over which eligibility stays the same.
CREATE TABLE IF NOT EXISTS yibao_eligibility (
    person_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    account INTEGER NOT NULL,
    pooled INTEGER NOT NULL,
    pooled_from TEXT,
    reason TEXT NOT NULL,
    scheme TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, valid_from)
);

-- MAT-2: the continuous months counted back from each month (every receipt known).
CREATE TABLE IF NOT EXISTS yibao_maternity_months (
    person_id TEXT NOT NULL,
    month TEXT NOT NULL,
    continuous INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, month)
);

-- BEN-1..BEN-7: every benefit payment by person, kind and service year; a reversed one marked.
CREATE TABLE IF NOT EXISTS yibao_benefit_payments (
    person_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    payment TEXT NOT NULL,
    kind TEXT NOT NULL,
    service_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    institution TEXT,
    fund TEXT NOT NULL,
    account TEXT NOT NULL,
    own TEXT NOT NULL,
    scheme TEXT,
    standing INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, seq)
);
CREATE INDEX IF NOT EXISTS yibao_benefit_payments_year ON yibao_benefit_payments (year, kind);

-- REG-2, REG-5: periods over which the registration and scheme stay the same (who is flexible on a date).
CREATE TABLE IF NOT EXISTS yibao_registrations (
    person_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    id_number TEXT NOT NULL,
    registered INTEGER NOT NULL,
    scheme TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, valid_from)
);
CREATE INDEX IF NOT EXISTS yibao_registrations_scheme ON yibao_registrations (scheme, valid_from);

-- CON-9: who is on which employer's staff, month by month, as half-open [from_month, until_month).
CREATE TABLE IF NOT EXISTS yibao_staff (
    code TEXT NOT NULL,
    person_id TEXT NOT NULL,
    id_number TEXT NOT NULL,
    from_month TEXT NOT NULL,
    until_month TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (code, person_id, from_month)
);
CREATE INDEX IF NOT EXISTS yibao_staff_person ON yibao_staff (person_id);
