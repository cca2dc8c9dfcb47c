-- The read side (issue 12): what the folds of each person's view give, materialised. Every row of a person
-- carries the position (the highest notification id of the streams its fold read) it reflects: catch-up and
-- rebuild replace a person's rows whole. Projections never hold anything the events do not.

-- The person's facts other than the month facts, as stored, and where to find them: the unit a query loads.
CREATE TABLE IF NOT EXISTS yibao_views (
    person_id uuid PRIMARY KEY,
    id_number TEXT NOT NULL,
    position bigint NOT NULL,
    streams TEXT NOT NULL,
    horizon date NOT NULL,
    last_receipt date,
    facts bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS yibao_views_id_number ON yibao_views (id_number);

-- MON-1: one row per person-month, its state as known now with every receipt (and when it came to count).
CREATE TABLE IF NOT EXISTS yibao_person_months (
    person_id uuid NOT NULL,
    month TEXT NOT NULL,
    scheme TEXT NOT NULL,
    employer TEXT,
    base numeric NOT NULL,
    employer_part numeric NOT NULL,
    personal_part numeric NOT NULL,
    total numeric NOT NULL,
    received numeric NOT NULL,
    true_up numeric NOT NULL,
    true_up_due_on date,
    cancelled boolean NOT NULL,
    basis TEXT NOT NULL,
    reference_year INTEGER,
    notice TEXT NOT NULL,
    due_on date NOT NULL,
    last_received_on date,
    receipts TEXT NOT NULL,
    state TEXT NOT NULL,
    credited numeric NOT NULL,
    counts_from date,
    back_paid_from date,
    maternity_from date,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, month)
);
CREATE INDEX IF NOT EXISTS yibao_person_months_employer ON yibao_person_months (employer, month);
CREATE INDEX IF NOT EXISTS yibao_person_months_open ON yibao_person_months (scheme, state, due_on);

-- ACC-1..ACC-4: the account's movements in date order with the running balance.
CREATE TABLE IF NOT EXISTS yibao_account_movements (
    person_id uuid NOT NULL,
    n INTEGER NOT NULL,
    on_date date NOT NULL,
    kind TEXT NOT NULL,
    amount numeric NOT NULL,
    detail TEXT NOT NULL,
    balance numeric NOT NULL,
    credited numeric NOT NULL,
    spent numeric NOT NULL,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, n)
);

-- WAIT-1..WAIT-9, RES-7, RET-1: periods [valid_from, valid_until) over which eligibility stays the same.
CREATE TABLE IF NOT EXISTS yibao_eligibility (
    person_id uuid NOT NULL,
    valid_from date NOT NULL,
    valid_until date NOT NULL,
    account boolean NOT NULL,
    pooled boolean NOT NULL,
    pooled_from date,
    reason TEXT NOT NULL,
    scheme TEXT,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, valid_from)
);

-- MAT-2: the continuous months counted back from each month (every receipt known).
CREATE TABLE IF NOT EXISTS yibao_maternity_months (
    person_id uuid NOT NULL,
    month TEXT NOT NULL,
    continuous INTEGER NOT NULL,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, month)
);

-- BEN-1..BEN-7: every benefit payment by person, kind and service year; a reversed one marked.
CREATE TABLE IF NOT EXISTS yibao_benefit_payments (
    person_id uuid NOT NULL,
    seq INTEGER NOT NULL,
    payment TEXT NOT NULL,
    kind TEXT NOT NULL,
    service_on date NOT NULL,
    year INTEGER NOT NULL,
    institution TEXT,
    fund numeric NOT NULL,
    account numeric NOT NULL,
    own numeric NOT NULL,
    scheme TEXT,
    standing boolean NOT NULL,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, seq)
);
CREATE INDEX IF NOT EXISTS yibao_benefit_payments_year ON yibao_benefit_payments (year, kind);

-- REG-2, REG-5: periods over which the registration and scheme stay the same (who is flexible on a date).
CREATE TABLE IF NOT EXISTS yibao_registrations (
    person_id uuid NOT NULL,
    valid_from date NOT NULL,
    valid_until date,
    id_number TEXT NOT NULL,
    registered boolean NOT NULL,
    scheme TEXT,
    position bigint NOT NULL,
    PRIMARY KEY (person_id, valid_from)
);
CREATE INDEX IF NOT EXISTS yibao_registrations_scheme ON yibao_registrations (scheme, valid_from);

-- CON-9: who is on which employer's staff, month by month, as half-open [from_month, until_month).
CREATE TABLE IF NOT EXISTS yibao_staff (
    code TEXT NOT NULL,
    person_id uuid NOT NULL,
    id_number TEXT NOT NULL,
    from_month TEXT NOT NULL,
    until_month TEXT,
    position bigint NOT NULL,
    PRIMARY KEY (code, person_id, from_month)
);
CREATE INDEX IF NOT EXISTS yibao_staff_person ON yibao_staff (person_id);
