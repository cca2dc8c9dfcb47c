"""Medical benefit payments (E ch.6-7, R ch.4-5): designated institutions, direct settlements, reimbursement claims
(BEN-1..BEN-7)."""
